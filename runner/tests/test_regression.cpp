// Tests for regression.hpp and the "regression" form in grade() and
// renderVerdict(): the fake course of mutant_course.hpp, its exercise made a
// regression one. Its two programs are shell scripts: the attendee's test on
// the reference ("" the fix, "as-shipped" the helper as shipped), then the
// attendee's helper with the hidden tests of the fix.
#include "regression.hpp"

#include "mutant_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using twistlings::testing::MutantCourse;

namespace {

// Exercise "kv" as a regression one: the helper kv.cpp, the attendee's
// regression test test_kv.cpp, the hidden tests of the fix test_kv_fix.cpp.
struct RegressionCourse : MutantCourse {
  std::string fixTests = (root / "runner/hidden/07-fake/test_kv_fix.cpp").string();

  RegressionCourse() {
    std::ofstream(root / "exercises/07-fake/kv.cpp") << "// the helper, as shipped\n";
    exercise.kind = "regression";
    exercise.files = {"kv.hpp", "kv.cpp", "test_kv.cpp"};
    exercise.report = "REPORT.md";
    exercise.regressionTest = "test_kv.cpp";
    exercise.reference = {"kv_fixed.cpp"};
    exercise.tests = {"test_kv_fix.cpp"};
    exercise.mutants.clear();
  }
  // Step (a)'s program: "" is the fix, "as-shipped" the helper as shipped.
  void reproduction(const std::string& onFix, const std::string& asShipped) {
    program({{"", onFix}, {"as-shipped", asShipped}}, exercise.target() + "_regression");
  }
  // Step (b)'s program.
  void fix(const std::string& run) { program({{"", run}}); }
  std::string reproducing() const { return report(test(0, "alice and bob come apart", 2, passed())); }
};

}  // namespace

TEST_CASE("a regression exercise is graded as a mutants exercise whose one mutant is the helper as shipped, then as a unit one") {
  RegressionCourse m;
  Exercise reproduce = reproductionStep(m.exercise);
  CHECK(reproduce.kind == "mutants");
  CHECK(reproduce.target() == "exercise_07-fake_kv_regression");
  CHECK(reproduce.files == std::vector<std::string>{"kv.hpp", "test_kv.cpp"});  // not the attendee's helper
  REQUIRE(reproduce.mutants.size() == 1);
  CHECK(reproduce.mutants[0].id == "as-shipped");
  CHECK(reproduce.id() == "07-fake/kv");
  Exercise fix = fixStep(m.exercise);
  CHECK(fix.kind == "unit");
  CHECK(fix.target() == "exercise_07-fake_kv");
  CHECK(fix.files == m.exercise.files);
  CHECK(fix.tests == std::vector<std::string>{"test_kv_fix.cpp"});
}

TEST_CASE("a test that passes on the helper as shipped does not reproduce the report, and the fix is not graded yet") {
  RegressionCourse m;
  m.reproduction(m.reproducing(), m.reproducing());
  m.fix("exit 99");
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(m.runs() == "reference\nas-shipped\n");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("your test passes on the helper as shipped: it does not reproduce the report"));
  CHECK_THAT(text, twist_catch::Contains("do what the reporter did"));
  CHECK(text.find("mutant") == std::string::npos);
  CHECK(text.find("wrong version") == std::string::npos);
}

TEST_CASE("a test that fails on the fixed helper asserts something the report does not claim, and never runs on the one as shipped") {
  RegressionCourse m;
  m.reproduction(m.report(m.test(0, "records keep their delimiter", 4, MutantCourse::failed("CHECK( r == x )"))) +
                     "\nexit 1",
                 "exit 0");
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(m.runs() == "reference\n");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("your test \"records keep their delimiter\" fails on the fixed helper too: "
                                         "it asserts something the report does not claim"));
  CHECK_THAT(text, twist_catch::Contains("CHECK( r == x )"));
  CHECK_THAT(text, twist_catch::Contains("exercises/07-fake/test_kv.cpp:4"));
  CHECK_THAT(text, twist_catch::Contains("what exercises/07-fake/REPORT.md says should happen"));
}

TEST_CASE("tests that pass on the fixed helper in a program that then fails are not called wrong") {
  RegressionCourse m;
  m.reproduction(m.reproducing() + "\nexit 3", "exit 0");
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(m.runs() == "reference\n");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("your tests pass on the fixed helper, but the program did not end cleanly"));
  CHECK(text.find("does not claim") == std::string::npos);
}

