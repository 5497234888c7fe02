// Tests for agenda.hpp: the workshop's timeline from the plan, with talk and
// hands-on per lesson, clock times, breaks at lesson boundaries, lessons not
// written yet said to be so, and bad options refused naming the option.
#include "agenda.hpp"

#include <nlohmann/json.hpp>

#include "temp_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;

namespace {

const Lesson kWritten{};

// COURSE.md's ten lessons; 02, 04 and 06 written.
std::vector<PlannedLesson> tenLessons() {
  struct Row {
    const char* id;
    int talk, handsOn;
  };
  const Row rows[] = {{"00-intro", 6, 4},      {"01-install", 4, 6},    {"02-reactor", 7, 13}, {"03-callbacks", 6, 9},
                      {"04-deferreds", 9, 16}, {"05-transport", 7, 13}, {"06-protocol", 8, 17}, {"07-testing", 8, 17},
                      {"08-deployment", 7, 13}, {"09-community", 6, 4}};
  std::vector<PlannedLesson> plan;
  for (const Row& r : rows) {
    std::string id = r.id;
    bool written = id == "02-reactor" || id == "04-deferreds" || id == "06-protocol";
    plan.push_back({id, "Title of " + id, r.talk, r.handsOn, written ? &kWritten : nullptr});
  }
  return plan;
}

const AgendaItem& lessonIn(const Agenda& a, const std::string& id) {
  for (const AgendaItem& i : a.items)
    if (i.kind == AgendaItem::Kind::Lesson && i.id == id) return i;
  FAIL("no lesson " << id);
  throw std::logic_error("unreachable");
}

std::vector<const AgendaItem*> breaksOf(const Agenda& a) {
  std::vector<const AgendaItem*> out;
  for (const AgendaItem& i : a.items)
    if (i.kind == AgendaItem::Kind::Break) out.push_back(&i);
  return out;
}

std::string usageErrorOf(std::function<void()> f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

// The row of a lesson in the rendered agenda.
std::string rowOf(const std::string& text, const std::string& id) {
  size_t at = text.find("  " + id + " ");
  if (at == std::string::npos) return "";
  size_t begin = text.rfind('\n', at) + 1;
  return text.substr(begin, text.find('\n', at) - begin);
}

size_t count(const std::string& text, const std::string& glyph) {
  size_t n = 0;
  for (size_t at = text.find(glyph); at != std::string::npos; at = text.find(glyph, at + glyph.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("the agenda lays the ten planned lessons end to end from the start") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {});
  REQUIRE(a.lessons() == 10);
  CHECK(a.lessonMinutes() == 180);
  CHECK(a.talkMinutes == 68);
  CHECK(a.handsOnMinutes == 112);
  const AgendaItem& reactor = lessonIn(a, "02-reactor");
  CHECK(a.clock(reactor.start) == "09:20");
  CHECK(a.clock(reactor.end()) == "09:40");
  CHECK(reactor.talk == 7);
  CHECK(reactor.handsOn == 13);
  CHECK(a.clock(a.end()) == "12:00");
  INFO("without --start: offsets from the start");
  Agenda offsets = buildAgenda(tenLessons(), std::nullopt, {});
  CHECK(offsets.clock(lessonIn(offsets, "04-deferreds").start) == "+0:55");
  CHECK(offsets.clock(offsets.end()) == "+3:00");
}

TEST_CASE("the agenda names the planned lessons not written yet") {
  Agenda a = buildAgenda(tenLessons(), std::nullopt, {});
  std::vector<std::string> missing;
  for (const AgendaItem* i : a.missing()) missing.push_back(i->id);
  CHECK(missing == std::vector<std::string>{"00-intro", "01-install", "03-callbacks", "05-transport", "07-testing",
                                            "08-deployment", "09-community"});
  std::string text = renderAgenda(a, false, 120);
  INFO("fewer than ten lessons written: it must not present 70 minutes as the workshop");
  CHECK_THAT(text, twist_catch::Contains("7 of the 10 lessons are not written yet: 00-intro, 01-install"));
  CHECK_THAT(text, twist_catch::Contains("take 70 min"));
  CHECK_THAT(rowOf(text, "03-callbacks"), twist_catch::Contains("not written yet"));
  CHECK_THAT(rowOf(text, "02-reactor"), !twist_catch::Contains("not written yet"));
}

TEST_CASE("a break at a lesson boundary goes there, and moves what follows") {
  // 04-deferreds runs 09:55-10:20.
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("10:20+15", true)});
  auto breaks = breaksOf(a);
  REQUIRE(breaks.size() == 1);
  CHECK(a.clock(breaks[0]->start) == "10:20");
  CHECK_FALSE(breaks[0]->moved());
  CHECK(a.clock(lessonIn(a, "04-deferreds").end()) == "10:20");
  CHECK(a.clock(lessonIn(a, "05-transport").start) == "10:35");
  CHECK(a.breakMinutes == 15);
  CHECK(a.clock(a.end()) == "12:15");
}

TEST_CASE("a break asked for during a lesson starts when that lesson ends, and says so") {
  // 02-reactor runs 09:20-09:40.
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("09:30+10", true)});
  auto breaks = breaksOf(a);
  REQUIRE(breaks.size() == 1);
  INFO("a lesson is not cut in two");
  CHECK(a.clock(breaks[0]->start) == "09:40");
  CHECK(breaks[0]->moved());
  CHECK(a.clock(breaks[0]->askedAt) == "09:30");
  CHECK(a.clock(lessonIn(a, "03-callbacks").start) == "09:50");
  std::string text = renderAgenda(a, false, 160);
  CHECK_THAT(text, twist_catch::Contains("asked for 09:30, during 02-reactor"));
}

