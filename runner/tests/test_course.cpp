// Tests for course.hpp: reading lesson.json and resolving ids.
#include "course.hpp"

#include <unistd.h>

#include <fstream>

#include "twist_catch.hpp"

using namespace twistlings;

namespace {

#define MINUTES R"("minutes":{"talk":5,"hands_on":15})"

// A course in a temporary directory, removed afterwards.
struct TempCourse {
  fs::path root = fs::temp_directory_path() / ("twistlings-course-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
  TempCourse() { fs::create_directories(root / "lessons"); }
  ~TempCourse() { fs::remove_all(root); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void lesson(const std::string& id, const std::string& json) {
    fs::create_directories(root / "lessons" / id);
    std::ofstream(root / "lessons" / id / "lesson.json") << json;
  }
  void exercises(const std::string& id, const std::string& names) {
    std::string list;
    std::string rest = names;
    size_t at;
    while (!rest.empty()) {
      at = rest.find(',');
      std::string name = rest.substr(0, at);
      rest = at == std::string::npos ? "" : rest.substr(at + 1);
      if (!list.empty()) list += ",";
      list += R"({"name":")" + name + R"(","files":[")" + name + R"(.cpp"],"tests":["test_)" + name +
              R"(.cpp"],"timeout_s":10,"hints":["a","b","c"]})";
    }
    lesson(id, R"({"id":")" + id + R"(","title":"T )" + id + R"(","minutes":{"talk":5,"hands_on":15},"exercises":[)" + list + "]}");
  }
};

std::string errorOf(const fs::path& root) {
  try {
    Course::load(root);
  } catch (const CourseError& e) {
    return e.what();
  }
  return "";
}

std::string usageErrorOf(const Course& course, const std::string& id) {
  try {
    course.resolve(id);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the course reads every lesson in id order with its exercises") {
  TempCourse t;
  t.exercises("04-deferreds", "lookup,gather");
  t.exercises("02-reactor", "countdown");
  t.lesson("00-intro", R"({"id":"00-intro","title":"Intro","minutes":{"talk":6,"hands_on":4},"exercises":[]})");
  Course course = Course::load(t.root);
  REQUIRE(course.lessons().size() == 3);
  CHECK(course.lessons()[0].id == "00-intro");
  CHECK(course.lessons()[1].id == "02-reactor");
  CHECK(course.lessons()[2].minutes() == 20);
  CHECK(course.lessons()[0].talkMinutes == 6);
  CHECK(course.lessons()[0].handsOnMinutes == 4);
  auto all = course.exercises();
  REQUIRE(all.size() == 3);
  CHECK(all[0]->id() == "02-reactor/countdown");
  CHECK(all[1]->id() == "04-deferreds/lookup");
  CHECK(all[2]->target("solution") == "solution_04-deferreds_gather");
  CHECK(all[1]->hints.size() == 3);
  CHECK(course.exerciseDir(*all[1]) == t.root / "exercises" / "04-deferreds");
}

TEST_CASE("resolve takes an exercise id, a lesson id, a lesson number or a unique exercise name") {
  TempCourse t;
  t.exercises("02-reactor", "countdown,heartbeat");
  t.exercises("04-deferreds", "lookup");
  Course course = Course::load(t.root);
  CHECK(course.resolve("02-reactor/heartbeat").at(0)->name == "heartbeat");
  CHECK(course.resolve("02-reactor").size() == 2);
  CHECK(course.resolve("02-reactor/").size() == 2);
  CHECK(course.resolve("04").at(0)->id() == "04-deferreds/lookup");
  CHECK(course.resolve("4").at(0)->id() == "04-deferreds/lookup");
  CHECK(course.resolve("lookup").at(0)->id() == "04-deferreds/lookup");
}

TEST_CASE("an unknown id is refused with the list of exercise ids") {
  TempCourse t;
  t.exercises("02-reactor", "countdown");
  t.exercises("04-deferreds", "countdown");
  Course course = Course::load(t.root);
  std::string unknown = usageErrorOf(course, "nope");
  CHECK_THAT(unknown, twist_catch::Contains("no lesson or exercise is called 'nope'"));
  CHECK_THAT(unknown, twist_catch::Contains("02-reactor/countdown"));
  CHECK_THAT(usageErrorOf(course, "countdown"), twist_catch::Contains("more than one lesson"));
}

TEST_CASE("a broken lesson json is refused with the file and the field") {
  TempCourse t;
  t.lesson("02-reactor", R"({"id":"02-reactor","title":"x","exercises":[]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("02-reactor/lesson.json: field 'minutes' is missing"));
  t.lesson("02-reactor", R"({"id":"02-reactor","title":"x","minutes":20,"exercises":[]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'minutes' must be an object like"));
  t.lesson("02-reactor", R"({"id":"02-reactor","title":"x","minutes":{"talk":5,"hands_on":"ten"},"exercises":[]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'minutes.hands_on' must be a whole number"));
  t.lesson("02-reactor", R"({"id":"03-other","title":"x",)" MINUTES R"(,"exercises":[]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'id' is '03-other', but the folder is '02-reactor'"));
  t.lesson("02-reactor", R"({"id":"02-reactor","title":"x",)" MINUTES R"(,"exercises":[{"name":"a","files":["a.cpp"],"tests":["t.cpp"],"timeout_s":10,"hints":["one","two"]}]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.hints' must hold 3 tiered hints, not 2"));
  t.lesson("02-reactor", R"({"id":"02-reactor","title":"x",)" MINUTES R"(,"exercises":[{"name":"a","files":["a.cpp"],"tests":["t.cpp"],"timeout_s":10,"stretch":"yes","hints":["1","2","3"]}]})");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.stretch' must be true or false"));
  t.lesson("02-reactor", R"({"id":"02-reactor",)");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("02-reactor/lesson.json: not valid JSON"));
}

