// Tests for presenter.hpp: the terminal's bytes decoded into keys, the keys
// as a state machine, and the presenter's and the notes window's screens
// drawn at 80x24 as pure functions, without a terminal.
#include "presenter.hpp"

#include <string>
#include <vector>

#include "terminal.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using Kind = PresenterKey::Kind;

namespace {

const Deck& threeSlides() {
  static const Deck deck = parseDeck(
      "<!-- lesson: 02-reactor -->\n"
      "# The reactor\n\nOne loop, many clients.\n\nNote:\nSay what a loop is.\n\n---\n\n"
      "## callLater\n\n```cpp\nreactor.callLater(1.5, [] { std::puts(\"later\"); });\n```\n\n"
      "Note:\nAsk what prints first.\n\n---\n\n"
      "## Exercises\n\n- `./twistlings check 02`\n",
      "slides/02-reactor.md");
  return deck;
}

std::vector<PresenterKey> decode(const std::string& bytes) {
  KeyDecoder decoder;
  std::vector<PresenterKey> keys;
  for (char byte : bytes)
    for (const PresenterKey& key : decoder.feed(byte)) keys.push_back(key);
  for (const PresenterKey& key : decoder.flush()) keys.push_back(key);
  return keys;
}

std::vector<Kind> kinds(const std::vector<PresenterKey>& keys) {
  std::vector<Kind> out;
  for (const PresenterKey& key : keys) out.push_back(key.kind);
  return out;
}

PresenterState at(std::size_t slide, std::size_t slides = 3) {
  PresenterState state;
  state.slide = slide;
  state.slides = slides;
  return state;
}

DrawOptions plain80x24() {
  DrawOptions options;
  options.color = false;
  return options;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

void requireFits(const std::vector<std::string>& lines, const ScreenSize& size) {
  REQUIRE(lines.size() == static_cast<std::size_t>(size.rows));
  for (const std::string& line : lines) {
    CAPTURE(line);
    CHECK(term::displayWidth(line) <= static_cast<std::size_t>(size.columns));
  }
}

}  // namespace

TEST_CASE("the arrows, PageUp, PageDown, Home and End are decoded in their xterm and console forms") {
  CHECK(kinds(decode("\x1b[C\x1b[D\x1bOC\x1bOD")) == std::vector{Kind::next, Kind::previous, Kind::next, Kind::previous});
  CHECK(kinds(decode("\x1b[6~\x1b[5~")) == std::vector{Kind::next, Kind::previous});
  CHECK(kinds(decode("\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[7~\x1b[8~")) ==
        std::vector{Kind::first, Kind::last, Kind::first, Kind::last, Kind::first, Kind::last, Kind::first, Kind::last});
  CHECK(kinds(decode(" q\x03\x04")) == std::vector{Kind::next, Kind::quit, Kind::quit, Kind::quit});
  CHECK(decode("g12\r") == std::vector<PresenterKey>{{Kind::goTo}, {Kind::digit, '1'}, {Kind::digit, '2'}, {Kind::enter}});
  CHECK(kinds(decode("dt\x7f")) == std::vector{Kind::demo, Kind::timer, Kind::backspace});
}

TEST_CASE("an escape sequence split across reads is one key, and an unknown one is dropped whole") {
  KeyDecoder decoder;
  CHECK(decoder.feed('\x1b').empty());
  CHECK(decoder.feed('[').empty());
  CHECK(decoder.feed('6').empty());
  CHECK(kinds(decoder.feed('~')) == std::vector{Kind::next});
  // F5 (ESC [ 1 5 ~) and Insert mean nothing here, and leave no stray digit behind.
  CHECK(decode("\x1b[15~\x1b[2~").empty());
  // A lone Esc is a cancel, once flushed or when a plain key follows it.
  CHECK(kinds(decode("\x1b")) == std::vector{Kind::cancel});
  CHECK(kinds(decode("\x1bq")) == std::vector{Kind::cancel, Kind::quit});
}

TEST_CASE("next and previous move one slide and stop at the ends, Home and End go to them") {
  PresenterState state = at(1);
  CHECK(applyKey(state, {Kind::previous}) == PresenterAction::none);
  CHECK(state.slide == 1);
  CHECK(applyKey(state, {Kind::next}) == PresenterAction::redraw);
  CHECK(applyKey(state, {Kind::next}) == PresenterAction::redraw);
  CHECK(state.slide == 3);
  CHECK(applyKey(state, {Kind::next}) == PresenterAction::none);
  CHECK(state.slide == 3);
  CHECK(applyKey(state, {Kind::first}) == PresenterAction::redraw);
  CHECK(state.slide == 1);
  CHECK(applyKey(state, {Kind::last}) == PresenterAction::redraw);
  CHECK(state.slide == 3);
  CHECK(applyKey(state, {Kind::previous}) == PresenterAction::redraw);
  CHECK(state.slide == 2);
}

TEST_CASE("g then a number and Enter goes to that slide, and a number out of range says so") {
  PresenterState state = at(1, 12);
  for (const PresenterKey& key : decode("g11\r")) applyKey(state, key);
  CHECK(state.slide == 11);
  CHECK_FALSE(state.typing);

  for (const PresenterKey& key : decode("g42\r")) applyKey(state, key);
  CHECK(state.slide == 11);
  CHECK(state.message == "no slide 42: the slides are 1-12");
  // The next key clears the message.
  CHECK(applyKey(state, {Kind::digit, '5'}) == PresenterAction::redraw);
  CHECK(state.message.empty());

  for (const PresenterKey& key : decode("g3\x7f" "4\r")) applyKey(state, key);
  CHECK(state.slide == 4);
}

TEST_CASE("while typing a number, Esc or another key stops typing and is not applied, q still quits") {
  PresenterState state = at(2, 12);
  applyKey(state, {Kind::goTo});
  applyKey(state, {Kind::digit, '9'});
  CHECK(state.typing);
  CHECK(applyKey(state, {Kind::cancel}) == PresenterAction::redraw);
  CHECK_FALSE(state.typing);
  CHECK(state.slide == 2);

  applyKey(state, {Kind::goTo});
  CHECK(applyKey(state, {Kind::next}) == PresenterAction::redraw);
  CHECK_FALSE(state.typing);
  CHECK(state.slide == 2);

  applyKey(state, {Kind::goTo});
  CHECK(applyKey(state, {Kind::quit}) == PresenterAction::quit);
}

TEST_CASE("d asks for the demo, t for the timer's restart, and a digit without g does nothing") {
  PresenterState state = at(2);
  CHECK(applyKey(state, {Kind::demo}) == PresenterAction::runDemo);
  CHECK(applyKey(state, {Kind::timer}) == PresenterAction::restartTimer);
  CHECK(applyKey(state, {Kind::digit, '3'}) == PresenterAction::none);
  CHECK(state.slide == 2);
}

TEST_CASE("the presenter's screen at 80x24 is the slide centred above a footer with the lesson, n/N and the talk time") {
  PresenterClock clock{"02-reactor", 65, 7, ""};
  std::vector<std::string> lines = drawPresenter(threeSlides(), at(2), clock, plain80x24());
  requireFits(lines, {80, 24});
  std::string screen = joined(lines);
  CHECK(screen.find("## callLater") != std::string::npos);
  CHECK(screen.find("reactor.callLater(1.5") != std::string::npos);
  CHECK(screen.find("Ask what prints first") == std::string::npos);  // notes are not on the slide
  CHECK(lines[22].find("────") != std::string::npos);
  CHECK(lines[23].find("02-reactor  slide 2/3") != std::string::npos);
  CHECK(lines[23].find("talk 1:05 / 7:00") != std::string::npos);
  CHECK(lines[23].find("over") == std::string::npos);

  // Centred: the title's block starts as far from the left as the widest line ends from the right.
  std::size_t title = screen.find("## callLater");
  std::size_t lineStart = screen.rfind('\n', title) + 1;
  std::size_t indent = title - lineStart;
  CHECK(indent > 2);
  // Vertically: as many blank lines above the slide as below it (give or take one).
  std::size_t above = 0;
  while (lines[above].find_first_not_of(' ') == std::string::npos) ++above;
  std::size_t below = 0;
  while (lines[21 - below].find_first_not_of(' ') == std::string::npos) ++below;
  CHECK((above == below || above + 1 == below));
}

TEST_CASE("the talk time turns to the warning colour, saying over, once past the talk minutes") {
  PresenterClock clock{"02-reactor", 7 * 60 + 30, 7, ""};
  std::vector<std::string> lines = drawPresenter(threeSlides(), at(1), clock, plain80x24());
  CHECK(lines[23].find("talk 7:30 / 7:00 over") != std::string::npos);
  DrawOptions color;
  std::string footer = drawPresenter(threeSlides(), at(1), clock, color)[23];
  CHECK(footer.find("\x1b[1;31mtalk 7:30 / 7:00 over") != std::string::npos);
}

TEST_CASE("the footer shows the workshop clock when there is room, and the g prompt while typing") {
  PresenterClock clock{"02-reactor", 65, 7, "10:25 plan: 04 talk, 12 min behind"};
  PresenterState state = at(2);
  CHECK(drawPresenter(threeSlides(), state, clock, plain80x24())[23].find("10:25 plan: 04 talk, 12 min behind") !=
        std::string::npos);
  applyKey(state, {Kind::goTo});
  applyKey(state, {Kind::digit, '3'});
  CHECK(drawPresenter(threeSlides(), state, clock, plain80x24())[23].find("go to slide: 3") != std::string::npos);
}

TEST_CASE("the light and dark themes put every line on their background, and no colour means no escape at all") {
  PresenterClock clock{"02-reactor", 0, 7, ""};
  DrawOptions light;
  light.theme = Theme::light;
  for (const std::string& line : drawPresenter(threeSlides(), at(2), clock, light)) {
    CHECK(line.rfind("\x1b[0;30;107m", 0) == 0);
    CHECK(term::displayWidth(line) == 80);  // filled, so the background covers the screen
  }
  // On white, the renderer's yellow (inline code, numbers) and cyan (## titles) become darker shades.
  std::string lightScreen = joined(drawPresenter(threeSlides(), at(3), clock, light));
  CHECK(lightScreen.find("38;5;130m") != std::string::npos);
  CHECK(lightScreen.find("38;5;24m") != std::string::npos);
  CHECK(lightScreen.find("\x1b[33m") == std::string::npos);
  DrawOptions dark;
  CHECK(drawPresenter(threeSlides(), at(2), clock, dark)[0].rfind("\x1b[0;97;40m", 0) == 0);
  CHECK(joined(drawPresenter(threeSlides(), at(3), clock, dark)).find("\x1b[33m") != std::string::npos);
  for (const std::string& line : drawPresenter(threeSlides(), at(2), clock, plain80x24()))
    CHECK(line.find('\x1b') == std::string::npos);
}

TEST_CASE("a slide taller than a small terminal is cut, and says so") {
  DrawOptions small = plain80x24();
  small.size = {40, 5};
  std::vector<std::string> lines = drawPresenter(threeSlides(), at(2), {"02-reactor", 0, 7, ""}, small);
  requireFits(lines, small.size);
  CHECK(joined(lines).find("more lines (too small)") != std::string::npos);
}

TEST_CASE("the notes window shows the slide's notes, the next slide's title and the timer") {
  NotesScreen notes;
  notes.deck = &threeSlides();
  notes.slide = 2;
  notes.connected = true;
  notes.talkSecondsUsed = 125;
  notes.talkMinutes = 7;
  std::vector<std::string> lines = drawNotes(notes, plain80x24());
  requireFits(lines, {80, 24});
  std::string screen = joined(lines);
  CHECK(screen.find("Slide 2/3: callLater") != std::string::npos);
  CHECK(screen.find("Next: Exercises") != std::string::npos);
  CHECK(screen.find("talk 2:05 / 7:00") != std::string::npos);
  CHECK(screen.find("Ask what prints first.") != std::string::npos);
  CHECK(screen.find("Waiting") == std::string::npos);

  notes.slide = 3;
  notes.connected = false;
  notes.waiting = "no session file";
  screen = joined(drawNotes(notes, plain80x24()));
  CHECK(screen.find("Waiting for the presenter (twistlings slides): no session file") != std::string::npos);
  CHECK(screen.find("Next: nothing, this is the last slide") != std::string::npos);
}

TEST_CASE("not in a terminal, the deck is printed as text, slide after slide with its notes") {
  std::string text = deckAsText(threeSlides());
  std::size_t one = text.find("slide 1/3");
  std::size_t two = text.find("slide 2/3");
  std::size_t three = text.find("slide 3/3");
  REQUIRE(one != std::string::npos);
  CHECK(one < two);
  CHECK(two < three);
  CHECK(text.find("Say what a loop is.") < two);
  CHECK(text.find("Ask what prints first.") > two);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("the workshop clock says where the plan is now and how far behind or ahead the talk is") {
  std::vector<PlannedLesson> plan = {{"00-intro", "Intro", 6, 4, nullptr}, {"01-install", "Install", 4, 6, nullptr}};
  Agenda agenda = buildAgenda(plan, 9 * 60, {});
  // 09:10: the plan is at 01-install's talk; the room is 6 minutes into 00-intro's: 4 behind.
  CHECK(workshopClock(agenda, 9 * 60 + 10, "00-intro", 6 * 60) == "09:10 plan: 01 talk, 4 min behind");
  CHECK(workshopClock(agenda, 9 * 60 + 7, "00-intro", 6 * 60) == "09:07 plan: 00 hands-on, 1 min behind");
  CHECK(workshopClock(agenda, 9 * 60 + 10, "01-install", 2 * 60) == "09:10 plan: 01 talk, 2 min ahead");
  CHECK(workshopClock(agenda, 9 * 60 + 12, "01-install", 2 * 60) == "09:12 plan: 01 talk, on time");
  CHECK(workshopClock(agenda, 8 * 60 + 50, "00-intro", 0) == "08:50 plan: starts 09:00, 10 min ahead");
  CHECK(workshopClock(buildAgenda(plan, std::nullopt, {}), 600, "00-intro", 0).empty());
}

TEST_CASE("timers read as minutes and seconds") {
  CHECK(minutesSeconds(0) == "0:00");
  CHECK(minutesSeconds(725.9) == "12:05");
  CHECK(minutesSeconds(-30) == "-0:30");
}
