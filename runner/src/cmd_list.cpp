// cmd_list.cpp — list, the status line and the welcome: where the attendee is
// on the core path, the stretch exercises beside it, and what to do next.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"

namespace twistlings {

namespace {

std::string progressBar(int done, int total, int width) {
  int filled = total == 0 ? 0 : done * width / total;
  std::string bar;
  for (int i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  return bar;
}

// The first line of list and status: how far along the core path, the
// stretch exercises beside it; or that progress is unknown.
std::string summaryLine(const Context& c) {
  Tally t = c.tally();
  if (c.progress.incomplete() && t.unknown > 0) {
    bool none = t.unknown == t.core + t.stretch;
    // "Missing", not "deleted": it may never have been written (files edited before the first check).
    std::string what = none ? "Progress unknown: .twistlings/progress.json is missing (was .twistlings/ deleted?) and "
                              "your exercise files are no longer their starters"
                            : "Progress partly unknown: .twistlings/progress.json went missing, and " +
                                  std::to_string(t.unknown) + " of the exercises have not been checked since";
    return c.paint.yellow(what + ". ./twistlings verify checks every exercise and rebuilds it.");
  }
  std::ostringstream out;
  out << t.coreDone << " of " << t.core << " core exercises done  " << progressBar(t.coreDone, t.core, 20) << " "
      << (t.core == 0 ? 0 : t.coreDone * 100 / t.core) << "%";
  if (t.caughtUp > 0) out << c.paint.cyan("  · caught up: " + std::to_string(t.caughtUp));
  if (t.stretch > 0) out << c.paint.dim("  · stretch: " + std::to_string(t.stretchDone) + " of " + std::to_string(t.stretch));
  return out.str();
}

// What to do next: the core path first; then the stretch exercises, said to
// be stretch; then the score.
std::string nextStep(const Context& c) {
  Tally t = c.tally();
  std::string changed;
  if (t.changedSincePass > 0)
    changed = c.paint.yellow(std::to_string(t.changedSincePass) +
                             (t.changedSincePass == 1 ? " exercise has" : " exercises have") +
                             " changed since it passed: check again (list marks them).") + "\n";
  if (c.progress.incomplete() && t.unknown > 0)
    return changed + "Next: " + c.paint.bold("./twistlings verify") + " finds where you are; then " +
           c.paint.bold("./twistlings") + " goes on from there.\n";
  const Exercise* e = c.current();
  if (e == nullptr) {
    if (t.core + t.stretch == 0) return "There are no exercises yet.\n";
    return changed + (t.stretch > 0 ? "Every exercise passes, the stretch ones too. " : "Every exercise passes. ") +
           c.paint.bold("./twistlings verify") + " prints your score.\n";
  }
  if (e->stretch) {
    int left = t.stretch - t.stretchDone;
    // Caught-up exercises are off the path, but they are the reference, not the attendee's pass.
    std::string passes = t.caughtUp > 0 ? "Every core exercise passes or is caught up" : "Every core exercise passes";
    return changed + passes + ": that is the workshop's path, done. " +
           "For when you have time, the stretch exercises (" + std::to_string(left) + " left): next is " +
           c.paint.bold(e->id()) + ", " + c.paint.bold("./twistlings check " + e->id()) + ".\n";
  }
  return changed + "Next: " + c.paint.bold(e->id()) + ". Read the lesson with " +
         c.paint.bold("./twistlings show " + e->lesson) + ", edit exercises/" + e->lesson + "/, then " +
         c.paint.bold("./twistlings check") + ".\n";
}

// The mark before an exercise in list, nine columns wide, and what it adds after the id.
std::pair<std::string, std::string> markOf(const Context& c, const Exercise& e, const Exercise* current) {
  switch (c.state(e)) {
    case ExerciseState::Done: return {c.paint.green("✓ done   "), ""};
    case ExerciseState::DoneChanged: return {c.paint.yellow("~ changed"), "done, changed since: check again"};
    case ExerciseState::Unknown: return {c.paint.yellow("? unknown"), "not checked since progress was lost"};
    case ExerciseState::CaughtUp:
      return {c.paint.cyan("↷ caught "), "caught up: the reference is in place, yours in .twistlings/backups/"};
    case ExerciseState::Pending: break;
  }
  return {&e == current ? c.paint.yellow("→ current") : "· pending", ""};
}

const char* stateName(ExerciseState s) {
  switch (s) {
    case ExerciseState::Done: return "done";
    case ExerciseState::DoneChanged: return "changed";
    case ExerciseState::Unknown: return "unknown";
    case ExerciseState::CaughtUp: return "caught_up";
    case ExerciseState::Pending: return "pending";
  }
  return "pending";
}

std::string minutesOf(const Lesson& lesson) {
  return std::to_string(lesson.minutes()) + " min (" + std::to_string(lesson.talkMinutes) + " talk + " +
         std::to_string(lesson.handsOnMinutes) + " hands-on)";
}

// The first of e's files that is not there (as the attendee sees it,
// "exercises/00-intro/toy_loop.cpp"), or "": a deleted file is what a check
// would stop at, so list says so beside the exercise, not "did not build".
std::string missingFile(const Context& c, const Exercise& e) {
  for (const auto& file : c.course.exerciseFiles(e)) {
    std::error_code error;
    if (!std::filesystem::exists(file, error) && !error) return file.lexically_relative(c.paths.root).generic_string();
  }
  return "";
}

}  // namespace

int listCommand(Context& c, bool json) {
  const Exercise* current = c.current();
  Tally t = c.tally();
  if (json) {
    nlohmann::json lessons = nlohmann::json::array();
    for (const auto& lesson : c.course.lessons()) {
      nlohmann::json exercises = nlohmann::json::array();
      for (const auto& e : lesson.exercises) {
        ExerciseProgress p = c.progress.get(e.id());
        ExerciseState state = c.state(e);
        std::string missing = missingFile(c, e);
        exercises.push_back({{"id", e.id()}, {"name", e.name}, {"kind", e.kind}, {"stretch", e.stretch}, {"state", stateName(state)},
                             {"done", p.done}, {"caught_up", p.caughtUp},
                             {"changed_since_pass", state == ExerciseState::DoneChanged},
                             {"checked", p.checked}, {"hints_shown", p.hintsShown}, {"hints", e.hints.size()},
                             {"last_status", p.lastStatus.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.lastStatus)},
                             {"missing_file", missing.empty() ? nlohmann::json(nullptr) : nlohmann::json(missing)}});
      }
      lessons.push_back({{"id", lesson.id}, {"title", lesson.title}, {"minutes", lesson.minutes()},
                         {"talk", lesson.talkMinutes}, {"hands_on", lesson.handsOnMinutes}, {"exercises", exercises}});
    }
    nlohmann::json doc{{"lessons", lessons},
                       {"done", t.coreDone + t.stretchDone},
                       {"total", t.core + t.stretch},
                       {"core", {{"done", t.coreDone}, {"total", t.core}, {"caught_up", t.caughtUp}}},
                       {"stretch", {{"done", t.stretchDone}, {"total", t.stretch}}},
                       {"progress_unknown", c.progress.incomplete() && t.unknown > 0},
                       {"current", current ? nlohmann::json(current->id()) : nlohmann::json(nullptr)},
                       {"current_is_stretch", current != nullptr && current->stretch}};
    std::printf("%s\n", doc.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n\n", summaryLine(c).c_str());
  for (const auto& lesson : c.course.lessons()) {
    std::printf("%s %s  %s\n", c.paint.bold(term::padRight(lesson.id, 14)).c_str(), term::padRight(lesson.title, 50).c_str(),
                c.paint.dim(minutesOf(lesson)).c_str());
    if (lesson.exercises.empty()) std::printf("    %s\n", c.paint.dim("(reading only)").c_str());
    for (const auto& e : lesson.exercises) {
      ExerciseProgress p = c.progress.get(e.id());
      auto [mark, said] = markOf(c, e, current);
      std::string note = e.stretch ? c.paint.cyan("  stretch") : "";
      if (!said.empty()) note += c.paint.dim("  (" + said + ")");
      bool failing = p.lastStatus == "fail" || p.lastStatus == "error";
      if (std::string missing = missingFile(c, e); !missing.empty()) {
        note += c.paint.yellow("  (" + missing + " is missing: ./twistlings reset " + e.id() + ")");
      } else if (failing && c.state(e) != ExerciseState::Done) {
        note += c.paint.dim(p.lastStatus == "fail" ? "  (last check: failing)" : "  (last check: did not build or crashed)");
      }
      if (p.hintsShown > 0) note += c.paint.dim("  hints " + std::to_string(p.hintsShown) + "/" + std::to_string(e.hints.size()));
      std::printf("    %s %s%s\n", mark.c_str(), e.id().c_str(), note.c_str());
    }
  }
  std::printf("\n%s", nextStep(c).c_str());
  return 0;
}

int statusCommand(Context& c) {
  std::printf("twistlings: %s\n%s", summaryLine(c).c_str(), nextStep(c).c_str());
  std::printf("Commands: ./twistlings list | show | check | watch | hint | solution | reset | verify | doctor | agenda "
              "(./twistlings --help)\n");
  return 0;
}

std::string welcomeText(const Context& c) {
  std::ostringstream out;
  out << c.paint.bold("Welcome to twistlings") << ": event-driven programming the Twisted way, in C++.\n"
      << summaryLine(c) << "\n";
  if (const Exercise* e = c.current()) {
    if (e->stretch) out << "Every core exercise passes. The stretch exercises are for when you have time.\n";
    out << "You are on " << c.paint.bold(e->id()) << (e->stretch ? " (stretch)" : "") << ". In another window:\n"
        << "  1. read the lesson:   " << c.paint.bold("./twistlings show " + e->lesson) << "\n"
        << "  2. edit the exercise: exercises/" << e->lesson << "/" << e->files.back() << "\n"
        << "  3. save: this window checks it on every save, and moves on when it passes.\n";
  }
  out << c.paint.dim("Keys: h hint · l list · n next · r re-run · q quit") << "\n";
  return out.str();
}

}  // namespace twistlings
