// markdown.hpp — a lesson's Markdown rendered for the terminal, parsed by
// md4c (GitHub dialect: tables, strikethrough, autolinks, task lists).
//
// What the result looks like, line by line:
// - paragraphs are word-wrapped to `width` columns (escape codes take none;
//   a word longer than a line gets lines of its own, cut at the width);
// - headings: with colour, h1 bold and underlined, h2 bold cyan, h3 and
//   deeper bold; without colour, "# ", "## ", "### " ... before the text;
// - lists get "•" (then "◦", "▪" when nested) or "1." markers with a hanging
//   indent; block quotes a "│ " bar; tables aligned columns under a rule
//   (cells wrap when the table is wider than the screen);
// - fenced code is indented by four columns, never wrapped, and highlighted
//   (highlight.hpp) for C++, Python and shell fences; a fence that names a
//   language gets it as a dim caption ("  [python]"), since lessons put
//   Twisted's Python and twist's C++ side by side;
// - inline code is yellow, or between backticks without colour; links read
//   "text (url)" unless the text is the url; emphasis is italic, strong
//   bold (plain text without colour); entities (&amp;) are decoded;
// - one blank line between blocks (none between the items of a tight list).
//
// With color = false the result holds no escape byte at all (one in the
// source, or a control character entity, is shown as a symbol). Every line but
// code lines (and table rows too many columns to fit) is at most `width`
// columns wide. Never throws for any input (only std::bad_alloc).
#pragma once

#include <string>
#include <string_view>

namespace twistlings {

struct RenderOptions {
  int width = 80;     // columns; a width below 10 is taken as 10
  bool color = true;  // escape codes for styles and highlighting
};

std::string renderMarkdown(std::string_view markdown, const RenderOptions& options);

}  // namespace twistlings
