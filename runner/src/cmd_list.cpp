// cmd_list.cpp — list, the status line, the welcome, and the agenda.
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
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

std::string pad(const std::string& s, size_t width) {
  size_t w = term::displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string summaryLine(const Context& c) {
  auto [done, total] = c.doneOfTotal();
  std::ostringstream out;
  out << done << " of " << total << " exercises done  " << progressBar(done, total, 20) << " "
      << (total == 0 ? 0 : done * 100 / total) << "%";
  return out.str();
}

std::string nextStep(const Context& c) {
  const Exercise* e = c.current();
  if (e == nullptr) return "Every exercise passes. ./twistlings verify prints your score.\n";
  return "Next: " + c.paint.bold(e->id()) + ". Read the lesson with " + c.paint.bold("./twistlings show " + e->lesson) +
         ", edit exercises/" + e->lesson + "/, then " + c.paint.bold("./twistlings check") + ".\n";
}

}  // namespace

int listCommand(Context& c, bool json) {
  const Exercise* current = c.current();
  if (json) {
    nlohmann::json lessons = nlohmann::json::array();
    for (const auto& lesson : c.course.lessons()) {
      nlohmann::json exercises = nlohmann::json::array();
      for (const auto& e : lesson.exercises) {
        ExerciseProgress p = c.progress.get(e.id());
        exercises.push_back({{"id", e.id()}, {"name", e.name}, {"done", p.done}, {"checked", p.checked},
                             {"hints_shown", p.hintsShown}, {"hints", e.hints.size()},
                             {"last_status", p.lastStatus.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.lastStatus)}});
      }
      lessons.push_back({{"id", lesson.id}, {"title", lesson.title}, {"minutes", lesson.minutes()}, {"exercises", exercises}});
    }
    auto [done, total] = c.doneOfTotal();
    nlohmann::json doc{{"lessons", lessons}, {"done", done}, {"total", total},
                       {"current", current ? nlohmann::json(current->id()) : nlohmann::json(nullptr)}};
    std::printf("%s\n", doc.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n\n", summaryLine(c).c_str());
  for (const auto& lesson : c.course.lessons()) {
    std::printf("%s %s %s\n", c.paint.bold(pad(lesson.id, 14)).c_str(), pad(lesson.title, 50).c_str(),
                c.paint.dim(std::to_string(lesson.minutes()) + " min").c_str());
    if (lesson.exercises.empty()) std::printf("    %s\n", c.paint.dim("(reading only)").c_str());
    for (const auto& e : lesson.exercises) {
      ExerciseProgress p = c.progress.get(e.id());
      std::string mark = p.done ? c.paint.green("✓ done   ") : (&e == current ? c.paint.yellow("→ current") : "· pending");
      std::string note;
      if (!p.done && p.lastStatus == "fail") note = c.paint.dim("  (last check: failing)");
      if (!p.done && p.lastStatus == "error") note = c.paint.dim("  (last check: did not build or crashed)");
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
    out << "You are on " << c.paint.bold(e->id()) << ". In another window:\n"
        << "  1. read the lesson:   " << c.paint.bold("./twistlings show " + e->lesson) << "\n"
        << "  2. edit the exercise: exercises/" << e->lesson << "/" << e->files.back() << "\n"
        << "  3. save: this window checks it on every save, and moves on when it passes.\n";
  }
  out << c.paint.dim("Keys: h hint · l list · n next · r re-run · q quit") << "\n";
  return out.str();
}

int agendaCommand(Context& c, const std::optional<std::string>& start) {
  int startMinutes = -1;
  if (start) {
    std::smatch m;
    static const std::regex clock(R"(^([01]?\d|2[0-3]):([0-5]\d)$)");
    if (!std::regex_match(*start, m, clock)) {
      std::fprintf(stderr, "twistlings: --start wants a time of day as HH:MM (24-hour), like 09:30, not '%s'\n", start->c_str());
      return 2;
    }
    startMinutes = std::stoi(m[1]) * 60 + std::stoi(m[2]);
  }
  auto clockTime = [&](int offset) {
    char text[16];
    if (startMinutes >= 0) {
      int t = (startMinutes + offset) % (24 * 60);
      std::snprintf(text, sizeof text, "%02d:%02d", t / 60, t % 60);
    } else {
      std::snprintf(text, sizeof text, "+%d:%02d", offset / 60, offset % 60);
    }
    return std::string(text);
  };
  int at = 0;
  std::printf("%s\n", c.paint.bold(startMinutes >= 0 ? "The agenda (breaks and questions not counted)"
                                                     : "The agenda, from the start (use --start HH:MM for clock times)").c_str());
  for (const auto& lesson : c.course.lessons()) {
    std::printf("  %s–%s  %3d min  %s  %s\n", clockTime(at).c_str(), clockTime(at + lesson.minutes()).c_str(), lesson.minutes(),
                c.paint.bold(pad(lesson.id, 14)).c_str(), lesson.title.c_str());
    at += lesson.minutes();
  }
  std::printf("  %d min in all, %zu lessons.\n", at, c.course.lessons().size());
  return 0;
}

}  // namespace twistlings
