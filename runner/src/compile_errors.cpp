// compile_errors.cpp — see compile_errors.hpp. Understands GCC's and Clang's
// "file:line:column: error: message" diagnostics and GNU ld's link errors.
#include "compile_errors.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "compile_errors_source.hpp"
#include "files.hpp"
#include "terminal.hpp"

namespace twistlings {

namespace {

struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string kind;  // "error", "fatal error", "note", "warning", "required from here", ...
  std::string message;
};

// "path:12:5: error: message", "path:12: error: message", and GCC's
// "path:12:5:   required from here" context lines.
std::optional<Location> parseLocation(const std::string& line) {
  static const std::regex diagnostic(R"(^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$)");
  static const std::regex context(R"(^(.+?):(\d+):(\d+):\s+(required from here|required from .*|  .*)$)");
  static const std::regex included(R"(^(?:In file included from|\s+from) (.+?):(\d+)(?::(\d+))?[,:]$)");
  std::smatch m;
  if (std::regex_match(line, m, diagnostic)) {
    return Location{m[1], std::stoi(m[2]), m[3].matched ? std::stoi(m[3]) : 0, m[4], m[5]};
  }
  if (std::regex_match(line, m, context)) return Location{m[1], std::stoi(m[2]), std::stoi(m[3]), "context", m[4]};
  if (std::regex_match(line, m, included)) {
    return Location{m[1], std::stoi(m[2]), m[3].matched ? std::stoi(m[3]) : 0, "included", ""};
  }
  return std::nullopt;
}

bool endsWithPath(const std::string& f, std::string_view printed);

bool sameFile(const std::string& printed, const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path p(printed);
  if (p == file) return true;
  if (std::filesystem::equivalent(p, file, ec)) return true;
  // A relative path printed from the build directory: compare the tail.
  std::string_view tail = printed;
  while (tail.starts_with("../") || tail.starts_with("./")) tail.remove_prefix(tail.starts_with("./") ? 2 : 3);
  return endsWithPath(file.generic_string(), tail);
}

bool endsWithPath(const std::string& f, std::string_view printed) {
  return printed.size() < f.size() && f.compare(f.size() - printed.size(), printed.size(), printed) == 0 &&
         f[f.size() - printed.size() - 1] == '/';
}

const std::filesystem::path* attendeeFile(const std::string& printed, const std::vector<std::filesystem::path>& files) {
  for (const auto& f : files)
    if (sameFile(printed, f)) return &f;
  return nullptr;
}

bool isAttendeeFile(const std::string& printed, const std::vector<std::filesystem::path>& files) {
  return attendeeFile(printed, files) != nullptr;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The compiler's quote of the source after a diagnostic: GCC's "   12 |   foo();"
// and caret lines, Clang's plain source line and caret line.
std::vector<std::string> quoteAfter(const std::vector<std::string>& lines, size_t i) {
  static const std::regex heading(R"(^(In file included from|In instantiation of|FAILED:|ninja:|\[\d+/\d+\])|^\S+: In )");
  std::vector<std::string> out;
  for (size_t j = i + 1; j < lines.size() && out.size() < 5; ++j) {
    if (lines[j].empty() || parseLocation(lines[j]) || std::regex_search(lines[j], heading)) break;
    out.push_back(lines[j]);
  }
  return out;
}

// GCC quotes no source for a "required from here" line: quote it from the
// file, the way GCC would ("   25 |   code" and a caret under the column).
std::vector<std::string> quoteFromFile(const std::string& file, int line, int column) {
  std::ifstream in(file);
  std::string text;
  for (int l = 1; l <= line && std::getline(in, text); ++l) {
    if (l < line) continue;
    std::string number = std::to_string(line);
    std::string margin = std::string(number.size() < 5 ? 5 - number.size() : 0, ' ') + number + " | ";
    std::vector<std::string> out{margin + text};
    if (column > 0) {
      std::string caretMargin = std::string(margin.size() - 2, ' ') + "| ";
      out.push_back(caretMargin + std::string(static_cast<size_t>(column - 1), ' ') + "^");
    }
    return out;
  }
  return {};
}

std::string shortName(const std::string& path) {
  size_t at = path.rfind("/include/");
  if (at != std::string::npos) return path.substr(at + 9);
  at = path.rfind('/');
  return at == std::string::npos ? path : path.substr(at + 1);
}

std::optional<CompileDiagnostic> linkError(const std::vector<std::string>& lines) {
  static const std::regex undefinedRef(R"(undefined reference to [`'](.*)'$)");
  for (const auto& line : lines) {
    std::smatch m;
    if (std::regex_search(line, m, undefinedRef)) {
      CompileDiagnostic d;
      d.linkError = true;
      d.message = "the program does not link: " + m[1].str() +
                  " is declared in the header but defined nowhere. Did its body get deleted or renamed?";
      return d;
    }
  }
  return std::nullopt;
}

// Type names as the attendee wrote them: std::string, not GCC's
// std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >.
std::string prettyTypes(std::string text) {
  static const std::regex string(
      R"((?:std::)?(?:__cxx11::)?basic_string<char(?:, (?:std::)?char_traits<char>, (?:std::)?allocator<char> ?)?>)");
  static const std::regex cxx11(R"(std::__cxx11::)");
  static const std::regex spaceBeforeRef(R"( ([&*]))");
  static const std::regex closers(R"(([^ ]) >)");
  text = std::regex_replace(text, string, "std::string");
  text = std::regex_replace(text, cxx11, "std::");
  text = std::regex_replace(text, spaceBeforeRef, "$1");
  while (std::regex_search(text, closers)) text = std::regex_replace(text, closers, "$1>");
  return text;
}

// A static_assert's words and its condition ("sentence"), from GCC's
// "static assertion failed: words" and its "note: 'X' evaluates to false", or
// Clang's "static_assert failed due to requirement 'X' "words"".
struct StaticAssert {
  std::string words;
  std::string sentence;  // twist's sentences (detail/diagnose.hpp), namespace and ::value removed
};

std::optional<StaticAssert> staticAssertOf(const std::vector<std::string>& lines, size_t errorLine,
                                           const std::string& message) {
  static const std::regex gcc(R"(^static assertion failed(?:: (.*))?$)");
  static const std::regex clang(R"re(^static.assert(?:ion)? failed due to requirement '(.*)'(?: "(.*)")?$)re");
  static const std::regex gccNote(R"(^(?:‘|')(.*)(?:’|') evaluates to false$)");
  StaticAssert found;
  std::smatch m;
  if (std::regex_match(message, m, clang)) {
    found.sentence = m[1];
    found.words = m[2];
  } else if (std::regex_match(message, m, gcc)) {
    found.words = m[1];
    for (size_t j = errorLine + 1; j < lines.size(); ++j) {
      auto loc = parseLocation(lines[j]);
      if (!loc) continue;
      if (loc->kind != "note") break;
      if (std::regex_match(loc->message, m, gccNote)) {
        found.sentence = m[1];
        break;
      }
    }
  } else {
    return std::nullopt;
  }
  static const std::regex twistSentence(
      R"(^(?:twist::detail::)?((?:the_|for_a_|a_twist_).*)::(?:value|but_this_is_not_one)$)");
  if (std::regex_match(found.sentence, m, twistSentence))
    found.sentence = prettyTypes(m[1]);
  else
    found.sentence.clear();
  return found;
}

// Lesson 04's likeliest mistake: a callback that forgets to `return`. twist's
// check fires at the step that needs the value (or at the return statement
// that wants a Deferred of a value); the mistake is in the callback before.
// Moves `d` there, and says so in words. False when the sentence is another
// one, or the source has no recognisable chain.
bool explainForgottenReturn(CompileDiagnostic& d, const StaticAssert& check, const std::filesystem::path& source) {
  static const std::regex nextTakes(R"(^the_step_before_returns<void>::but_this_callback_takes<(.+)>$)");
  static const std::regex errbackReturns(R"(^the_chain_carries<void>::but_this_errback_returns<(.+)>$)");
  static const std::regex deferredWanted(
      R"(^the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<(.+)>$)");
  std::smatch m;
  std::string need;
  bool atLastStep = false;
  if (std::regex_match(check.sentence, m, nextTakes)) {
    need = "the next step (line " + std::to_string(d.line) + ") takes a `" + m[1].str() + "`";
  } else if (std::regex_match(check.sentence, m, errbackReturns)) {
    need = "the errback after it (line " + std::to_string(d.line) + ") returns a `" + m[1].str() + "`";
  } else if (std::regex_match(check.sentence, m, deferredWanted)) {
    need = "a `Deferred<" + m[1].str() + ">` is wanted (line " + std::to_string(d.line) + ")";
    atLastStep = true;
  } else {
    return false;
  }
  std::string text = readFile(source).value_or("");  // unreadable: nothing to find in it
  SourcePosition stop{d.line, d.column};
  auto callback = atLastStep ? callbackOfLastStep(text, stop) : callbackOfStepBefore(text, stop);
  if (!callback) return false;
  d.origin = "the compiler stopped at line " + std::to_string(d.line) + (d.origin.empty() ? "" : ", " + d.origin);
  d.line = callback->line;
  d.column = callback->column;
  d.source = quoteFromFile(source.string(), d.line, d.column);
  d.message = "this callback returns nothing (`void`), where the chain needed a value or a Deferred: " + need +
              ". Did you forget to `return`?";
  return true;
}

}  // namespace

std::optional<CompileDiagnostic> firstCompileError(std::string_view buildOutput,
                                                   const std::vector<std::filesystem::path>& attendeeFiles) {
  std::vector<std::string> lines = splitLines(term::stripEscapes(buildOutput));
  size_t groupStart = 0;  // where the current diagnostic's context began
  for (size_t i = 0; i < lines.size(); ++i) {
    auto loc = parseLocation(lines[i]);
    if (!loc) continue;
    if (loc->kind == "warning" || loc->kind == "note") {
      if (loc->kind == "warning") groupStart = i + 1;
      continue;
    }
    if (loc->kind != "error" && loc->kind != "fatal error") continue;

    CompileDiagnostic d;
    d.file = loc->file;
    d.line = loc->line;
    d.column = loc->column;
    d.message = loc->message;
    d.source = quoteAfter(lines, i);
    d.inAttendeeFile = isAttendeeFile(loc->file, attendeeFiles);
    if (!d.inAttendeeFile) {
      // The attendee's line that led here: GCC prints it before the error
      // ("required from here", "In file included from"), Clang after it, in
      // notes ("in instantiation of ... requested here"). The last one before
      // and the first one after are the closest to the attendee's code.
      // An "In file included from" line is the weakest clue: it only says which #include.
      std::optional<Location> best, include;
      size_t bestLine = 0, includeLine = 0;
      for (size_t j = groupStart; j < i; ++j) {
        auto c = parseLocation(lines[j]);
        if (!c || !isAttendeeFile(c->file, attendeeFiles)) continue;
        if (c->kind == "included") {
          include = c, includeLine = j;
        } else {
          best = c, bestLine = j;
        }
      }
      for (size_t j = i + 1; !best && j < lines.size(); ++j) {
        auto c = parseLocation(lines[j]);
        if (!c) continue;
        if (c->kind == "error" || c->kind == "fatal error") break;
        if (c->kind != "included" && isAttendeeFile(c->file, attendeeFiles)) best = c, bestLine = j;
      }
      if (!best && include) best = include, bestLine = includeLine;
      if (best) {
        d.origin = "reported in " + shortName(d.file) + ":" + std::to_string(d.line);
        d.file = best->file;
        d.line = best->line;
        d.column = best->column;
        d.source = quoteAfter(lines, bestLine);
        if (d.source.empty()) d.source = quoteFromFile(d.file, d.line, d.column);
        d.inAttendeeFile = true;
      }
    }
    // A static_assert says its words without the compiler's wrapping; twist's
    // name the types in their condition, which the origin line keeps.
    if (auto check = staticAssertOf(lines, i, loc->message)) {
      if (!check->words.empty()) d.message = check->words;
      if (!check->sentence.empty()) {
        const std::filesystem::path* source = d.inAttendeeFile ? attendeeFile(d.file, attendeeFiles) : nullptr;
        if (!source || !explainForgottenReturn(d, *check, *source))
          d.origin += (d.origin.empty() ? "" : "; ") + std::string("twist's check: ") + check->sentence;
      }
    }
    return d;
  }
  return linkError(lines);
}

}  // namespace twistlings
