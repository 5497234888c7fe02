// listing_parser.cpp — see listing_parser.hpp.
#include "listing_parser.hpp"

#include <md4c.h>

#include <new>
#include <set>
#include <sstream>

#include "highlight.hpp"
#include "source_lines.hpp"

namespace twistlings::listings {

namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

struct Collector {
  explicit Collector(std::string_view markdown) : lines(markdown) {}

  SourceLines lines;
  ParsedListings parsed;

  // The fenced block being read, between enter and leave.
  bool inFence = false;
  std::string info;
  int fenceLine = 0;      // from the info string, when it points into the source
  int firstCodeLine = 0;  // from the first code text that points into the source
  int newlines = 0;       // code lines finished so far
  std::string code;

  void enterCode(const MD_BLOCK_CODE_DETAIL& detail) {
    if (detail.fence_char == 0) return;  // an indented code block: no language, nothing to check
    inFence = true;
    info.assign(detail.info.text, detail.info.size);
    fenceLine = detail.info.size > 0 ? lines.lineOf(detail.info.text) : 0;
    firstCodeLine = 0;
    newlines = 0;
    code.clear();
  }

  void codeText(const MD_CHAR* text, MD_SIZE size) {
    if (firstCodeLine == 0 && lines.contains(text)) firstCodeLine = lines.lineOf(text) - newlines;
    code.append(text, size);
    if (size == 1 && *text == '\n') ++newlines;
  }

  void leaveCode() {
    if (!inFence) return;
    inFence = false;
    // A fence's code lines are consecutive lines of the source, whatever
    // container it sits in, so either end gives the other.
    if (fenceLine == 0 && firstCodeLine != 0) fenceLine = firstCodeLine - 1;
    if (firstCodeLine == 0) firstCodeLine = fenceLine + 1;
    classify();
  }

  void error(Language language, std::string message) {
    parsed.errors.push_back({language, fenceLine, std::move(message)});
  }

  void classify() {
    std::vector<std::string> w = words(info);
    if (w.empty()) return;
    const std::string& lang = w[0];
    CodeLanguage highlighted = codeLanguage(lang);
    Listing listing;
    listing.fenceLine = fenceLine;
    listing.firstCodeLine = firstCodeLine;
    listing.info = info;
    listing.code = code;
    if (lang == "cpp") {
      listing.language = Language::Cpp;
    } else if (lang == "python") {
      listing.language = Language::Python;
    } else if (highlighted == CodeLanguage::Cpp) {
      error(Language::Cpp, "this fence says `" + lang +
                               "`, which the lesson shows as C++, but only fences that say `cpp` are compiled: "
                               "write ```cpp (or ```text if it is not code to compile)");
      return;
    } else if (highlighted == CodeLanguage::Python) {
      error(Language::Python, "this fence says `" + lang +
                                  "`, which the lesson shows as Python, but only fences that say `python` are "
                                  "compiled: write ```python (or ```text if it is not code to compile)");
      return;
    } else {
      return;  // sh, console, text, json, ...: shown, not compiled
    }

    bool ok = true;
    std::set<std::string> seen;
    for (size_t i = 1; i < w.size(); ++i) {
      const std::string& word = w[i];
      if (!seen.insert(word).second) {
        error(listing.language, "the fence `" + info + "` says `" + word + "` twice");
        ok = false;
        continue;
      }
      if (listing.language == Language::Cpp) {
        if (word == "fragment") {
          if (listing.form == CppForm::Body) {
            error(Language::Cpp, "the fence `" + info + "` says both `fragment` and `body`: a listing is one or the other");
            ok = false;
          }
          listing.form = CppForm::Fragment;
        } else if (word == "body") {
          if (listing.form == CppForm::Fragment) {
            error(Language::Cpp, "the fence `" + info + "` says both `fragment` and `body`: a listing is one or the other");
            ok = false;
          }
          listing.form = CppForm::Body;
        } else if (word == "fails") {
          listing.fails = true;
        } else {
          error(Language::Cpp, "unknown word `" + word + "` in the fence `" + info +
                                   "`: after `cpp` a fence may say `fragment` or `body`, and `fails`");
          ok = false;
        }
      } else {
        if (word == "run") {
          listing.run = true;
        } else if (word == "fragment") {
          // Compiled only, as a plain python listing is: accepted for symmetry with cpp.
        } else {
          error(Language::Python, "unknown word `" + word + "` in the fence `" + info +
                                      "`: after `python` a fence may say `run` or `fragment`");
          ok = false;
        }
      }
    }
    if (listing.language == Language::Python && seen.count("run") && seen.count("fragment")) {
      error(Language::Python, "the fence `" + info + "` says both `run` and `fragment`: a fragment is compiled only");
      ok = false;
    }
    if (ok) parsed.listings.push_back(std::move(listing));
  }
};

int onEnterBlock(MD_BLOCKTYPE type, void* detail, void* userdata) {
  if (type == MD_BLOCK_CODE) static_cast<Collector*>(userdata)->enterCode(*static_cast<MD_BLOCK_CODE_DETAIL*>(detail));
  return 0;
}
int onLeaveBlock(MD_BLOCKTYPE type, void*, void* userdata) {
  if (type == MD_BLOCK_CODE) static_cast<Collector*>(userdata)->leaveCode();
  return 0;
}
int onSpan(MD_SPANTYPE, void*, void*) { return 0; }
int onText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  auto* c = static_cast<Collector*>(userdata);
  // MD_TEXT_CODE is also the text of an inline code span: only a fence's counts.
  if (c->inFence && type == MD_TEXT_CODE) c->codeText(text, size);
  return 0;
}

}  // namespace

ParsedListings parseListings(std::string_view markdown) {
  Collector collector(markdown);
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB;  // as the renderer (markdown.cpp) parses
  parser.enter_block = onEnterBlock;
  parser.leave_block = onLeaveBlock;
  parser.enter_span = onSpan;
  parser.leave_span = onSpan;
  parser.text = onText;
  if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &collector) != 0) {
    throw std::bad_alloc();  // md4c fails only when out of memory
  }
  return std::move(collector.parsed);
}

std::string describeMarking(const Listing& listing) {
  if (listing.language == Language::Python) return listing.run ? "python run" : "python";
  std::string s = "cpp";
  if (listing.form == CppForm::Fragment) s += " fragment";
  if (listing.form == CppForm::Body) s += " body";
  if (listing.fails) s += " fails";
  return s;
}

}  // namespace twistlings::listings
