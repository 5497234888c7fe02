// presenter.cpp — see presenter.hpp.
#include "presenter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "markdown.hpp"
#include "terminal.hpp"

namespace twistlings {

// The runner is built in unity batches: this file's helpers get a namespace of their own.
namespace presenter_draw {

using Kind = PresenterKey::Kind;

// s cut to `width` columns, escape sequences kept (they take none).
std::string cutToWidth(const std::string& s, std::size_t width) {
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b && i + 1 < s.size() && s[i + 1] == '[') {
      std::size_t end = i + 2;
      while (end < s.size() && !(s[end] >= 0x40 && s[end] <= 0x7e)) ++end;
      out.append(s, i, end + 1 - i);
      i = end + 1;
      continue;
    }
    std::size_t length = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (columns == width) {
      ++i;
      continue;  // past the width: only escapes are kept, so styles still end
    }
    out.append(s, i, length);
    ++columns;
    i += length;
  }
  return out;
}

// The SGR a theme puts under everything: its foreground and background.
std::string baseStyle(const DrawOptions& options) {
  return options.theme == Theme::light ? "\x1b[0;30;107m" : "\x1b[0;97;40m";
}

// The light theme's palette: the renderer's yellow, cyan, green and magenta
// (markdown.hpp, highlight.hpp) are chosen for dark backgrounds and wash out
// on white; each becomes a darker shade of itself (256-colour codes).
std::string darkerColours(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    if (line.compare(i, 2, "\x1b[") != 0) {
      out += line[i++];
      continue;
    }
    std::size_t end = line.find_first_of("ABCDEFGHJKSTfhlmnsu", i + 2);
    if (end == std::string::npos || line[end] != 'm') {
      std::size_t stop = end == std::string::npos ? line.size() : end + 1;
      out.append(line, i, stop - i);
      i = stop;
      continue;
    }
    std::string params = line.substr(i + 2, end - i - 2), mapped;
    std::size_t start = 0;
    while (start <= params.size()) {
      std::size_t semi = params.find(';', start);
      if (semi == std::string::npos) semi = params.size();
      std::string code = params.substr(start, semi - start);
      if (code == "33") code = "38;5;130";       // yellow -> brown
      else if (code == "36") code = "38;5;24";   // cyan -> dark teal
      else if (code == "32") code = "38;5;28";   // green -> dark green
      else if (code == "35") code = "38;5;90";   // magenta -> dark purple
      mapped += (mapped.empty() ? "" : ";") + code;
      start = semi + 1;
    }
    out += "\x1b[" + mapped + "m";
    i = end + 1;
  }
  return out;
}

// One screen line: with colour, on the theme's background (every reset in
// it brings the theme back) and filled to the width, so the background
// covers the screen; without, the text as it is.
std::string themed(std::string line, const DrawOptions& options) {
  std::size_t columns = static_cast<std::size_t>(std::max(1, options.size.columns));
  line = cutToWidth(line, columns);
  if (!options.color) return line;
  if (options.theme == Theme::light) line = darkerColours(line);
  std::string base = baseStyle(options);
  std::string out = base;
  for (std::size_t i = 0; i < line.size();) {
    if (line.compare(i, 4, "\x1b[0m") == 0) {
      out += base;
      i += 4;
    } else if (line.compare(i, 3, "\x1b[m") == 0) {
      out += base;
      i += 3;
    } else {
      out += line[i++];
    }
  }
  std::size_t width = term::displayWidth(line);
  if (width < columns) out.append(columns - width, ' ');
  return out + "\x1b[0m";
}

std::string repeat(std::string_view s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

// `left` and `right` on one line of `width` columns, right flush right;
// right is dropped when both do not fit.
std::string leftRight(const std::string& left, const std::string& right, std::size_t width) {
  std::size_t l = term::displayWidth(left), r = term::displayWidth(right);
  if (l + r + 2 > width) return left;
  return left + std::string(width - l - r, ' ') + right;
}

// "talk 4:12 / 7:00", in the warning colour once over.
std::string talkTime(double secondsUsed, int talkMinutes, const term::Painter& paint) {
  std::string text = "talk " + minutesSeconds(secondsUsed) + " / " + minutesSeconds(talkMinutes * 60.0);
  return secondsUsed > talkMinutes * 60.0 ? paint.wrap("1;31", text + " over") : text;
}

// `lines` cut to `rows`, the last line saying how many more there were.
void cutToRows(std::vector<std::string>& lines, std::size_t rows, const term::Painter& paint) {
  if (lines.size() <= rows || rows == 0) return;
  std::size_t more = lines.size() - rows + 1;
  lines.resize(rows - 1);
  lines.push_back(paint.dim("… " + std::to_string(more) + " more lines (too small)"));
}

}  // namespace presenter_draw

