// show.cpp — see show.hpp.
#include "show.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "markdown.hpp"
#include "pager.hpp"
#include "terminal.hpp"

namespace twistlings {

std::string lessonHeader(const Lesson& lesson, int width, bool color) {
  term::Painter paint(color);
  std::vector<std::string> parts = {lesson.id, lesson.title,
                                    std::to_string(lesson.minutes()) + " min (" + std::to_string(lesson.talkMinutes) +
                                        " talk, " + std::to_string(lesson.handsOnMinutes) + " hands-on)"};
  std::string core, stretch;
  const Exercise* first = nullptr;
  for (const Exercise& e : lesson.exercises) {
    std::string& names = e.stretch ? stretch : core;
    names += (names.empty() ? "" : ", ") + e.name;
    if (first == nullptr && !e.stretch) first = &e;
  }
  if (!core.empty()) parts.push_back((core.find(',') == std::string::npos ? "exercise: " : "exercises: ") + core);
  // Stretch ones are for the fast half of the room: named, and apart.
  if (!stretch.empty()) parts.push_back("stretch: " + stretch);
  if (first == nullptr && !lesson.exercises.empty()) first = &lesson.exercises.front();
  if (first != nullptr) parts.push_back("check: ./twistlings check " + first->id());
  // Parts are kept whole: a line holds as many as fit, joined by " · ".
  std::string out;
  std::string line;
  size_t used = 0;
  auto flush = [&] {
    out += line;
    out += '\n';
    line.clear();
    used = 0;
  };
  for (size_t i = 0; i < parts.size(); ++i) {
    size_t w = term::displayWidth(parts[i]);
    if (used > 0 && used + 3 + w > static_cast<size_t>(width)) flush();
    if (used > 0) {
      line += paint.dim(" · ");
      used += 3;
    }
    line += i == 0 ? paint.bold(parts[i]) : paint.dim(parts[i]);
    used += w;
  }
  if (used > 0) flush();
  return out;
}

int showLesson(const Course& course, const Lesson& lesson) {
  fs::path path = course.lessonText(lesson);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "twistlings: cannot read the text of lesson " << lesson.id << ": " << path.string() << ": "
              << std::strerror(errno) << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();

  RenderOptions options;
  options.width = std::min(term::width(), 100);
  options.color = term::Painter::forFd(1).enabled();
  std::string page = lessonHeader(lesson, options.width, options.color);
  page += '\n';
  page += renderMarkdown(text.str(), options);
  showPaged(page);
  return 0;
}

}  // namespace twistlings
