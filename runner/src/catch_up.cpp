// catch_up.cpp — see catch_up.hpp.
#include "catch_up.hpp"

#include <set>
#include <stdexcept>

#include "files.hpp"

namespace twistlings {

size_t CatchUpPlan::files() const {
  size_t n = 0;
  for (const CatchUpItem& item : items) n += item.files.size();
  return n;
}

const PlannedLesson& catchUpLesson(const Course& course, std::string_view id) {
  std::string number(id);
  if (number.size() == 1 && number[0] >= '0' && number[0] <= '9') number = "0" + number;
  std::string ids;
  for (const PlannedLesson& lesson : course.plan()) {
    if (lesson.id == id || lesson.id.rfind(number + "-", 0) == 0) return lesson;
    ids += (ids.empty() ? "" : ", ") + lesson.id;
  }
  throw UsageError("catch-up wants a lesson of the workshop, by number (03) or id (03-callbacks), not '" +
                   std::string(id) + "': " + ids);
}

CatchUpPlan planCatchUp(const Course& course, const Progress& progress, std::string_view lessonId) {
  const PlannedLesson& target = catchUpLesson(course, lessonId);
  CatchUpPlan plan;
  plan.lesson = target.id;
  // Exercises of a lesson may share a file (00-intro's cancel builds on
  // toy_loop.cpp): one that belongs to a passed exercise is never replaced,
  // and none is replaced twice.
  std::set<std::string> keep, taken;
  for (const Exercise* e : course.exercises())
    if (progress.done(e->id()))
      for (const std::string& file : e->files) keep.insert("exercises/" + e->lesson + "/" + file);
  for (const PlannedLesson& planned : course.plan()) {
    if (planned.id == target.id) break;
    if (planned.written == nullptr) continue;
    for (const Exercise& e : planned.written->exercises) {
      ExerciseProgress p = progress.get(e.id());
      if (e.stretch) {
        plan.stretch.push_back(&e);
        continue;
      }
      if (p.done) {
        plan.passed.push_back(&e);
        continue;
      }
      if (progress.incomplete() && !p.checked && !p.caughtUp) plan.unknown.push_back(&e);
      CatchUpItem item{&e, {}};
      for (const std::string& file : e.files) {
        std::string relative = "exercises/" + e.lesson + "/" + file;
        if (keep.contains(relative) || taken.contains(relative)) continue;
        fs::path reference = course.solutionDir(e) / file;
        std::optional<std::string> text = readFile(reference);
        if (!text) throw std::runtime_error("the reference " + reference.string() + " cannot be read");
        if (readFile(course.exerciseDir(e) / file) != text)
          item.files.push_back({relative, *text});
        taken.insert(relative);
      }
      if (p.caughtUp && item.files.empty()) {
        ++plan.alreadyCaughtUp;
        continue;
      }
      plan.items.push_back(std::move(item));
    }
  }
  return plan;
}

std::string applyCatchUp(const CatchUpPlan& plan, const Course& course, Progress& progress, const fs::path& backup) {
  std::vector<FileReplacement> all;
  for (const CatchUpItem& item : plan.items) all.insert(all.end(), item.files.begin(), item.files.end());
  if (std::string problem = replaceKeepingCopies(course.root(), backup, all); !problem.empty()) return problem;
  for (const CatchUpItem& item : plan.items) {
    ExerciseProgress& p = progress.of(item.exercise->id());
    p.markCaughtUp(filesDigest(course.exerciseFiles(*item.exercise)));
    p.lastStatus.clear();
  }
  return "";
}

}  // namespace twistlings
