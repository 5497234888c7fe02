// deck.cpp — slides/NN-topic.md parsed line by line (deck.hpp says the format).
#include "deck.hpp"

#include "markdown.hpp"
#include "terminal.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <locale>
#include <optional>
#include <sstream>

namespace twistlings {

// The runner is built in unity batches, so this file's helpers live in a
// namespace of their own rather than an anonymous one.
namespace deck_parse {

struct Line {
  std::size_t number;     // 1-based
  std::string_view text;  // without its line ending
};

std::vector<Line> splitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  std::size_t number = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({number++, line});
    start = end + 1;
  }
  return lines;
}

bool isBlank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

std::string_view trim(std::string_view s) {
  std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  std::size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A CommonMark code fence: up to three spaces, then three or more ` or ~.
struct Fence {
  char mark = 0;
  std::size_t length = 0;
};

std::optional<Fence> fenceOf(std::string_view line) {
  std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos || indent > 3) return std::nullopt;
  char mark = line[indent];
  if (mark != '`' && mark != '~') return std::nullopt;
  std::size_t end = line.find_first_not_of(mark, indent);
  std::size_t length = (end == std::string_view::npos ? line.size() : end) - indent;
  if (length < 3) return std::nullopt;
  // A backtick fence's info string holds no backtick (else it is inline code).
  if (mark == '`' && end != std::string_view::npos && line.find('`', end) != std::string_view::npos)
    return std::nullopt;
  return Fence{mark, length};
}

bool closesFence(std::string_view line, const Fence& open) {
  auto fence = fenceOf(line);
  if (!fence || fence->mark != open.mark || fence->length < open.length) return false;
  // A closing fence has nothing after its marks.
  std::size_t indent = line.find_first_not_of(' ');
  return isBlank(line.substr(indent + fence->length));
}

// Fenced code, followed line by line: a '---', '# Title' or 'Note:' inside
// it is code, not the deck's syntax.
class FenceTracker {
 public:
  // True for a line that opens, is inside or closes a fence.
  bool inCode(std::string_view line) {
    if (fence_) {
      if (closesFence(line, *fence_)) fence_.reset();
      return true;
    }
    fence_ = fenceOf(line);
    return fence_.has_value();
  }
  bool open() const { return fence_.has_value(); }

 private:
  std::optional<Fence> fence_;
};

// "# Title" or "## Title" (an ATX heading of level 1 or 2): its text.
std::optional<std::string> titleOf(std::string_view line) {
  std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos || indent > 3) return std::nullopt;
  std::string_view rest = line.substr(indent);
  std::size_t hashes = rest.find_first_not_of('#');
  if (hashes == std::string_view::npos) hashes = rest.size();
  if (hashes < 1 || hashes > 2) return std::nullopt;
  if (hashes < rest.size() && rest[hashes] != ' ' && rest[hashes] != '\t') return std::nullopt;
  std::string_view text = trim(rest.substr(hashes));
  // An optional closing sequence of #s, after a space.
  std::size_t closing = text.find_last_not_of('#');
  if (closing == std::string_view::npos) {
    text = {};
  } else if (closing + 1 < text.size() && (text[closing] == ' ' || text[closing] == '\t')) {
    text = trim(text.substr(0, closing));
  }
  return std::string(text);
}

// Lines that start reveal.js's notes (its separator is /^\s*notes?:/im).
bool looksLikeNotes(std::string_view line) {
  std::string t = lower(trim(line));
  return t.rfind("note:", 0) == 0 || t.rfind("notes:", 0) == 0;
}

std::string joinTrimmed(const std::vector<Line>& lines, std::size_t from, std::size_t to) {
  while (from < to && isBlank(lines[from].text)) ++from;
  while (to > from && isBlank(lines[to - 1].text)) --to;
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    out.append(lines[i].text);
    out.push_back('\n');
  }
  return out;
}

std::size_t countWords(std::string_view text) {
  std::size_t words = 0;
  bool inWord = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space && !inWord) ++words;
    inWord = !space;
  }
  return words;
}

class Parser {
 public:
  Parser(std::string_view text, const std::filesystem::path& file)
      : lines_(splitLines(text)), file_(file) {}

