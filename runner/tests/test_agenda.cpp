// Tests for agenda.hpp: the workshop's timeline from the plan, with talk and
// hands-on per lesson, clock times, breaks at lesson boundaries, lessons not
// written yet said to be so, and bad options refused naming the option.
#include "agenda.hpp"

#include <cstdlib>
#include <ctime>
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

// A plan of 02-reactor (7 + 13) and 03-callbacks (4 + 6), with 02 written.
static void planTwoWriteOne(testing::TempCourse& t) {
  t.write("lessons/course.json",
          R"({"title":"t","minutes":30,"lessons":[{"id":"02-reactor","title":"R","minutes":{"talk":7,"hands_on":13}},)"
          R"({"id":"03-callbacks","title":"C","minutes":{"talk":4,"hands_on":6}}]})");
  t.lesson("02-reactor", {{"countdown"}}, 7, 13);
}

TEST_CASE("the agenda command reads the plan and exits 2 for a bad option") {
  testing::TempCourse t;
  planTwoWriteOne(t);
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

// ---- agenda --now -------------------------------------------------------------
// The ten lessons from 09:00: 00-intro 0-10 (talk to 6), 01-install 10-20,
// 02-reactor 20-40, 03-callbacks 40-55 (talk to 46), 04-deferreds 55-80 ...

TEST_CASE("now is placed in a lesson's talk or hands-on, a break, before the start or after the end") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {parseBreak("10:00+15", true)});  // placed at 80, after 04
  using Phase = AgendaPosition::Phase;
  struct Row {
    double offset;
    Phase phase;
    const char* id;   // "" for none, "break"
    double into, left;
  };
  // The break moved 05-transport later: it starts at 95.
  const Row rows[] = {{-5, Phase::Before, "", 5, 0},          {0, Phase::Talk, "00-intro", 0, 6},
                      {8.5, Phase::HandsOn, "00-intro", 2.5, 1.5}, {45.5, Phase::Talk, "03-callbacks", 5.5, 0.5},
                      {85, Phase::Break, "break", 5, 10},     {95, Phase::Talk, "05-transport", 0, 7},
                      {static_cast<double>(a.end() + 7), Phase::After, "", 7, 0}};
  for (const Row& r : rows) {
    INFO("at " << r.offset);
    AgendaPosition p = positionAt(a, r.offset);
    CHECK(p.phase == r.phase);
    std::string id = p.item == nullptr ? "" : p.item->kind == AgendaItem::Kind::Break ? "break" : p.item->id;
    CHECK(id == r.id);
    CHECK(p.into == r.into);
    CHECK(p.left == r.left);
  }
}

TEST_CASE("a time of day is an offset from the start, within twelve hours either side, across midnight too") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {});
  CHECK(offsetOfDayMinute(a, 10 * 60 + 0.5) == 60.5);
  CHECK(offsetOfDayMinute(a, 8 * 60 + 50) == -10);
  Agenda late = buildAgenda(tenLessons(), 23 * 60 + 30, {});
  CHECK(offsetOfDayMinute(late, 10) == 40);
  CHECK(offsetOfDayMinute(late, 23 * 60) == -30);
}

