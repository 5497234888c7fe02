// deck.hpp — a lesson's slides (slides/NN-topic.md) as the presenter, the
// HTML export and the course checks see them (issue 12 §1).
//
// The format is the one reveal.js's Markdown plugin reads as is:
//
//   <!-- lesson: 02-reactor -->        line 1: the lesson, matching the file name
//   # The reactor                      a slide's title: its first # or ## heading
//   ...                                the slide's Markdown
//   Note:                              a line exactly "Note:" starts the notes,
//   What to say ...                    to the end of the slide
//   Time: 2 min                        (a notes line setting the slide's time)
//
//   ---                                a line exactly "---", blank lines around
//
//   ## The next slide
//
// Inside fenced code (``` or ~~~) nothing is special: a "---" or "Note:" line
// there is code. Outside it, lines reveal.js would read differently from us
// are refused rather than shown wrong: a "---" line without its blank lines
// (Markdown reads a heading underline, reveal.js a separator), a "Notes:" or
// "Note: text" line (reveal.js starts notes there), a second "Note:" in one
// slide (reveal.js then shows no notes at all).
//
// A slide's time is its notes' words at 130 words a minute, at least half a
// minute; a notes line "Time: N min" sets it instead (a demo slide's notes
// are short, its demo is not).
//
// Ownership: a Deck is a plain value.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace twistlings {

struct Slide {
  std::size_t number = 0;   // 1-based
  std::size_t line = 0;     // of its first non-blank line in the file, 1-based
  std::string title;        // the first # or ## heading's text, without the #s
  std::string body;         // its Markdown, notes excluded, no blank lines around
  std::string notes;        // the text after "Note:", no blank lines around ("" if none)
  double minutes = 0;       // the time it takes to present
};

struct Deck {
  std::string lessonId;            // from line 1
  std::filesystem::path file;      // as given to parseDeck, for messages
  std::vector<Slide> slides;       // never empty

  double minutes() const;          // the slides' minutes summed
};

// "file:line: why": what is wrong and where, for the instructor to fix.
struct DeckError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The pace at which notes are read aloud, and the least a slide takes.
inline constexpr double kWordsPerMinute = 130;
inline constexpr double kMinSlideMinutes = 0.5;

// Parses a deck's text; `file` names it in messages, and its stem must be the
// lesson id of line 1 (unless `file` is empty). Throws DeckError naming
// file:line for anything the format above refuses: no lesson comment, a
// lesson that is not the file's, a slide with no title, a malformed "Time:"
// line, a deck with no slide.
Deck parseDeck(std::string_view text, const std::filesystem::path& file);

// Reads and parses a deck file; messages name it as `shownAs` when given
// ("slides/02-reactor.md" rather than the whole path). Throws DeckError
// ("file: cannot read ...") when it cannot be read.
Deck loadDeck(const std::filesystem::path& file, const std::filesystem::path& shownAs = {});

// What a slide may take on screen: the presenter draws it on 80x24 with a
// 2-column margin each side and a 2-line footer (and 2 lines to spare).
inline constexpr int kSlideWidth = 76;
inline constexpr std::size_t kSlideHeight = 20;

// A slide's title and body as the presenter draws them: renderMarkdown
// (markdown.hpp, code highlighted) at `width`, one string a line, no line
// break at the end.
std::vector<std::string> renderSlide(const Slide& slide, bool color, int width = kSlideWidth);

// Rendered text (renderMarkdown's) as the screen shows it: one string a
// line, without the blank lines at its end. For a slide, its notes too.
std::vector<std::string> renderedLines(const std::string& text);

// What keeps a deck from being presented in its lesson's talk time on an
// 80x24 terminal, one message each, empty when nothing does: a slide taller
// than kSlideHeight or with a line wider than kSlideWidth (naming the file,
// the slide's number, title and line, and by how much), and a deck whose
// time is outside [0.75, 1] x talkMinutes (the deck is the talk, less the
// questions).
std::vector<std::string> deckProblems(const Deck& deck, double talkMinutes);

// Where a lesson's deck lives: <repoRoot>/slides/<lessonId>.md.
std::filesystem::path deckPath(const std::filesystem::path& repoRoot, std::string_view lessonId);

}  // namespace twistlings
