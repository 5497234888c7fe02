// grader.hpp — the grading pipeline for one exercise:
//   check that the attendee's files are there → build its program (CMake,
//   incremental: after an edit only the attendee's file recompiles) → run it
//   in its own process group with a timeout, a memory limit and a cap on
//   captured output → read the listener's report (runner/listener/) → a
//   GradeResult, also written as results.json.
// A "mutants" exercise's program then runs once per mutant (mutants.hpp).
// The program runs once: after a crash or a hang, the tests that never ran
// come from the hidden test sources (hidden_tests.hpp), and a crash's place
// in the attendee's code from the program's line tables (symbolize.hpp).
//
// Everything runs under the caller's reactor: the compiler and the grader are
// child processes (subprocess.hpp), the timeout is a callLater.
//
// Ownership: grade() copies its options; paths, course and exercise are
// borrowed and must outlive the returned Deferred. The child processes belong
// to subprocess.hpp, which kills them if the runner ends first.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "course.hpp"
#include "paths.hpp"
#include "results.hpp"
#include "subprocess.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

struct GradeOptions {
  std::string kind = "exercise";       // or "solution": grade the reference instead
  bool build = true;                   // false: the program is known to be up to date
  bool writeResults = true;            // results.json under .twistlings/results/
  double timeoutSeconds = 0;           // 0: the exercise's timeout_s
  int memoryMegabytes = 2048;          // the grader's address-space limit
  std::function<void(std::string_view)> onBuildOutput;  // the build's output as it comes
  // What the grading is doing, when it takes a while ("against its mutants: 3 of 8").
  std::function<void(const std::string&)> onProgress;
};

struct BuildResult {
  bool ok = false;
  ProcessResult process;
  std::string problem;   // when the build could not even start: what and how to fix it
};

// Builds targets with `cmake --build <build> --target ...` (keep going after a
// failure, so one broken exercise does not hide the others).
twist::Deferred<BuildResult> buildTargets(twist::Reactor& reactor, const Paths& paths,
                                          std::vector<std::string> targets,
                                          std::function<void(std::string_view)> onOutput = {});

twist::Deferred<GradeResult> grade(twist::Reactor& reactor, const Paths& paths, const Course& course,
                                   const Exercise& exercise, GradeOptions options = {});

// Where results.json of an exercise goes.
std::filesystem::path resultsPath(const Paths& paths, const Exercise& exercise);

// Pieces of grade(), apart so that they can be tested.

// The command that builds targets in the build directory `build`: the Ninja
// that CMakeCache.txt names, run directly when the build is Ninja's (it
// regenerates the build itself when CMake's inputs changed, as cmake --build
// would, and saves cmake's own start: 0.05 s of every check); else cmake
// --build. Either way it keeps going after a failure, so every broken target
// reports.
std::vector<std::string> buildCommand(const std::filesystem::path& build, const std::vector<std::string>& targets);

// The one of files that a failed build's output says is missing: Ninja's
// "'…', needed by '…', missing and no known rule to make it", Make's "No rule
// to make target '…'", or the compiler's "…: No such file or directory" (an
// #include of a deleted header) for a file that is indeed gone.
std::optional<std::filesystem::path> missingFileIn(std::string_view buildOutput,
                                                   const std::vector<std::filesystem::path>& files);

// What to tell an attendee whose file is missing (relative to root): how to get the starter back.
std::string missingFileMessage(const std::filesystem::path& root, const std::filesystem::path& file,
                               const Exercise& exercise, std::string_view kind);

// How long the build that last made `output` took, from Ninja's log (the
// text of .ninja_log; output as the log names it, relative to the build
// directory: "bin/exercise_02-reactor_countdown"): from that build's start
// to the end of the step that made it. Only when the log's entry is for the
// file there now (mtimeNanoseconds): the mtime it recorded, or from log
// version 6 (Ninja 1.12), which records when the step started, a time
// within that step.
std::optional<double> buildSecondsFromNinjaLog(std::string_view log, std::string_view output,
                                               long long mtimeNanoseconds);

}  // namespace twistlings
