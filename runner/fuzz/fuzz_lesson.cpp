// fuzz_lesson.cpp — libFuzzer target for a lesson's manifest and the course
// plan (runner/src/course.hpp): parseLesson and parsePlan on any bytes. The
// header promises a CourseError and nothing else for text they refuse; any
// other exception, a crash, a hang or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "course.hpp"

namespace {

template <class F>
void refusedOnlyWithCourseError(const char* what, F parse) {
  try {
    parse();
  } catch (const twistlings::CourseError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s threw something other than a CourseError: %s\n", what, e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  refusedOnlyWithCourseError("parseLesson", [&] {
    twistlings::Lesson lesson = twistlings::parseLesson(text, "lessons/02-reactor/lesson.json");
    for (const twistlings::Exercise& e : lesson.exercises) (void)e.id();
  });
  refusedOnlyWithCourseError("parsePlan", [&] { (void)twistlings::parsePlan(text, "lessons/course.json"); });
  return 0;
}
