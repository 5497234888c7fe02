// agenda.cpp — see agenda.hpp.
#include "agenda.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>

namespace twistlings {

namespace {

constexpr int kDay = 24 * 60;
constexpr int kLongestBreak = 180;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

int Agenda::lessons() const {
  return static_cast<int>(std::count_if(items.begin(), items.end(),
                                        [](const AgendaItem& i) { return i.kind == AgendaItem::Kind::Lesson; }));
}

std::vector<const AgendaItem*> Agenda::missing() const {
  std::vector<const AgendaItem*> out;
  for (const AgendaItem& i : items)
    if (i.kind == AgendaItem::Kind::Lesson && !i.written) out.push_back(&i);
  return out;
}

std::string Agenda::clock(int offset) const {
  char text[16];
  if (startClock) {
    int t = (*startClock + offset) % kDay;
    std::snprintf(text, sizeof text, "%02d:%02d", t / 60, t % 60);
  } else {
    std::snprintf(text, sizeof text, "+%d:%02d", offset / 60, offset % 60);
  }
  return text;
}

int parseTimeOfDay(std::string_view text, std::string_view option) {
  static const std::regex clock(R"(^([01]?\d|2[0-3]):([0-5]\d)$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, clock))
    throw UsageError(std::string(option) + " wants a time of day as HH:MM (24-hour), like 09:30, not " + quoted(text));
  return std::stoi(m[1].str()) * 60 + std::stoi(m[2].str());
}

BreakRequest parseBreak(std::string_view text, bool timeOfDay) {
  static const std::regex form(R"(^(\+?)(\d{1,2}):([0-5]\d)\+(\d{1,3})$)");
  std::match_results<std::string_view::const_iterator> m;
  std::string wants = timeOfDay ? "--break wants HH:MM+MINUTES, a time of day and a length, like 10:30+15, not "
                                : "--break wants H:MM+MINUTES, the time from the start (without --start) and a "
                                  "length, like 1:30+15, not ";
  if (!std::regex_match(text.begin(), text.end(), m, form)) throw UsageError(wants + quoted(text));
  int hours = std::stoi(m[2].str()), minutes = std::stoi(m[3].str()), length = std::stoi(m[4].str());
  if (timeOfDay && (m[1].length() > 0 || hours > 23)) throw UsageError(wants + quoted(text));
  if (length < 1 || length > kLongestBreak)
    throw UsageError("--break " + std::string(text) + ": a break lasts 1 to " + std::to_string(kLongestBreak) +
                     " minutes, not " + std::to_string(length));
  return {hours * 60 + minutes, length, std::string(text)};
}

Agenda buildAgenda(const std::vector<PlannedLesson>& plan, std::optional<int> startClock,
                   std::vector<BreakRequest> breaks) {
  Agenda agenda;
  agenda.startClock = startClock;
  // Every break as minutes from the start; a time of day before the start is
  // taken as the next day's, which the check below then refuses.
  for (BreakRequest& b : breaks)
    if (startClock) b.at = ((b.at - *startClock) % kDay + kDay) % kDay;
  std::stable_sort(breaks.begin(), breaks.end(), [](const BreakRequest& a, const BreakRequest& b) { return a.at < b.at; });

  int at = 0;
  size_t nextBreak = 0;
  auto placeDueBreaks = [&] {
    // Placed at a boundary: each one starts when the one before it ends.
    while (nextBreak < breaks.size() && breaks[nextBreak].at <= at) {
      AgendaItem item;
      item.kind = AgendaItem::Kind::Break;
      item.start = at;
      item.minutes = breaks[nextBreak].minutes;
      item.askedAt = breaks[nextBreak].at;
      agenda.items.push_back(item);
      agenda.breakMinutes += item.minutes;
      at += item.minutes;
      ++nextBreak;
    }
  };
  for (const PlannedLesson& lesson : plan) {
    placeDueBreaks();
    AgendaItem item;
    item.kind = AgendaItem::Kind::Lesson;
    item.start = at;
    item.minutes = lesson.minutes();
    item.id = lesson.id;
    item.title = lesson.title;
    item.talk = lesson.talkMinutes;
    item.handsOn = lesson.handsOnMinutes;
    item.written = lesson.written != nullptr;
    agenda.items.push_back(item);
    agenda.talkMinutes += item.talk;
    agenda.handsOnMinutes += item.handsOn;
    at += item.minutes;
  }
  if (nextBreak < breaks.size()) {
    const BreakRequest& b = breaks[nextBreak];
    std::string during = agenda.clock(0) + "–" + agenda.clock(at);
    std::string when = startClock ? agenda.clock(b.at) + " is not during the workshop (" + during + ")"
                                  : agenda.clock(b.at) + " from the start is after the workshop's end (" + during + ")";
    throw UsageError("--break " + b.text + ": " + when);
  }
  return agenda;
}

}  // namespace twistlings
