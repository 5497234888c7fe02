// subprocess.hpp — running a program to its end under the reactor, and
// collecting what it printed: the runner's getProcessOutputAndValue
// (Twisted: twisted.internet.utils), with what grading needs on top — a
// timeout that kills the child's whole process group, a cap on captured
// output, and the signal that killed it.
//
//   // inside a coroutine run by react() (react.hpp):
//   ProcessResult r = co_await getProcessOutputAndValue(reactor, {"c++", "--version"}, {.timeout = 5});
//   // or, from plain code, with a reactor of its own:
//   ProcessResult r = runProcess({"c++", "--version"}, {.timeout = 5});
//
// The child runs in its own process group (twist's spawnProcess), so a
// timeout's SIGKILL reaches the grandchildren too; a Ctrl-C in the terminal
// does not reach it, so every running child is registered (liveChildGroups)
// and a runner interrupted by SIGINT, SIGTERM or SIGHUP kills them before it
// exits (installChildKillingSignalHandlers, called by main).
//
// Ownership: the Deferred owns nothing; the running child's ProcessProtocol is
// owned by the reactor's call queue and freed after processEnded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

struct ProcessOptions {
  std::string cwd;                                   // empty: this process's
  std::map<std::string, std::string> extraEnv;       // added to the inherited environment
  double timeout = 0;                                // seconds; 0: none
  size_t outputCap = 1 << 20;                        // bytes kept of stdout, and of stderr
  bool mergeStderr = false;                          // stderr goes to `out`, in arrival order
  std::function<void(std::string_view)> onOutput;    // every chunk of stdout and stderr, as it comes
};

struct ProcessResult {
  std::vector<std::string> argv;
  std::string out;                   // stdout (and stderr when merged), at most outputCap bytes
  std::string err;
  bool truncated = false;            // some output was dropped at the cap
  std::optional<int> exitCode;       // set when it exited
  std::optional<int> signal;         // set when a signal killed it
  bool timedOut = false;             // we killed it at the timeout
  double seconds = 0;                // wall time
  bool ok() const { return exitCode == 0; }
  // "exit code 2", "killed by SIGSEGV (segmentation fault)", "killed after the 10 s timeout".
  std::string describeEnd() const;
};

// Starts argv[0] (looked up in PATH). Fails the Deferred with
// twist::ProcessSpawnError when the program cannot be started.
twist::Deferred<ProcessResult> getProcessOutputAndValue(twist::Reactor& reactor, std::vector<std::string> argv,
                                                        ProcessOptions options = {});

// A fresh reactor, one program, its result: the simplest use.
ProcessResult runProcess(std::vector<std::string> argv, ProcessOptions options = {});

// "SIGSEGV (segmentation fault)" for 11.
std::string signalDescription(int signal);

// SIGINT, SIGTERM and SIGHUP kill the process groups of the children still
// running, then end the runner as the signal would have.
void installChildKillingSignalHandlers();

// Kills the process groups of the children still running (react() calls it
// when its reactor stops: a child left behind would never be timed out).
void killLiveChildren();

}  // namespace twistlings
