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
// does not reach it, so every running child is registered, and a runner
// interrupted by SIGINT, SIGTERM or SIGHUP stops them before it exits
// (installChildKillingSignalHandlers, called by main), then prints one line:
// "interrupted: the build of 02-reactor/countdown was stopped; nothing was lost".
//
// How a child is stopped depends on what it is. A build tool (cmake, ninja,
// make) is asked first, with SIGINT to its group, as a Ctrl-C in its own
// terminal would: ninja then stops its compilers and removes the outputs they
// had half written, so the next build starts from a clean tree. Only if its
// group has not ended after kGentleStopSeconds is it killed. Anything else (a
// test program) has nothing to clean up and is killed at once. A second
// Ctrl-C while the runner waits kills everything at once.
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

// Seconds a build tool has, after SIGINT, to end before it is killed.
inline constexpr double kGentleStopSeconds = 5;

// SIGINT, SIGTERM and SIGHUP stop the children still running (gently for
// build tools, see above), print one line saying what was interrupted, then
// end the runner as the signal would have. The handler does the stopping
// itself, with async-signal-safe calls only: a runner on its way out must not
// depend on its loop turning again.
void installChildKillingSignalHandlers();

// Stops the children still running, as an interruption does, and waits (at
// most kGentleStopSeconds) for the build tools among them to finish cleaning
// up. react() calls it when its reactor stops: a child left behind would never
// be timed out (watch's q in the middle of a build).
void stopLiveChildren();

// Frees what getProcessOutputAndValue keeps for processes that never reported
// their end (those stopLiveChildren stopped). Only once the reactor that ran
// them is destroyed: react() calls it then.
void releaseUnfinishedProcesses();

// What the runner is working on, for the line an interruption prints:
// "02-reactor/countdown" gives "the build of 02-reactor/countdown was
// stopped" or "the tests of ... were stopped"; empty: nothing named. Set by a
// BuildTurn (build_lock.hpp) for as long as it lasts.
void setInterruptSubject(std::string_view subject);

// A descriptor that build tools started from now on inherit (-1: none). Every
// descriptor the runner opens is close-on-exec; this one, the build lock's, is
// let through to builds only, so that a build orphaned by a runner killed with
// SIGKILL holds the lock until it ends (build_lock.hpp).
void setDescriptorForBuildTools(int fd);

// True for the programs stopped gently: cmake, ninja, make (by the name of argv[0]).
bool isBuildTool(std::string_view program);

}  // namespace twistlings
