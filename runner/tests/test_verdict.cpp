// Tests for verdict.hpp: what the attendee reads after a check.
#include "verdict.hpp"

#include "twist_catch.hpp"

using namespace twistlings;

namespace {
Exercise countdown() {
  Exercise e;
  e.lesson = "02-reactor";
  e.name = "countdown";
  e.files = {"countdown.hpp", "countdown.cpp"};
  e.hints = {"one", "two", "three"};
  return e;
}
VerdictContext context() {
  VerdictContext c;
  c.root = "/repo";
  c.nextExercise = "02-reactor/heartbeat";
  return c;
}
const term::Painter plain(false);
}  // namespace

TEST_CASE("a pass says how many tests passed and names the next exercise") {
  GradeResult r;
  r.verdict = Verdict::Pass;
  r.tests = {{"a", "pass", "", "", "", "/repo/t.cpp", 1}, {"b", "pass", "", "", "", "/repo/t.cpp", 2}};
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("✓ 02-reactor/countdown: all 2 tests pass"));
  CHECK_THAT(text, twist_catch::Contains("./twistlings check 02-reactor/heartbeat"));
  VerdictContext last = context();
  last.nextExercise.clear();
  CHECK_THAT(renderVerdict(r, countdown(), last, plain), twist_catch::Contains("./twistlings verify"));
}

TEST_CASE("a fail lists the tests and shows the first failure with its check and location") {
  GradeResult r;
  r.verdict = Verdict::Fail;
  r.tests = {{"ticks in order", "pass", "", "", "", "/repo/runner/hidden/02-reactor/test_countdown.cpp", 10},
             {"abort cancels", "fail", "CHECK( x == 2 )\n  with expansion: 1 == 2", "printed this\n", "",
              "/repo/runner/hidden/02-reactor/test_countdown.cpp", 40},
             {"second failure", "fail", "CHECK( y )", "", "", "/repo/runner/hidden/02-reactor/test_countdown.cpp", 50}};
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("✗ 02-reactor/countdown: 2 of 3 tests fail."));
  CHECK_THAT(text, twist_catch::Contains("✓ ticks in order"));
  CHECK_THAT(text, twist_catch::Contains("First failure: abort cancels"));
  CHECK_THAT(text, twist_catch::Contains("with expansion: 1 == 2"));
  CHECK_THAT(text, twist_catch::Contains("at runner/hidden/02-reactor/test_countdown.cpp:40"));
  CHECK_THAT(text, twist_catch::Contains("It printed:\n    printed this"));
  CHECK_THAT(text, twist_catch::Contains("./twistlings hint 02-reactor/countdown shows hint 1 of 3"));
  CHECK(text.find("CHECK( y )") == std::string::npos);  // only the first failure, unless verbose
  VerdictContext verbose = context();
  verbose.verbose = true;
  CHECK_THAT(renderVerdict(r, countdown(), verbose, plain), twist_catch::Contains("CHECK( y )"));
}

TEST_CASE("after the last hint the verdict points at the solution") {
  GradeResult r;
  r.verdict = Verdict::Fail;
  r.tests = {{"a", "fail", "x", "", "", "", 0}};
  VerdictContext c = context();
  c.hintsShown = 3;
  CHECK_THAT(renderVerdict(r, countdown(), c, plain), twist_catch::Contains("./twistlings solution 02-reactor/countdown"));
}

TEST_CASE("a compile error is shown at the attendee file relative to the repository with the quoted line") {
  GradeResult r;
  r.verdict = Verdict::CompileError;
  CompileDiagnostic d;
  d.file = "/repo/exercises/02-reactor/countdown.cpp";
  d.line = 14;
  d.column = 3;
  d.message = "'x' was not declared in this scope";
  d.source = {"   14 |   x = 1;", "      |   ^"};
  d.origin = "reported in twist/deferred.hpp:343";
  d.inAttendeeFile = true;
  r.compileError = d;
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("does not compile"));
  CHECK_THAT(text, twist_catch::Contains("exercises/02-reactor/countdown.cpp:14:3: error: 'x' was not declared in this scope"));
  CHECK(text.find("/repo/") == std::string::npos);
  CHECK_THAT(text, twist_catch::Contains("   14 |   x = 1;"));
  CHECK_THAT(text, twist_catch::Contains("reported in twist/deferred.hpp:343"));
}

TEST_CASE("a timeout and a crash say so and show what the running test printed") {
  GradeResult r;
  r.verdict = Verdict::Timeout;
  r.message = "the tests were stopped after 10 s. Something probably blocked the loop.";
  r.runningTest = "hangs";
  r.tests = {{"hangs", "error", "", "spinning\n", "", "", 0}};
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("timed out"));
  CHECK_THAT(text, twist_catch::Contains("probably blocked the loop"));
  CHECK_THAT(text, twist_catch::Contains("spinning"));
  r.verdict = Verdict::Crash;
  r.message = "killed by SIGSEGV (segmentation fault)";
  CHECK_THAT(renderVerdict(r, countdown(), context(), plain), twist_catch::Contains("crashed"));
}

