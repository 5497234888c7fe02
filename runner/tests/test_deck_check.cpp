// Tests for the decks' course check: deckProblems (deck.hpp) names a slide
// that does not fit 80x24 and a deck whose time does not fit its talk
// minutes; checkDecksCommand (slides --check) fails on a missing deck.
#include <string>

#include "deck.hpp"
#include "temp_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;

namespace {

// A deck of one slide whose body is `body` and whose notes take `minutes`.
Deck oneSlide(const std::string& body, double minutes = 1) {
  return parseDeck("<!-- lesson: 02-reactor -->\n# Title\n" + body + "\nNote:\nTime: " + std::to_string(minutes) +
                       " min\n",
                   "slides/02-reactor.md");
}

std::string lines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "- item " + std::to_string(i) + "\n";
  return out;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& p : problems) out += p + "\n";
  return out;
}

}  // namespace

TEST_CASE("a slide of 20 lines fits, one of 23 fails naming deck, line, number, title and by how much") {
  // The title, a blank line, then the list: 2 + 18 = 20 lines.
  CHECK(deckProblems(oneSlide("\n" + lines(18)), 1).empty());
  std::vector<std::string> problems = deckProblems(oneSlide("\n" + lines(21)), 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "slides/02-reactor.md:2: slide 1 'Title' is 23 lines tall on the screen, 3 over the 20 "
                       "that fit (cut it, or split it in two)");
}

TEST_CASE("a code line wider than 72 characters overflows the 76 columns, and says by how much") {
  std::string fits(72, 'x');
  CHECK(deckProblems(oneSlide("\n```\n" + fits + "\n```\n"), 1).empty());
  std::string wide(75, 'y');
  std::string problems = joined(deckProblems(oneSlide("\n```\n" + wide + "\n```\n"), 1));
  CHECK_THAT(problems, twist_catch::Contains("slide 1 'Title' has a line 79 columns wide, 3 over the 76"));
  CHECK_THAT(problems, twist_catch::Contains(wide));
}

TEST_CASE("a deck's time must be 0.75 to 1 x the talk minutes") {
  CHECK(deckProblems(oneSlide("", 6), 8).empty());      // 0.75 x 8
  CHECK(deckProblems(oneSlide("", 8), 8).empty());
  CHECK_THAT(joined(deckProblems(oneSlide("", 8.5), 8)),
             twist_catch::Contains("slides/02-reactor.md: the deck takes 8.5 min at the notes' pace, outside 6-8"));
  CHECK_THAT(joined(deckProblems(oneSlide("", 5), 8)), twist_catch::Contains("the notes say too little"));
}

TEST_CASE("slides --check fails on a written lesson without a deck, and passes once it has one") {
  testing::TempCourse course;
  course.lesson("02-reactor", {{"countdown"}}, 2, 18);
  Context c = course.context();
  CHECK(checkDecksCommand(c.course, std::nullopt) == 1);
  CHECK(checkDecksCommand(c.course, std::string("02")) == 1);
  course.write("slides/02-reactor.md", "<!-- lesson: 02-reactor -->\n# One\nNote:\nTime: 1.5 min\n");
  CHECK(checkDecksCommand(c.course, std::nullopt) == 0);
  CHECK(checkDecksCommand(c.course, std::string("02-reactor")) == 0);
  // A deck for no lesson of the plan fails the whole check.
  course.write("slides/10-extra.md", "<!-- lesson: 10-extra -->\n# One\n");
  CHECK(checkDecksCommand(c.course, std::nullopt) == 1);
}

TEST_CASE("slides --check fails on a deck that does not parse") {
  testing::TempCourse course;
  course.lesson("02-reactor", {{"countdown"}}, 2, 18);
  course.write("slides/02-reactor.md", "<!-- lesson: 03-callbacks -->\n# One\nNote:\nTime: 1.5 min\n");
  Context c = course.context();
  CHECK(checkDecksCommand(c.course, std::nullopt) == 1);
}
