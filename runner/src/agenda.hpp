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

// The timeline for the terminal (cmd_agenda.cpp): a row per lesson with a
// bar, one column a minute, talk and hands-on in two shades (▓ ░; two
// colours too when `color`), a lesson not written yet dim and said so, the
// breaks as rows of their own, and a legend; lines fit `width` columns.
std::string renderAgenda(const Agenda& agenda, bool color, int width);
// The same timeline as JSON: lessons and breaks with start and end, the
// totals, and the lessons not written yet.
std::string agendaJson(const Agenda& agenda);

}  // namespace twistlings
