// Tests for show.hpp: the lesson header, and a missing lesson text.
#include "show.hpp"

#include <unistd.h>

#include <fstream>

#include "twist_catch.hpp"

using namespace twistlings;

namespace {
Lesson reactorLesson() {
  Lesson lesson;
  lesson.id = "02-reactor";
  lesson.title = "The reactor";
  lesson.talkMinutes = 7;
  lesson.handsOnMinutes = 13;
  Exercise e;
  e.lesson = lesson.id;
  e.name = "countdown";
  lesson.exercises.push_back(e);
  return lesson;
}
}  // namespace

TEST_CASE("the lesson header names the lesson, its minutes, its exercises and the command to check them") {
  std::string header = lessonHeader(reactorLesson(), 100, false);
  CHECK_THAT(header, twist_catch::Contains("02-reactor"));
  CHECK_THAT(header, twist_catch::Contains("The reactor"));
  CHECK_THAT(header, twist_catch::Contains("20 min"));
  CHECK_THAT(header, twist_catch::Contains("countdown"));
  CHECK_THAT(header, twist_catch::Contains("./twistlings check 02-reactor/countdown"));
  CHECK(header.find('\x1b') == std::string::npos);
}

TEST_CASE("the lesson header says talk and hands-on, and names stretch exercises apart from the core ones") {
  Lesson lesson = reactorLesson();
  Exercise timeout = lesson.exercises.front();
  timeout.name = "timeout";
  timeout.stretch = true;
  lesson.exercises.insert(lesson.exercises.begin(), timeout);  // even listed first, it is not where to start
  std::string header = lessonHeader(lesson, 200, false);
  CHECK_THAT(header, twist_catch::Contains("7 talk, 13 hands-on"));
  CHECK_THAT(header, twist_catch::Contains("exercise: countdown"));
  CHECK_THAT(header, twist_catch::Contains("stretch: timeout"));
  CHECK_THAT(header, twist_catch::Contains("check: ./twistlings check 02-reactor/countdown"));
}

TEST_CASE("showing a lesson whose text is missing exits 2 instead of printing nothing") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("twistlings-show-" + std::to_string(::getpid()));
  fs::create_directories(root / "lessons" / "02-reactor");
  std::ofstream(root / "lessons" / "02-reactor" / "lesson.json")
      << R"({"id":"02-reactor","title":"The reactor","minutes":{"talk":7,"hands_on":13},"exercises":[]})";
  Course course = Course::load(root);
  CHECK(showLesson(course, course.lessons().front()) == 2);
  fs::remove_all(root);
}
