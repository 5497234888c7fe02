// temp_course.hpp — a course in a temporary directory for the runner's tests:
// lessons with core and stretch exercises, the attendee's files, and a
// Context over it (no git, no build). Removed when it goes out of scope.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace twistlings::testing {

namespace fs = std::filesystem;

struct ExerciseSpec {
  std::string name;
  bool stretch = false;
};

class TempCourse {
 public:
  TempCourse() { fs::create_directories(root / "lessons"); }
  ~TempCourse() { fs::remove_all(root); }
  TempCourse(const TempCourse&) = delete;
  TempCourse& operator=(const TempCourse&) = delete;

  // A lesson with its exercises, each with one file, <name>.cpp, holding "starter".
  void lesson(const std::string& id, const std::vector<ExerciseSpec>& exercises, int talk = 5, int handsOn = 15) {
    std::string list;
    for (const ExerciseSpec& e : exercises) {
      if (!list.empty()) list += ",";
      list += R"({"name":")" + e.name + R"(","files":[")" + e.name + R"(.cpp"],"tests":["test_)" + e.name +
              R"(.cpp"],"timeout_s":10,"hints":["a","b","c"])" + (e.stretch ? R"(,"stretch":true})" : "}");
      write("exercises/" + id + "/" + e.name + ".cpp", "starter\n");
    }
    fs::create_directories(root / "lessons" / id);
    std::ofstream(root / "lessons" / id / "lesson.json")
        << R"({"id":")" + id + R"(","title":"T )" + id + R"(","minutes":{"talk":)" + std::to_string(talk) +
               R"(,"hands_on":)" + std::to_string(handsOn) + R"(},"exercises":[)" + list + "]}";
  }

  void write(const std::string& relative, const std::string& text) {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << text;
  }

  // A Context over the course as written so far, with the progress in .twistlings/.
  Context context() const {
    Context c;
    c.paths.root = root;
    c.paths.build = root / "build";
    c.paths.state = root / ".twistlings";
    c.course = Course::load(root);
    c.progress = Progress::load(c.paths.state);
    return c;
  }

  const fs::path root = fs::temp_directory_path() / ("twistlings-tempcourse-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter()++));

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// What f prints on stdout (a command's output), through a temporary file.
template <class F>
std::string stdoutOf(F f) {
  std::fflush(stdout);
  char path[] = "/tmp/twistlings-stdout-XXXXXX";
  int file = ::mkstemp(path);
  int saved = ::dup(1);
  ::dup2(file, 1);
  f();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  ::close(file);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  return text.str();
}

// A grading's result with only its verdict, for Context::record.
inline GradeResult gradedAs(Verdict verdict) {
  GradeResult r;
  r.verdict = verdict;
  return r;
}

}  // namespace twistlings::testing
