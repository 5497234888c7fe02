// agenda.hpp — the workshop as a timeline: each lesson of the plan
// (lessons/course.json) with its talk and hands-on minutes, one after the
// other, and the breaks the instructor asks for. `agenda` renders it
// (cmd_agenda.cpp); this is the arithmetic, apart so that it can be tested.
//
// Times are minutes from the workshop's start; with --start they are also
// shown as times of day. A lesson is never cut in two: a break asked for
// during a lesson starts when that lesson ends (the agenda says so), and
// everything after a break moves later by its length.
//
// Ownership: an Agenda is a plain value; it copies what it needs of the plan.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "course.hpp"

namespace twistlings {

// --break HH:MM+MIN: a break of `minutes` asked for at `at`, minutes after
// midnight with --start, minutes from the start without it.
struct BreakRequest {
  int at = 0;
  int minutes = 0;
  std::string text;   // as given, for messages
};

struct AgendaItem {
  enum class Kind { Lesson, Break };
  Kind kind = Kind::Lesson;
  int start = 0;      // minutes from the workshop's start
  int minutes = 0;    // a lesson: talk + hands-on

  // A lesson:
  std::string id;
  std::string title;
  int talk = 0;
  int handsOn = 0;
  bool written = true;   // false: planned, not written yet

  // A break: when it was asked for (minutes from the start); later than
  // that when the time fell inside a lesson, or inside an earlier break.
  int askedAt = 0;

  int end() const { return start + minutes; }
  bool moved() const { return kind == Kind::Break && askedAt != start; }
};

struct Agenda {
  std::optional<int> startClock;    // minutes after midnight, when --start was given
  std::vector<AgendaItem> items;    // lessons and breaks, in time order
  int talkMinutes = 0;
  int handsOnMinutes = 0;
  int breakMinutes = 0;

  int lessonMinutes() const { return talkMinutes + handsOnMinutes; }
  int end() const { return items.empty() ? 0 : items.back().end(); }
  int lessons() const;
  // The planned lessons that are not written yet, in order.
  std::vector<const AgendaItem*> missing() const;
  // "09:20" with a start (past midnight wraps round), "+1:05" without.
  std::string clock(int offset) const;
};

// "HH:MM" (24-hour) as minutes after midnight. Throws UsageError naming
// `option` and saying what it wants.
int parseTimeOfDay(std::string_view text, std::string_view option);
// "HH:MM+MIN" (also "+H:MM+MIN" without --start). Throws UsageError naming --break.
BreakRequest parseBreak(std::string_view text, bool timeOfDay);

// Lays the plan out from the start, and the breaks (in any order) at the
// first lesson boundary at or after the time each asks for. Throws
// UsageError naming --break for a break that does not fall during the
// workshop.
Agenda buildAgenda(const std::vector<PlannedLesson>& plan, std::optional<int> startClock,
                   std::vector<BreakRequest> breaks);

// ---- agenda --now: the workshop clock ---------------------------------------
// Everything below is in minutes from the workshop's start (fractions count:
// the command passes seconds as sixtieths), so the tests need no clock and no
// time zone; cmd_agenda.cpp turns the clock and the session file's unix times
// into offsets with offsetOfDayMinute().

// Minutes after midnight (with a fraction) as minutes from the agenda's start
// (which it must have): within 12 hours either side, so a workshop that runs
// past midnight still reads right.
double offsetOfDayMinute(const Agenda& agenda, double dayMinute);

// Where the agenda has the room at an offset: before the start, in a
// lesson's talk or hands-on, in a break, or after the end.
struct AgendaPosition {
  enum class Phase { Before, Talk, HandsOn, Break, After };
  Phase phase = Phase::Before;
  const AgendaItem* item = nullptr;   // the lesson or the break; nullptr before and after
  double into = 0;    // minutes into the phase (Before: until the start; After: since the end)
  double left = 0;    // minutes left of the phase (0 before and after)
};
AgendaPosition positionAt(const Agenda& agenda, double offset);

// The last `slides` session (.twistlings/slides-session.json), its times as
// offsets: the deck's timer started at `started`, the file was last written at
// `updated`; `live` while the presenter runs (the file has a live pid).
struct SlidesSessionPlace {
  std::string lesson;
  size_t slide = 0, slides = 0;
  double started = 0, updated = 0;
  bool live = false;
};

// How far behind (positive) or ahead (negative) the room is, by its last
// slides session, measured at `at` (an offset): while the presenter runs, at
// `now`, the room `now - started` into the lesson's talk (a talk that overruns
// its minutes counts every minute over as behind); after a deck shown to its
// last slide, at `updated`, the talk over and the hands-on starting; after a
// deck left before its last slide, at `updated`, the talk that far in.
// nullopt when the session's lesson is not on the agenda.
struct ScheduleGap {
  double behind = 0;   // minutes; negative: ahead
  double at = 0;       // the offset it was measured at
};
std::optional<ScheduleGap> scheduleGap(const Agenda& agenda, const SlidesSessionPlace& session, double now);

// The session file's text as a SlidesSessionPlace, its unix times turned into
// offsets by `offsetOf` and its pid judged by `alive`. Throws
// std::runtime_error saying what is wrong with it (not JSON, a field missing).
SlidesSessionPlace parseSlidesSession(const std::string& text, const std::function<double(double)>& offsetOf,
                                      const std::function<bool(long long)>& alive);

// agenda --now for the terminal: the time, where the plan has the room,
// and the slides session (or `noSession`, why there is none) and the gap.
std::string renderNow(const Agenda& agenda, double now, const std::optional<SlidesSessionPlace>& session,
                      const std::string& noSession);
std::string nowJson(const Agenda& agenda, double now, const std::optional<SlidesSessionPlace>& session,
                    const std::string& noSession);

// The timeline for the terminal (cmd_agenda.cpp): a row per lesson with a
// bar, one column a minute, talk and hands-on in two shades (▓ ░; two
// colours too when `color`), a lesson not written yet dim and said so, the
// breaks as rows of their own, and a legend; lines fit `width` columns.
std::string renderAgenda(const Agenda& agenda, bool color, int width);
// The same timeline as JSON: lessons and breaks with start and end, the
// totals, and the lessons not written yet.
std::string agendaJson(const Agenda& agenda);

}  // namespace twistlings