std::vector<PresenterKey> KeyDecoder::feed(char byte) {
  using Kind = PresenterKey::Kind;
  std::vector<PresenterKey> keys;
  if (!pending_.empty()) {
    if (pending_.size() == 1) {
      if (byte == '[' || byte == 'O') {
        pending_ += byte;
        return keys;
      }
      pending_.clear();
      keys.push_back({Kind::cancel});  // a lone Esc, then this byte on its own
    } else {
      pending_ += byte;
      bool ss3 = pending_[1] == 'O';
      unsigned char c = static_cast<unsigned char>(byte);
      bool final = ss3 || (c >= 0x40 && c <= 0x7e);
      if (!final) {
        if (pending_.size() > 16) pending_.clear();  // no such sequence: drop it
        return keys;
      }
      std::string params = pending_.substr(2, pending_.size() - 3);
      pending_.clear();
      switch (byte) {
        case 'C': case 'B': keys.push_back({Kind::next}); break;
        case 'D': case 'A': keys.push_back({Kind::previous}); break;
        case 'H': keys.push_back({Kind::first}); break;
        case 'F': keys.push_back({Kind::last}); break;
        case '~':
          if (params == "5") keys.push_back({Kind::previous});
          if (params == "6") keys.push_back({Kind::next});
          if (params == "1" || params == "7") keys.push_back({Kind::first});
          if (params == "4" || params == "8") keys.push_back({Kind::last});
          break;
        default: break;  // another key (F1, Insert...): nothing
      }
      return keys;
    }
  }
  switch (byte) {
    case '\x1b': pending_ = "\x1b"; break;
    case ' ': case 'l': case 'j': case 'n': keys.push_back({Kind::next}); break;
    case 'h': case 'k': case 'p': keys.push_back({Kind::previous}); break;
    case '\r': case '\n': keys.push_back({Kind::enter}); break;
    case 127: case 8: keys.push_back({Kind::backspace}); break;
    case 'g': keys.push_back({Kind::goTo}); break;
    case 'd': keys.push_back({Kind::demo}); break;
    case 't': keys.push_back({Kind::timer}); break;
    case 'q': case 3: case 4: keys.push_back({Kind::quit}); break;
    case 12: keys.push_back({Kind::redraw}); break;
    case 7: keys.push_back({Kind::cancel}); break;
    default:
      if (byte >= '0' && byte <= '9') keys.push_back({Kind::digit, byte});
      break;
  }
  return keys;
}

std::vector<PresenterKey> KeyDecoder::flush() {
  if (pending_ != "\x1b") return {};
  pending_.clear();
  return {{PresenterKey::Kind::cancel}};
}

PresenterAction applyKey(PresenterState& state, const PresenterKey& key) {
  using Kind = PresenterKey::Kind;
  if (key.kind == Kind::quit) return PresenterAction::quit;
  if (state.typing) {
    switch (key.kind) {
      case Kind::digit:
        if (state.typed.size() < 6) state.typed += key.digit;
        return PresenterAction::redraw;
      case Kind::backspace:
        if (state.typed.empty()) state.typing = false;
        else state.typed.pop_back();
        return PresenterAction::redraw;
      case Kind::enter: {
        state.typing = false;
        if (state.typed.empty()) return PresenterAction::redraw;
        std::size_t n = std::stoul(state.typed);
        if (n >= 1 && n <= state.slides) {
          state.slide = n;
        } else {
          state.message = "no slide " + state.typed + ": the slides are 1-" + std::to_string(state.slides);
        }
        state.typed.clear();
        return PresenterAction::redraw;
      }
      default:  // Esc, or any other key: stop typing, and nothing else
        state.typing = false;
        state.typed.clear();
        return PresenterAction::redraw;
    }
  }
  bool hadMessage = !state.message.empty();
  state.message.clear();
  std::size_t before = state.slide;
  switch (key.kind) {
    case Kind::next:
    case Kind::enter:
      if (state.slide < state.slides) ++state.slide;
      break;
    case Kind::previous:
    case Kind::backspace:
      if (state.slide > 1) --state.slide;
      break;
    case Kind::first: state.slide = 1; break;
    case Kind::last: state.slide = state.slides; break;
    case Kind::goTo:
      state.typing = true;
      state.typed.clear();
      return PresenterAction::redraw;
    case Kind::demo: return PresenterAction::runDemo;
    case Kind::timer: return PresenterAction::restartTimer;
    case Kind::redraw: return PresenterAction::redraw;
    default: break;  // a digit without g, a cancel: nothing
  }
  return state.slide != before || hadMessage ? PresenterAction::redraw : PresenterAction::none;
}

