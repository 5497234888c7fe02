// Tests for mutants.hpp and the "mutants" form in grade() and renderVerdict():
// a fake course whose program is a shell script that plays the attendee's
// tests, as the listener would report them, on the reference
// (TWISTLINGS_MUTANT empty) and on each mutant (TWISTLINGS_MUTANT=id).
#include "mutants.hpp"

#include <algorithm>

#include "mutant_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using twistlings::testing::MutantCourse;

TEST_CASE("each mutant that fails a test is caught by that test, and a survivor is named by what it breaks, not its id") {
  MutantCourse m;
  std::string bothPass = m.test(0, "a GET answers the value", 2, MutantCourse::passed()) +
                         m.test(1, "an idle client is closed", 3, MutantCourse::passed());
  m.program({{"", m.report(bothPass)},
             {"wrong-value", m.report(m.test(0, "a GET answers the value", 2,
                                             MutantCourse::failed("CHECK( value == \\\"1\\\" )"))) + "\nexit 1"},
             {"never-times-out", m.report(bothPass)},
             {"crashes-on-get", m.report(m.test(0, "a GET answers the value", 2, "")) + "\nkill -SEGV $$"}});
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  REQUIRE(r.mutants.size() == 3);
  CHECK(r.mutants[0].caught);
  CHECK(r.mutants[0].caughtBy == "a GET answers the value");
  CHECK(r.mutants[0].how == "failed");
  CHECK_FALSE(r.mutants[1].caught);
  CHECK(r.mutants[2].caught);
  CHECK(r.mutants[2].caughtBy == "a GET answers the value");
  CHECK(r.mutants[2].how == "crashed");
  // Once on the reference, once per mutant.
  std::string runs = m.runs();
  CHECK(std::count(runs.begin(), runs.end(), '\n') == 4);

  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("your 2 tests pass on the correct implementation, but 1 of 3 wrong versions pass them too"));
  CHECK_THAT(text, twist_catch::Contains("a version that never times out an idle client passed all your tests"));
  CHECK_THAT(text, twist_catch::Contains("caught: a version that answers GET with the wrong value (your test \"a GET answers the value\" failed)"));
  CHECK_THAT(text, twist_catch::Contains("caught: a version that crashes on GET (your test \"a GET answers the value\" crashed on it)"));
  CHECK(text.find("never-times-out") == std::string::npos);

  nlohmann::json results = resultsJson(r);
  CHECK(results["status"] == "fail");
  REQUIRE(results["mutants"].size() == 3);
  CHECK(results["mutants"][1]["status"] == "survived");
  CHECK(results["mutants"][1]["breaks"] == "a version that never times out an idle client");
  CHECK(results["mutants"][0]["caught_by"] == "a GET answers the value");
}

TEST_CASE("a mutant that makes a test hang is caught when its run's timeout ends it") {
  MutantCourse m;
  m.exercise.mutants.resize(1);
  m.exercise.timeoutSeconds = 0.3;  // caps the mutant's timeout: the hang costs 0.3 s
  m.program({{"", m.report(m.test(0, "a GET answers the value", 2, MutantCourse::passed()))},
             {"wrong-value", m.report(m.test(0, "a GET answers the value", 2, "")) + "\nexec sleep 30"}});
  GradeResult r = m.grade();
  REQUIRE(r.mutants.size() == 1);
  CHECK(r.mutants[0].caught);
  CHECK(r.mutants[0].how == "hung");
  CHECK(r.mutants[0].caughtBy == "a GET answers the value");
  CHECK(r.verdict == Verdict::Pass);
  CHECK_THAT(m.render(r), twist_catch::Contains("your 1 test passes on the correct implementation and catches the 1 wrong version"));
}

TEST_CASE("a test that fails on the correct implementation is named as such, and no mutant runs") {
  MutantCourse m;
  m.program({{"", m.report(m.test(0, "a GET answers the value", 2, MutantCourse::passed()) +
                           m.test(1, "an idle client is closed", 3, MutantCourse::failed("CHECK( closed )"))) +
                      "\nexit 1"}});
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(r.mutants.empty());
  CHECK(m.runs() == "reference\n");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("your test \"an idle client is closed\" fails on the correct implementation"));
  CHECK_THAT(text, twist_catch::Contains("CHECK( closed )"));
  CHECK_THAT(text, twist_catch::Contains("exercises/07-fake/test_kv.cpp:3"));
  CHECK_THAT(text, twist_catch::Contains("check what it expects against the contract in kv.hpp"));
}

TEST_CASE("a test file with no TEST_CASE yet is told to write one, under Catch2 2 or 3") {
  MutantCourse m;
  m.program({{"", "echo 'No tests ran'"}});  // Catch2 2 exits 0 having run nothing; the report stays empty
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(r.tests.empty());
  CHECK(r.mutants.empty());
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("exercises/07-fake/test_kv.cpp has no TEST_CASE yet"));
  CHECK_THAT(text, twist_catch::Contains("each of the 3 wrong versions must fail at least one of your tests"));
  // Catch2 3 says the same with a status of its own.
  m.program({{"", "echo 'No tests ran'\nexit 2"}});
  GradeResult catch3 = m.grade();
  CHECK(catch3.verdict == Verdict::Fail);
  CHECK_THAT(m.render(catch3), twist_catch::Contains("has no TEST_CASE yet"));
}

TEST_CASE("a test that takes real time and one that leaves its reactor unclean fail the verdict though every mutant is caught") {
  MutantCourse m;
  m.exercise.mutants.resize(1);
  std::string unclean = ",\"unclean\":[\"DelayedCalls: (cancelled)\",\"  a call due at t=5.000 s (in 60.000 s)\"]";
  m.program({{"", m.report(m.test(0, "a GET answers the value", 2, MutantCourse::passed(1.04)) +
                           m.test(1, "an idle client is closed", 3, MutantCourse::passed() + unclean))},
             {"wrong-value", "exit 1"}});
  GradeResult r = m.grade();
  REQUIRE(r.mutants.size() == 1);
  CHECK(r.mutants[0].caught);
  CHECK(r.mutants[0].how == "failed");  // its status says so, though no test had started: caught all the same
  CHECK(r.verdict == Verdict::Fail);
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("pass on the correct implementation and catch the 1 wrong version ("));
  CHECK_THAT(text, twist_catch::Contains("s), but:\n"));
  CHECK_THAT(text, twist_catch::Contains("caught: a version that answers GET with the wrong value (its run failed before your first test)"));
  CHECK_THAT(text, twist_catch::Contains("your test \"a GET answers the value\" takes 1.0 s of real time: tests never sleep; advance a twist::Clock"));
  CHECK_THAT(text, twist_catch::Contains("your test \"an idle client is closed\" left its reactor unclean:\n      Reactor was unclean.\n"
                                         "      DelayedCalls: (cancelled)\n        a call due at t=5.000 s (in 60.000 s)"));
  nlohmann::json results = resultsJson(r);
  CHECK(results["tests"][0]["seconds"] == 1.04);
  CHECK(results["tests"][1]["unclean"].size() == 2);
}

TEST_CASE("a mutant run's timeout is a few times the reference run's, at least a second, at most the exercise's") {
  CHECK(mutantTimeout(0.01, 10) == 1.0);
  CHECK(mutantTimeout(0.5, 10) == 2.5);
  CHECK(mutantTimeout(5, 10) == 10);
  CHECK(mutantTimeout(0.01, 0.3) == 0.3);
}
