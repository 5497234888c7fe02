// compile_errors_source.cpp — see compile_errors_source.hpp.
#include "compile_errors_source.hpp"

#include <array>
#include <cctype>
#include <string_view>
#include <vector>

namespace twistlings {

namespace {

bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Steps that can change the chain's type, and so make a void: the callback
// before a step that needs a value is one of these. addErrback and addTimeout
// keep the type, so the search goes on past them.
constexpr std::array<std::string_view, 3> kTypeChangingSteps{"addCallback", "addCallbacks", "addBoth"};
constexpr std::array<std::string_view, 2> kTypeKeepingSteps{"addErrback", "addTimeout"};

template <std::size_t N>
bool oneOf(std::string_view word, const std::array<std::string_view, N>& words) {
  for (std::string_view w : words)
    if (word == w) return true;
  return false;
}

// A blanked source and the offsets where its lines start.
class Code {
 public:
  explicit Code(const std::string& source) : text_(codeOnly(source)) {
    lineStarts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n') lineStarts_.push_back(i + 1);
  }
  const std::string& text() const { return text_; }
  std::size_t size() const { return text_.size(); }
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  std::optional<std::size_t> offset(SourcePosition p) const {
    if (p.line < 1 || static_cast<std::size_t>(p.line) > lineStarts_.size()) return std::nullopt;
    std::size_t start = lineStarts_[static_cast<std::size_t>(p.line) - 1];
    std::size_t end = static_cast<std::size_t>(p.line) < lineStarts_.size() ? lineStarts_[static_cast<std::size_t>(p.line)] - 1
                                                                               : text_.size();
    std::size_t column = p.column > 0 ? static_cast<std::size_t>(p.column - 1) : 0;
    return std::min(start + column, end);
  }
  SourcePosition position(std::size_t offset) const {
    std::size_t line = 0;
    while (line + 1 < lineStarts_.size() && lineStarts_[line + 1] <= offset) ++line;
    return SourcePosition{static_cast<int>(line + 1), static_cast<int>(offset - lineStarts_[line] + 1)};
  }
  std::pair<std::size_t, std::size_t> lineRange(int line) const {
    std::size_t start = lineStarts_[static_cast<std::size_t>(line) - 1];
    std::size_t end = static_cast<std::size_t>(line) < lineStarts_.size() ? lineStarts_[static_cast<std::size_t>(line)] : size();
    return {start, end};
  }

  // The last non-space offset before `i`, if any.
  std::optional<std::size_t> backOverSpace(std::size_t i) const {
    while (i > 0) {
      --i;
      if (!isSpace(text_[i])) return i;
    }
    return std::nullopt;
  }
  std::size_t forwardOverSpace(std::size_t i) const {
    while (i < text_.size() && isSpace(text_[i])) ++i;
    return i;
  }
  // The identifier that ends at `last` (inclusive): its first offset.
  std::size_t identifierStart(std::size_t last) const {
    std::size_t i = last;
    while (i > 0 && isIdentifierChar(text_[i - 1])) --i;
    return i;
  }
  std::string_view identifierAt(std::size_t start) const {
    std::size_t end = start;
    while (end < text_.size() && isIdentifierChar(text_[end])) ++end;
    return std::string_view(text_).substr(start, end - start);
  }

  // The bracket matching the closing one at `close`, or the opening one at `open`.
  std::optional<std::size_t> openerOf(std::size_t close) const {
    std::vector<char> wanted;
    for (std::size_t i = close + 1; i-- > 0;) {
      char c = text_[i];
      if (c == ')' || c == ']' || c == '}') {
        wanted.push_back(c == ')' ? '(' : c == ']' ? '[' : '{');
      } else if (c == '(' || c == '[' || c == '{') {
        if (wanted.empty() || wanted.back() != c) return std::nullopt;
        wanted.pop_back();
        if (wanted.empty()) return i;
      }
    }
    return std::nullopt;
  }
  std::optional<std::size_t> closerOf(std::size_t open) const {
    std::vector<char> wanted;
    for (std::size_t i = open; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '(' || c == '[' || c == '{') {
        wanted.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
      } else if (c == ')' || c == ']' || c == '}') {
        if (wanted.empty() || wanted.back() != c) return std::nullopt;
        wanted.pop_back();
        if (wanted.empty()) return i;
      }
    }
    return std::nullopt;
  }