TEST_CASE("a number too large for a double in a lesson json or the plan is refused as not valid JSON") {
  // Found by fuzz_lesson: nlohmann_json throws out_of_range for it, not parse_error.
  const std::string huge = "1e99999";
  CHECK_THROWS_WITH(parseLesson(R"({"id":"02-reactor","timeout_s":)" + huge + "}", "lessons/02-reactor/lesson.json"),
                    twist_catch::Contains("lessons/02-reactor/lesson.json: not valid JSON") &&
                        twist_catch::Contains("number overflow"));
  CHECK_THROWS_AS(parsePlan("[" + huge + "]", "lessons/course.json"), CourseError);
}

TEST_CASE("an exercise is graded as unit tests unless its kind says program, and an unknown kind is refused") {
  TempCourse t;
  auto exercise = [](const std::string& name, const std::string& kind) {
    return R"({"name":")" + name + R"(",)" + kind + R"("files":["a.cpp"],"tests":["t.cpp"],"timeout_s":10,"hints":["1","2","3"]})";
  };
  t.lesson("01-install", R"({"id":"01-install","title":"x",)" MINUTES R"(,"exercises":[)" + exercise("hello", R"("kind":"program",)") +
                             "," + exercise("plain", "") + "]}");
  Course course = Course::load(t.root);
  REQUIRE(course.exercises().size() == 2);
  CHECK(course.exercises()[0]->kind == "program");
  CHECK(course.exercises()[1]->kind == "unit");
  t.lesson("01-install", R"({"id":"01-install","title":"x",)" MINUTES R"(,"exercises":[)" + exercise("a", R"("kind":"script",)") + "]}");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.kind' is 'script', but the kinds are 'unit'"));
  t.lesson("01-install", R"({"id":"01-install","title":"x",)" MINUTES R"(,"exercises":[)" + exercise("a", R"("kind":1,)") + "]}");
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.kind' must be a string"));
}

