// regression.hpp — grading the "regression" form (DESIGN.md "Grading
// forms", lesson 09): from a bug report (the exercise's `report`), the
// attendee writes a regression test, then fixes the helper the report is
// about. Two steps, each an existing form, so no new machinery runs:
//
//   (a) does the test reproduce the report? The attendee's test file
//       (`regressionTest`) is built with the hidden reference, the helper
//       fixed, which carries the helper as shipped as its one mutant,
//       twist_test::mutant("as-shipped") (twist_mutant.hpp). It is graded as
//       a mutants exercise (mutants.hpp): every test must pass on the fix
//       (a test that fails there asserts something the report does not
//       claim), and a test must fail, by a failed check, on the helper as
//       shipped (else it does not reproduce the report). The two versions
//       differ only by the reported bug, so a test that tells them apart
//       fails for the reported reason. The as-shipped version comes from the
//       hidden reference, never from the attendee's file, which they edit.
//   (b) does the fix work? Once (a) passes: the attendee's helper, their
//       own regression test and the hidden tests of the fix, graded as a
//       unit exercise.
//
// The build makes the two programs (Course.cmake): target() for (b) and
// target() + "_regression" for (a). Each step's verdict says which step it
// is in words an attendee understands (verdict.cpp); results.json is the
// step's that decided, with (b)'s also listing the as-shipped run.
#pragma once

#include <string>
#include <string_view>

#include "course.hpp"
#include "grader.hpp"
#include "results.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

// The mutant id under which the hidden reference carries the helper as shipped.
inline constexpr std::string_view kAsShipped = "as-shipped";
// What the verdict and results.json call that version.
inline constexpr std::string_view kAsShippedBreaks = "the helper as shipped";

// Step (a) as a mutants exercise: the attendee's test file (and the
// headers among files) on the reference, with the one mutant "as-shipped".
Exercise reproductionStep(const Exercise& regression);
// Step (b) as a unit exercise: every file of the attendee's and the hidden tests.
Exercise fixStep(const Exercise& regression);

// Both steps: (a), then (b) when (a) passes. Called by grade() for a regression exercise.
twist::Deferred<GradeResult> gradeRegression(twist::Reactor& reactor, const Paths& paths, const Course& course,
                                             const Exercise& exercise, GradeOptions options);

// Step (a)'s verdict, after the mutants form's (concludeMutants): the
// as-shipped version must have failed a check of the test, not crashed or
// hung in it; the message says what to do, in the report's terms.
void concludeReproduction(GradeResult& result);

// Whether a regression exercise's result is step (b)'s: it ran the hidden
// tests of the fix (step (a) runs the attendee's tests alone).
bool isFixStep(const GradeResult& result, const Exercise& regression);

}  // namespace twistlings