TEST_CASE("the slides session's gap: a late start, an overrunning talk, a deck ahead, a finished and a left deck") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {});
  SlidesSessionPlace s{"03-callbacks", 4, 9, 52, 54, true};
  SECTION("presenting: a talk begun 12 minutes late is 12 minutes behind, whatever minute of it") {
    CHECK(scheduleGap(a, s, 55)->behind == 12);
    CHECK(scheduleGap(a, s, 57.5)->behind == 12);
    CHECK(scheduleGap(a, s, 57.5)->at == 57.5);
  }
  SECTION("presenting: every minute over the talk's minutes is a minute behind") {
    s.started = 40;
    CHECK(scheduleGap(a, s, 46)->behind == 0);
    CHECK(scheduleGap(a, s, 50)->behind == 4);
  }
  SECTION("presenting early is ahead") {
    s.started = 35;
    CHECK(scheduleGap(a, s, 37)->behind == -5);
  }
  SECTION("a deck shown to its last slide: its talk ended when it closed, the hands-on began") {
    SlidesSessionPlace late{"03-callbacks", 9, 9, 40, 50, false}, early{"03-callbacks", 9, 9, 40, 44, false};
    CHECK(scheduleGap(a, late, 70)->behind == 4);
    CHECK(scheduleGap(a, late, 70)->at == 50);
    CHECK(scheduleGap(a, early, 70)->behind == -2);
  }
  SECTION("a deck left before its last slide: the talk as far as it went") {
    CHECK(scheduleGap(a, SlidesSessionPlace{"03-callbacks", 4, 9, 42, 45, false}, 70)->behind == 2);
  }
  SECTION("a lesson not on the agenda has no gap") {
    s.lesson = "99-nothing";
    CHECK_FALSE(scheduleGap(a, s, 55).has_value());
  }
}

