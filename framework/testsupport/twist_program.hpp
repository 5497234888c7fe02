// twist_program.hpp — running a whole program as a child process, for the
// hidden tests of "program" exercises (lesson.json "kind": "program", DESIGN.md
// "Grading forms") and for any test that checks a built program from outside.
//
//   twist_test::ProgramRun run = twist_test::runProgram(TWISTLINGS_PROGRAM, {"0.3"}, 3.0);
//   INFO("the program " << run.describe());          // "exited with status 0", ...
//   REQUIRE_FALSE(run.timedOut);
//   CHECK(run.exitCode == 0);
//   CHECK(run.out == "hello\n");
//
// The contract:
// - The program runs with the given arguments (argv[0] is its path), stdin
//   reading /dev/null, stdout and stderr each on a pipe of its own, the
//   caller's environment, every signal at its default disposition and none
//   blocked. runProgram returns when it has ended; it never throws for what the
//   program did (a crash, a hang, a status other than 0 are all results).
// - It runs in a process group of its own. At the timeout, that whole group is
//   killed (SIGKILL: a SIGTERM would let a twist reactor stop gracefully and
//   exit 0, hiding the hang), and timedOut is set. Once the program has ended,
//   whatever it left behind in its group is killed too. On Linux the program
//   is also killed if the calling process dies first (PR_SET_PDEATHSIG), so a
//   grader stopped by the runner's own timeout leaves nothing running.
// - Output is bounded: at most outputCap bytes of each stream are kept (the
//   rest is read and dropped, so the program never blocks on a full pipe), and
//   outCut / errCut say so.
// - seconds is the wall time from the start to the end of the program (to
//   its kill, after a timeout), on a monotonic clock.
// - A program that cannot be started (no such file, not executable) gives
//   started() == false and the reason in startError.
// Threads: runProgram blocks the caller. Several threads may each run one at
// once (lesson 01's hidden tests do): the child calls only async-signal-safe
// functions between fork and exec, so no lock another thread holds matters,
// and every pipe it makes closes on exec, so one child never holds another's.
// PR_SET_PDEATHSIG follows the calling thread: it must outlive the run, as a
// thread that waits for it does.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace twist_test {

struct ProgramRun {
  std::string out;               // stdout, at most outputCap bytes
  std::string err;               // stderr, at most outputCap bytes
  bool outCut = false;           // stdout went past outputCap: the rest was dropped
  bool errCut = false;           // the same for stderr
  std::optional<int> exitCode;   // set when it exited (0..255)
  std::optional<int> signal;     // set when a signal ended it (SIGKILL after a timeout)
  bool timedOut = false;         // still running at the timeout: its process group was killed
  double seconds = 0;            // wall time, start to end
  double timeoutSeconds = 0;     // the timeout it ran under
  std::string startError;        // why it could not be started; empty when it was

  bool started() const { return startError.empty(); }
  // Exited by itself with this status (not killed, not timed out).
  bool exitedWith(int code) const { return !timedOut && exitCode == code; }
  // How it ended, to follow "the program ": "exited with status 0", "was
  // killed by SIGSEGV (segmentation fault)", "was still running after 3 s, so
  // it was killed", "could not be started: ... (No such file or directory)".
  std::string describe() const;
  // What a sanitizer said when it stopped the program (a sanitized build turns
  // a null store or a use-after-free into a report and exit status 1, not a
  // signal): its first line, from "runtime error:" or "ERROR:" on. Empty when
  // stderr holds no such report.
  std::string sanitizerReport() const;
  // "none", the signal that ended it, or the sanitizer's report: a crash is
  // one of these, whichever way the program was built.
  std::string crash() const;
};

// Runs `path` with `args` (see the contract above) and waits for it, at most
// timeoutSeconds (> 0).
ProgramRun runProgram(const std::string& path, const std::vector<std::string>& args = {},
                      double timeoutSeconds = 5.0, std::size_t outputCap = 64 * 1024);

// "SIGSEGV (segmentation fault)" for SIGSEGV; "signal 42" for one it does not know.
std::string signalName(int signal);

}  // namespace twist_test