std::string minutesSeconds(double seconds) {
  if (!std::isfinite(seconds)) seconds = 0;
  long total = std::lround(std::floor(std::fabs(seconds)));
  char text[32];
  std::snprintf(text, sizeof text, "%s%ld:%02ld", seconds < 0 ? "-" : "", total / 60, total % 60);
  return text;
}

std::vector<std::string> drawPresenter(const Deck& deck, const PresenterState& state, const PresenterClock& clock,
                                       const DrawOptions& options) {
  using namespace presenter_draw;
  term::Painter paint(options.color);
  std::size_t rows = static_cast<std::size_t>(std::max(3, options.size.rows));
  std::size_t columns = static_cast<std::size_t>(std::max(10, options.size.columns));
  std::size_t bodyRows = rows - 2;

  std::size_t index = std::clamp<std::size_t>(state.slide, 1, deck.slides.size()) - 1;
  int width = std::max(10, std::min(kSlideWidth, static_cast<int>(columns) - 4));
  std::vector<std::string> body = renderSlide(deck.slides[index], options.color, width);
  cutToRows(body, bodyRows, paint);
  std::size_t blockWidth = 0;
  for (const std::string& line : body) blockWidth = std::max(blockWidth, term::displayWidth(line));
  std::size_t left = blockWidth < columns ? (columns - blockWidth) / 2 : 0;
  std::size_t top = (bodyRows - body.size()) / 2;

  std::vector<std::string> screen;
  for (std::size_t i = 0; i < top; ++i) screen.push_back(themed("", options));
  for (const std::string& line : body) screen.push_back(themed(std::string(left, ' ') + line, options));
  while (screen.size() < bodyRows) screen.push_back(themed("", options));

  screen.push_back(themed(paint.dim(repeat("─", static_cast<int>(columns))), options));
  std::string where;
  if (state.typing) {
    where = paint.bold("go to slide: " + state.typed + "▏") + paint.dim("  (Enter; Esc cancels)");
  } else if (!state.message.empty()) {
    where = paint.yellow(state.message);
  } else {
    where = paint.bold(clock.lesson) + "  slide " + std::to_string(index + 1) + "/" +
            std::to_string(deck.slides.size());
  }
  std::string right = talkTime(clock.talkSecondsUsed, clock.talkMinutes, paint);
  if (!clock.workshop.empty()) {
    std::string both = right + " · " + clock.workshop;
    if (term::displayWidth(where) + term::displayWidth(both) + 4 <= columns) right = both;
  }
  screen.push_back(themed(" " + leftRight(where, right + " ", columns - 1), options));
  return screen;
}