 private:
  std::string text_;
  std::vector<std::size_t> lineStarts_;
};

// Where a statement that ends with the ';' at `semicolon` starts, inside a
// body that opens at `bodyOpen`.
std::size_t statementStart(const Code& code, std::size_t bodyOpen, std::size_t semicolon) {
  std::size_t i = semicolon;
  bool first = true;  // a '}' right before the ';' is the statement's own (T x{1};, a lambda)
  while (i > bodyOpen + 1) {
    --i;
    char c = code.at(i);
    if (isSpace(c)) continue;
    if (c == ';' || c == '{' || (c == '}' && !first)) return code.forwardOverSpace(i + 1);
    if (c == ')' || c == ']' || c == '}') {
      auto open = code.openerOf(i);
      if (!open) return code.forwardOverSpace(i + 1);
      i = *open;
    }
    first = false;
  }
  return code.forwardOverSpace(bodyOpen + 1);
}

// In the call whose parentheses are at open..close, where to point: the last
// statement of a lambda's body (where a `return` would go), else the argument.
SourcePosition callbackIn(const Code& code, std::size_t open, std::size_t close) {
  std::size_t arg = code.forwardOverSpace(open + 1);
  if (arg >= close || code.at(arg) != '[') return code.position(arg);
  auto captureEnd = code.closerOf(arg);
  if (!captureEnd) return code.position(arg);
  std::size_t i = code.forwardOverSpace(*captureEnd + 1);
  if (code.at(i) == '(') {
    auto paramsEnd = code.closerOf(i);
    if (!paramsEnd) return code.position(arg);
    i = *paramsEnd + 1;
  }
  // Past `mutable`, `noexcept`, `-> Type` to the body.
  while (i < close && code.at(i) != '{') {
    char c = code.at(i);
    if (c == ',' || c == ')' || c == ';') return code.position(arg);
    if (c == '(' || c == '[') {
      auto end = code.closerOf(i);
      if (!end) return code.position(arg);
      i = *end;
    }
    ++i;
  }
  if (i >= close) return code.position(arg);
  auto bodyClose = code.closerOf(i);
  if (!bodyClose) return code.position(arg);
  auto last = code.backOverSpace(*bodyClose);
  if (!last || *last == i) return code.position(i);  // an empty body: point at it
  if (code.at(*last) != ';') return code.position(arg);  // ends with a block (if, for, ...)
  return code.position(statementStart(code, i, *last));
}

std::optional<SourcePosition> lastStepFrom(const Code& code, std::size_t start);

// `name` starts a step's method name in a chain: the callback of the step
// before it that can have made a void.
std::optional<SourcePosition> stepBefore(const Code& code, std::size_t name) {
  for (int guard = 0; guard < 1000; ++guard) {
    auto p = code.backOverSpace(name);
    if (!p) return std::nullopt;
    if (code.at(*p) == '.') {
      p = code.backOverSpace(*p);
    } else if (code.at(*p) == '>' && *p > 0 && code.at(*p - 1) == '-') {
      p = code.backOverSpace(*p - 1);
    } else {
      return std::nullopt;
    }
    if (!p) return std::nullopt;
    if (code.at(*p) == ')') {
      auto open = code.openerOf(*p);
      if (!open) return std::nullopt;
      auto beforeOpen = code.backOverSpace(*open);
      if (!beforeOpen || !isIdentifierChar(code.at(*beforeOpen))) return std::nullopt;
      std::size_t start = code.identifierStart(*beforeOpen);
      std::string_view method = code.identifierAt(start);
      if (oneOf(method, kTypeChangingSteps)) return callbackIn(code, *open, *p);
      if (!oneOf(method, kTypeKeepingSteps)) return std::nullopt;  // findId(login): the chain starts there
      name = start;
      continue;
    }
    if (!isIdentifierChar(code.at(*p))) return std::nullopt;
    // A variable: the chain it was last assigned from, before this line.
    std::size_t start = code.identifierStart(*p);
    std::string_view variable = code.identifierAt(start);
    if (variable.empty() || std::isdigit(static_cast<unsigned char>(variable.front()))) return std::nullopt;
    const std::string& text = code.text();
    for (std::size_t at = text.rfind(variable, start == 0 ? 0 : start - 1); at != std::string::npos && at < start;
         at = at == 0 ? std::string::npos : text.rfind(variable, at - 1)) {
      bool whole = (at == 0 || !isIdentifierChar(text[at - 1])) && !isIdentifierChar(code.at(at + variable.size()));
      if (!whole) continue;
      std::size_t eq = code.forwardOverSpace(at + variable.size());
      if (code.at(eq) == '=' && code.at(eq + 1) != '=') return lastStepFrom(code, eq + 1);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// From `start` to the end of its statement (a ';' at its own depth, or a
// bracket that closes around it): the callback of the statement's last step.
std::optional<SourcePosition> lastStepFrom(const Code& code, std::size_t start) {
  int depth = 0;
  std::size_t end = start;
  for (; end < code.size(); ++end) {
    char c = code.at(end);
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') {
      if (--depth < 0) break;
    }
    if (c == ';' && depth == 0) break;
  }
  if (end >= code.size()) return std::nullopt;
  auto p = code.backOverSpace(end);
  for (int guard = 0; p && guard < 1000; ++guard) {
    if (code.at(*p) != ')') return std::nullopt;
    auto open = code.openerOf(*p);
    if (!open) return std::nullopt;
    auto beforeOpen = code.backOverSpace(*open);
    if (!beforeOpen || !isIdentifierChar(code.at(*beforeOpen))) return std::nullopt;
    std::size_t name = code.identifierStart(*beforeOpen);
    std::string_view method = code.identifierAt(name);
    if (oneOf(method, kTypeChangingSteps)) return callbackIn(code, *open, *p);
    if (!oneOf(method, kTypeKeepingSteps)) return std::nullopt;
    return stepBefore(code, name);  // the errback or timeout keeps the type: look before it
  }
  return std::nullopt;
}

// The step method the compiler points at on `at`'s line: the last one that
// starts at or before its column (Clang: the name; GCC: the parenthesis after).
std::optional<std::size_t> stepNameAt(const Code& code, SourcePosition at) {
  auto offset = code.offset(at);
  if (!offset) return std::nullopt;
  auto [lineStart, lineEnd] = code.lineRange(at.line);
  std::optional<std::size_t> found;
  for (std::size_t i = lineStart; i < lineEnd; ++i) {
    if (!isIdentifierChar(code.at(i)) || (i > lineStart && isIdentifierChar(code.at(i - 1)))) continue;
    std::string_view word = code.identifierAt(i);
    if ((oneOf(word, kTypeChangingSteps) || oneOf(word, kTypeKeepingSteps)) && (i <= *offset || !found)) found = i;
  }
  return found;
}

}  // namespace

std::string codeOnly(const std::string& source) {
  std::string out = source;
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < out.size(); ++k)
      if (out[k] != '\n') out[k] = ' ';
  };
  std::size_t i = 0;
  const std::size_t n = source.size();
  while (i < n) {
    char c = source[i];
    if (c == '/' && i + 1 < n && source[i + 1] == '/') {
      std::size_t end = source.find('\n', i);
      if (end == std::string::npos) end = n;
      blank(i, end);
      i = end;
    } else if (c == '/' && i + 1 < n && source[i + 1] == '*') {
      std::size_t end = source.find("*/", i + 2);
      end = end == std::string::npos ? n : end + 2;
      blank(i, end);
      i = end;
    } else if (c == '"' && i > 0 && source[i - 1] == 'R' && (i < 2 || !isIdentifierChar(source[i - 2]) ||
                                                               source[i - 2] == '8' || source[i - 2] == 'u' ||
                                                               source[i - 2] == 'U' || source[i - 2] == 'L')) {
      std::size_t open = source.find('(', i);
      if (open == std::string::npos) return out;
      std::string closing = ")" + source.substr(i + 1, open - i - 1) + "\"";
      std::size_t end = source.find(closing, open);
      end = end == std::string::npos ? n : end + closing.size();
      blank(i + 1, end - 1);
      i = end;
    } else if (c == '"' || c == '\'') {
      if (c == '\'') {  // a digit separator (1'000) is no quote
        std::size_t start = i;
        while (start > 0 && (isIdentifierChar(source[start - 1]) || source[start - 1] == '\'')) --start;
        if (start < i && std::isdigit(static_cast<unsigned char>(source[start]))) {
          ++i;
          continue;
        }
      }
      std::size_t j = i + 1;
      while (j < n && source[j] != c && source[j] != '\n') j += source[j] == '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j < n ? j + 1 : n;
    } else {
      ++i;
    }
  }
  return out;
}

std::optional<SourcePosition> callbackOfStepBefore(const std::string& source, SourcePosition at) {
  Code code(source);
  auto name = stepNameAt(code, at);
  if (!name) return std::nullopt;
  return stepBefore(code, *name);
}

std::optional<SourcePosition> callbackOfLastStep(const std::string& source, SourcePosition at) {
  Code code(source);
  auto offset = code.offset(at);
  if (!offset) return std::nullopt;
  return lastStepFrom(code, *offset);
}

}  // namespace twistlings