TEST_CASE("breaks given in any order are placed in time order, one after the other") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("11:00+10", true), parseBreak("09:20+5", true),
                                                parseBreak("09:20+5", true)});
  auto breaks = breaksOf(a);
  REQUIRE(breaks.size() == 3);
  CHECK(a.clock(breaks[0]->start) == "09:20");
  CHECK(a.clock(breaks[1]->start) == "09:25");
  CHECK(breaks[1]->moved());
  CHECK(a.clock(lessonIn(a, "02-reactor").start) == "09:30");
  CHECK(a.clock(a.end()) == "12:20");
}

TEST_CASE("a break outside the workshop is a usage error naming --break") {
  auto plan = tenLessons();
  CHECK_THAT(usageErrorOf([&] { buildAgenda(plan, 9 * 60, {parseBreak("12:00+10", true)}); }),
             twist_catch::Contains("--break 12:00+10") && twist_catch::Contains("not during the workshop (09:00–12:00)"));
  CHECK_THAT(usageErrorOf([&] { buildAgenda(plan, 9 * 60, {parseBreak("08:30+10", true)}); }),
             twist_catch::Contains("--break 08:30+10"));
  CHECK_THAT(usageErrorOf([&] { buildAgenda(plan, std::nullopt, {parseBreak("3:10+10", false)}); }),
             twist_catch::Contains("--break 3:10+10") && twist_catch::Contains("after the workshop's end"));
}

TEST_CASE("bad --start and --break values are usage errors that name the option and the form") {
  CHECK(parseTimeOfDay("09:30", "--start") == 570);
  CHECK(parseTimeOfDay("9:05", "--start") == 545);
  for (const char* bad : {"24:00", "09:60", "9.30", "", "nine"})
    CHECK_THAT(usageErrorOf([&] { parseTimeOfDay(bad, "--start"); }),
               twist_catch::Contains("--start wants a time of day as HH:MM"));
  BreakRequest b = parseBreak("10:30+15", true);
  CHECK(b.at == 630);
  CHECK(b.minutes == 15);
  CHECK(parseBreak("+1:30+10", false).at == 90);
  for (const char* bad : {"10:30", "10:30+", "10-30+15", "+10:30+15", "25:00+10"})
    CHECK_THAT(usageErrorOf([&] { parseBreak(bad, true); }), twist_catch::Contains("--break wants HH:MM+MINUTES"));
  CHECK_THAT(usageErrorOf([&] { parseBreak("10:30+0", true); }), twist_catch::Contains("1 to 180 minutes"));
  CHECK_THAT(usageErrorOf([&] { parseBreak("10:30+999", true); }), twist_catch::Contains("1 to 180 minutes"));
}

TEST_CASE("each lesson is a bar, one column a minute, talk and hands-on in two shades") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("09:40+10", true)});
  std::string plain = renderAgenda(a, false, 120);
  std::string row = rowOf(plain, "04-deferreds");
  CHECK(count(row, "▓") == 9);
  CHECK(count(row, "░") == 16);
  // The break 09:40-09:50 moves 03-callbacks (15 min) to 09:50-10:05.
  CHECK_THAT(row, twist_catch::Contains("10:05–10:30"));
  CHECK_THAT(plain, twist_catch::Contains("▓ talk"));
  CHECK_THAT(plain, twist_catch::Contains("░ hands-on"));
  CHECK_THAT(plain, twist_catch::Contains("09:40–09:50  break"));
  INFO("NO_COLOR, TERM=dumb or a pipe: no escape codes at all");
  CHECK(plain.find('\x1b') == std::string::npos);
  std::string colored = renderAgenda(a, true, 120);
  CHECK(colored.find('\x1b') != std::string::npos);
  CHECK(term::stripEscapes(colored) == plain);
}

