// verdict.hpp — a GradeResult told to the attendee: one line saying pass or
// fail, then the one thing to look at (the first failing behaviour with its
// expected and actual values, the first compile error at their own line, the
// test that crashed or hung — after the failures that came before it, as a
// run without the crash would show them, and with the line of the
// attendee's file where it crashed), then what to do next.
#pragma once

#include <filesystem>
#include <string>

#include "course.hpp"
#include "results.hpp"
#include "terminal.hpp"

namespace twistlings {

struct VerdictContext {
  std::filesystem::path root;   // paths are shown relative to it
  int hintsShown = 0;           // of this exercise
  std::string nextExercise;     // the one to go on with after a pass; empty at the end
  bool verbose = false;         // every test's message, and the whole compiler output
};

std::string renderVerdict(const GradeResult& result, const Exercise& exercise, const VerdictContext& context,
                          const term::Painter& paint);

// "exercises/02-reactor/countdown.cpp" for a path under root; the path itself otherwise.
std::string relativeTo(const std::filesystem::path& root, const std::string& path);

}  // namespace twistlings
