// course.hpp — the course as the runner sees it: the lessons, read from each
// lessons/NN-topic/lesson.json (the same manifests CMake reads), and where an
// exercise's files, solution, hidden tests and programs are.
//
// Exercise ids are "<lesson>/<exercise>" ("06-protocol/chat"). resolve()
// also takes a lesson id (all its exercises) and an exercise name alone when
// only one lesson has it.
//
// Ownership: a Course is a plain value; Exercise pointers it hands out stay
// valid as long as the Course does.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace twistlings {

namespace fs = std::filesystem;

// A lesson.json that cannot be read or misses a field: the message names the file and the field.
struct CourseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A request the course cannot satisfy (an unknown id): exit code 2, with the valid ids.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Exercise {
  std::string lesson;               // "06-protocol"
  std::string name;                 // "chat"
  std::vector<std::string> files;   // the attendee's files, in exercises/<lesson>/
  std::vector<std::string> tests;   // hidden test files, in runner/hidden/<lesson>/
  double timeoutSeconds = 10;
  std::vector<std::string> hints;   // tiered: the first is the gentlest

  std::string id() const { return lesson + "/" + name; }
  // The build's program names: exercise_06-protocol_chat, solution_06-protocol_chat.
  std::string target(std::string_view kind = "exercise") const {
    return std::string(kind) + "_" + lesson + "_" + name;
  }
};

struct Lesson {
  std::string id;       // "06-protocol"
  std::string title;
  int minutes = 0;
  std::vector<Exercise> exercises;
};

class Course {
 public:
  // Reads every lessons/*/lesson.json under root, in the order of their ids.
  // Throws CourseError naming the file and the field for a broken manifest.
  static Course load(const fs::path& root);

  const fs::path& root() const { return root_; }
  const std::vector<Lesson>& lessons() const { return lessons_; }
  const Lesson* lesson(std::string_view id) const;
  // Every exercise, in course order.
  std::vector<const Exercise*> exercises() const;
  const Exercise* find(std::string_view exerciseId) const;
  // An exercise id, a lesson id, or an exercise name; throws UsageError listing the ids.
  std::vector<const Exercise*> resolve(std::string_view id) const;

  fs::path lessonText(const Lesson& lesson) const { return root_ / "lessons" / lesson.id / "README.md"; }
  fs::path exerciseDir(const Exercise& e) const { return root_ / "exercises" / e.lesson; }
  fs::path solutionDir(const Exercise& e) const { return root_ / "solutions" / e.lesson; }
  fs::path hiddenDir(const Exercise& e) const { return root_ / "runner" / "hidden" / e.lesson; }
  // The attendee's files of e, as paths.
  std::vector<fs::path> exerciseFiles(const Exercise& e) const;

 private:
  fs::path root_;
  std::vector<Lesson> lessons_;
};

// Reads one manifest (exposed for tests). Throws CourseError.
Lesson readLesson(const fs::path& manifest);

}  // namespace twistlings
