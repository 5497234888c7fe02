// mutants.hpp — grading the "mutants" form (DESIGN.md "Grading forms",
// lesson 07): the attendee writes the tests, and the grader proves them on a
// hidden reference implementation that carries its mutants behind
// twist_test::mutant("id") (twist_mutant.hpp). The program is built once;
// grade() (grader.hpp) runs it once on the reference (TWISTLINGS_MUTANT
// empty: every test must pass, and none may take real time or leave a
// reactor dirty), then runMutants() once per mutant with TWISTLINGS_MUTANT
// set to its id: a mutant is caught when a test fails on it, or the run
// crashes or hangs. concludeMutants() gives the verdict: Pass when every
// mutant is caught (and the tests are quick and clean); a survivor is named
// by the behaviour it breaks ("<breaks> passed all your tests"), never by
// its diff.
//
// Two runs at a time (the machine's two cores), each with a timeout much
// shorter than the exercise's: a mutant that makes a test hang is caught
// when the timeout ends its run.
//
// Ownership: runMutants borrows exercise and reportDir's path only until it
// starts; the returned Deferred owns its state.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "course.hpp"
#include "results.hpp"
#include "subprocess.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

// Mutant runs under way at once.
inline constexpr int kMutantRunsAtOnce = 2;

struct MutantRunOptions {
  std::filesystem::path program;        // the exercise's program (the attendee's tests + the reference)
  std::filesystem::path reportPrefix;   // each run's listener report: <prefix>.mutant-<n>.report.jsonl
  double timeoutSeconds = 2;            // per run
  int memoryMegabytes = 2048;
  std::function<void(int done, int total)> onProgress;  // after each run
};

// Runs every mutant of the exercise against the attendee's tests, at most
// kMutantRunsAtOnce at a time; the outcomes in lesson.json's order.
twist::Deferred<std::vector<MutantOutcome>> runMutants(twist::Reactor& reactor, const Exercise& exercise,
                                                       MutantRunOptions options);

// A mutant run's timeout: a few times the reference run's, at least a second
// (a loaded machine), at most the exercise's own timeout.
double mutantTimeout(double referenceSeconds, double exerciseTimeout);

// What one run of a mutant says: caught (a failed test, a crash, a hang) or
// not, and by which test, from the run and its listener report.
MutantOutcome judgeMutantRun(const Exercise::Mutant& mutant, const ProcessResult& run, std::string_view report);

// The verdict of a mutants exercise whose tests passed on the reference and
// whose mutants have run: Pass, or Fail (a survivor, a slow test, a test
// that left a reactor unclean), with `message` saying what to do.
void concludeMutants(GradeResult& result);

// The attendee's tests that make the verdict fail although they pass.
std::vector<const TestOutcome*> slowTests(const GradeResult& result);
std::vector<const TestOutcome*> uncleanTests(const GradeResult& result);

}  // namespace twistlings
