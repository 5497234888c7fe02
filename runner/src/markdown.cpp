// markdown.cpp — see markdown.hpp.
//
// md4c calls us back as it walks the document: blocks open and close
// (quotes, lists, items, paragraphs, headings, code, tables), spans open and
// close inside them (emphasis, code, links), and text arrives in between.
// The Renderer keeps
// - a stack of containers (quotes, lists, items), each adding a prefix to
//   every line emitted inside it: an item's marker ("• ", "12. ") on its first
//   line, as many spaces on the others (the hanging indent), a quote's bar on
//   all;
// - the inline text of the leaf block being read (paragraph, heading, table
//   cell), as segments that each carry their style; a leaf is wrapped and
//   emitted when it closes.
// Styles are kept apart from the text until the very end: words are measured
// and cut as plain text, and each run of one style is painted on its own line
// only when a line is written, so an escape sequence never straddles a line
// break or a cut.
#include "markdown.hpp"

#include <md4c.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "highlight.hpp"
#include "terminal.hpp"

namespace twistlings {

namespace {

// ---- Styled text, words and lines ------------------------------------------

// A run of text in one style (an SGR code list, empty for none).
struct Piece {
  std::string text;
  std::string sgr;
};
using Line = std::vector<Piece>;

// The inline text of a leaf block. `keep` marks text whose spaces do not
// break a line (short inline code); `hardBreak` is a forced line break.
struct Segment {
  std::string text;
  std::string sgr;
  bool keep = false;
  bool hardBreak = false;
};

struct Word {
  Line pieces;
  size_t width = 0;
  bool hardBreak = false;
};

size_t widthOf(const Line& line) {
  size_t w = 0;
  for (const Piece& p : line) w += term::displayWidth(p.text);
  return w;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void appendTo(Line& line, std::string_view text, const std::string& sgr) {
  if (text.empty()) return;
  if (!line.empty() && line.back().sgr == sgr) {
    line.back().text += text;
  } else {
    line.push_back(Piece{std::string(text), sgr});
  }
}

std::vector<Word> toWords(const std::vector<Segment>& segments) {
  std::vector<Word> words;
  Word current;
  auto finish = [&] {
    if (current.pieces.empty()) return;
    current.width = widthOf(current.pieces);
    words.push_back(std::move(current));
    current = Word{};
  };
  for (const Segment& s : segments) {
    if (s.hardBreak) {
      finish();
      words.push_back(Word{{}, 0, true});
      continue;
    }
    size_t i = 0;
    while (i < s.text.size()) {
      if (!s.keep && isSpace(s.text[i])) {
        finish();
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s.text.size() && (s.keep || !isSpace(s.text[j]))) ++j;
      appendTo(current.pieces, std::string_view(s.text).substr(i, j - i), s.sgr);
      i = j;
    }
  }
  finish();
  return words;
}

// The bytes of the UTF-8 character starting at s[i] (1 for a stray byte).
size_t charLength(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xc0) == 0x80) ++j;
  return j - i;
}

// A word wider than `avail`, cut into lines of at most `avail` columns, at
// character boundaries.
std::vector<Line> cutWord(const Word& word, size_t avail) {
  std::vector<Line> lines(1);
  size_t used = 0;
  for (const Piece& p : word.pieces) {
    std::string_view text = p.text;
    for (size_t i = 0; i < text.size();) {
      size_t n = charLength(text, i);
      if (used == avail) {
        lines.emplace_back();
        used = 0;
      }
      appendTo(lines.back(), text.substr(i, n), p.sgr);
      ++used;
      i += n;
    }
  }
  return lines;
}

// Greedy filling: as many words on a line as fit, one space between them.
std::vector<Line> wrapWords(const std::vector<Word>& words, size_t avail) {
  std::vector<Line> lines;
  Line current;
  size_t used = 0;
  bool open = false;  // a line is being filled (it may still be empty after a hard break)
  auto flush = [&] {
    lines.push_back(std::move(current));
    current = Line{};
    used = 0;
    open = false;
  };
  for (const Word& word : words) {
    if (word.hardBreak) {
      if (open || !current.empty()) flush();  // (after a cut word, the line is already ended)
      open = true;
      continue;
    }
    if (word.width > avail) {
      if (!current.empty()) flush();
      for (Line& piece : cutWord(word, avail)) lines.push_back(std::move(piece));
      open = false;
      continue;
    }
    if (current.empty()) {
      current = word.pieces;
      used = word.width;
      open = true;
    } else if (used + 1 + word.width <= avail) {
      // The space takes the style both neighbours share (an underlined link stays one line).
      std::string sgr = current.back().sgr == word.pieces.front().sgr ? current.back().sgr : std::string();
      appendTo(current, " ", sgr);
      for (const Piece& p : word.pieces) appendTo(current, p.text, p.sgr);
      used += 1 + word.width;
    } else {
      flush();
      current = word.pieces;
      used = word.width;
      open = true;
    }
  }
  if (open || !current.empty()) flush();
  return lines;
}

std::string paintLine(const Line& line, const term::Painter& paint) {
  std::string out;
  for (const Piece& p : line) out += p.sgr.empty() ? p.text : paint.wrap(p.sgr, p.text);
  return out;
}

void trimRight(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---- Entities ---------------------------------------------------------------

void appendUtf8(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

struct NamedEntity {
  std::string_view name;
  unsigned long codepoint;
};

// The entities a lesson is likely to use; md4c hands over any &name; verbatim,
// and an unknown one is shown as written.
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xa0},     {"ndash", 0x2013},   {"mdash", 0x2014},   {"hellip", 0x2026}, {"middot", 0xb7},
    {"bull", 0x2022},   {"copy", 0xa9},      {"reg", 0xae},       {"trade", 0x2122},  {"times", 0xd7},
    {"divide", 0xf7},   {"plusmn", 0xb1},    {"deg", 0xb0},       {"micro", 0xb5},    {"para", 0xb6},
    {"sect", 0xa7},     {"laquo", 0xab},     {"raquo", 0xbb},     {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"ldquo", 0x201c},  {"rdquo", 0x201d},   {"larr", 0x2190},    {"uarr", 0x2191},   {"rarr", 0x2192},
    {"darr", 0x2193},   {"harr", 0x2194},    {"rArr", 0x21d2},    {"lArr", 0x21d0},   {"hArr", 0x21d4},
    {"le", 0x2264},     {"ge", 0x2265},      {"ne", 0x2260},      {"asymp", 0x2248},  {"infin", 0x221e},
    {"minus", 0x2212},  {"check", 0x2713},   {"euro", 0x20ac},    {"pound", 0xa3},    {"yen", 0xa5},
    {"cent", 0xa2},     {"shy", 0xad},       {"zwj", 0x200d},     {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"lambda", 0x3bb},   {"mu", 0x3bc},       {"pi", 0x3c0},      {"alpha", 0x3b1},
    {"beta", 0x3b2},    {"delta", 0x3b4},    {"sum", 0x2211},     {"prime", 0x2032},  {"frac12", 0xbd},
};

std::string decodeEntity(std::string_view entity) {
  if (entity.size() < 3 || entity.front() != '&' || entity.back() != ';') return std::string(entity);
  std::string_view body = entity.substr(1, entity.size() - 2);
  std::string out;
  if (body.front() == '#') {
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return std::string(entity);
    unsigned long cp = 0;
    for (char c : digits) {
      int d = c >= '0' && c <= '9'               ? c - '0'
              : hex && c >= 'a' && c <= 'f'      ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F'      ? c - 'A' + 10
                                                 : -1;
      if (d < 0) return std::string(entity);
      cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(d);
    }
    // Control characters (&#27; is ESC) would reach the terminal as commands.
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) cp = 0xfffd;
    appendUtf8(out, cp);
    return out;
  }
  for (const NamedEntity& e : kEntities) {
    if (e.name == body) {
      appendUtf8(out, e.codepoint);
      return out;
    }
  }
  return std::string(entity);
}

