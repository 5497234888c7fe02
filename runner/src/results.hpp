// results.hpp — what a grading run found, and its file in exercism's
// results.json version 3 shape (.twistlings/results/<lesson>/<exercise>.json):
//
//   { "version": 3, "status": "fail",            // pass | fail | error
//     "message": null,                           // the error, when status is "error"
//     "tests": [ { "name": "...", "status": "fail", "message": "...",
//                  "output": "...", "test_code": "..." }, ... ] }
//
// A "mutants" exercise adds, after the attendee's tests (which ran on the
// reference), "mutants": [ { "breaks": "...", "status": "caught" | "survived",
// "caught_by": "<test name>" } ], and its tests "seconds" and "unclean" (the
// lines of a reactor they left dirty) when those make the verdict fail.
//
// Tests come in file order (the manifest's order of test files, then line).
// A test's output is what it printed, capped at 500 characters.
// TestOutcome and GradeResult are plain values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compile_errors.hpp"

namespace twistlings {

constexpr size_t kTestOutputCap = 500;
// A test of the attendee's (a "mutants" exercise) that takes this much wall
// time or more is reported, and fails the verdict: tests never sleep, they
// advance a twist::Clock. Twisted's own tests run in milliseconds each.
constexpr double kSlowTestSeconds = 0.5;

struct TestOutcome {
  std::string name;
  std::string status;      // "pass", "fail" or "error" (crashed, timed out, did not run)
  std::string message;     // what failed: the check, expected against actual
  std::string output;      // what the test printed, capped
  std::string testCode;    // the TEST_CASE's source
  std::string file;        // the hidden test file
  int line = 0;
  bool ran = true;         // false: an earlier test crashed or hung, so it never started
  double seconds = 0;      // its wall time, as the listener measured it
  // What the twist::Reactors it destroyed left behind (delayed calls, open
  // ports and connections), one line each in twist::cleanReactor's words;
  // empty for a clean test.
  std::vector<std::string> unclean{};
};

// One mutant of a "mutants" exercise, run against the attendee's tests.
struct MutantOutcome {
  std::string id;          // for the course's checks; the verdict names a mutant by `breaks` only
  std::string breaks;      // "a version that never times out an idle client"
  bool caught = false;     // at least one test failed on it (a crash or a hang counts)
  std::string caughtBy;    // the first of the attendee's tests that failed on it; may be empty
  std::string how;         // "failed", "crashed", "hung": what that test did
  double seconds = 0;      // the run's wall time
};

// A place in the source: a crash site, or one frame of a stack.
struct StackFrame {
  std::string function;    // "Countdown::start(int)", demangled; may be empty
  std::string file;        // as the debug information or the sanitizer names it (absolute, usually)
  int line = 0;
  std::string text;        // that line of the file, when it could be read
};

enum class Verdict { Pass, Fail, CompileError, Crash, Timeout, Error };

struct GradeResult {
  std::string exerciseId;
  Verdict verdict = Verdict::Error;
  std::string message;                          // for CompileError, Crash, Timeout, Error
  std::optional<CompileDiagnostic> compileError;
  std::vector<TestOutcome> tests;
  std::string runningTest;                      // the test cut short by a crash or the timeout
  std::optional<StackFrame> crashSite;          // where it crashed, when that is in the attendee's files
  std::string output;                           // the grader's whole output, capped (for --verbose)
  double buildSeconds = 0;                      // this grading's own build (a no-op when already built)
  // How long the build that made the program took: this grading's, or an
  // earlier one (./twistlings builds the exercises before it starts the
  // runner), read from Ninja's log. Unset when not known: "already built".
  std::optional<double> programBuildSeconds;
  bool programMadeNow = false;                  // this grading's own build made the program
  double runSeconds = 0;
  // A "mutants" exercise, once its tests pass on the reference: each mutant's
  // run, in lesson.json's order, and the time of all of them together.
  std::vector<MutantOutcome> mutants;
  double mutantSeconds = 0;

  std::string status() const;                   // "pass", "fail", "error"
  int failed() const;                           // tests not passing
};

// Reads the listener's report (JSON lines) and the grader's stdout (with its
// markers) into tests, in the order they ran. A test with a start and no end
// was cut short: status "error".
std::vector<TestOutcome> parseReport(std::string_view reportLines, std::string_view stdoutWithMarkers);

// The listener's "crash" line: which test (its index, in the order tests ran)
// and the stack, as offsets in the program ("" for a frame in a shared
// library), innermost first. Unset when the report has none.
struct CrashReport {
  int index = -1;
  std::vector<std::string> frames;
};
std::optional<CrashReport> readCrash(std::string_view reportLines);

// Caps text at `cap` characters (on a UTF-8 boundary), saying how much was dropped.
std::string capText(std::string_view text, size_t cap);

// The results.json v3 document.
nlohmann::json resultsJson(const GradeResult& result);

}  // namespace twistlings