  Deck parse() {
    Deck deck;
    deck.file = file_;
    deck.lessonId = lessonComment();
    // The slides' line ranges: [start, end) in lines_, split at separators.
    std::size_t start = 1;
    FenceTracker fences;
    for (std::size_t i = 1; i < lines_.size(); ++i) {
      std::string_view text = lines_[i].text;
      if (fences.inCode(text) || text != "---") continue;
      bool blankBefore = isBlank(lines_[i - 1].text);
      bool blankAfter = i + 1 >= lines_.size() || isBlank(lines_[i + 1].text);
      if (!blankBefore || !blankAfter)
        fail(lines_[i].number,
             "a '---' line separates slides only with a blank line before and after it "
             "(reveal.js splits the slide here; Markdown reads a heading underline)");
      addSlide(deck, start, i);
      start = i + 1;
    }
    if (fences.open()) fail(lines_.back().number, "a code fence is never closed");
    addSlide(deck, start, lines_.size());
    return deck;
  }

 private:
  [[noreturn]] void fail(std::size_t line, const std::string& why) const {
    throw DeckError(file_.string() + ":" + std::to_string(line) + ": " + why);
  }

  std::string lessonComment() const {
    static constexpr std::string_view kOpen = "<!-- lesson:";
    static constexpr std::string_view kClose = "-->";
    std::string_view first = lines_.empty() ? std::string_view{} : trim(lines_[0].text);
    if (first.rfind(kOpen, 0) != 0 || first.size() < kOpen.size() + kClose.size() ||
        first.substr(first.size() - kClose.size()) != kClose)
      fail(1, "line 1 must be the lesson comment '<!-- lesson: NN-topic -->'");
    std::string id(trim(first.substr(kOpen.size(), first.size() - kOpen.size() - kClose.size())));
    if (id.empty()) fail(1, "the lesson comment names no lesson");
    std::string stem = file_.stem().string();
    if (!stem.empty() && stem != id)
      fail(1, "the lesson comment says '" + id + "' but the file is " + file_.filename().string() +
                  " (it must be slides/" + id + ".md)");
    return id;
  }

  // One slide from lines_[start, end).
  void addSlide(Deck& deck, std::size_t start, std::size_t end) {
    Slide slide;
    slide.number = deck.slides.size() + 1;
    std::size_t first = start;
    while (first < end && isBlank(lines_[first].text)) ++first;
    slide.line = first < end ? lines_[first].number
                             : (start < lines_.size() ? lines_[start].number : lines_.back().number);
    if (first == end) fail(slide.line, "slide " + std::to_string(slide.number) + " is empty");

    std::size_t notesAt = end;   // the "Note:" line, or end
    FenceTracker fences;
    std::optional<double> time;
    for (std::size_t i = start; i < end; ++i) {
      std::string_view text = lines_[i].text;
      std::size_t number = lines_[i].number;
      if (fences.inCode(text)) continue;
      if (text == "Note:") {
        if (notesAt != end)
          fail(number, "a second 'Note:' line in slide " + std::to_string(slide.number) +
                           " (the first is line " + std::to_string(lines_[notesAt].number) +
                           "; reveal.js would show no notes at all)");
        notesAt = i;
        continue;
      }
      if (looksLikeNotes(text))
        fail(number, "notes start at a line that is exactly 'Note:' (reveal.js would take '" +
                         std::string(trim(text)) + "' for the start of the notes)");
      if (notesAt == end) {
        if (slide.title.empty())
          if (auto title = titleOf(text)) slide.title = *title;
      } else if (trim(text).rfind("Time:", 0) == 0) {
        if (time) fail(number, "a second 'Time:' line in slide " + std::to_string(slide.number));
        time = parseTime(trim(text), number);
      }
    }
    if (slide.title.empty())
      fail(slide.line, "slide " + std::to_string(slide.number) +
                           " has no title (its first heading, # or ##, with text, names it)");
    slide.body = joinTrimmed(lines_, start, notesAt);
    slide.notes = notesAt == end ? std::string() : joinTrimmed(lines_, notesAt + 1, end);
    slide.minutes = time ? *time
                         : std::max(kMinSlideMinutes,
                                    static_cast<double>(countWords(slide.notes)) / kWordsPerMinute);
    deck.slides.push_back(std::move(slide));
  }

