// cmd_agenda.cpp — agenda: the workshop's timeline (agenda.hpp) for the
// terminal or as JSON; with --now, where the room should be at this moment
// and how far ahead or behind the last slides session is.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agenda.hpp"
#include "commands.hpp"
#include "files.hpp"
#include "notes_link.hpp"

namespace twistlings {

namespace {

constexpr size_t kWidestBar = 40;   // columns; a longer item is drawn to scale

std::string repeat(std::string_view glyph, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += glyph;
  return out;
}

// The first `columns` characters of plain UTF-8 text, "…" marking a cut.
std::string fit(const std::string& text, size_t columns) {
  if (term::displayWidth(text) <= columns) return text;
  if (columns == 0) return "";
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size() && used + 1 < columns; ++used) {
    size_t n = 1;
    while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
    out += text.substr(i, n);
    i += n;
  }
  return out + "…";
}

std::string joinIds(const std::vector<const AgendaItem*>& items) {
  std::string out;
  for (const AgendaItem* i : items) out += (out.empty() ? "" : ", ") + i->id;
  return out;
}

std::string minutesText(int minutes) {
  if (minutes < 60) return std::to_string(minutes) + " min";
  char text[32];
  std::snprintf(text, sizeof text, "%d h %02d min", minutes / 60, minutes % 60);
  return text;
}

// Why a break starts later than asked: what was going on at the time asked for.
std::string movedBecause(const Agenda& agenda, const AgendaItem& b) {
  for (const AgendaItem& i : agenda.items) {
    if (&i == &b || i.start > b.askedAt || i.end() <= b.askedAt) continue;
    if (i.kind == AgendaItem::Kind::Lesson) return ", during " + i.id + ": placed at its end";
    return ", during the break before: placed after it";
  }
  return "";
}

}  // namespace

