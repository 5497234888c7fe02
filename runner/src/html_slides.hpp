// html_slides.hpp — a lesson's deck (deck.hpp) as one self-contained HTML
// file, for a browser on the projector and for the handout printed to PDF
// (issue 12 §3); `twistlings slides --html [DIR]` writes one per deck and an
// index.html (cmd_slides_html.cpp).
//
// What a deck's file promises:
// - nothing leaves it: its CSS and script are inlined, it names no font,
//   image or script elsewhere, and a Content-Security-Policy (default-src
//   'none'; only its own nonce'd script) makes the browser refuse anything a
//   deck's Markdown might still point at (an image, a javascript: link);
// - Markdown is rendered by md4c-html (GitHub dialect, as the terminal's
//   renderer reads it) with raw HTML shown as text, never as markup: a deck is
//   Markdown, and a "<script>" in it is something to show. Links keep only
//   http, https, mailto and relative targets (md4c-html passes any other);
// - code is highlighted by highlight.hpp's tokenizer, the terminal's rules,
//   as <span class="tk-keyword"> and the like;
// - each slide is a <section class="slide"> holding its title and body; its
//   notes are in an <aside class="notes"> the page never shows, read only by
//   the speaker view (`s` opens it in a second window: the notes, the next
//   slide's title, the talk's and the slide's timers; the two windows keep
//   each other on the same slide through postMessage);
// - keys: -> Down space PageDown n next, <- Up PageUp p previous, Home/End,
//   t restarts the timers; the slide number is kept in the address (#3);
// - printed, each slide is one page (A4 landscape) with its footer, notes left out.
//
// Ownership: everything here is a pure function of its arguments but
// writeHtmlSlides, which writes files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deck.hpp"

namespace twistlings {

class Course;
struct Paths;

// Text for HTML content and attribute values: & < > " ' escaped.
std::string htmlEscape(std::string_view text);

// Markdown as an HTML fragment, as described above. Never throws but
// std::bad_alloc (md4c-html fails only for lack of memory).
std::string markdownToHtml(std::string_view markdown);

// What a deck's page shows beside its slides.
struct HtmlDeckInfo {
  std::string title;          // the lesson's title ("" : the first slide's)
  double talkMinutes = 0;     // the lesson's talk minutes, for the speaker view's timer
  std::string indexHref;      // the index page's address ("" : no link to it)
};

// The whole page of one deck.
std::string deckHtml(const Deck& deck, const HtmlDeckInfo& info);

// One line of the index page.
struct HtmlIndexEntry {
  std::string lessonId;
  std::string title;
  std::string href;           // the deck's file, relative to the index
  std::size_t slides = 0;
  double minutes = 0;         // the deck's time at its notes' pace
  double talkMinutes = 0;     // the lesson's
};

std::string indexHtml(const std::vector<HtmlIndexEntry>& entries);

// Writes <dir>/<lesson>.html for every lesson of the course's plan that has a
// deck (slides/<lesson>.md under root), in the plan's order, and
// <dir>/index.html; returns the files written, index last. Throws DeckError
// for a deck that does not parse, std::filesystem::filesystem_error (naming
// the path) for a file it cannot write.
std::vector<std::filesystem::path> writeHtmlSlides(const Course& course, const std::filesystem::path& dir);

// `twistlings slides --html [DIR]`: writeHtmlSlides into DIR (default: the
// build folder's slides/), saying what it wrote and how to present it. 0, or
// 1 with the reason on stderr.
int slidesHtmlCommand(const Course& course, const Paths& paths, const std::optional<std::string>& dir);

}  // namespace twistlings
