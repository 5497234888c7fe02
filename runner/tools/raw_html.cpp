// raw_html.cpp — see raw_html.hpp.
#include "raw_html.hpp"

#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <new>
#include <set>

#include "source_lines.hpp"

namespace twistlings::listings {

namespace {

// The schemes of links a lesson means: `<scheme:...>` with any other scheme is
// code that Markdown took for a link.
const std::set<std::string, std::less<>> kUrlSchemes = {"http", "https", "ftp", "ftps", "mailto", "file",
                                                        "ssh",  "git",   "irc", "ircs", "news",   "tel"};

std::string oneLine(std::string_view text, size_t limit) {
  std::string s;
  for (char c : text.substr(0, limit)) s += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > limit) s += "...";
  return s;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

class Finder {
 public:
  explicit Finder(std::string_view markdown) : lines_(markdown) {}

  std::vector<RawHtml> found;

  void enterBlock(MD_BLOCKTYPE type) {
    flushRun();
    blocks_.push_back(type);
    if (armed_) {
      if (allowDepth_ == 0) allowDepth_ = depth();
      armed_ = false;
    }
  }

  void leaveBlock() {
    flushRun();
    if (allowDepth_ == depth()) allowDepth_ = 0;
    blocks_.pop_back();
    if (armOnLeave_) {
      armOnLeave_ = false;
      armed_ = true;
    }
  }

  void enterLink(const MD_SPAN_A_DETAIL& detail) {
    flushRun();
    linkHref_.assign(detail.href.text, detail.href.size);
    linkFirstText_ = true;
  }
  void otherSpan() {
    flushRun();
    linkFirstText_ = false;
  }

  void text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
    if (type == MD_TEXT_HTML) {
      int line = lines_.lineOf(text);
      run_.push_back({std::string_view(text, size), line != 0 ? line : lastLine_});
      if (line != 0) lastLine_ = line;
      return;
    }
    flushRun();
    if (linkFirstText_) {
      linkFirstText_ = false;
      checkAutolink(text, size);
    }
  }

  void finish() { flushRun(); }

 private:
  struct Chunk {
    std::string_view text;
    int line;
  };

  int depth() const { return static_cast<int>(blocks_.size()); }
  bool allowed() const { return allowDepth_ != 0; }

  // `<std::string>`: the link's text sits right after a '<' in the source.
  void checkAutolink(const MD_CHAR* text, MD_SIZE size) {
    if (!lines_.contains(text) || text == lines_.text().data() || text[-1] != '<') return;
    size_t colon = linkHref_.find(':');
    if (colon == std::string::npos) return;
    std::string scheme = linkHref_.substr(0, colon);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (kUrlSchemes.count(scheme) || allowed()) return;
    std::string written = "<" + std::string(text, size) + ">";
    found.push_back({lines_.lineOf(text), written,
                     "`" + written + "` reads as a link to \"" + linkHref_ +
                         "\" (Markdown's <scheme:...> autolink), so the terminal shows it without its angle "
                         "brackets: put code in backticks (`Deferred<std::string>`)"});
  }

  // A run is consecutive raw HTML text: one tag, tags side by side, or an HTML block.
  void flushRun() {
    if (run_.empty()) return;
    std::string text;
    std::vector<int> lineAt;  // the source line of each character of text
    for (const Chunk& c : run_) {
      text.append(c.text);
      lineAt.insert(lineAt.end(), c.text.size(), c.line);
    }
    run_.clear();

    bool marker = false;
    bool onlyComments = true;
    bool reported = false;
    for (size_t i = 0; i < text.size();) {
      if (text.compare(i, 4, "<!--") == 0) {
        size_t end = text.find("-->", i + 2);
        if (end == std::string::npos) {
          found.push_back({lineAt[i], oneLine(text.substr(i), 40),
                           "an HTML comment that is never closed (`<!--` without `-->`) hides everything after "
                           "it: close it with `-->`"});
          return;
        }
        if ("<!-- " + trimmed(std::string_view(text).substr(i + 4, end - i - 4)) + " -->" == kRawHtmlMarker) {
          marker = true;
        }
        i = end + 3;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      onlyComments = false;
      bool lineReported = !found.empty() && found.back().line == lineAt[i];  // <b>x</b>: one finding, not two
      if (!reported && !lineReported && !marker && !allowed()) {
        size_t close = text.find('>', i);
        size_t length = close == std::string::npos ? 40 : std::min<size_t>(close - i + 1, 60);
        std::string snippet = oneLine(std::string_view(text).substr(i, length), length);
        found.push_back({lineAt[i], snippet,
                         "raw HTML `" + snippet +
                             "`: the terminal renderer drops it (Markdown reads <...> as an HTML tag). If it is "
                             "code, put it in backticks (`Deferred<int>`); write &lt; for a lone <; if the HTML is "
                             "meant, put `" + std::string(kRawHtmlMarker) + "` on the line before it"});
        reported = true;  // one finding a run: the rest of an HTML block is the same mistake
      }
      ++i;
    }
    if (marker) {
      bool inHtmlBlock = !blocks_.empty() && blocks_.back() == MD_BLOCK_HTML;
      if (inHtmlBlock && onlyComments) {
        armOnLeave_ = true;  // a marker on its own: the next block may hold raw HTML
      } else {
        if (allowDepth_ == 0) allowDepth_ = depth();  // a marker inside a block: to that block's end
      }
    }
  }

  SourceLines lines_;
  std::vector<MD_BLOCKTYPE> blocks_;  // the blocks open now, outermost first
  std::vector<Chunk> run_;
  int lastLine_ = 1;
  bool armed_ = false;       // the next block entered may hold raw HTML
  bool armOnLeave_ = false;  // arm when the marker's own block ends
  int allowDepth_ = 0;       // raw HTML is allowed until the block at this depth ends; 0: not allowed
  std::string linkHref_;
  bool linkFirstText_ = false;
};

int onEnterBlock(MD_BLOCKTYPE type, void*, void* userdata) {
  static_cast<Finder*>(userdata)->enterBlock(type);
  return 0;
}
int onLeaveBlock(MD_BLOCKTYPE, void*, void* userdata) {
  static_cast<Finder*>(userdata)->leaveBlock();
  return 0;
}
int onEnterSpan(MD_SPANTYPE type, void* detail, void* userdata) {
  auto* finder = static_cast<Finder*>(userdata);
  if (type == MD_SPAN_A) {
    finder->enterLink(*static_cast<MD_SPAN_A_DETAIL*>(detail));
  } else {
    finder->otherSpan();
  }
  return 0;
}
int onLeaveSpan(MD_SPANTYPE, void*, void* userdata) {
  static_cast<Finder*>(userdata)->otherSpan();
  return 0;
}
int onText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  static_cast<Finder*>(userdata)->text(type, text, size);
  return 0;
}

}  // namespace

std::vector<RawHtml> findRawHtml(std::string_view markdown) {
  Finder finder(markdown);
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB;  // as the renderer (markdown.cpp) parses
  parser.enter_block = onEnterBlock;
  parser.leave_block = onLeaveBlock;
  parser.enter_span = onEnterSpan;
  parser.leave_span = onLeaveSpan;
  parser.text = onText;
  if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &finder) != 0) {
    throw std::bad_alloc();  // md4c fails only when out of memory
  }
  finder.finish();
  return std::move(finder.found);
}

}  // namespace twistlings::listings
