// show.hpp — the `show [id]` command: a lesson's text (lessons/<id>/README.md)
// rendered for the terminal (markdown.hpp) under a header line that says the
// lesson's id, title and minutes (talk and hands-on), its core exercises and
// its stretch ones apart, and how to check the first core one; paged
// when taller than the screen (pager.hpp). Colour follows stdout
// (term::Painter::forFd(1): off for NO_COLOR, TERM=dumb, or a pipe).
#pragma once

#include <string>

#include "course.hpp"

namespace twistlings {

// The header, already painted, wrapped to `width` at its " · " separators.
std::string lessonHeader(const Lesson& lesson, int width, bool color);

// Returns 0, or 2 (with a message naming the path on stderr) when the lesson
// text cannot be read.
int showLesson(const Course& course, const Lesson& lesson);

}  // namespace twistlings