  // "Time: 2 min" (or "1.5 min"): positive and finite.
  double parseTime(std::string_view text, std::size_t number) const {
    std::string_view rest = trim(text.substr(5));
    std::string why = "a time line reads 'Time: N min' with N a positive number of minutes, not '" +
                      std::string(text) + "'";
    if (rest.size() < 4 || rest.substr(rest.size() - 3) != "min") fail(number, why);
    std::string value(trim(rest.substr(0, rest.size() - 3)));
    if (value.empty() || value.find_first_not_of("0123456789.") != std::string::npos)
      fail(number, why);
    double minutes = 0;
    std::istringstream in(value);
    in.imbue(std::locale::classic());
    if (!(in >> minutes) || !in.eof() || !std::isfinite(minutes) || minutes <= 0) fail(number, why);
    return minutes;
  }

  std::vector<Line> lines_;
  const std::filesystem::path& file_;
};

}  // namespace deck_parse

double Deck::minutes() const {
  double sum = 0;
  for (const Slide& slide : slides) sum += slide.minutes;
  return sum;
}

Deck parseDeck(std::string_view text, const std::filesystem::path& file) {
  return deck_parse::Parser(text, file).parse();
}

Deck loadDeck(const std::filesystem::path& file, const std::filesystem::path& shownAs) {
  const std::filesystem::path& name = shownAs.empty() ? file : shownAs;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DeckError(name.string() + ": cannot read the deck (is the file there?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DeckError(name.string() + ": cannot read the deck");
  return parseDeck(text.str(), name);
}

std::vector<std::string> renderSlide(const Slide& slide, bool color, int width) {
  RenderOptions options;
  options.width = width;
  options.color = color;
  return renderedLines(renderMarkdown(slide.body, options));
}

std::vector<std::string> renderedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  while (!lines.empty() && deck_parse::isBlank(lines.back())) lines.pop_back();
  return lines;
}

std::vector<std::string> deckProblems(const Deck& deck, double talkMinutes) {
  std::vector<std::string> problems;
  std::string file = deck.file.string();
  for (const Slide& slide : deck.slides) {
    std::string where = file + ":" + std::to_string(slide.line) + ": slide " + std::to_string(slide.number) +
                        " '" + slide.title + "' ";
    std::vector<std::string> lines = renderSlide(slide, false);
    if (lines.size() > kSlideHeight)
      problems.push_back(where + "is " + std::to_string(lines.size()) + " lines tall on the screen, " +
                         std::to_string(lines.size() - kSlideHeight) + " over the " +
                         std::to_string(kSlideHeight) + " that fit (cut it, or split it in two)");
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::size_t columns = term::displayWidth(lines[i]);
      if (columns > static_cast<std::size_t>(kSlideWidth))
        problems.push_back(where + "has a line " + std::to_string(columns) + " columns wide, " +
                           std::to_string(columns - kSlideWidth) + " over the " + std::to_string(kSlideWidth) +
                           " that fit (code is never wrapped: keep code lines to " +
                           std::to_string(kSlideWidth - 4) + "): '" + std::string(deck_parse::trim(lines[i])) +
                           "'");
    }
  }
  double minutes = deck.minutes();
  double low = 0.75 * talkMinutes;
  auto fixed = [](double value) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(2);
    out << std::fixed << value;
    std::string text = out.str();
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
  };
  if (minutes < low - 1e-9 || minutes > talkMinutes + 1e-9)
    problems.push_back(file + ": the deck takes " + fixed(minutes) + " min at the notes' pace, outside " +
                       fixed(low) + "-" + fixed(talkMinutes) + " (0.75 to 1 x the lesson's " +
                       fixed(talkMinutes) + " talk minutes in lessons/course.json)" +
                       (minutes > talkMinutes ? ": cut notes or slides" : ": the notes say too little"));
  return problems;
}

std::filesystem::path deckPath(const std::filesystem::path& repoRoot, std::string_view lessonId) {
  return repoRoot / "slides" / (std::string(lessonId) + ".md");
}

}  // namespace twistlings
