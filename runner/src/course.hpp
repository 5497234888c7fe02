// course.hpp — the course as the runner sees it: the plan of the ten lessons
// (lessons/course.json), the lessons written so far, read from each
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
#include <optional>
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
  bool stretch = false;             // for the fast half of the room: off the core path
  // How it is graded (DESIGN.md "Grading forms"): "unit", the default (the
  // hidden tests are linked with the attendee's files), "program" (the
  // attendee writes a whole main(); the hidden tests run that program, built
  // as target("exercise") + "_program", as a child process), or "mutants"
  // (the attendee writes the tests, among files; they are linked with the
  // hidden reference implementation, `reference`, and must pass on it and
  // fail on each of `mutants`; `tests` is then empty), or "regression"
  // (regression.hpp: from a bug report, the attendee writes a test that must
  // fail on the helper as shipped and pass on the fix, then fixes the helper;
  // `tests` are the hidden tests of the fix, `reference` the hidden fixed
  // helper, which carries the helper as shipped as its mutant "as-shipped").
  std::string kind = "unit";
  // A mutants exercise: its reference's files, in runner/hidden/<lesson>/,
  // and the mutants the reference carries (twist_mutant.hpp).
  std::vector<std::string> reference;
  struct Mutant {
    std::string id;       // what TWISTLINGS_MUTANT selects: "never-times-out"
    std::string breaks;   // "a version that never times out an idle client"
  };
  std::vector<Mutant> mutants;
  // A regression exercise: the bug report (in exercises/<lesson>/, not one
  // of files: it is read, never edited) and which of files is the
  // attendee's regression test (the others are the helper).
  std::string report;           // "REPORT.md"
  std::string regressionTest;   // "test_records.cpp"
  // Which of an exercise's programs target() names: "" the exercise's own,
  // "_regression" a regression exercise's second one (its test on the
  // hidden reference; regression.hpp).
  std::string targetSuffix;

  std::string id() const { return lesson + "/" + name; }
  // The build's program names: exercise_06-protocol_chat, solution_06-protocol_chat.
  std::string target(std::string_view kind = "exercise") const {
    return std::string(kind) + "_" + lesson + "_" + name + targetSuffix;
  }
};

// A lesson's live demo (lesson.json "demo"): a program built with the course
// (a twist example, or lessons/NN-topic/demo/NAME.cpp), its arguments, and
// the question to ask the room before it runs (COURSE.md, rule 6).
struct Demo {
  std::string program;                 // the build's target and bin/ name: "chat_server"
  std::vector<std::string> args;
  std::string predict;
  // The short, non-interactive run ctest makes (twistlings demo NN --smoke):
  // these arguments instead of args, when given; and for a demo that serves
  // until stopped, the seconds after which it is sent SIGTERM (0: it must end
  // by itself). Either way it must exit 0.
  std::optional<std::vector<std::string>> smokeArgs;
  double smokeSeconds = 0;
};

struct Lesson {
  std::string id;       // "06-protocol"
  std::string title;
  std::optional<Demo> demo;
  int talkMinutes = 0;      // the instructor's talk: slides and the live demo
  int handsOnMinutes = 0;   // the attendees' time on the exercises
  std::vector<Exercise> exercises;

  int minutes() const { return talkMinutes + handsOnMinutes; }
};

// One line of the course's plan (lessons/course.json): a lesson of the
// workshop, written or not yet. `written` points into the Course's lessons.
struct PlannedLesson {
  std::string id;
  std::string title;
  int talkMinutes = 0;
  int handsOnMinutes = 0;
  const Lesson* written = nullptr;

  int minutes() const { return talkMinutes + handsOnMinutes; }
};

class Course {
 public:
  // Reads the plan, lessons/course.json, and every lessons/*/lesson.json under
  // root, in the plan's order (lessons the plan does not list come last, by id;
  // the course's own checks refuse those). Without a plan file, the written
  // lessons are the plan. Throws CourseError naming the file and the field for
  // a broken manifest or plan.
  static Course load(const fs::path& root);

  const fs::path& root() const { return root_; }
  // The written lessons, in the plan's order.
  const std::vector<Lesson>& lessons() const { return lessons_; }
  // Every lesson of the workshop, written or planned, in order.
  const std::vector<PlannedLesson>& plan() const { return plan_; }
  // What the whole workshop takes, by the plan (180 minutes when all is planned).
  int plannedMinutes() const;
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
  std::vector<PlannedLesson> plan_;
};

// Reads one manifest (exposed for tests). Throws CourseError.
Lesson readLesson(const fs::path& manifest);
// Reads the plan, lessons/course.json (exposed for tests). Throws CourseError.
std::vector<PlannedLesson> readPlan(const fs::path& planFile);
// The same two from text already read (the fuzz targets'): `manifest` and
// `planFile` name the text in errors, and the manifest's folder is the id
// the lesson must have. Throw CourseError, and nothing else, for any text.
Lesson parseLesson(std::string_view text, const fs::path& manifest);
std::vector<PlannedLesson> parsePlan(std::string_view text, const fs::path& planFile);

}  // namespace twistlings