TEST_CASE("the session file is read with its times as offsets and its pid judged alive or not") {
  auto offsetOf = [](double unix) { return (unix - 1000) / 60; };
  auto alive = [](long long pid) { return pid == 42; };
  std::string text = R"({"lesson":"03-callbacks","slide":4,"slides":9,"started":1600,"updated":1720,"port":5000,"pid":42})";
  SlidesSessionPlace s = parseSlidesSession(text, offsetOf, alive);
  CHECK(s.lesson == "03-callbacks");
  CHECK(s.slide == 4);
  CHECK(s.slides == 9);
  CHECK(s.started == 10);
  CHECK(s.updated == 12);
  CHECK(s.live);
  CHECK_FALSE(parseSlidesSession(R"({"lesson":"03-callbacks","slide":4,"slides":9,"started":1600,"updated":1720,"pid":7})",
                                 offsetOf, alive).live);
  INFO("left in place at the presenter's exit, without its pid");
  CHECK_FALSE(parseSlidesSession(R"({"lesson":"03-callbacks","slide":9,"slides":9,"started":1600,"updated":1720})",
                                 offsetOf, alive).live);
  auto refusal = [&](const std::string& bad) {
    try {
      parseSlidesSession(bad, offsetOf, alive);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refusal("{ half"), twist_catch::Contains("not a JSON object"));
  CHECK_THAT(refusal(R"({"lesson":"03-callbacks","slide":4,"started":1,"updated":2})"), twist_catch::Contains("\"slides\""));
  CHECK_THAT(refusal(R"({"lesson":"03-callbacks","slide":10,"slides":9,"started":1,"updated":2})"),
             twist_catch::Contains("slide 10 of 9"));
}

TEST_CASE("agenda --now says where the plan has the room, the slides session and the gap, or why there is none") {
  Agenda a = buildAgenda(tenLessons(), 9 * 60, {});
  std::string text = renderNow(a, 57.5, std::nullopt, "there is no file");
  CHECK_THAT(text, twist_catch::Contains("Now 09:57"));
  CHECK_THAT(text, twist_catch::Contains("Plan:   04-deferreds, the talk: 2 min in, 7 min left (hands-on from 10:04)"));
  CHECK_THAT(text, twist_catch::Contains("Slides: no session: there is no file"));
  SlidesSessionPlace live{"03-callbacks", 4, 9, 52, 54, true};
  text = renderNow(a, 57.5, live, "");
  CHECK_THAT(text, twist_catch::Contains("03-callbacks, slide 4 of 9, presenting now: 5 min of its 6-min talk used"));
  CHECK_THAT(text, twist_catch::Contains("12 min behind the plan"));
  SlidesSessionPlace done{"03-callbacks", 9, 9, 40, 44, false};
  text = renderNow(a, 60, done, "");
  CHECK_THAT(text, twist_catch::Contains("shown to its last slide; closed at 09:44"));
  CHECK_THAT(text, twist_catch::Contains("2 min ahead of the plan (at 09:44)"));
  CHECK_THAT(renderNow(a, 200, std::nullopt, ""), twist_catch::Contains("the workshop ended at 12:00, 20 min ago"));
  nlohmann::json doc = nlohmann::json::parse(nowJson(a, 57.5, live, ""));
  CHECK(doc["plan"]["phase"] == "talk");
  CHECK(doc["plan"]["lesson"] == "04-deferreds");
  CHECK(doc["behind"] == 12);
  CHECK(doc["slides"]["live"] == true);
  CHECK(nlohmann::json::parse(nowJson(a, 57.5, std::nullopt, "why"))["no_slides"] == "why");
}

TEST_CASE("the agenda --now command reads the clock from TWISTLINGS_NOW and the session file, and needs --start") {
  testing::TempCourse t;
  planTwoWriteOne(t);
  t.lesson("03-callbacks", {{"session"}}, 4, 6);
  Context c = t.context();
  ::setenv("TWISTLINGS_NOW", "09:25", 1);
  int status = -1;
  CHECK(agendaCommand(c, std::nullopt, {}, false, true) == 2);
  std::string printed = testing::stdoutOf([&] { status = agendaCommand(c, std::string("09:00"), {}, false, true); });
  CHECK(status == 0);
  CHECK_THAT(printed, twist_catch::Contains("Plan:   03-callbacks, hands-on: 1 min in, 5 min left (the lesson ends 09:30)"));
  CHECK_THAT(printed, twist_catch::Contains("slides-session.json does not exist"));
  // The deck of 02-reactor shown to its end from 09:03 to 09:12: its talk planned to end at 09:07.
  std::time_t now = std::time(nullptr);
  std::tm tm = *std::localtime(&now);
  tm.tm_hour = 9, tm.tm_min = 3, tm.tm_sec = 0, tm.tm_isdst = -1;
  long long started = static_cast<long long>(std::mktime(&tm));
  t.write(".twistlings/slides-session.json", R"({"lesson":"02-reactor","slide":11,"slides":11,"started":)" +
                                                 std::to_string(started) + R"(,"updated":)" +
                                                 std::to_string(started + 9 * 60) + R"(,"port":1})");
  printed = testing::stdoutOf([&] { status = agendaCommand(c, std::string("09:00"), {}, true, true); });
  CHECK(status == 0);
  nlohmann::json doc = nlohmann::json::parse(printed);
  CHECK(doc["behind"] == 5);
  CHECK(doc["measured_at"] == "09:12");
  INFO("a session written after now is not this workshop's");
  t.write(".twistlings/slides-session.json", R"({"lesson":"02-reactor","slide":1,"slides":11,"started":)" +
                                                 std::to_string(started) + R"(,"updated":)" +
                                                 std::to_string(started + 40 * 60) + "}");
  printed = testing::stdoutOf([&] { status = agendaCommand(c, std::string("09:00"), {}, false, true); });
  CHECK_THAT(printed, twist_catch::Contains("was written after now"));
  ::setenv("TWISTLINGS_NOW", "9h25", 1);
  CHECK(agendaCommand(c, std::string("09:00"), {}, false, true) == 2);
  ::unsetenv("TWISTLINGS_NOW");
}

TEST_CASE("clock times before the start read as times of day, or as minus from the start without one") {
  Agenda a = buildAgenda(tenLessons(), 0, {});  // from midnight
  CHECK(a.clock(-10) == "23:50");
  Agenda offsets = buildAgenda(tenLessons(), std::nullopt, {});
  CHECK(offsets.clock(-65) == "-1:05");
  CHECK(offsets.clock(65) == "+1:05");
  CHECK_THAT(renderNow(buildAgenda(tenLessons(), 9 * 60, {}), -25, std::nullopt, ""),
             twist_catch::Contains("Now 08:35"));
}