TEST_CASE("colour is used only when enabled") {
  GradeResult r;
  r.verdict = Verdict::Pass;
  CHECK(renderVerdict(r, countdown(), context(), plain).find('\x1b') == std::string::npos);
  CHECK(renderVerdict(r, countdown(), context(), term::Painter(true)).find('\x1b') != std::string::npos);
}

TEST_CASE("a crash shows the failures before it as a fail would, then the crash at the attendee's line") {
  GradeResult r;
  r.verdict = Verdict::Crash;
  r.message = "the tests of 02-reactor/countdown crashed: killed by SIGSEGV (segmentation fault), in the test \"c\"";
  r.runningTest = "c";
  r.crashSite = StackFrame{"Countdown::step()", "/repo/exercises/02-reactor/countdown.cpp", 31, "  *nowhere = 1;"};
  TestOutcome a{"a", "pass", "", "", "", "/repo/t.cpp", 1};
  TestOutcome b{"b", "fail", "CHECK( x == 2 )\n  with expansion: 1 == 2", "", "", "/repo/t.cpp", 2};
  TestOutcome c{"c", "error", "CHECK( y )\ncrashed: SIGSEGV - Segmentation violation signal\n  note: the countdown is gone",
                "it printed this\n", "", "/repo/t.cpp", 3};
  TestOutcome d{"d", "error", "did not run: an earlier test crashed", "", "", "/repo/t.cpp", 4};
  d.ran = false;
  r.tests = {a, b, c, d};
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("✗ 02-reactor/countdown: crashed, and 1 test failed before that."));
  CHECK_THAT(text, twist_catch::Contains("  ✓ a\n  ✗ b\n  ✗ c (crashed here)\n  · 1 more test did not run"));
  CHECK_THAT(text, twist_catch::Contains("First failure: b\n  CHECK( x == 2 )\n    with expansion: 1 == 2\n  at t.cpp:2"));
  CHECK_THAT(text, twist_catch::Contains("at exercises/02-reactor/countdown.cpp:31, in Countdown::step()\n"
                                         "     31 |   *nowhere = 1;"));
  // The crashed test's own failures and notes, without Catch's "crashed:" line again.
  CHECK_THAT(text, twist_catch::Contains("The test reported:\n    CHECK( y )\n    note: the countdown is gone"));
  CHECK(text.find("crashed: SIGSEGV") == std::string::npos);
  CHECK_THAT(text, twist_catch::Contains("It printed:\n    it printed this"));
  CHECK(text.find("First failure: b") < text.find("killed by SIGSEGV"));
  CHECK(text.find("· d") == std::string::npos);  // not run: counted, listed only when verbose
  VerdictContext verbose = context();
  verbose.verbose = true;
  CHECK_THAT(renderVerdict(r, countdown(), verbose, plain), twist_catch::Contains("· d (did not run)"));
}

TEST_CASE("a hang before the first test counts every test as not run") {
  GradeResult r;
  r.verdict = Verdict::Timeout;
  r.message = "the tests of 02-reactor/countdown were stopped after 10 s, before the first test started.";
  for (const char* name : {"a", "b"}) {
    TestOutcome t{name, "error", "did not run: the program hung before its first test", "", "", "/repo/t.cpp", 1};
    t.ran = false;
    r.tests.push_back(t);
  }
  std::string text = renderVerdict(r, countdown(), context(), plain);
  CHECK_THAT(text, twist_catch::Contains("✗ 02-reactor/countdown: timed out.\n  · 2 tests did not run"));
  CHECK_THAT(text, twist_catch::Contains("before the first test started"));
  CHECK(text.find("First failure") == std::string::npos);
}

TEST_CASE("a pass shows the time of the build that made the program, or says it was already built") {
  GradeResult r;
  r.verdict = Verdict::Pass;
  r.tests = {{"a", "pass", "", "", "", "/repo/t.cpp", 1}};
  r.buildSeconds = 0.04;  // this check's own build: nothing to do
  r.programBuildSeconds = 0.81;
  r.runSeconds = 0.12;
  CHECK_THAT(renderVerdict(r, countdown(), context(), plain), twist_catch::Contains("(build 0.8 s, tests 0.1 s)"));
  r.programBuildSeconds.reset();
  CHECK_THAT(renderVerdict(r, countdown(), context(), plain), twist_catch::Contains("(already built, tests 0.1 s)"));
}
