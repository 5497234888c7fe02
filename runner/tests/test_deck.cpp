// Tests for deck.hpp: slides/NN-topic.md split into slides at '---' lines
// (never inside fenced code), each slide's title, notes and time, and every
// refusal naming file:line so the instructor can fix the deck.
#include "deck.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

#include "twist_catch.hpp"

using namespace twistlings;
using twist_catch::Approx;
using Catch::Matchers::StartsWith;

namespace {

const std::filesystem::path kFile = "slides/02-reactor.md";

Deck parse(const std::string& text) { return parseDeck(text, kFile); }

// The message parseDeck throws for `text`, or "" when it parses.
std::string errorOf(const std::string& text) {
  try {
    parse(text);
  } catch (const DeckError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a deck splits into slides at '---' lines with blank lines around them") {
  Deck deck = parse(
      "<!-- lesson: 02-reactor -->\n"
      "# The reactor\n"
      "\n"
      "One loop.\n"
      "\n"
      "---\n"
      "\n"
      "## callLater\n"
      "\n"
      "Later.\n");
  CHECK(deck.lessonId == "02-reactor");
  CHECK(deck.file == kFile);
  REQUIRE(deck.slides.size() == 2);
  CHECK(deck.slides[0].number == 1);
  CHECK(deck.slides[0].line == 2);
  CHECK(deck.slides[0].title == "The reactor");
  CHECK(deck.slides[0].body == "# The reactor\n\nOne loop.\n");
  CHECK(deck.slides[1].number == 2);
  CHECK(deck.slides[1].line == 8);
  CHECK(deck.slides[1].title == "callLater");
  CHECK(deck.slides[1].body == "## callLater\n\nLater.\n");
}

TEST_CASE("a '---' line inside fenced code is code, not a separator") {
  Deck deck = parse(
      "<!-- lesson: 02-reactor -->\n"
      "# YAML\n"
      "\n"
      "```yaml\n"
      "\n"
      "---\n"
      "\n"
      "```\n"
      "\n"
      "~~~~\n"
      "\n"
      "---\n"
      "\n"
      "```\n"      // not the closing fence of a ~~~~ fence
      "~~~~\n"
      "\n"
      "---\n"
      "\n"
      "# Two\n");
  REQUIRE(deck.slides.size() == 2);
  CHECK_THAT(deck.slides[0].body, twist_catch::Contains("\n---\n\n```\n~~~~\n"));
  CHECK(deck.slides[1].title == "Two");
}

TEST_CASE("a 'Note:' line starts the slide's notes, which are not part of its body") {
  Deck deck = parse(
      "<!-- lesson: 02-reactor -->\n"
      "# One\n"
      "\n"
      "Shown.\n"
      "\n"
      "Note:\n"
      "Say this.\n"
      "\n"
      "And this.\n"
      "\n"
      "---\n"
      "\n"
      "# Two\n"
      "```cpp\n"
      "Note:\n"
      "```\n");
  REQUIRE(deck.slides.size() == 2);
  CHECK(deck.slides[0].body == "# One\n\nShown.\n");
  CHECK(deck.slides[0].notes == "Say this.\n\nAnd this.\n");
  // Inside code, "Note:" is code.
  CHECK(deck.slides[1].notes.empty());
  CHECK_THAT(deck.slides[1].body, twist_catch::Contains("Note:"));
}

TEST_CASE("a slide takes its notes' words at 130 a minute, at least half a minute") {
  std::string words;
  for (int i = 0; i < 260; ++i) words += "word ";
  Deck deck = parse("<!-- lesson: 02-reactor -->\n# Long\nNote:\n" + words +
                    "\n\n---\n\n# Short\nNote:\nA few words.\n\n---\n\n# None\n");
  REQUIRE(deck.slides.size() == 3);
  CHECK(deck.slides[0].minutes == Approx(2.0));
  CHECK(deck.slides[1].minutes == Approx(kMinSlideMinutes));
  CHECK(deck.slides[2].minutes == Approx(kMinSlideMinutes));
  CHECK(deck.minutes() == Approx(3.0));
}

TEST_CASE("a 'Time: N min' notes line sets the slide's time instead") {
  Deck deck = parse("<!-- lesson: 02-reactor -->\n# Demo\nNote:\nRun it.\nTime: 2.5 min\n");
  REQUIRE(deck.slides.size() == 1);
  CHECK(deck.slides[0].minutes == Approx(2.5));
  CHECK(deck.minutes() == Approx(2.5));
}

TEST_CASE("a malformed or repeated Time line is refused, naming its line") {
  for (const char* bad : {"Time: 2", "Time: two min", "Time: 0 min", "Time: -1 min", "Time: 1e999 min",
                          "Time: nan min", "Time: 2 minutes"}) {
    CAPTURE(bad);
    std::string message = errorOf(std::string("<!-- lesson: 02-reactor -->\n# Demo\nNote:\n") + bad + "\n");
    CHECK_THAT(message, StartsWith("slides/02-reactor.md:4: "));
    CHECK_THAT(message, twist_catch::Contains("Time: N min"));
  }
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# Demo\nNote:\nTime: 1 min\nTime: 2 min\n"),
             StartsWith("slides/02-reactor.md:5: a second 'Time:'"));
}

TEST_CASE("the title is the first # or ## heading, and a slide without one is refused") {
  Deck deck = parse("<!-- lesson: 02-reactor -->\nIntro text.\n\n### Small\n\n## The title ##\n\n# Later\n");
  CHECK(deck.slides[0].title == "The title");

  std::string message = errorOf(
      "<!-- lesson: 02-reactor -->\n# One\n\n---\n\n"
      "### Only a small heading\n\ntext\n");
  CHECK_THAT(message, StartsWith("slides/02-reactor.md:6: slide 2 has no title"));
  // A heading in the notes, or in code, is no title.
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\nText.\nNote:\n# Notes heading\n"),
             StartsWith("slides/02-reactor.md:2: slide 1 has no title"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n```\n# comment\n```\n"),
             StartsWith("slides/02-reactor.md:2: slide 1 has no title"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n#\n"), twist_catch::Contains("has no title"));
}

TEST_CASE("the lesson comment must be line 1 and match the file name") {
  CHECK_THAT(errorOf("<!-- lesson: 04-deferreds -->\n# One\n"),
             StartsWith("slides/02-reactor.md:1: the lesson comment says '04-deferreds'"));
  CHECK_THAT(errorOf("# One\n"), StartsWith("slides/02-reactor.md:1: line 1 must be the lesson comment"));
  CHECK_THAT(errorOf(""), StartsWith("slides/02-reactor.md:1: "));
  CHECK_THAT(errorOf("<!-- lesson:  -->\n# One\n"), StartsWith("slides/02-reactor.md:1: the lesson comment names no"));
  // With no file to match, the comment is taken as it is.
  CHECK(parseDeck("<!-- lesson: 04-deferreds -->\n# One\n", {}).lessonId == "04-deferreds");
}

TEST_CASE("lines reveal.js would read differently are refused, naming their line") {
  // A '---' right under text: Markdown's heading underline, reveal.js's separator.
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\ntext\n---\n\n# Two\n"),
             StartsWith("slides/02-reactor.md:4: a '---' line separates slides only"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\n\n---\n# Two\n"),
             StartsWith("slides/02-reactor.md:4: "));
  // reveal.js starts notes at any line beginning "note:" or "notes:".
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\nNotes:\nsay\n"),
             StartsWith("slides/02-reactor.md:3: notes start at a line that is exactly 'Note:'"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\nNote: say this\n"),
             StartsWith("slides/02-reactor.md:3: "));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\nNote:\nsay\nNote:\nagain\n"),
             StartsWith("slides/02-reactor.md:5: a second 'Note:' line in slide 1 (the first is line 3"));
}

TEST_CASE("an empty slide, a deck of no slide and an unclosed fence are refused") {
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\n\n---\n\n\n---\n\n# Three\n"),
             StartsWith("slides/02-reactor.md:5: slide 2 is empty"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n"), StartsWith("slides/02-reactor.md:1: slide 1 is empty"));
  CHECK_THAT(errorOf("<!-- lesson: 02-reactor -->\n# One\n```cpp\nint x;\n"),
             StartsWith("slides/02-reactor.md:4: a code fence is never closed"));
}

TEST_CASE("Windows line endings are read like Unix ones") {
  Deck deck = parse("<!-- lesson: 02-reactor -->\r\n# One\r\n\r\n---\r\n\r\n# Two\r\nNote:\r\nsay\r\n");
  REQUIRE(deck.slides.size() == 2);
  CHECK(deck.slides[1].title == "Two");
  CHECK(deck.slides[1].notes == "say\n");
}

TEST_CASE("a lesson's deck lives in slides/ under its id") {
  CHECK(deckPath("/repo", "02-reactor") == std::filesystem::path("/repo/slides/02-reactor.md"));
  CHECK_THAT(std::string([] {
               try {
                 loadDeck("/nonexistent/slides/02-reactor.md");
               } catch (const DeckError& e) {
                 return std::string(e.what());
               }
               return std::string();
             }()),
             StartsWith("/nonexistent/slides/02-reactor.md: cannot read"));
}

TEST_CASE("mutated decks either parse into numbered, titled, timed slides or are refused naming file:line") {
  // A small fuzz: the repository's 02-reactor deck (or a fixture when absent) with bytes flipped,
  // lines dropped and separators inserted, 3000 times from a fixed seed.
  std::string seed;
  {
    std::ifstream in(std::filesystem::path(TWISTLINGS_TEST_SOURCE_DIR) / "slides" / "02-reactor.md");
    std::ostringstream text;
    text << in.rdbuf();
    seed = text.str();
  }
  if (seed.empty()) seed = "<!-- lesson: 02-reactor -->\n# One\n```cpp\nx\n```\nNote:\nTime: 1 min\n\n---\n\n# Two\n";
  const std::string pieces[] = {"\n---\n", "\n\n---\n\n", "```", "~~~", "\nNote:\n", "\nTime: 2 min\n", "# ", "\r", "\n"};
  std::mt19937 random(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text[at] = static_cast<char>(random() % 256); break;
        case 1: text.erase(at, random() % 40); break;
        default: text.insert(at, pieces[random() % std::size(pieces)]); break;
      }
    }
    CAPTURE(round);
    try {
      Deck deck = parse(text);
      REQUIRE_FALSE(deck.slides.empty());
      std::size_t line = 0;
      for (std::size_t i = 0; i < deck.slides.size(); ++i) {
        const Slide& slide = deck.slides[i];
        CHECK(slide.number == i + 1);
        CHECK(slide.line > line);
        line = slide.line;
        CHECK_FALSE(slide.title.empty());
        CHECK(slide.minutes > 0);
        CHECK(std::isfinite(slide.minutes));
        renderSlide(slide, true);
      }
    } catch (const DeckError& e) {
      CHECK_THAT(std::string(e.what()), StartsWith("slides/02-reactor.md:"));
    }
  }
}
