// grader.hpp — the grading pipeline for one exercise:
//   build its program (CMake, incremental: after an edit only the attendee's
//   file recompiles) → run it in its own process group with a timeout, a
//   memory limit and a cap on captured output → read the listener's report
//   (runner/listener/) → a GradeResult, also written as results.json.
//
// Everything runs under the caller's reactor: the compiler and the grader are
// child processes (subprocess.hpp), the timeout is a callLater.
//
// Ownership: grade() copies its options; paths, course and exercise are
// borrowed and must outlive the returned Deferred. The child processes belong
// to subprocess.hpp, which kills them if the runner ends first.
#pragma once

#include <functional>
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

}  // namespace twistlings