std::vector<std::string> drawNotes(const NotesScreen& notes, const DrawOptions& options) {
  using namespace presenter_draw;
  term::Painter paint(options.color);
  std::size_t rows = static_cast<std::size_t>(std::max(4, options.size.rows));
  std::size_t columns = static_cast<std::size_t>(std::max(10, options.size.columns));
  std::vector<std::string> lines;

  if (!notes.connected)
    lines.push_back(paint.yellow("Waiting for the presenter (twistlings slides)") +
                    (notes.waiting.empty() ? "" : paint.dim(": " + notes.waiting)));
  if (!notes.problem.empty()) lines.push_back(paint.red(notes.problem));
  const Deck* deck = notes.deck;
  std::vector<std::string> text;
  if (deck != nullptr && notes.slide >= 1 && notes.slide <= deck->slides.size()) {
    const Slide& slide = deck->slides[notes.slide - 1];
    lines.push_back(paint.bold("Slide " + std::to_string(slide.number) + "/" + std::to_string(deck->slides.size()) +
                               ": " + slide.title));
    lines.push_back(notes.slide < deck->slides.size()
                        ? "Next: " + deck->slides[notes.slide].title
                        : paint.dim("Next: nothing, this is the last slide"));
    std::string timers = talkTime(notes.talkSecondsUsed, notes.talkMinutes, paint);
    if (!notes.workshop.empty()) timers += " · " + notes.workshop;
    lines.push_back(timers);
    RenderOptions render;
    render.width = static_cast<int>(columns) - 2;
    render.color = options.color;
    text = renderedLines(renderMarkdown(slide.notes.empty() ? "*(no notes)*" : slide.notes, render));
  } else if (notes.connected) {
    lines.push_back(paint.dim("The presenter has not said which slide yet."));
  }
  lines.push_back(paint.dim(repeat("─", static_cast<int>(columns))));
  std::size_t keysRow = 1;
  std::size_t room = rows > lines.size() + keysRow ? rows - lines.size() - keysRow : 0;
  cutToRows(text, room, paint);
  if (room == 0) text.clear();
  for (const std::string& line : text) lines.push_back(" " + line);
  lines.resize(std::min(lines.size(), rows - keysRow));
  while (lines.size() < rows - keysRow) lines.push_back("");
  lines.push_back(paint.dim("→ space next · ← previous · g N Enter go to · Home/End · t timer · q quit"));

  std::vector<std::string> screen;
  for (const std::string& line : lines) screen.push_back(themed(line, options));
  return screen;
}

std::string deckAsText(const Deck& deck, int width) {
  using namespace presenter_draw;
  std::string out;
  for (const Slide& slide : deck.slides) {
    char minutes[32];
    std::snprintf(minutes, sizeof minutes, "%.1f", slide.minutes);
    std::string head = "── " + deck.lessonId + ", slide " + std::to_string(slide.number) + "/" +
                       std::to_string(deck.slides.size()) + " (" + minutes + " min) ";
    int rule = std::max(3, width - static_cast<int>(term::displayWidth(head)));
    out += head + repeat("─", rule) + "\n\n";
    for (const std::string& line : renderSlide(slide, false, std::min(width, kSlideWidth))) out += line + "\n";
    if (!slide.notes.empty()) {
      out += "\nNotes:\n";
      RenderOptions render;
      render.width = width - 2;
      render.color = false;
      for (const std::string& line : renderedLines(renderMarkdown(slide.notes, render))) out += "  " + line + "\n";
    }
    out += "\n";
  }
  return out;
}

std::string workshopClock(const Agenda& agenda, int nowMinutes, const std::string& lesson, double talkSecondsUsed) {
  if (!agenda.startClock) return "";
  int offset = nowMinutes - *agenda.startClock;
  if (offset < -12 * 60) offset += 24 * 60;  // past midnight
  std::string now = agenda.clock(offset);
  auto shortId = [](const std::string& id) { return id.substr(0, std::min<std::size_t>(2, id.size())); };
  std::string plan;
  if (offset < 0) {
    plan = "plan: starts " + agenda.clock(0);
  } else if (offset >= agenda.end()) {
    plan = "plan: over";
  } else {
    for (const AgendaItem& item : agenda.items) {
      if (offset < item.start || offset >= item.end()) continue;
      if (item.kind == AgendaItem::Kind::Break) plan = "plan: break";
      else plan = "plan: " + shortId(item.id) + (offset < item.start + item.talk ? " talk" : " hands-on");
    }
  }
  const AgendaItem* here = nullptr;
  for (const AgendaItem& item : agenda.items)
    if (item.kind == AgendaItem::Kind::Lesson && item.id == lesson) here = &item;
  if (here == nullptr) return now + " " + plan;
  double at = here->start + talkSecondsUsed / 60.0;
  long behind = std::lround(offset - at);
  std::string gap = behind > 0   ? std::to_string(behind) + " min behind"
                    : behind < 0 ? std::to_string(-behind) + " min ahead"
                                 : "on time";
  return now + " " + plan + ", " + gap;
}

}  // namespace twistlings
