// course.cpp — see course.hpp. CMake checks the manifests more strictly when
// it configures (cmake/CourseManifest.cmake); the runner checks what it uses,
// with the same kind of message: the file, the field, what is wrong.
#include "course.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "files.hpp"

namespace twistlings {

namespace {

using nlohmann::json;

[[noreturn]] void broken(const fs::path& manifest, const std::string& field, const std::string& what) {
  throw CourseError(manifest.string() + ": field '" + field + "' " + what);
}

const json& member(const fs::path& manifest, const json& object, const std::string& path, const char* key,
                   json::value_t type, const char* typeName) {
  std::string field = path.empty() ? key : path + "." + key;
  auto it = object.find(key);
  if (it == object.end()) broken(manifest, field, "is missing");
  bool ok = it->type() == type || (type == json::value_t::number_float && it->is_number()) ||
            (type == json::value_t::number_integer && it->is_number_integer());
  if (!ok) broken(manifest, field, std::string("must be ") + typeName);
  return *it;
}

std::vector<std::string> strings(const fs::path& manifest, const json& list, const std::string& field) {
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get<std::string>().empty())
      broken(manifest, field + "." + std::to_string(i), "must be a non-empty string");
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

// "mutants": [ { "id": "never-times-out", "breaks": "a version that ..." } ]:
// not empty, ids of a-z, 0-9 and '-' and unique, each with what it breaks.
std::vector<Exercise::Mutant> readMutants(const fs::path& manifest, const json& list, const std::string& field) {
  if (list.empty()) broken(manifest, field, "must not be empty: a mutants exercise needs at least one mutant");
  std::vector<Exercise::Mutant> mutants;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = field + "." + std::to_string(i);
    if (!list[i].is_object()) broken(manifest, at, "must be an object like { \"id\": \"...\", \"breaks\": \"...\" }");
    Exercise::Mutant m;
    m.id = member(manifest, list[i], at, "id", json::value_t::string, "a string").get<std::string>();
    m.breaks = member(manifest, list[i], at, "breaks", json::value_t::string, "a string").get<std::string>();
    bool wellFormed = !m.id.empty() && std::all_of(m.id.begin(), m.id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!wellFormed) broken(manifest, at + ".id", "is '" + m.id + "', but an id holds only a-z, 0-9 and '-'");
    for (const auto& earlier : mutants)
      if (earlier.id == m.id) broken(manifest, at + ".id", "is '" + m.id + "', which an earlier mutant has: ids must be unique");
    if (m.breaks.empty()) broken(manifest, at + ".breaks", "must not be empty: say what the mutant breaks");
    mutants.push_back(std::move(m));
  }
  return mutants;
}

std::string readText(const fs::path& file) {
  std::optional<std::string> text = readFile(file);
  if (!text) throw CourseError(file.string() + ": cannot be read");
  return *text;
}

json parseJson(std::string_view text, const fs::path& file) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // Not only parse_error: a number too large for a double is out_of_range
    // (found by fuzz_lesson).
    throw CourseError(file.string() + ": not valid JSON: " + e.what());
  }
}

// "minutes": { "talk": 7, "hands_on": 13 }: whole numbers, adding up to more than 0.
void readMinutes(const fs::path& file, const json& object, const std::string& path, int& talk, int& handsOn) {
  std::string field = path.empty() ? "minutes" : path + ".minutes";
  if (!object.contains("minutes")) broken(file, field, "is missing: say { \"talk\": 7, \"hands_on\": 13 }");
  const json& minutes = object["minutes"];
  if (!minutes.is_object()) broken(file, field, "must be an object like { \"talk\": 7, \"hands_on\": 13 }");
  talk = member(file, minutes, field, "talk", json::value_t::number_integer, "a whole number").get<int>();
  handsOn = member(file, minutes, field, "hands_on", json::value_t::number_integer, "a whole number").get<int>();
  if (talk < 0 || handsOn < 0) broken(file, field, "must not be negative");
  if (talk + handsOn <= 0) broken(file, field, "must add up to more than 0 (talk + hands_on)");
}

}  // namespace

std::vector<PlannedLesson> readPlan(const fs::path& planFile) { return parsePlan(readText(planFile), planFile); }

std::vector<PlannedLesson> parsePlan(std::string_view text, const fs::path& planFile) {
  json doc = parseJson(text, planFile);
  if (!doc.is_object()) throw CourseError(planFile.string() + ": must hold a JSON object");
  const json& lessons = member(planFile, doc, "", "lessons", json::value_t::array, "a list");
  std::vector<PlannedLesson> plan;
  for (size_t i = 0; i < lessons.size(); ++i) {
    std::string at = "lessons." + std::to_string(i);
    if (!lessons[i].is_object()) broken(planFile, at, "must be an object");
    PlannedLesson p;
    p.id = member(planFile, lessons[i], at, "id", json::value_t::string, "a string").get<std::string>();
    p.title = member(planFile, lessons[i], at, "title", json::value_t::string, "a string").get<std::string>();
    readMinutes(planFile, lessons[i], at, p.talkMinutes, p.handsOnMinutes);
    plan.push_back(std::move(p));
  }
  return plan;
}