TEST_CASE("the agenda's lines fit the terminal's width") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("09:30+10", true)});
  std::string text = renderAgenda(a, false, 80);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  0") != 0 && line.find("  1") != 0) continue;  // the timeline's rows
    CHECK(term::displayWidth(line) <= 80);
  }
}

TEST_CASE("agenda --json is the same timeline as data") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("09:30+10", true)});
  nlohmann::json doc = nlohmann::json::parse(agendaJson(a));
  REQUIRE(doc["lessons"].size() == 10);
  CHECK(doc["start"] == "09:00");
  CHECK(doc["end"] == "12:10");
  CHECK(doc["lessons"][2]["id"] == "02-reactor");
  CHECK(doc["lessons"][2]["start"] == "09:20");
  CHECK(doc["lessons"][2]["talk"] == 7);
  CHECK(doc["lessons"][2]["hands_on"] == 13);
  CHECK(doc["lessons"][2]["written"] == true);
  CHECK(doc["lessons"][3]["written"] == false);
  CHECK(doc["lessons"][3]["start"] == "09:50");
  REQUIRE(doc["breaks"].size() == 1);
  CHECK(doc["breaks"][0]["start"] == "09:40");
  CHECK(doc["breaks"][0]["asked_for"] == "09:30");
  CHECK(doc["breaks"][0]["moved"] == true);
  CHECK(doc["total"]["minutes"] == 190);
  CHECK(doc["total"]["lessons"] == 180);
  CHECK(doc["total"]["breaks"] == 10);
  CHECK(doc["written"]["minutes"] == 70);
  CHECK(doc["missing"].size() == 7);
  Agenda offsets = buildAgenda(tenLessons(), std::nullopt, {});
  CHECK(nlohmann::json::parse(agendaJson(offsets))["start"].is_null());
}

TEST_CASE("the agenda command reads the plan and exits 2 for a bad option") {
  testing::TempCourse t;
  t.write("lessons/course.json",
          R"({"title":"t","minutes":30,"lessons":[{"id":"02-reactor","title":"R","minutes":{"talk":7,"hands_on":13}},)"
          R"({"id":"03-callbacks","title":"C","minutes":{"talk":4,"hands_on":6}}]})");
  t.lesson("02-reactor", {{"countdown"}}, 7, 13);
  Context c = t.context();
  CHECK(agendaCommand(c, std::string("9.30"), {}, false) == 2);
  CHECK(agendaCommand(c, std::string("09:30"), {"09:35"}, false) == 2);
  int status = -1;
  std::string printed = testing::stdoutOf([&] { status = agendaCommand(c, std::string("09:30"), {"09:40+5"}, true); });
  CHECK(status == 0);
  nlohmann::json doc = nlohmann::json::parse(printed);
  REQUIRE(doc["lessons"].size() == 2);
  CHECK(doc["lessons"][0]["written"] == true);
  INFO("03-callbacks is in the plan, not in lessons/: planned, not written yet");
  CHECK(doc["lessons"][1]["written"] == false);
  CHECK(doc["missing"] == nlohmann::json::array({"03-callbacks"}));
  CHECK(doc["breaks"][0]["start"] == "09:50");
  printed = testing::stdoutOf([&] { status = agendaCommand(c, std::nullopt, {}, false); });
  CHECK(status == 0);
  CHECK_THAT(printed, twist_catch::Contains("1 of the 2 lessons are not written yet: 03-callbacks"));
  CHECK_THAT(printed, twist_catch::Contains("+0:20–+0:30"));
}

TEST_CASE("why a break moved is shown whole, on its own line when the row has no room") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("10:30+15", true)});
  std::string text = renderAgenda(a, false, 80);
  CHECK_THAT(text, twist_catch::Contains("10:40–10:55  break"));
  CHECK_THAT(text, twist_catch::Contains("↳ asked for 10:30, during 05-transport: placed at its end"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("  ", 0) == 0) CHECK(term::displayWidth(line) <= 80);  // the rows, the notes, the legend
  INFO("a wide terminal: on the break's own row");
  CHECK_THAT(rowOf(renderAgenda(a, false, 200), "break"), twist_catch::Contains("asked for 10:30, during 05-transport"));
}
