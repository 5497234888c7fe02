// compile_errors.cpp — see compile_errors.hpp. Understands GCC's and Clang's
// "file:line:column: error: message" diagnostics and GNU ld's link errors.
#include "compile_errors.hpp"

#include <fstream>
#include <regex>

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

bool isAttendeeFile(const std::string& printed, const std::vector<std::filesystem::path>& files) {
  for (const auto& f : files)
    if (sameFile(printed, f)) return true;
  return false;
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
    return d;
  }
  return linkError(lines);
}

}  // namespace twistlings