// An escape byte in the source would be a command to the terminal: it is
// shown as the symbol ␛ instead.
std::string withoutEscapeBytes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\x1b') {
      out += "\xe2\x90\x9b";
    } else {
      out += c;
    }
  }
  return out;
}

std::string attributeText(const MD_ATTRIBUTE& a) {
  std::string out;
  if (a.text == nullptr || a.size == 0) return out;
  for (unsigned i = 0; a.substr_offsets[i] < a.size; ++i) {
    std::string_view part(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
    switch (a.substr_types[i]) {
      case MD_TEXT_ENTITY:
        out += decodeEntity(part);
        break;
      case MD_TEXT_NULLCHAR:
        out += "\xef\xbf\xbd";
        break;
      default:
        out += part;
        break;
    }
  }
  return withoutEscapeBytes(out);
}

// Tabs in code become spaces to the next multiple of four, so that the
// block's indentation does not shift its tab stops.
std::string expandTabs(std::string_view code) {
  std::string out;
  size_t column = 0;
  for (char c : code) {
    if (c == '\t') {
      size_t n = 4 - column % 4;
      out.append(n, ' ');
      column += n;
    } else {
      out += c;
      column = c == '\n' ? 0 : column + 1;
    }
  }
  return out;
}

// ---- The renderer -----------------------------------------------------------

constexpr std::string_view kCodeIndent = "    ";

// A quote, a list or a list item around the lines being emitted.
struct Container {
  enum Kind { Quote, List, Item } kind = Quote;
  std::string first;  // the prefix of the first line emitted inside
  std::string rest;   // of the others
  size_t width = 0;   // columns of either
  bool used = false;  // the first line was emitted
  bool tight = false;
  // Lists only:
  bool ordered = false;
  unsigned next = 1;
  char delimiter = '.';
  int depth = 0;
};
// The leaf block whose text is being read; Implicit is the text of a tight
// list item, which md4c sends without a paragraph around it.
enum class Leaf { None, Implicit, Paragraph, Heading, Code, Html, Cell };
struct Link {
  size_t start;  // the first segment of its text
  std::string url;
  bool image;
};
struct Table {
  unsigned columns = 0;
  std::vector<MD_ALIGN> align;
  std::vector<std::vector<std::vector<Segment>>> rows;  // rows of cells of segments
  size_t headRows = 0;
  bool inHead = false;
};

class Renderer {
 public:
  explicit Renderer(const RenderOptions& options)
      : width_(static_cast<size_t>(std::max(options.width, 10))), paint_(options.color) {}

  std::string finish() {
    flushImplicit();
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
    return std::move(out_);
  }

  void enterBlock(MD_BLOCKTYPE type, void* detail) {
    if (type != MD_BLOCK_TH && type != MD_BLOCK_TD) flushImplicit();
    switch (type) {
      case MD_BLOCK_DOC:
        break;
      case MD_BLOCK_QUOTE: {
        Container quote;
        quote.kind = Container::Quote;
        quote.first = paint_.dim("│") + " ";
        quote.rest = quote.first;
        quote.width = 2;
        stack_.push_back(std::move(quote));
        break;
      }
      case MD_BLOCK_UL:
      case MD_BLOCK_OL: {
        Container list;
        list.kind = Container::List;
        list.ordered = type == MD_BLOCK_OL;
        if (list.ordered) {
          auto* ol = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
          list.tight = ol->is_tight != 0;
          list.next = ol->start;
          list.delimiter = ol->mark_delimiter;
        } else {
          list.tight = static_cast<MD_BLOCK_UL_DETAIL*>(detail)->is_tight != 0;
        }
        list.depth = static_cast<int>(std::count_if(stack_.begin(), stack_.end(),
                                                    [](const Container& c) { return c.kind == Container::List; }));
        stack_.push_back(std::move(list));
        break;
      }
      case MD_BLOCK_LI:
        enterItem(static_cast<MD_BLOCK_LI_DETAIL*>(detail));
        break;
      case MD_BLOCK_HR:
        beginBlock();
        emitLine(paint_.dim(repeat("─", available())));
        endBlock();
        break;
      case MD_BLOCK_H:
        leaf_ = Leaf::Heading;
        headingLevel_ = static_cast<MD_BLOCK_H_DETAIL*>(detail)->level;
        if (!paint_.enabled()) segments_.push_back(Segment{repeat("#", headingLevel_) + " ", "", true, false});
        break;
      case MD_BLOCK_CODE:
        leaf_ = Leaf::Code;
        raw_.clear();
        codeLanguage_ = attributeText(static_cast<MD_BLOCK_CODE_DETAIL*>(detail)->lang);
        break;
      case MD_BLOCK_HTML:
        leaf_ = Leaf::Html;
        raw_.clear();
        break;
      case MD_BLOCK_P:
        leaf_ = Leaf::Paragraph;
        break;
      case MD_BLOCK_TABLE:
        table_.emplace();
        table_->columns = static_cast<MD_BLOCK_TABLE_DETAIL*>(detail)->col_count;
        table_->align.assign(table_->columns, MD_ALIGN_DEFAULT);
        break;
      case MD_BLOCK_THEAD:
        if (table_) table_->inHead = true;
        break;
      case MD_BLOCK_TBODY:
        if (table_) table_->inHead = false;
        break;
      case MD_BLOCK_TR:
        if (table_) {
          table_->rows.emplace_back();
          if (table_->inHead) table_->headRows = table_->rows.size();
        }
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        leaf_ = Leaf::Cell;
        segments_.clear();
        headerCell_ = type == MD_BLOCK_TH;
        if (table_ && !table_->rows.empty()) {
          size_t column = table_->rows.back().size();
          if (column < table_->align.size()) table_->align[column] = static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align;
        }
        break;
    }
  }

  void leaveBlock(MD_BLOCKTYPE type) {
    switch (type) {
      case MD_BLOCK_DOC:
        flushImplicit();
        break;
      case MD_BLOCK_QUOTE:
        flushImplicit();
        if (!stack_.empty()) stack_.pop_back();
        endBlock();
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        if (!stack_.empty()) stack_.pop_back();
        endBlock();
        break;
      case MD_BLOCK_LI:
        flushImplicit();
        if (!stack_.empty()) stack_.pop_back();
        break;
      case MD_BLOCK_HR:
        break;
      case MD_BLOCK_H:
      case MD_BLOCK_P:
        flushText();
        break;
      case MD_BLOCK_CODE:
        flushCode();
        break;
      case MD_BLOCK_HTML:
        flushHtml();
        break;
      case MD_BLOCK_TABLE:
        flushTable();
        break;
      case MD_BLOCK_THEAD:
      case MD_BLOCK_TBODY:
      case MD_BLOCK_TR:
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (table_ && !table_->rows.empty()) table_->rows.back().push_back(std::move(segments_));
        segments_.clear();
        leaf_ = Leaf::None;
        headerCell_ = false;
        break;
    }
  }

  void enterSpan(MD_SPANTYPE type, void* detail) {
    switch (type) {
      case MD_SPAN_EM:
        ++emphasis_;
        break;
      case MD_SPAN_STRONG:
        ++strong_;
        break;
      case MD_SPAN_DEL:
        if (!paint_.enabled()) addText("~~");
        ++strike_;
        break;
      case MD_SPAN_CODE:
        if (!paint_.enabled()) addText("`");
        ++code_;
        codeStart_ = segments_.size();
        break;
      case MD_SPAN_A: {
        auto* a = static_cast<MD_SPAN_A_DETAIL*>(detail);
        links_.push_back(Link{segments_.size(), attributeText(a->href), false});
        ++link_;
        break;
      }
      case MD_SPAN_IMG: {
        auto* img = static_cast<MD_SPAN_IMG_DETAIL*>(detail);
        addText("[image: ");
        links_.push_back(Link{segments_.size(), attributeText(img->src), true});
        break;
      }
      default:
        break;
    }
  }

  void leaveSpan(MD_SPANTYPE type) {
    switch (type) {
      case MD_SPAN_EM:
        --emphasis_;
        break;
      case MD_SPAN_STRONG:
        --strong_;
        break;
      case MD_SPAN_DEL:
        --strike_;
        if (!paint_.enabled()) addText("~~");
        break;
      case MD_SPAN_CODE: {
        --code_;
        // Short code stays on one line; long code may break at its spaces.
        size_t columns = 0;
        for (size_t i = codeStart_; i < segments_.size(); ++i) columns += term::displayWidth(segments_[i].text);
        if (columns > width_ / 3) {
          for (size_t i = codeStart_; i < segments_.size(); ++i) segments_[i].keep = false;
        }
        if (!paint_.enabled()) addText("`");
        break;
      }
      case MD_SPAN_A:
      case MD_SPAN_IMG: {
        if (links_.empty()) break;
        Link l = links_.back();
        links_.pop_back();
        if (type == MD_SPAN_A) --link_;
        if (l.image) addText("]");
        std::string text;
        for (size_t i = std::min(l.start, segments_.size()); i < segments_.size(); ++i) text += segments_[i].text;
        bool same = l.url.empty() || text == l.url || "mailto:" + text == l.url || "http://" + text == l.url ||
                    "https://" + text == l.url;
        if (!same) segments_.push_back(Segment{" (" + l.url + ")", "2", false, false});
        break;
      }
      default:
        break;
    }
  }

  void text(MD_TEXTTYPE type, std::string_view input) {
    std::string sanitized;
    if (input.find('\x1b') != std::string_view::npos) {
      sanitized = withoutEscapeBytes(input);
      input = sanitized;
    }
    std::string_view text = input;
    if (leaf_ == Leaf::Code || leaf_ == Leaf::Html) {
      if (type == MD_TEXT_NULLCHAR) {
        raw_ += "\xef\xbf\xbd";
      } else if (type == MD_TEXT_ENTITY) {
        raw_ += decodeEntity(text);
      } else {
        raw_ += text;
      }
      return;
    }
    switch (type) {
      case MD_TEXT_NULLCHAR:
        addText("\xef\xbf\xbd");
        break;
      case MD_TEXT_BR:
        addBreak();
        break;
      case MD_TEXT_SOFTBR:
        addText(" ");
        break;
      case MD_TEXT_ENTITY:
        addText(decodeEntity(text));
        break;
      case MD_TEXT_HTML:
        // Inline HTML: comments vanish, <br> breaks the line, the rest shows as written.
        if (text.substr(0, 4) == "<!--") break;
        if (text == "<br>" || text == "<br/>" || text == "<br />") {
          addBreak();
          break;
        }
        addText(text);
        break;
      default:
        addText(text);
        break;
    }
  }

 private:
  void enterItem(const MD_BLOCK_LI_DETAIL* detail) {
    Container* list = nullptr;
    if (!stack_.empty() && stack_.back().kind == Container::List) list = &stack_.back();
    std::string marker;
    bool tight = false;
    if (list != nullptr && list->ordered) {
      marker = std::to_string(list->next++) + list->delimiter + " ";
      tight = list->tight;
    } else {
      static constexpr std::string_view kBullets[] = {"•", "◦", "▪"};
      int depth = list != nullptr ? list->depth : 0;
      marker = std::string(kBullets[static_cast<size_t>(depth) % 3]) + " ";
      tight = list != nullptr && list->tight;
    }
    if (detail != nullptr && detail->is_task) marker += detail->task_mark == ' ' ? "[ ] " : "[x] ";
    Container item;
    item.kind = Container::Item;
    item.width = term::displayWidth(marker);
    item.first = std::move(marker);
    item.rest = std::string(item.width, ' ');
    item.tight = tight;
    stack_.push_back(std::move(item));
  }

  std::string currentSgr() const {
    std::string sgr;
    auto add = [&](std::string_view code) {
      if (!sgr.empty()) sgr += ';';
      sgr += code;
    };
    if (leaf_ == Leaf::Heading) {
      if (headingLevel_ == 1) {
        add("1;4");
      } else if (headingLevel_ == 2) {
        add("1;36");
      } else {
        add("1");
      }
    }
    if (headerCell_ || strong_ > 0) add("1");
    if (emphasis_ > 0) add("3");
    if (strike_ > 0) add("9");
    if (link_ > 0) add("4");
    if (code_ > 0) add("33");
    return sgr;
  }

  void addText(std::string_view text) {
    if (text.empty()) return;
    if (leaf_ == Leaf::None) leaf_ = Leaf::Implicit;  // text straight inside a tight list item
    std::string sgr = currentSgr();
    bool keep = code_ > 0;
    if (!segments_.empty() && !segments_.back().hardBreak && segments_.back().sgr == sgr &&
        segments_.back().keep == keep && segments_.size() > codeStart_) {
      segments_.back().text += text;
    } else {
      segments_.push_back(Segment{std::string(text), sgr, keep, false});
    }
  }

  void addBreak() {
    if (leaf_ == Leaf::None) leaf_ = Leaf::Implicit;
    segments_.push_back(Segment{"", "", false, true});
  }

  // Columns left for text inside the current containers.
  size_t available() const {
    size_t used = 0;
    for (const Container& c : stack_) used += c.width;
    return used + 1 <= width_ ? width_ - used : 1;
  }

  // A new block: one blank line after the previous one, unless that was
  // text inside the same tight list.
  void beginBlock() {
    if (pendingBlank_ && !out_.empty()) emitBlank();
    pendingBlank_ = false;
  }

  void endBlock() {
    bool inTightItem = !stack_.empty() && stack_.back().kind == Container::Item && stack_.back().tight;
    pendingBlank_ = !inTightItem;
  }

  void emitLine(std::string_view content) {
    std::string line;
    for (Container& c : stack_) {
      line += c.used ? c.rest : c.first;
      c.used = true;
    }
    line += content;
    trimRight(line);
    out_ += line;
    out_ += '\n';
  }

  // A blank line keeps the bars of the quotes it is inside.
  void emitBlank() {
    std::string line;
    for (const Container& c : stack_) {
      if (c.used) line += c.rest;
    }
    trimRight(line);
    out_ += line;
    out_ += '\n';
  }

  void flushImplicit() {
    if (leaf_ == Leaf::Implicit) flushText();
  }

  void flushText() {
    std::vector<Segment> segments = std::move(segments_);
    segments_.clear();
    codeStart_ = 0;
    leaf_ = Leaf::None;
    std::vector<Line> lines = wrapWords(toWords(segments), available());
    if (lines.empty()) return;
    beginBlock();
    for (const Line& line : lines) emitLine(paintLine(line, paint_));
    endBlock();
  }

  void flushCode() {
    leaf_ = Leaf::None;
    std::string code = expandTabs(raw_);
    raw_.clear();
    if (!code.empty() && code.back() == '\n') code.pop_back();
    std::string painted = highlightCode(code, codeLanguage_, paint_);
    beginBlock();
    // The fence's language as a caption: lessons set Python and C++ side by side.
    if (!codeLanguage_.empty()) emitLine(paint_.dim("  [" + codeLanguage_ + "]"));
    size_t start = 0;
    while (start <= painted.size()) {
      size_t newline = painted.find('\n', start);
      if (newline == std::string::npos) newline = painted.size();
      std::string_view line = std::string_view(painted).substr(start, newline - start);
      emitLine(line.empty() ? std::string() : std::string(kCodeIndent) + std::string(line));
      start = newline + 1;
    }
    endBlock();
  }

  // Raw HTML blocks: comments are dropped (they are notes for authors), the
  // rest is shown dim as written, with its line breaks.
  void flushHtml() {
    leaf_ = Leaf::None;
    std::string html;
    for (size_t at = 0; at < raw_.size();) {
      size_t open = raw_.find("<!--", at);
      html += raw_.substr(at, open == std::string::npos ? std::string::npos : open - at);
      if (open == std::string::npos) break;
      size_t close = raw_.find("-->", open + 4);
      at = close == std::string::npos ? raw_.size() : close + 3;
    }
    raw_.clear();
    if (html.find_first_not_of(" \t\r\n") == std::string::npos) return;
    while (!html.empty() && (html.back() == '\n' || html.back() == ' ')) html.pop_back();
    html.erase(0, html.find_first_not_of("\n"));
    std::vector<Segment> segments;
    size_t start = 0;
    while (start <= html.size()) {
      size_t newline = html.find('\n', start);
      if (newline == std::string::npos) newline = html.size();
      if (start > 0) segments.push_back(Segment{"", "", false, true});
      segments.push_back(Segment{html.substr(start, newline - start), "2", false, false});
      start = newline + 1;
    }
    segments_ = std::move(segments);
    flushText();
  }

  void flushTable();

  size_t width_;
  term::Painter paint_;
  std::string out_;
  std::vector<Container> stack_;
  bool pendingBlank_ = false;

  Leaf leaf_ = Leaf::None;
  std::vector<Segment> segments_;
  unsigned headingLevel_ = 0;
  std::string raw_;  // the text of a code or HTML block
  std::string codeLanguage_;
  int emphasis_ = 0, strong_ = 0, strike_ = 0, link_ = 0, code_ = 0;
  size_t codeStart_ = 0;  // the first segment of the open code span
  std::vector<Link> links_;
  std::optional<Table> table_;
  bool headerCell_ = false;
};

// Columns as wide as their widest cell; when the table does not fit, the
// widest column gives up a column at a time, and cells wrap inside theirs.
void Renderer::flushTable() {
  if (!table_) return;
  Table table = std::move(*table_);
  table_.reset();
  size_t columns = table.columns;
  for (auto& row : table.rows) columns = std::max(columns, row.size());
  if (columns == 0 || table.rows.empty()) return;
  table.align.resize(columns, MD_ALIGN_DEFAULT);

  std::vector<std::vector<std::vector<Word>>> cells(table.rows.size());
  std::vector<size_t> widths(columns, 1);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    cells[r].resize(columns);
    for (size_t c = 0; c < columns; ++c) {
      if (c < table.rows[r].size()) cells[r][c] = toWords(table.rows[r][c]);
      size_t natural = 0;
      for (const Word& w : cells[r][c]) natural += (natural > 0 ? 1 : 0) + w.width;
      widths[c] = std::max(widths[c], natural);
    }
  }
  constexpr size_t kGap = 2;
  size_t avail = available();
  auto total = [&] {
    size_t sum = kGap * (columns - 1);
    for (size_t w : widths) sum += w;
    return sum;
  };
  while (total() > avail) {
    auto widest = std::max_element(widths.begin(), widths.end());
    if (*widest <= 1) break;
    --*widest;
  }

  beginBlock();
  std::string gap(kGap, ' ');
  for (size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::vector<Line>> wrapped(columns);
    size_t height = 1;
    for (size_t c = 0; c < columns; ++c) {
      wrapped[c] = wrapWords(cells[r][c], widths[c]);
      height = std::max(height, wrapped[c].size());
    }
    for (size_t k = 0; k < height; ++k) {
      std::string line;
      for (size_t c = 0; c < columns; ++c) {
        Line cell = k < wrapped[c].size() ? wrapped[c][k] : Line{};
        size_t used = widthOf(cell);
        size_t pad = widths[c] > used ? widths[c] - used : 0;
        size_t left = table.align[c] == MD_ALIGN_RIGHT ? pad : table.align[c] == MD_ALIGN_CENTER ? pad / 2 : 0;
        if (c > 0) line += gap;
        line += std::string(left, ' ');
        line += paintLine(cell, paint_);
        line += std::string(pad - left, ' ');
      }
      emitLine(line);
    }
    if (r + 1 == table.headRows) {
      std::string rule;
      for (size_t c = 0; c < columns; ++c) {
        if (c > 0) rule += gap;
        rule += repeat("─", widths[c]);
      }
      emitLine(paint_.dim(rule));
    }
  }
  endBlock();
}

