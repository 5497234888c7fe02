// program_run.hpp — what lesson 01's hidden tests share. Its exercises are
// programs (lesson.json "kind": "program"): the attendee's whole program is
// built on its own, and these tests run it as a child process
// (twist_program.hpp), by the path the build gives in TWISTLINGS_PROGRAM, and
// check what it printed, its exit status and its timing.
#pragma once

#include <cstdio>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "twist_catch.hpp"
#include "twist_program.hpp"

namespace lesson01 {

// A program that has not ended after this long is killed: its reactor was never stopped.
inline constexpr double kTimeoutSeconds = 3.0;

// The argument lists a test file will ask runOnce for, which it may name
// (test_delay.cpp does): the first runOnce starts them all at once, each in
// a thread of its own, so that the 0.3 s run does not wait for the quick
// ones, nor they for it, and a hang in several costs one timeout in all.
inline std::vector<std::vector<std::string>>& plannedRuns() {
  static std::vector<std::vector<std::string>> planned;
  return planned;
}

// Runs the program with these arguments once: every test that asks again gets
// the same run, so one hang costs one timeout, not one per test. After a run
// that hung, later runs that were not planned (other arguments) get 1 s,
// which is still five times what a correct one needs, so the tests end well
// before the grader's timeout.
inline const twist_test::ProgramRun& runOnce(const std::vector<std::string>& args = {}) {
  static std::map<std::vector<std::string>, std::shared_future<twist_test::ProgramRun>> runs;
  static bool started = false;
  static bool hung = false;
  if (!started) {
    started = true;
    // runProgram may run in several threads: its child only calls
    // async-signal-safe functions before exec, and its pipes close on exec.
    for (const auto& planned : plannedRuns()) {
      runs.emplace(planned, std::async(std::launch::async, [planned] {
                              return twist_test::runProgram(TWISTLINGS_PROGRAM, planned, kTimeoutSeconds);
                            }).share());
    }
  }
  auto it = runs.find(args);
  if (it == runs.end()) {
    std::promise<twist_test::ProgramRun> done;
    done.set_value(twist_test::runProgram(TWISTLINGS_PROGRAM, args, hung ? 1.0 : kTimeoutSeconds));
    it = runs.emplace(args, done.get_future().share()).first;
  }
  const twist_test::ProgramRun& run = it->second.get();
  hung = hung || run.timedOut;
  return run;
}

// Text as a C++ string literal writes it ("Hello\n"), cut after 200 characters.
inline std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < 200; ++i) {
    char c = text[i];
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + (text.size() > 200 ? "\"..." : "\"");
}

// The run in one sentence, for the INFO of every test.
inline std::string whatHappened(const twist_test::ProgramRun& run) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", run.seconds);
  std::string when = run.timedOut ? "" : std::string(" after ") + seconds + " s";
  return "the program " + run.describe() + when + "; it printed " + quoted(run.out) + " on stdout and " +
         quoted(run.err) + " on stderr";
}

// The program started and ended by itself; a test that judges what it did
// needs both. A program still running at the timeout loses what it had not
// flushed yet, so its output says nothing.
inline void requireEnded(const twist_test::ProgramRun& run) {
  INFO(whatHappened(run));
  {
    INFO("the program could not be started: ./twistlings builds it (or cmake --build build --target "
         "exercise_01-install_<name>_program)");
    REQUIRE(run.started());
  }
  INFO("the reactor was never stopped: reactor.run() returns only once reactor.stop() has been called. Call it "
       "inside the function you gave callLater, after printing (scheduling after run() is too late: run() does not "
       "return before stop()). What a killed program printed is lost with it: stdout into a pipe is written out "
       "at exit");
  REQUIRE_FALSE(run.timedOut);
}

}  // namespace lesson01
