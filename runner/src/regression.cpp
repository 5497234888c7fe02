// regression.cpp — see regression.hpp.
#include "regression.hpp"

#include <algorithm>

#include "files.hpp"
#include "mutants.hpp"

namespace twistlings {

Exercise reproductionStep(const Exercise& regression) {
  Exercise step = regression;
  step.kind = "mutants";
  step.targetSuffix = "_regression";
  // The program holds the attendee's test and the reference: of their files,
  // the test and the headers it includes (the helper's .cpp is not in it).
  step.files.clear();
  for (const auto& file : regression.files)
    if (file == regression.regressionTest || fs::path(file).extension() != ".cpp") step.files.push_back(file);
  step.tests.clear();
  step.mutants = {{std::string(kAsShipped), std::string(kAsShippedBreaks)}};
  return step;
}

Exercise fixStep(const Exercise& regression) {
  Exercise step = regression;
  step.kind = "unit";
  step.reference.clear();
  return step;
}

void concludeReproduction(GradeResult& result) {
  if (result.mutants.empty()) return;  // the tests failed on the fix, or never ran: the as-shipped run did not happen
  const MutantOutcome& shipped = result.mutants.front();
  std::string first;
  if (!shipped.caught) {
    first = "A regression test fails where the reporter's code failed: do what the reporter did (the same calls, the"
            " same bytes, cut the same way) and CHECK what they expected to get.";
  } else if (shipped.how != "failed") {
    std::string who = shipped.caughtBy.empty() ? "Your test file" : "Your test \"" + shipped.caughtBy + "\"";
    first = who + " " + shipped.how +
            " on the helper as shipped instead of failing a check: the report is about a wrong result, so CHECK the"
            " result (and REQUIRE a size before reading an element that may not be there).";
  }
  if (first.empty()) return;  // reproduced: concludeMutants' verdict stands (a slow or unclean test fails it)
  // concludeMutants' survivor line speaks of mutants; its lines on slow or unclean tests still hold.
  std::string rest = result.message;
  if (!shipped.caught) {
    size_t end = rest.find('\n');
    rest = end == std::string::npos ? "" : rest.substr(end + 1);
  }
  result.message = rest.empty() ? first : first + "\n" + rest;
  result.verdict = Verdict::Fail;
}

bool isFixStep(const GradeResult& result, const Exercise& regression) {
  return std::any_of(result.tests.begin(), result.tests.end(), [&](const TestOutcome& t) {
    std::string name = fs::path(t.file).filename().string();
    return std::find(regression.tests.begin(), regression.tests.end(), name) != regression.tests.end();
  });
}

twist::Deferred<GradeResult> gradeRegression(twist::Reactor& reactor, const Paths& paths, const Course& course,
                                             const Exercise& exercise, GradeOptions options) {
  Exercise reproduce = reproductionStep(exercise);
  Exercise fix = fixStep(exercise);
  GradeOptions step = options;
  step.writeResults = false;  // one results.json, the deciding step's, written below
  if (options.onProgress) {
    auto onProgress = options.onProgress;
    step.onProgress = [onProgress](const std::string&) { onProgress("your test on the helper as shipped"); };
  }
  // Each step builds its own program, (b)'s only once (a) passes: while the
  // attendee writes the test, an edit compiles it once, not into both
  // programs (measured on lesson 09's records, a loaded 2-core machine: 1.0 s
  // of CPU an edit, against 2.2 s when both were built at once); while they
  // fix the helper, (a)'s build is a no-op.
  GradeResult result = co_await grade(reactor, paths, course, reproduce, step);
  concludeReproduction(result);
  if (result.verdict == Verdict::Pass) {
    if (options.onProgress) options.onProgress("your helper against the tests of the fix");
    step.onProgress = nullptr;
    GradeResult fixed = co_await grade(reactor, paths, course, fix, step);
    // The as-shipped run stays in the result: the verdict and results.json show how the test reproduced.
    fixed.mutants = result.mutants;
    fixed.mutantSeconds = result.mutantSeconds;
    // An edit of the test: (a) compiled it (one object, linked into both
    // programs) and (b) relinked, so the build that made the programs is the
    // two together.
    if (result.programMadeNow && fixed.programMadeNow) {
      fixed.programBuildSeconds = result.buildSeconds + fixed.buildSeconds;
    }
    fixed.buildSeconds += result.buildSeconds;
    result = std::move(fixed);
  }
  result.exerciseId = exercise.id();
  if (options.writeResults) {
    try {
      writeFileAtomically(resultsPath(paths, exercise), resultsJson(result).dump(2) + "\n");
    } catch (const std::exception&) {
      // As grade(): results.json is for tools; the verdict on screen is what matters.
    }
  }
  co_return result;
}

}  // namespace twistlings
