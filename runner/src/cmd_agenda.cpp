// cmd_agenda.cpp — agenda: the workshop's timeline (agenda.hpp) for the
// terminal or as JSON.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agenda.hpp"
#include "commands.hpp"

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

int agendaCommand(Context& c, const std::optional<std::string>& start, const std::vector<std::string>& breaks,
                  bool json) {
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
  if (json) {
    std::printf("%s\n", agendaJson(agenda).c_str());
    return 0;
  }
  std::printf("%s", renderAgenda(agenda, c.paint.enabled(), term::width()).c_str());
  return 0;
}

}  // namespace twistlings
