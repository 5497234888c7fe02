// Tests for grader.hpp: grade() on a small fake course whose "program" is a
// shell script (it hangs, or writes a listener report and dies of SIGSEGV),
// and the pieces that read a build's output and Ninja's log.
#include "grader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "files.hpp"
#include "react.hpp"
#include "twist_catch.hpp"
#include "verdict.hpp"

using namespace twistlings;
namespace fs = std::filesystem;

namespace {

// A course with one lesson "01-fake" and one exercise "x" in a temporary
// directory, removed at the end; the program is a script written by the test.
struct FakeCourse {
  fs::path root;
  Paths paths;
  Course course;
  Exercise exercise;

  FakeCourse() {
    char pattern[] = "/tmp/twistlings-test-grader.XXXXXX";
    root = ::mkdtemp(pattern);
    fs::create_directories(root / "lessons");
    fs::create_directories(root / "exercises/01-fake");
    fs::create_directories(root / "runner/hidden/01-fake");
    fs::create_directories(root / "build/bin");
    write("exercises/01-fake/x.cpp", "// the attendee's code\n");
    write("runner/hidden/01-fake/test_x.cpp",
          "#include \"twist_catch.hpp\"\n"
          "TEST_CASE(\"first passes\") {}\n"
          "TEST_CASE(\"second fails\") {}\n"
          "TEST_CASE(\"third crashes\") {}\n"
          "TEST_CASE(\"fourth never runs\") {}\n");
    paths.root = root;
    paths.build = root / "build";
    paths.state = root / ".twistlings";
    course = Course::load(root);
    exercise.lesson = "01-fake";
    exercise.name = "x";
    exercise.files = {"x.cpp"};
    exercise.tests = {"test_x.cpp"};
    exercise.hints = {"one", "two", "three"};
  }
  ~FakeCourse() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write(const std::string& relative, const std::string& text) { std::ofstream(root / relative) << text; }
  // The exercise's program: a script that first notes each start in build/starts.
  void program(const std::string& body) {
    fs::path path = paths.program(exercise.target());
    std::ofstream(path) << "#!/bin/sh\necho started >>'" << (root / "build/starts").string() << "'\n" << body;
    fs::permissions(path, fs::perms::owner_all);
  }
  int starts() const {
    std::string text = readFile(root / "build/starts").value_or("");
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  GradeResult grade(GradeOptions options) {
    GradeResult result;
    react([&](twist::Reactor& reactor) -> twist::Deferred<int> {
      result = co_await twistlings::grade(reactor, paths, course, exercise, options);
      co_return 0;
    });
    return result;
  }
};

const term::Painter plain(false);

}  // namespace

TEST_CASE("a program that hangs before its first test is started once and its tests come from the sources") {
  FakeCourse fake;
  fake.program("exec sleep 60\n");  // a static initializer that never returns, as far as the runner can tell
  GradeOptions options;
  options.build = false;
  options.timeoutSeconds = 0.3;
  GradeResult r = fake.grade(options);
  // Listing the tests by running it again would hang again (and start it twice).
  CHECK(fake.starts() == 1);
  CHECK(r.verdict == Verdict::Timeout);
  CHECK_THAT(r.message, twist_catch::Contains("before the first test started"));
  REQUIRE(r.tests.size() == 4);
  CHECK(r.tests[0].name == "first passes");
  CHECK(r.tests[3].name == "fourth never runs");
  for (const auto& t : r.tests) {
    CHECK_FALSE(t.ran);
    CHECK(t.status == "error");
    CHECK(t.message == "did not run: the program hung before its first test");
  }
  CHECK(r.tests[1].line == 3);
  CHECK(r.tests[1].testCode == "TEST_CASE(\"second fails\") {}");
}

TEST_CASE("a crash keeps the failures before it, names the crashed test, and lists the rest as not run") {
  FakeCourse fake;
  // What the listener writes, then the death by SIGSEGV that Catch re-raises.
  std::string file = (fake.root / "runner/hidden/01-fake/test_x.cpp").string();
  fake.program("cat >\"$TWISTLINGS_REPORT\" <<'EOF'\n"
               "{\"event\":\"start\",\"index\":0,\"name\":\"first passes\",\"file\":\"" + file + "\",\"line\":2}\n"
               "{\"event\":\"end\",\"index\":0,\"name\":\"first passes\",\"status\":\"pass\",\"failed\":0,\"failures\":[]}\n"
               "{\"event\":\"start\",\"index\":1,\"name\":\"second fails\",\"file\":\"" + file + "\",\"line\":3}\n"
               "{\"event\":\"end\",\"index\":1,\"name\":\"second fails\",\"status\":\"fail\",\"failed\":1,"
               "\"failures\":[{\"text\":\"CHECK( ticks == 3 )\\n  with expansion: 2 == 3\",\"info\":[]}]}\n"
               "{\"event\":\"start\",\"index\":2,\"name\":\"third crashes\",\"file\":\"" + file + "\",\"line\":4}\n"
               "{\"event\":\"crash\",\"index\":2,\"frames\":[\"10\",\"\",\"20\"]}\n"
               "{\"event\":\"failure\",\"index\":2,\"failure\":{\"text\":\"crashed: SIGSEGV - Segmentation violation signal\","
               "\"info\":[\"a callback that outlives its object\"]}}\n"
               "{\"event\":\"end\",\"index\":2,\"name\":\"third crashes\",\"status\":\"fail\",\"failed\":1,"
               "\"failures\":[{\"text\":\"crashed: SIGSEGV - Segmentation violation signal\","
               "\"info\":[\"a callback that outlives its object\"]}]}\n"
               "EOF\n"
               "kill -SEGV $$\n");
  GradeOptions options;
  options.build = false;
  GradeResult r = fake.grade(options);
  CHECK(fake.starts() == 1);
  CHECK(r.verdict == Verdict::Crash);
  CHECK(r.runningTest == "third crashes");
  CHECK_THAT(r.message, twist_catch::Contains("SIGSEGV"));
  CHECK_THAT(r.message, twist_catch::Contains("in the test \"third crashes\""));
  REQUIRE(r.tests.size() == 4);
  CHECK(r.tests[0].status == "pass");
  CHECK(r.tests[1].status == "fail");
  CHECK_THAT(r.tests[1].message, twist_catch::Contains("with expansion: 2 == 3"));
  CHECK(r.tests[2].status == "error");
  CHECK(r.tests[2].ran);
  CHECK(r.tests[3].name == "fourth never runs");
  CHECK_FALSE(r.tests[3].ran);
  CHECK(r.tests[3].message == "did not run: an earlier test crashed");
  CHECK_FALSE(r.crashSite.has_value());  // a script has no line tables

  VerdictContext c;
  c.root = fake.root;
  std::string text = renderVerdict(r, fake.exercise, c, plain);
  CHECK_THAT(text, twist_catch::Contains("crashed, and 1 test failed before that"));
  CHECK_THAT(text, twist_catch::Contains("First failure: second fails"));
  CHECK_THAT(text, twist_catch::Contains("with expansion: 2 == 3"));
  CHECK_THAT(text, twist_catch::Contains("note: a callback that outlives its object"));
  CHECK(text.find("First failure: second fails") < text.find("killed by SIGSEGV"));
}

TEST_CASE("without the listener's crash line the crashed test is the one Catch ended with its crashed failure") {
  FakeCourse fake;
  std::string file = (fake.root / "runner/hidden/01-fake/test_x.cpp").string();
  fake.program("cat >\"$TWISTLINGS_REPORT\" <<'EOF'\n"
               "{\"event\":\"start\",\"index\":0,\"name\":\"first passes\",\"file\":\"" + file + "\",\"line\":2}\n"
               "{\"event\":\"end\",\"index\":0,\"name\":\"first passes\",\"status\":\"fail\",\"failed\":1,"
               "\"failures\":[{\"text\":\"crashed: SIGSEGV - Segmentation violation signal\",\"info\":[]}]}\n"
               "EOF\n"
               "kill -SEGV $$\n");
  GradeOptions options;
  options.build = false;
  GradeResult r = fake.grade(options);
  CHECK(r.verdict == Verdict::Crash);
  CHECK(r.runningTest == "first passes");
  CHECK_THAT(r.message, twist_catch::Contains("in the test \"first passes\""));
  REQUIRE(r.tests.size() == 4);
  CHECK(r.tests[0].status == "error");
  CHECK_FALSE(r.tests[1].ran);
}

TEST_CASE("a missing exercise file is named with the command that brings it back, before any build") {
  FakeCourse fake;
  fs::remove(fake.root / "exercises/01-fake/x.cpp");
  fake.program("exit 0\n");
  GradeOptions options;  // build = true: without the check first it would say the build is not configured
  GradeResult r = fake.grade(options);
  CHECK(r.verdict == Verdict::Error);
  CHECK(r.message == "exercises/01-fake/x.cpp is missing: `./twistlings reset 01-fake/x` brings back the starter.");
  CHECK(fake.starts() == 0);
}

TEST_CASE("a build's output that says an attendee file is missing is recognised") {
  char pattern[] = "/tmp/twistlings-test-missing.XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  fs::path present = dir / "countdown.hpp";
  std::ofstream(present) << "#pragma once\n";
  fs::path gone = dir / "countdown.cpp";
  std::vector<fs::path> files{present, gone};
  std::string ninja = "ninja: error: '" + gone.string() +
                      "', needed by 'CMakeFiles/exercise.dir/countdown.cpp.o', missing and no known rule to make it\n";
  CHECK(missingFileIn(ninja, files) == std::optional<fs::path>(gone));
  std::string make = "make[2]: *** No rule to make target '" + gone.string() + "', needed by 'x.o'.  Stop.\n";
  CHECK(missingFileIn(make, files) == std::optional<fs::path>(gone));
  CHECK(missingFileIn("x.cpp:1:10: fatal error: countdown.cpp: No such file or directory\n", files) ==
        std::optional<fs::path>(gone));
  // A file that is there is not missing, whatever the output says; nor is an ordinary compile error.
  CHECK_FALSE(missingFileIn("fatal error: countdown.hpp: No such file or directory\n", files).has_value());
  CHECK_FALSE(missingFileIn("countdown.cpp:3:1: error: expected ';'\n", files).has_value());
  fs::remove_all(dir);
}

TEST_CASE("the time of the build that made a program comes from Ninja's log when the file is the one it made") {
  const char* log =
      "# ninja log v5\n"
      "20\t6256\t1796367574472650047\tCMakeFiles/course_pch.dir/cmake_pch.hxx.gch\t6ef5e943ddc04548\n"
      "465287\t465836\t1796368033976640083\tbin/exercise_02-reactor_countdown\t75e0a6cd3e674f16\n"
      "12\t640\t1796368100000000000\tbin/exercise_02-reactor_heartbeat\t1111\n"
      "10\t812\t1796368200000000000\tbin/exercise_02-reactor_countdown\t75e0a6cd3e674f17\n";
  // The last entry is the latest build: 0.812 s from its start to the program.
  CHECK(buildSecondsFromNinjaLog(log, "bin/exercise_02-reactor_countdown", 1796368200000000000LL) ==
        std::optional<double>(0.812));
  // A program changed since (another generator, a copy): the log does not know how it was made.
  CHECK_FALSE(buildSecondsFromNinjaLog(log, "bin/exercise_02-reactor_countdown", 1796368033976640083LL).has_value());
  CHECK_FALSE(buildSecondsFromNinjaLog(log, "bin/exercise_06-protocol_chat", 1).has_value());
  // Version 5 (Ninja 1.11) records the output's mtime: a program written a moment later is not the one it made.
  CHECK_FALSE(buildSecondsFromNinjaLog(log, "bin/exercise_02-reactor_heartbeat", 1796368100000000000LL + 600000000LL)
                  .has_value());
  // Version 6 on (Ninja 1.12) records when the step started: the program was written during the step (0.628 s long).
  std::string v6 = std::string("# ninja log v6\n") + (std::strchr(log, '\n') + 1);
  CHECK(buildSecondsFromNinjaLog(v6, "bin/exercise_02-reactor_heartbeat", 1796368100000000000LL + 600000000LL) ==
        std::optional<double>(0.64));
  CHECK_FALSE(buildSecondsFromNinjaLog(v6, "bin/exercise_02-reactor_heartbeat", 1796368100000000000LL + 900000000LL)
                  .has_value());  // touched after the step
  CHECK_FALSE(buildSecondsFromNinjaLog("", "bin/x", 1).has_value());
}

TEST_CASE("a Ninja build is built by the Ninja its cache names, anything else by cmake --build, both keeping going") {
  char dirTemplate[] = "/tmp/twistlings-buildcmd.XXXXXX";
  REQUIRE(::mkdtemp(dirTemplate) != nullptr);
  fs::path build = dirTemplate;
  fs::path ninja = build / "my-ninja";
  std::ofstream(ninja) << "";
  // A Makefile build (no build.ninja): cmake --build, make's -k.
  std::ofstream(build / "CMakeCache.txt") << "# cache\nCMAKE_MAKE_PROGRAM:FILEPATH=/usr/bin/make\n";
  CHECK(buildCommand(build, {"a", "b"}) ==
        std::vector<std::string>{"cmake", "--build", build.string(), "--target", "a", "b", "--", "-k"});
  // Ninja's: that ninja, directly, with -k 0.
  std::ofstream(build / "build.ninja") << "";
  std::ofstream(build / "CMakeCache.txt") << "# cache\nCMAKE_MAKE_PROGRAM:FILEPATH=" << ninja.string() << "\nX:BOOL=ON\n";
  CHECK(buildCommand(build, {"a"}) == std::vector<std::string>{ninja.string(), "-C", build.string(), "-k", "0", "a"});
  // The ninja the cache names is gone: cmake --build finds one itself.
  fs::remove(ninja);
  CHECK(buildCommand(build, {"a"}) ==
        std::vector<std::string>{"cmake", "--build", build.string(), "--target", "a", "--", "-k", "0"});
  fs::remove_all(build);
}
