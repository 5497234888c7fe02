// Tests for results.hpp: reading the listener's report, and results.json v3.
#include "results.hpp"

#include "twist_catch.hpp"

using namespace twistlings;

namespace {
const char* kReport =
    R"({"event":"start","index":0,"name":"first passes","file":"/h/test_x.cpp","line":10}
{"event":"end","index":0,"name":"first passes","status":"pass","assertions":2,"failed":0,"failures":[]}
{"event":"start","index":1,"name":"second fails","file":"/h/test_x.cpp","line":20}
{"event":"failure","index":1,"failure":{"file":"/h/test_x.cpp","line":22,"text":"CHECK( a == 2 )\n  with expansion: 1 == 2","info":["a is the count"]}}
{"event":"end","index":1,"name":"second fails","status":"fail","assertions":3,"failed":5,"failures":[{"file":"/h/test_x.cpp","line":22,"text":"CHECK( a == 2 )\n  with expansion: 1 == 2","info":["a is the count"]}]}
{"event":"start","index":2,"name":"third crashes","file":"/h/test_x.cpp","line":30}
{"event":"failure","index":2,"failure":{"file":"/h/test_x.cpp","line":31,"text":"crashed: SIGSEGV","info":[]}}
{"event":"end","ind)";
}  // namespace

TEST_CASE("the report gives each test its status and a failure its expected and actual values") {
  auto tests = parseReport(kReport, "");
  REQUIRE(tests.size() == 3);
  CHECK(tests[0].name == "first passes");
  CHECK(tests[0].status == "pass");
  CHECK(tests[0].message.empty());
  CHECK(tests[1].status == "fail");
  CHECK_THAT(tests[1].message, twist_catch::Contains("with expansion: 1 == 2"));
  CHECK_THAT(tests[1].message, twist_catch::Contains("note: a is the count"));
  CHECK_THAT(tests[1].message, twist_catch::Contains("(and 4 more failed checks)"));
  CHECK(tests[1].file == "/h/test_x.cpp");
  CHECK(tests[1].line == 20);
}

TEST_CASE("a test with a start and no end was cut short and keeps the failure it reported") {
  auto tests = parseReport(kReport, "");
  REQUIRE(tests.size() == 3);
  CHECK(tests[2].status == "error");
  CHECK(tests[2].message == "crashed: SIGSEGV");
}

TEST_CASE("stdout is split at the markers so each test gets what it printed") {
  std::string out = std::string("before\x1etwistlings-test 0\x1e") + "one\n" + "\x1etwistlings-test 1\x1e" + "two\nlines\n" +
                    "\x1etwistlings-test 2\x1e";
  auto tests = parseReport(kReport, out);
  REQUIRE(tests.size() == 3);
  CHECK(tests[0].output == "one\n");
  CHECK(tests[1].output == "two\nlines\n");
  CHECK(tests[2].output.empty());
}

TEST_CASE("a test output is capped at 500 characters and says how much was dropped") {
  std::string out = std::string("\x1etwistlings-test 0\x1e") + std::string(2000, 'x');
  auto tests = parseReport(kReport, out);
  REQUIRE_FALSE(tests.empty());
  CHECK(tests[0].output.substr(0, 500) == std::string(500, 'x'));
  CHECK_THAT(tests[0].output, twist_catch::Contains("1500 more bytes not shown"));
  CHECK(tests[0].output.size() < 560);
}

TEST_CASE("capText never cuts a UTF-8 character in half") {
  std::string text = "ab\xc3\xa9" "cd";  // a b é c d
  std::string capped = capText(text, 3);
  CHECK(capped.substr(0, 2) == "ab");
  CHECK(capped[2] == '\n');
  CHECK(capText("short", 500) == "short");
}

TEST_CASE("results json has version 3 and a null message unless the status is error") {
  GradeResult r;
  r.verdict = Verdict::Fail;
  r.tests = {{"a", "pass", "", "", "TEST_CASE(a) {}", "f", 1}, {"b", "fail", "CHECK( x )", std::string(900, 'o'), "code", "f", 2}};
  auto doc = resultsJson(r);
  CHECK(doc["version"] == 3);
  CHECK(doc["status"] == "fail");
  CHECK(doc["message"].is_null());
  REQUIRE(doc["tests"].size() == 2);
  CHECK(doc["tests"][0]["name"] == "a");
  CHECK(doc["tests"][0]["status"] == "pass");
  CHECK(doc["tests"][0]["message"].is_null());
  CHECK(doc["tests"][0]["test_code"] == "TEST_CASE(a) {}");
  CHECK_FALSE(doc["tests"][0].contains("output"));
  CHECK(doc["tests"][1]["message"] == "CHECK( x )");
  CHECK(doc["tests"][1]["output"].get<std::string>().size() < 560);

  r.verdict = Verdict::Pass;
  CHECK(resultsJson(r)["status"] == "pass");
}

TEST_CASE("results json of a compile error has status error and the message names file and line") {
  GradeResult r;
  r.verdict = Verdict::CompileError;
  CompileDiagnostic d;
  d.file = "/repo/exercises/02-reactor/countdown.cpp";
  d.line = 14;
  d.column = 3;
  d.message = "'x' was not declared in this scope";
  r.compileError = d;
  auto doc = resultsJson(r);
  CHECK(doc["status"] == "error");
  CHECK(doc["message"] == "/repo/exercises/02-reactor/countdown.cpp:14:3: error: 'x' was not declared in this scope");
  CHECK(doc["tests"].empty());

  r.verdict = Verdict::Timeout;
  r.compileError.reset();
  r.message = "stopped after 10 s";
  CHECK(resultsJson(r)["status"] == "error");
  CHECK(resultsJson(r)["message"] == "stopped after 10 s");
}

TEST_CASE("the listener's crash line gives the crashed test's index and the program's frames") {
  std::string report = std::string(kReport) +
                       "\n{\"event\":\"crash\",\"index\":2,\"frames\":[\"1a2b\",\"\",\"4c0\"]}\n";
  auto crash = readCrash(report);
  REQUIRE(crash.has_value());
  CHECK(crash->index == 2);
  CHECK(crash->frames == std::vector<std::string>{"1a2b", "", "4c0"});
  CHECK_FALSE(readCrash(kReport).has_value());
  CHECK_FALSE(readCrash("{\"event\":\"crash\",\"ind").has_value());  // cut short: no crash rather than a wrong one
}

TEST_CASE("results json of a crash names where it happened") {
  GradeResult r;
  r.verdict = Verdict::Crash;
  r.message = "crashed: killed by SIGSEGV";
  r.crashSite = StackFrame{"Countdown::start(int)", "/repo/exercises/02-reactor/countdown.cpp", 31, "  *p = 1;"};
  CHECK(resultsJson(r)["message"] == "crashed: killed by SIGSEGV\n(at /repo/exercises/02-reactor/countdown.cpp:31)");
}