Lesson readLesson(const fs::path& manifest) { return parseLesson(readText(manifest), manifest); }

Lesson parseLesson(std::string_view text, const fs::path& manifest) {
  json doc = parseJson(text, manifest);
  if (!doc.is_object()) throw CourseError(manifest.string() + ": must hold a JSON object");
  Lesson lesson;
  lesson.id = member(manifest, doc, "", "id", json::value_t::string, "a string").get<std::string>();
  std::string folder = manifest.parent_path().filename().string();
  if (lesson.id != folder) broken(manifest, "id", "is '" + lesson.id + "', but the folder is '" + folder + "'");
  lesson.title = member(manifest, doc, "", "title", json::value_t::string, "a string").get<std::string>();
  readMinutes(manifest, doc, "", lesson.talkMinutes, lesson.handsOnMinutes);
  if (doc.contains("demo")) {
    const json& d = member(manifest, doc, "", "demo", json::value_t::object, "an object");
    Demo demo;
    demo.program = member(manifest, d, "demo", "program", json::value_t::string, "a string").get<std::string>();
    if (demo.program.empty() || demo.program.find('/') != std::string::npos)
      broken(manifest, "demo.program", "must name a program of the build (\"chat_server\"), not a path");
    demo.predict = member(manifest, d, "demo", "predict", json::value_t::string, "a string").get<std::string>();
    if (d.contains("args"))
      demo.args = strings(manifest, member(manifest, d, "demo", "args", json::value_t::array, "a list"), "demo.args");
    if (d.contains("smoke_args"))
      demo.smokeArgs =
          strings(manifest, member(manifest, d, "demo", "smoke_args", json::value_t::array, "a list"), "demo.smoke_args");
    if (d.contains("smoke_seconds")) {
      demo.smokeSeconds =
          member(manifest, d, "demo", "smoke_seconds", json::value_t::number_float, "a number").get<double>();
      if (!(demo.smokeSeconds > 0 && demo.smokeSeconds <= 20))
        broken(manifest, "demo.smoke_seconds", "must be more than 0 and at most 20");
    }
    lesson.demo = std::move(demo);
  }
  const json& exercises = member(manifest, doc, "", "exercises", json::value_t::array, "a list");
  for (size_t i = 0; i < exercises.size(); ++i) {
    std::string at = "exercises." + std::to_string(i);
    const json& e = exercises[i];
    if (!e.is_object()) broken(manifest, at, "must be an object");
    Exercise exercise;
    exercise.lesson = lesson.id;
    exercise.name = member(manifest, e, at, "name", json::value_t::string, "a string").get<std::string>();
    exercise.files = strings(manifest, member(manifest, e, at, "files", json::value_t::array, "a list"), at + ".files");
    exercise.timeoutSeconds =
        member(manifest, e, at, "timeout_s", json::value_t::number_float, "a number").get<double>();
    if (exercise.timeoutSeconds <= 0) broken(manifest, at + ".timeout_s", "must be more than 0");
    exercise.hints = strings(manifest, member(manifest, e, at, "hints", json::value_t::array, "a list"), at + ".hints");
    if (e.contains("stretch"))
      exercise.stretch = member(manifest, e, at, "stretch", json::value_t::boolean, "true or false").get<bool>();
    if (e.contains("kind")) {
      exercise.kind = member(manifest, e, at, "kind", json::value_t::string, "a string").get<std::string>();
      if (exercise.kind != "unit" && exercise.kind != "program" && exercise.kind != "mutants" &&
          exercise.kind != "regression")
        broken(manifest, at + ".kind",
               "is '" + exercise.kind +
                   "', but the kinds are 'unit' (the default), 'program', 'mutants' and 'regression'");
    }
    if (exercise.kind == "regression") {
      // The tests below are the hidden tests of the fix; the reference is the fixed helper.
      exercise.reference =
          strings(manifest, member(manifest, e, at, "reference", json::value_t::array, "a list"), at + ".reference");
      if (exercise.reference.empty()) broken(manifest, at + ".reference", "must name at least one file");
      exercise.report = member(manifest, e, at, "report", json::value_t::string, "a string").get<std::string>();
      exercise.regressionTest =
          member(manifest, e, at, "regression_test", json::value_t::string, "a string").get<std::string>();
      bool listed = std::find(exercise.files.begin(), exercise.files.end(), exercise.regressionTest) !=
                    exercise.files.end();
      if (!listed || fs::path(exercise.regressionTest).extension() != ".cpp")
        broken(manifest, at + ".regression_test",
               "is '" + exercise.regressionTest + "', but it must be one of the exercise's .cpp files");
    }
    if (exercise.kind == "mutants") {
      exercise.reference =
          strings(manifest, member(manifest, e, at, "reference", json::value_t::array, "a list"), at + ".reference");
      if (exercise.reference.empty()) broken(manifest, at + ".reference", "must name at least one file");
      exercise.mutants = readMutants(manifest, member(manifest, e, at, "mutants", json::value_t::array, "a list"),
                                     at + ".mutants");
    } else {
      exercise.tests = strings(manifest, member(manifest, e, at, "tests", json::value_t::array, "a list"), at + ".tests");
      if (exercise.tests.empty()) broken(manifest, at + ".tests", "must name at least one file");
    }
    if (exercise.hints.size() != 3)
      broken(manifest, at + ".hints", "must hold 3 tiered hints, not " + std::to_string(exercise.hints.size()));
    if (exercise.files.empty()) broken(manifest, at + ".files", "must name at least one file");
    lesson.exercises.push_back(std::move(exercise));
  }
  return lesson;
}