// md4c is C: an exception must not unwind through it. A callback catches,
// records it and stops the parse; renderMarkdown rethrows it afterwards.
struct Parse {
  Renderer renderer;
  std::exception_ptr error;
};

template <class F>
int guarded(void* userdata, F&& f) {
  auto* parse = static_cast<Parse*>(userdata);
  try {
    f(parse->renderer);
    return 0;
  } catch (...) {
    parse->error = std::current_exception();
    return 1;
  }
}

int onEnterBlock(MD_BLOCKTYPE type, void* detail, void* userdata) {
  return guarded(userdata, [&](Renderer& r) { r.enterBlock(type, detail); });
}
int onLeaveBlock(MD_BLOCKTYPE type, void*, void* userdata) {
  return guarded(userdata, [&](Renderer& r) { r.leaveBlock(type); });
}
int onEnterSpan(MD_SPANTYPE type, void* detail, void* userdata) {
  return guarded(userdata, [&](Renderer& r) { r.enterSpan(type, detail); });
}
int onLeaveSpan(MD_SPANTYPE type, void*, void* userdata) {
  return guarded(userdata, [&](Renderer& r) { r.leaveSpan(type); });
}
int onText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  return guarded(userdata, [&](Renderer& r) { r.text(type, std::string_view(text, size)); });
}

}  // namespace

std::string renderMarkdown(std::string_view markdown, const RenderOptions& options) {
  Parse parse{Renderer(options), nullptr};
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB;
  parser.enter_block = onEnterBlock;
  parser.leave_block = onLeaveBlock;
  parser.enter_span = onEnterSpan;
  parser.leave_span = onLeaveSpan;
  parser.text = onText;
  int rc = md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &parse);
  if (parse.error) std::rethrow_exception(parse.error);
  if (rc != 0) throw std::bad_alloc();  // md4c fails only when out of memory
  return parse.renderer.finish();
}

}  // namespace twistlings
