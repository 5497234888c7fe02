// raw_html.hpp — Markdown that the runner's terminal renderer drops or
// rewrites, found as md4c (GitHub dialect, as runner/src/markdown.cpp parses)
// finds it:
// - raw HTML, inline (md4c's MD_TEXT_HTML: `Deferred<int>` outside backticks
//   reads as Deferred followed by an <int> tag) or as an HTML block;
// - an angle-bracket autolink whose scheme is no URL scheme: `Deferred<std::string>`
//   outside backticks reads as a link to "std::string" and shows as
//   "Deferredstd::string".
//
// Allowed without a mark: HTML comments, `<!-- ... -->`, which every renderer
// hides on purpose (an unclosed `<!--` is not: it hides the rest of the file),
// and links such as <https://twistedmatrix.com>.
//
// The one marker for deliberate raw HTML is the comment `<!-- raw-html -->`:
// on its own line it allows raw HTML in the block that follows it (the next
// paragraph, list, table or HTML block, which may start on the very next
// line); inside a paragraph it allows raw HTML to the end of that paragraph.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twistlings::listings {

inline constexpr std::string_view kRawHtmlMarker = "<!-- raw-html -->";

struct RawHtml {
  int line;             // 1-based
  std::string snippet;  // what was written: "<int>", "<std::string>"
  std::string message;  // what the renderer does with it, and the fix
};

// In the order they appear, at most one a line (and one an HTML block). Never
// throws but std::bad_alloc.
std::vector<RawHtml> findRawHtml(std::string_view markdown);

}  // namespace twistlings::listings
