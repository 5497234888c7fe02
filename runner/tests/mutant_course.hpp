// mutant_course.hpp — a fake course for the tests of the forms whose
// attendee writes tests (test_mutants.cpp, test_regression.cpp): its
// programs are shell scripts that play the attendee's tests, as the listener
// would report them, on the reference (TWISTLINGS_MUTANT empty) and on each
// mutant (TWISTLINGS_MUTANT=id). Removed when it goes out of scope.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "files.hpp"
#include "grader.hpp"
#include "react.hpp"
#include "verdict.hpp"

namespace twistlings::testing {

namespace fs = std::filesystem;

// Lesson "07-fake", exercise "kv": the attendee's test_kv.cpp holds two
// tests; the reference carries three mutants.
struct MutantCourse {
  fs::path root;
  Paths paths;
  Course course;
  Exercise exercise;
  std::string testFile;

  MutantCourse() {
    char pattern[] = "/tmp/twistlings-test-mutants.XXXXXX";
    root = ::mkdtemp(pattern);
    fs::create_directories(root / "lessons");
    fs::create_directories(root / "exercises/07-fake");
    fs::create_directories(root / "build/bin");
    testFile = (root / "exercises/07-fake/test_kv.cpp").string();
    std::ofstream(root / "exercises/07-fake/kv.hpp") << "// the contract\n";
    std::ofstream(testFile) << "#include \"kv.hpp\"\n"
                               "TEST_CASE(\"a GET answers the value\") {}\n"
                               "TEST_CASE(\"an idle client is closed\") {}\n";
    paths.root = root;
    paths.build = root / "build";
    paths.state = root / ".twistlings";
    course = Course::load(root);
    exercise.lesson = "07-fake";
    exercise.name = "kv";
    exercise.kind = "mutants";
    exercise.files = {"kv.hpp", "test_kv.cpp"};
    exercise.reference = {"kv.cpp"};
    exercise.mutants = {{"wrong-value", "a version that answers GET with the wrong value"},
                        {"never-times-out", "a version that never times out an idle client"},
                        {"crashes-on-get", "a version that crashes on GET"}};
    exercise.hints = {"one", "two", "three"};
    exercise.timeoutSeconds = 5;
  }
  ~MutantCourse() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  // The listener's lines for one test: its start, and (unless `end` is empty) its end.
  // (In `file`, when given: by default the attendee's test file.)
  std::string test(int index, const std::string& name, int line, const std::string& end,
                   const std::string& file = "") const {
    std::string lines = "{\"event\":\"start\",\"index\":" + std::to_string(index) + ",\"name\":\"" + name +
                        "\",\"file\":\"" + (file.empty() ? testFile : file) + "\",\"line\":" + std::to_string(line) + "}\n";
    if (!end.empty()) lines += "{\"event\":\"end\",\"index\":" + std::to_string(index) + ",\"name\":\"" + name + "\"," + end + "}\n";
    return lines;
  }
  static std::string passed(double seconds = 0.001) {
    return "\"status\":\"pass\",\"failed\":0,\"failures\":[],\"seconds\":" + std::to_string(seconds);
  }
  static std::string failed(const std::string& text) {
    return "\"status\":\"fail\",\"failed\":1,\"failures\":[{\"text\":\"" + text + "\",\"info\":[]}],\"seconds\":0.001";
  }

  // The program: for each value of TWISTLINGS_MUTANT ("" the reference), the
  // report it writes, then what it does (exit N, kill itself, hang).
  // `target`: which program, by default the exercise's.
  void program(const std::vector<std::pair<std::string, std::string>>& cases, const std::string& target = "") {
    fs::path path = paths.program(target.empty() ? exercise.target() : target);
    std::ofstream script(path);
    script << "#!/bin/sh\necho \"${TWISTLINGS_MUTANT:-reference}\" >>'" << (root / "build/runs").string() << "'\n"
           << "case \"$TWISTLINGS_MUTANT\" in\n";
    for (const auto& [mutant, body] : cases) script << "'" << mutant << "')\n" << body << "\n;;\n";
    script << "esac\nexit 0\n";
    script.close();
    fs::permissions(path, fs::perms::owner_all);
  }
  std::string report(const std::string& lines) const { return "cat >\"$TWISTLINGS_REPORT\" <<'EOF'\n" + lines + "EOF"; }
  std::string runs() const { return readFile(root / "build/runs").value_or(""); }

  GradeResult grade() {
    GradeOptions options;
    options.build = false;
    GradeResult result;
    react([&](twist::Reactor& reactor) -> twist::Deferred<int> {
      result = co_await twistlings::grade(reactor, paths, course, exercise, options);
      co_return 0;
    });
    return result;
  }
  std::string render(const GradeResult& r) const {
    VerdictContext c;
    c.root = root;
    return renderVerdict(r, exercise, c, term::Painter(false));
  }
};

}  // namespace twistlings::testing