Course Course::load(const fs::path& root) {
  Course course;
  course.root_ = root;
  std::error_code ec;
  std::vector<fs::path> manifests;
  for (const auto& entry : fs::directory_iterator(root / "lessons", ec)) {
    if (fs::exists(entry.path() / "lesson.json")) manifests.push_back(entry.path() / "lesson.json");
  }
  if (ec) throw CourseError((root / "lessons").string() + ": cannot be read: " + ec.message());
  std::sort(manifests.begin(), manifests.end());
  std::vector<Lesson> written;
  for (const auto& manifest : manifests) written.push_back(readLesson(manifest));

  fs::path planFile = root / "lessons" / "course.json";
  if (fs::exists(planFile, ec)) {
    course.plan_ = readPlan(planFile);
  } else {
    for (const Lesson& l : written) course.plan_.push_back({l.id, l.title, l.talkMinutes, l.handsOnMinutes, nullptr});
  }
  // The written lessons in the plan's order, then any the plan does not list.
  for (const PlannedLesson& p : course.plan_) {
    auto it = std::find_if(written.begin(), written.end(), [&](const Lesson& l) { return l.id == p.id; });
    if (it != written.end()) course.lessons_.push_back(std::move(*it)), written.erase(it);
  }
  for (Lesson& l : written) {
    course.plan_.push_back({l.id, l.title, l.talkMinutes, l.handsOnMinutes, nullptr});
    course.lessons_.push_back(std::move(l));
  }
  // lessons_ is complete: now its addresses are stable.
  for (PlannedLesson& p : course.plan_) p.written = course.lesson(p.id);
  return course;
}

int Course::plannedMinutes() const {
  int total = 0;
  for (const PlannedLesson& p : plan_) total += p.minutes();
  return total;
}

const Lesson* Course::lesson(std::string_view id) const {
  for (const auto& lesson : lessons_)
    if (lesson.id == id) return &lesson;
  return nullptr;
}

std::vector<const Exercise*> Course::exercises() const {
  std::vector<const Exercise*> out;
  for (const auto& lesson : lessons_)
    for (const auto& exercise : lesson.exercises) out.push_back(&exercise);
  return out;
}

const Exercise* Course::find(std::string_view exerciseId) const {
  for (const Exercise* e : exercises())
    if (e->id() == exerciseId) return e;
  return nullptr;
}

std::vector<const Exercise*> Course::resolve(std::string_view id) const {
  std::string wanted(id);
  while (!wanted.empty() && wanted.back() == '/') wanted.pop_back();  // shell completion adds one
  if (const Exercise* e = find(wanted)) return {e};
  std::vector<const Exercise*> out;
  for (const auto& lesson : lessons_) {
    // "06-protocol", or its number alone: "06" / "6".
    bool sameNumber = !wanted.empty() && wanted.find_first_not_of("0123456789") == std::string::npos &&
                      lesson.id.size() > 2 && std::atoi(lesson.id.c_str()) == std::atoi(wanted.c_str()) &&
                      lesson.id.find('-') != std::string::npos;
    if (lesson.id == wanted || sameNumber) {
      for (const auto& e : lesson.exercises) out.push_back(&e);
      if (out.empty()) throw UsageError("lesson " + lesson.id + " has no exercises: read it with `twistlings show " + lesson.id + "`");
      return out;
    }
  }
  for (const Exercise* e : exercises())
    if (e->name == wanted) out.push_back(e);
  if (out.size() == 1) return out;
  std::ostringstream message;
  if (out.size() > 1) {
    message << "'" << wanted << "' is in more than one lesson; say which:";
  } else {
    message << "no lesson or exercise is called '" << wanted << "'. The exercises are:";
    for (const Exercise* e : exercises()) out.push_back(e);
  }
  for (const Exercise* e : out) message << "\n  " << e->id();
  throw UsageError(message.str());
}

std::vector<fs::path> Course::exerciseFiles(const Exercise& e) const {
  std::vector<fs::path> out;
  for (const auto& file : e.files) out.push_back(exerciseDir(e) / file);
  return out;
}

}  // namespace twistlings