TEST_CASE("a mutants exercise is read with its reference and mutants, and a broken one is refused naming the field") {
  TempCourse t;
  auto lessonWith = [](const std::string& fields) {
    return R"({"id":"07-testing","title":"x",)" MINUTES R"(,"exercises":[{"name":"kv","kind":"mutants",)"
           R"("files":["kv.hpp","test_kv.cpp"],"timeout_s":10,"hints":["1","2","3"])" + fields + "}]}";
  };
  const std::string mutants = R"(,"mutants":[{"id":"never-times-out","breaks":"a version that never times out"},)"
                              R"({"id":"drops-2","breaks":"a version that drops a split line"}])";
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"])" + mutants));
  Course course = Course::load(t.root);
  REQUIRE(course.exercises().size() == 1);
  const Exercise& kv = *course.exercises()[0];
  CHECK(kv.kind == "mutants");
  CHECK(kv.tests.empty());
  CHECK(kv.reference == std::vector<std::string>{"kv.cpp"});
  REQUIRE(kv.mutants.size() == 2);
  CHECK(kv.mutants[1].id == "drops-2");
  CHECK(kv.mutants[0].breaks == "a version that never times out");

  t.lesson("07-testing", lessonWith(mutants));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.reference' is missing"));
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"],"mutants":[])"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.mutants' must not be empty"));
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"],"mutants":[{"id":"No Spaces","breaks":"x"}])"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.mutants.0.id' is 'No Spaces', but an id holds only"));
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"],"mutants":[{"id":"a","breaks":"x"},{"id":"a","breaks":"y"}])"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.mutants.1.id' is 'a', which an earlier mutant has"));
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"],"mutants":[{"id":"a"}])"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.mutants.0.breaks' is missing"));
  t.lesson("07-testing", lessonWith(R"(,"reference":["kv.cpp"],"mutants":[{"id":"a","breaks":""}])"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'exercises.0.mutants.0.breaks' must not be empty"));
}

TEST_CASE("a lesson's demo is read with its smoke run, and a broken one is refused naming the field") {
  TempCourse t;
  auto lesson = [](const std::string& demo) {
    return R"({"id":"06-protocol","title":"x",)" MINUTES R"(,"demo":)" + demo + R"(,"exercises":[]})";
  };
  t.lesson("06-protocol", lesson(R"({"program":"chat_server","args":["tcp:8123"],"predict":"Who?",)"
                                 R"("smoke_args":["tcp:0"],"smoke_seconds":1})"));
  Course course = Course::load(t.root);
  REQUIRE(course.lessons().size() == 1);
  REQUIRE(course.lessons()[0].demo);
  const Demo& demo = *course.lessons()[0].demo;
  CHECK(demo.program == "chat_server");
  CHECK(demo.args == std::vector<std::string>{"tcp:8123"});
  CHECK(demo.predict == "Who?");
  REQUIRE(demo.smokeArgs);
  CHECK(*demo.smokeArgs == std::vector<std::string>{"tcp:0"});
  CHECK(demo.smokeSeconds == 1);
  t.lesson("06-protocol", lesson(R"({"program":"hello","predict":"What?"})"));
  Course plain = Course::load(t.root);
  CHECK(plain.lessons()[0].demo->args.empty());
  CHECK_FALSE(plain.lessons()[0].demo->smokeArgs);
  t.lesson("06-protocol", lesson(R"({"program":"hello"})"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'demo.predict' is missing"));
  t.lesson("06-protocol", lesson(R"({"program":"build/bin/hello","predict":"?"})"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'demo.program' must name a program of the build"));
  t.lesson("06-protocol", lesson(R"({"program":"hello","predict":"?","smoke_seconds":600})"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'demo.smoke_seconds' must be more than 0 and at most 20"));
  t.lesson("06-protocol", lesson(R"({"program":"hello","predict":"?","args":"--quick"})"));
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("field 'demo.args' must be a list"));
}

TEST_CASE("the plan orders the lessons and knows the ones not written yet") {
  TempCourse t;
  t.exercises("04-deferreds", "lookup");
  t.exercises("02-reactor", "countdown");
  std::ofstream(t.root / "lessons" / "course.json") << R"({"minutes":180,"lessons":[
    {"id":"04-deferreds","title":"T 04-deferreds","minutes":{"talk":9,"hands_on":16}},
    {"id":"03-callbacks","title":"Callbacks","minutes":{"talk":6,"hands_on":9}},
    {"id":"02-reactor","title":"T 02-reactor","minutes":{"talk":7,"hands_on":13}}]})";
  Course course = Course::load(t.root);
  REQUIRE(course.plan().size() == 3);
  REQUIRE(course.lessons().size() == 2);
  CHECK(course.lessons()[0].id == "04-deferreds");  // the plan's order, not the ids'
  CHECK(course.plan()[1].id == "03-callbacks");
  CHECK(course.plan()[1].written == nullptr);
  CHECK(course.plan()[1].minutes() == 15);
  REQUIRE(course.plan()[2].written != nullptr);
  CHECK(course.plan()[2].written->id == "02-reactor");
  CHECK(course.plannedMinutes() == 25 + 15 + 20);
  std::ofstream(t.root / "lessons" / "course.json") << R"({"lessons":[{"id":"02-reactor","title":"x","minutes":7}]})";
  CHECK_THAT(errorOf(t.root), twist_catch::Contains("course.json: field 'lessons.0.minutes' must be an object like"));
}