TEST_CASE("a test that crashes on the helper as shipped is told to fail a check there instead") {
  RegressionCourse m;
  m.reproduction(m.reproducing(), m.report(m.test(0, "alice and bob come apart", 2, "")) + "\nkill -SEGV $$");
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  REQUIRE(r.mutants.size() == 1);
  CHECK(r.mutants[0].how == "crashed");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("Your test \"alice and bob come apart\" crashed on the helper as shipped instead of failing a check"));
}

TEST_CASE("once the test reproduces the report, the verdict is the hidden tests' on the attendee's helper") {
  RegressionCourse m;
  m.reproduction(m.reproducing(), m.report(m.test(0, "alice and bob come apart", 2, MutantCourse::failed("CHECK( r == x )"))) +
                                      "\nexit 1");
  m.fix(m.report(m.test(0, "a cut anywhere gives the same records", 30, MutantCourse::failed("CHECK( cut == whole )"),
                        m.fixTests) +
                 m.test(1, "alice and bob come apart", 2, MutantCourse::passed())) +
        "\nexit 1");
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Fail);
  CHECK(isFixStep(r, m.exercise));
  REQUIRE(r.mutants.size() == 1);  // the as-shipped run, kept for the verdict and results.json
  CHECK(r.mutants[0].caughtBy == "alice and bob come apart");
  std::string text = m.render(r);
  CHECK_THAT(text, twist_catch::Contains("the report is reproduced (your test \"alice and bob come apart\" fails on the helper"
                                         " as shipped and passes on the fix)"));
  CHECK_THAT(text, twist_catch::Contains("Now the fix: 1 of 2 tests fail on your kv.cpp"));
  CHECK_THAT(text, twist_catch::Contains("First failure: a cut anywhere gives the same records"));
  nlohmann::json results = nlohmann::json::parse(readFile(resultsPath(m.paths, m.exercise)).value_or("{}"));
  CHECK(results["status"] == "fail");
  CHECK(results["mutants"][0]["breaks"] == "the helper as shipped");
  CHECK(results["mutants"][0]["status"] == "caught");
}

TEST_CASE("a test that reproduces the report and a helper that passes the hidden tests pass, naming both steps") {
  RegressionCourse m;
  m.reproduction(m.reproducing(), "exit 1");
  m.fix(m.report(m.test(0, "a cut anywhere gives the same records", 30, MutantCourse::passed(), m.fixTests)));
  GradeResult r = m.grade();
  CHECK(r.verdict == Verdict::Pass);
  CHECK_THAT(m.render(r), twist_catch::Contains("✓ 07-fake/kv: your test fails on the helper as shipped and passes on the fix,"
                                                " and your fixed helper passes all 1 tests"));
}

TEST_CASE("a regression exercise's manifest names its report, its regression test among its files, and its reference") {
  RegressionCourse m;
  auto write = [&](const std::string& regressionTest) {
    fs::create_directories(m.root / "lessons/09-fake");
    std::ofstream(m.root / "lessons/09-fake/lesson.json")
        << R"({"id":"09-fake","title":"t","minutes":{"talk":1,"hands_on":1},"exercises":[{"name":"kv",)"
        << R"("kind":"regression","report":"REPORT.md","regression_test":")" << regressionTest
        << R"(","files":["kv.hpp","kv.cpp","test_kv.cpp"],"reference":["kv_fixed.cpp"],"tests":["test_kv_fix.cpp"],)"
        << R"("timeout_s":5,"hints":["a","b","c"]}]})";
    return m.root / "lessons/09-fake/lesson.json";
  };
  Lesson lesson = readLesson(write("test_kv.cpp"));
  REQUIRE(lesson.exercises.size() == 1);
  const Exercise& e = lesson.exercises[0];
  CHECK(e.kind == "regression");
  CHECK(e.report == "REPORT.md");
  CHECK(e.regressionTest == "test_kv.cpp");
  CHECK(e.reference == std::vector<std::string>{"kv_fixed.cpp"});
  CHECK(e.tests == std::vector<std::string>{"test_kv_fix.cpp"});
  CHECK_THROWS_WITH(readLesson(write("test_other.cpp")),
                    twist_catch::Contains("field 'exercises.0.regression_test' is 'test_other.cpp', but it must be one of"));
  CHECK_THROWS_WITH(readLesson(write("kv.hpp")), twist_catch::Contains("must be one of the exercise's .cpp files"));
}