std::string renderAgenda(const Agenda& agenda, bool color, int width) {
  term::Painter paint(color);
  std::ostringstream out;
  int widest = 0;
  for (const AgendaItem& i : agenda.items) widest = std::max(widest, i.minutes);
  double scale = widest > static_cast<int>(kWidestBar) ? static_cast<double>(kWidestBar) / widest : 1.0;
  auto columns = [scale](int minutes) { return static_cast<size_t>(std::lround(minutes * scale)); };
  size_t barWidth = columns(widest);

  std::string span = agenda.clock(0) + "–" + agenda.clock(agenda.end());
  out << paint.bold(agenda.startClock ? "The agenda: " + span
                                      : "The agenda, from the start: " + span + " (--start HH:MM gives times of day)")
      << "\n";
  out << agenda.lessons() << " lessons, " << minutesText(agenda.lessonMinutes()) << " (" << agenda.talkMinutes
      << " min talk, " << agenda.handsOnMinutes << " min hands-on)";
  if (agenda.breakMinutes > 0) out << ", and " << agenda.breakMinutes << " min of breaks";
  out << "; questions not counted.\n";
  std::vector<const AgendaItem*> missing = agenda.missing();
  if (!missing.empty()) {
    int written = 0;
    for (const AgendaItem& i : agenda.items)
      if (i.kind == AgendaItem::Kind::Lesson && i.written) written += i.minutes;
    out << paint.yellow(std::to_string(missing.size()) + " of the " + std::to_string(agenda.lessons()) +
                        " lessons are not written yet: " + joinIds(missing) + ".")
        << "\n"
        << "Their rows are the plan's minutes; the lessons written so far take " << written << " min.\n";
  }
  out << "\n";

  for (const AgendaItem& i : agenda.items) {
    std::string when = agenda.clock(i.start) + "–" + agenda.clock(i.end());
    std::string row = "  " + when + "  ";
    size_t idColumn = term::displayWidth(row);
    std::string bar, note, numbers;
    if (i.kind == AgendaItem::Kind::Break) {
      row += paint.yellow(term::padRight("break", 14));
      bar = paint.yellow(repeat("·", columns(i.minutes)));
      numbers = std::to_string(i.minutes) + " min";
      if (i.moved()) note = "asked for " + agenda.clock(i.askedAt) + movedBecause(agenda, i);
    } else {
      size_t talk = columns(i.talk), all = columns(i.minutes);
      std::string talkBar = repeat("▓", talk), handsOnBar = repeat("░", all - std::min(all, talk));
      row += paint.bold(term::padRight(i.id, 14));
      bar = i.written ? paint.cyan(talkBar) + paint.green(handsOnBar) : paint.dim(talkBar + handsOnBar);
      numbers = std::to_string(i.talk) + " + " + std::to_string(i.handsOn);
      note = i.written ? i.title : "not written yet";
    }
    size_t shown = term::displayWidth(term::stripEscapes(bar));
    row += bar + std::string(barWidth - std::min(barWidth, shown), ' ') + "  " + term::padRight(numbers, 8);
    size_t used = term::displayWidth(row);
    size_t columns = static_cast<size_t>(std::max(width, 0));
    size_t room = columns > used ? columns - used : 0;
    // Why a break moved is worth its own line when the row has no room for
    // it; a lesson's title may be cut (its id is on the row).
    std::string below;
    if (i.kind == AgendaItem::Kind::Break && term::displayWidth(note) > room) {
      below = std::string(idColumn, ' ') + fit("↳ " + note, columns > idColumn ? columns - idColumn : 0);
    } else if (room >= 8) {
      std::string fitted = fit(note, room);
      row += i.kind == AgendaItem::Kind::Lesson && !i.written ? paint.dim(fitted) : fitted;
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    // An unwritten lesson's whole row is dim, so the written ones stand out.
    out << (i.kind == AgendaItem::Kind::Lesson && !i.written ? paint.dim(term::stripEscapes(row)) : row) << "\n";
    if (!below.empty()) out << paint.yellow(below) << "\n";
  }
  out << "\n"
      << "  " << paint.cyan("▓") << " talk  " << paint.green("░") << " hands-on  " << paint.yellow("·") << " break  "
      << paint.dim(scale == 1.0 ? "one column a minute" : "drawn to scale") << "\n"
      << paint.dim("  The numbers are talk + hands-on minutes. A lesson is never cut in two:") << "\n"
      << paint.dim("  a break asked for during one starts when that lesson ends.")
      << "\n";
  return out.str();
}

std::string agendaJson(const Agenda& agenda) {
  using nlohmann::json;
  json lessons = json::array(), breaks = json::array(), missing = json::array();
  int writtenMinutes = 0, written = 0;
  for (const AgendaItem& i : agenda.items) {
    json item{{"start", agenda.clock(i.start)}, {"end", agenda.clock(i.end())},
              {"start_minute", i.start}, {"end_minute", i.end()}, {"minutes", i.minutes}};
    if (i.kind == AgendaItem::Kind::Break) {
      item["asked_for"] = agenda.clock(i.askedAt);
      item["moved"] = i.moved();
      breaks.push_back(item);
      continue;
    }
    item["id"] = i.id;
    item["title"] = i.title;
    item["talk"] = i.talk;
    item["hands_on"] = i.handsOn;
    item["written"] = i.written;
    lessons.push_back(item);
    if (i.written) {
      ++written;
      writtenMinutes += i.minutes;
    } else {
      missing.push_back(i.id);
    }
  }
  json doc{{"start", agenda.startClock ? json(agenda.clock(0)) : json(nullptr)},
           {"end", agenda.clock(agenda.end())},
           {"lessons", lessons},
           {"breaks", breaks},
           {"total", {{"minutes", agenda.end()}, {"lessons", agenda.lessonMinutes()}, {"talk", agenda.talkMinutes},
                      {"hands_on", agenda.handsOnMinutes}, {"breaks", agenda.breakMinutes}}},
           {"written", {{"lessons", written}, {"planned", agenda.lessons()}, {"minutes", writtenMinutes}}},
           {"missing", missing}};
  return doc.dump(2);
}

namespace {

// Minutes as the room reads them: "3 min", or "1 h 05 min" past an hour.
std::string roundMinutes(double minutes, bool up) {
  return minutesText(static_cast<int>(up ? std::ceil(minutes - 1e-9) : std::floor(minutes + 1e-9)));
}

const char* phaseName(AgendaPosition::Phase phase) {
  switch (phase) {
    case AgendaPosition::Phase::Before: return "before";
    case AgendaPosition::Phase::Talk: return "talk";
    case AgendaPosition::Phase::HandsOn: return "hands_on";
    case AgendaPosition::Phase::Break: return "break";
    case AgendaPosition::Phase::After: return "after";
  }
  return "before";
}

std::string clockAt(const Agenda& agenda, double offset) {
  return agenda.clock(static_cast<int>(std::floor(offset + 1e-9)));
}

// "12 min behind the plan", "3 min ahead of the plan", "on time" (within half a minute).
std::string gapText(double behind) {
  long minutes = std::lround(behind);
  if (minutes == 0) return "on time by the plan";
  return minutesText(static_cast<int>(std::labs(minutes))) + (minutes > 0 ? " behind the plan" : " ahead of the plan");
}

const AgendaItem* lessonItem(const Agenda& agenda, const std::string& id) {
  for (const AgendaItem& i : agenda.items)
    if (i.kind == AgendaItem::Kind::Lesson && i.id == id) return &i;
  return nullptr;
}

}  // namespace

std::string renderNow(const Agenda& agenda, double now, const std::optional<SlidesSessionPlace>& session,
                      const std::string& noSession) {
  std::ostringstream out;
  AgendaPosition p = positionAt(agenda, now);
  out << "Now " << clockAt(agenda, now) << " · the agenda " << agenda.clock(0) << "–" << agenda.clock(agenda.end()) << "\n";
  out << "Plan:   ";
  switch (p.phase) {
    case AgendaPosition::Phase::Before:
      out << "the workshop starts at " << agenda.clock(0) << ", in " << roundMinutes(p.into, true);
      break;
    case AgendaPosition::Phase::After:
      out << "the workshop ended at " << agenda.clock(agenda.end()) << ", " << roundMinutes(p.into, false) << " ago";
      break;
    case AgendaPosition::Phase::Break:
      out << "a break: " << roundMinutes(p.into, false) << " in, " << roundMinutes(p.left, true) << " left (until "
          << agenda.clock(p.item->end()) << ")";
      break;
    case AgendaPosition::Phase::Talk:
      out << p.item->id << ", the talk: " << roundMinutes(p.into, false) << " in, " << roundMinutes(p.left, true)
          << " left (hands-on from " << agenda.clock(p.item->start + p.item->talk) << ")";
      break;
    case AgendaPosition::Phase::HandsOn:
      out << p.item->id << ", hands-on: " << roundMinutes(p.into, false) << " in, " << roundMinutes(p.left, true)
          << " left (the lesson ends " << agenda.clock(p.item->end()) << ")";
      break;
  }
  out << "\n";
  out << "Slides: ";
  if (!session) return out.str() + "no session: " + noSession + "\n";
  const AgendaItem* lesson = lessonItem(agenda, session->lesson);
  std::string talk = lesson ? " of its " + std::to_string(lesson->talk) + "-min talk" : "";
  std::string slide = "slide " + std::to_string(session->slide) + " of " + std::to_string(session->slides);
  if (session->live) {
    out << session->lesson << ", " << slide << ", presenting now: " << roundMinutes(now - session->started, false)
        << talk << " used (its timer from " << clockAt(agenda, session->started) << ")";
  } else if (session->slide >= session->slides) {
    out << session->lesson << ", shown to its last slide; closed at " << clockAt(agenda, session->updated)
        << " after " << roundMinutes(session->updated - session->started, false) << talk;
  } else {
    out << session->lesson << ", left at " << slide << " at " << clockAt(agenda, session->updated) << ", "
        << roundMinutes(session->updated - session->started, false) << talk << " used (the presenter is not running)";
  }
  out << "\n        ";
  std::optional<ScheduleGap> gap = scheduleGap(agenda, *session, now);
  if (!gap) return out.str() + session->lesson + " is not on the agenda: no gap to tell\n";
  out << gapText(gap->behind);
  if (!session->live) out << " (at " << clockAt(agenda, gap->at) << ")";
  out << "\n";
  return out.str();
}

std::string nowJson(const Agenda& agenda, double now, const std::optional<SlidesSessionPlace>& session,
                    const std::string& noSession) {
  using nlohmann::json;
  AgendaPosition p = positionAt(agenda, now);
  json plan{{"phase", phaseName(p.phase)}, {"into", p.into}, {"left", p.left}};
  plan["lesson"] = p.item != nullptr && p.item->kind == AgendaItem::Kind::Lesson ? json(p.item->id) : json(nullptr);
  json doc{{"now", clockAt(agenda, now)}, {"now_minute", now}, {"plan", plan}};
  if (!session) {
    doc["slides"] = nullptr;
    doc["no_slides"] = noSession;
    doc["behind"] = nullptr;
    return doc.dump(2);
  }
  doc["slides"] = {{"lesson", session->lesson}, {"slide", session->slide}, {"slides", session->slides},
                   {"live", session->live}, {"started", clockAt(agenda, session->started)},
                   {"updated", clockAt(agenda, session->updated)}};
  std::optional<ScheduleGap> gap = scheduleGap(agenda, *session, now);
  doc["behind"] = gap ? json(gap->behind) : json(nullptr);
  doc["measured_at"] = gap ? json(clockAt(agenda, gap->at)) : json(nullptr);
  return doc.dump(2);
}

namespace {

// The time agenda --now tells about: $TWISTLINGS_NOW (HH:MM or HH:MM:SS,
// today; for the tests) or the clock. Unix seconds.
double nowUnixSeconds() {
  const char* fixed = std::getenv("TWISTLINGS_NOW");
  auto clock = std::chrono::system_clock::now().time_since_epoch();
  double real = std::chrono::duration<double>(clock).count();
  if (fixed == nullptr || *fixed == '\0') return real;
  int h = 0, m = 0, sec = 0;
  char tail = 0;
  int n = std::sscanf(fixed, "%d:%d:%d%c", &h, &m, &sec, &tail);
  if (n < 2 || n > 3 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
    throw UsageError(std::string("TWISTLINGS_NOW wants HH:MM or HH:MM:SS, not '") + fixed + "'");
  std::time_t today = static_cast<std::time_t>(real);
  std::tm tm = *std::localtime(&today);
  tm.tm_hour = h, tm.tm_min = m, tm.tm_sec = sec, tm.tm_isdst = -1;
  return static_cast<double>(std::mktime(&tm));
}

// Minutes after midnight, local time, of unix seconds.
double dayMinuteOf(double unixSeconds) {
  std::time_t whole = static_cast<std::time_t>(std::floor(unixSeconds));
  std::tm tm = *std::localtime(&whole);
  return tm.tm_hour * 60 + tm.tm_min + (tm.tm_sec + (unixSeconds - std::floor(unixSeconds))) / 60.0;
}

// The last slides session, or why there is none to tell about.
std::optional<SlidesSessionPlace> lastSlidesSession(const Context& c, const Agenda& agenda, double nowUnix,
                                                    std::string& none) {
  std::filesystem::path file = slidesSessionFile(c.paths.state);
  std::string shown = std::filesystem::relative(file, c.paths.root).string();
  std::optional<std::string> text = readFile(file);
  if (!text) {
    none = shown + " does not exist (./twistlings slides writes it while a deck is shown)";
    return std::nullopt;
  }
  try {
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    // A session of another day would read as a time today: not this workshop's.
    if (doc.is_object() && doc.contains("updated") && doc["updated"].is_number()) {
      double age = nowUnix - doc["updated"].get<double>();
      if (age > 12 * 3600) none = "the last one in " + shown + " is more than 12 hours old";
      if (age < -5 * 60) none = "the last one in " + shown + " was written after now (is TWISTLINGS_NOW set?)";
      if (!none.empty()) return std::nullopt;
    }
    auto offsetOf = [&agenda](double unix) { return offsetOfDayMinute(agenda, dayMinuteOf(unix)); };
    auto alive = [](long long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; };
    return parseSlidesSession(*text, offsetOf, alive);
  } catch (const std::exception& e) {
    none = shown + " cannot be read: " + e.what();
    return std::nullopt;
  }
}

}  // namespace

int agendaCommand(Context& c, const std::optional<std::string>& start, const std::vector<std::string>& breaks,
                  bool json, bool now) {
  std::optional<int> startClock;
  std::vector<BreakRequest> requests;
  Agenda agenda;
  try {
    if (start) startClock = parseTimeOfDay(*start, "--start");
    for (const std::string& b : breaks) requests.push_back(parseBreak(b, startClock.has_value()));
    agenda = buildAgenda(c.course.plan(), startClock, requests);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "twistlings: %s\n", e.what());
    return 2;
  }
  if (now) {
    if (!startClock) {
      std::fprintf(stderr, "twistlings: agenda --now needs --start HH:MM (when the workshop began) to tell where "
                           "the room should be\n");
      return 2;
    }
    double nowUnix = 0;
    try {
      nowUnix = nowUnixSeconds();
    } catch (const UsageError& e) {
      std::fprintf(stderr, "twistlings: %s\n", e.what());
      return 2;
    }
    double offset = offsetOfDayMinute(agenda, dayMinuteOf(nowUnix));
    std::string none;
    std::optional<SlidesSessionPlace> session = lastSlidesSession(c, agenda, nowUnix, none);
    std::printf("%s", (json ? nowJson(agenda, offset, session, none) + "\n" : renderNow(agenda, offset, session, none)).c_str());
    return 0;
  }
  if (json) {
    std::printf("%s\n", agendaJson(agenda).c_str());
    return 0;
  }
  std::printf("%s", renderAgenda(agenda, c.paint.enabled(), term::width()).c_str());
  return 0;
}

}  // namespace twistlings
