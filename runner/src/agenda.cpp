// agenda.cpp — see agenda.hpp.
#include "agenda.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

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
    int t = ((*startClock + offset) % kDay + kDay) % kDay;  // before midnight too (agenda --now before the start)
    std::snprintf(text, sizeof text, "%02d:%02d", t / 60, t % 60);
  } else {
    int minutes = std::abs(offset);
    std::snprintf(text, sizeof text, "%s%d:%02d", offset < 0 ? "-" : "+", minutes / 60, minutes % 60);
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

double offsetOfDayMinute(const Agenda& agenda, double dayMinute) {
  double offset = dayMinute - agenda.startClock.value_or(0);
  while (offset > kDay / 2) offset -= kDay;
  while (offset <= -kDay / 2) offset += kDay;
  return offset;
}

AgendaPosition positionAt(const Agenda& agenda, double offset) {
  AgendaPosition p;
  if (offset < 0) {
    p.into = -offset;
    return p;
  }
  for (const AgendaItem& i : agenda.items) {
    if (offset < i.start || offset >= i.end()) continue;
    p.item = &i;
    if (i.kind == AgendaItem::Kind::Break) {
      p.phase = AgendaPosition::Phase::Break;
      p.into = offset - i.start;
      p.left = i.end() - offset;
    } else if (offset < i.start + i.talk) {
      p.phase = AgendaPosition::Phase::Talk;
      p.into = offset - i.start;
      p.left = i.start + i.talk - offset;
    } else {
      p.phase = AgendaPosition::Phase::HandsOn;
      p.into = offset - i.start - i.talk;
      p.left = i.end() - offset;
    }
    return p;
  }
  p.phase = AgendaPosition::Phase::After;
  p.into = offset - agenda.end();
  return p;
}

std::optional<ScheduleGap> scheduleGap(const Agenda& agenda, const SlidesSessionPlace& session, double now) {
  const AgendaItem* lesson = nullptr;
  for (const AgendaItem& i : agenda.items)
    if (i.kind == AgendaItem::Kind::Lesson && i.id == session.lesson) lesson = &i;
  if (lesson == nullptr) return std::nullopt;
  ScheduleGap gap;
  // Where the plan has the moment the room is at: the talk `used` minutes
  // in, never past the talk's planned end (minutes over it are behind).
  auto talkAt = [&](double used) { return lesson->start + std::clamp(used, 0.0, static_cast<double>(lesson->talk)); };
  if (session.live) {
    gap.at = now;
    gap.behind = now - talkAt(now - session.started);
  } else if (session.slides > 0 && session.slide >= session.slides) {
    gap.at = session.updated;
    gap.behind = session.updated - (lesson->start + lesson->talk);
  } else {
    gap.at = session.updated;
    gap.behind = session.updated - talkAt(session.updated - session.started);
  }
  return gap;
}

SlidesSessionPlace parseSlidesSession(const std::string& text, const std::function<double(double)>& offsetOf,
                                      const std::function<bool(long long)>& alive) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) throw std::runtime_error("it is not a JSON object");
  auto field = [&doc](const char* name, bool (nlohmann::json::*is)() const noexcept, const char* what) {
    auto it = doc.find(name);
    if (it == doc.end() || !((*it).*is)()) throw std::runtime_error(std::string("it has no \"") + name + "\" (" + what + ")");
    return *it;
  };
  SlidesSessionPlace place;
  place.lesson = field("lesson", &nlohmann::json::is_string, "a lesson id").get<std::string>();
  long long slide = field("slide", &nlohmann::json::is_number_integer, "a slide number").get<long long>();
  long long slides = field("slides", &nlohmann::json::is_number_integer, "the deck's slide count").get<long long>();
  if (slides < 1 || slide < 1 || slide > slides)
    throw std::runtime_error("its slide " + std::to_string(slide) + " of " + std::to_string(slides) + " is not a slide");
  place.slide = static_cast<size_t>(slide);
  place.slides = static_cast<size_t>(slides);
  double started = field("started", &nlohmann::json::is_number, "unix seconds").get<double>();
  double updated = field("updated", &nlohmann::json::is_number, "unix seconds").get<double>();
  if (!std::isfinite(started) || !std::isfinite(updated)) throw std::runtime_error("its times are not finite");
  place.started = offsetOf(started);
  place.updated = offsetOf(updated);
  auto pid = doc.find("pid");
  place.live = pid != doc.end() && pid->is_number_integer() && pid->get<long long>() > 0 && alive(pid->get<long long>());
  return place;
}

}  // namespace twistlings
