// highlight.cpp — see highlight.hpp.
//
// Each tokenizer walks the text with one index and hands every byte to
// exactly one call of Out::emit, plain or painted; that single path is what
// makes "strip the escapes and you get the input back" hold for any input.
// A token that cannot end (an unterminated string or comment) runs to the
// end of its line or of the text instead of scanning for what is not there.
#include "highlight.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <cctype>

namespace twistlings {

namespace {

// The palette: SGR codes, chosen to read on dark and light backgrounds.
constexpr std::string_view kKeyword = "35";   // magenta
constexpr std::string_view kType = "36";      // cyan
constexpr std::string_view kString = "32";    // green
constexpr std::string_view kNumber = "33";    // yellow
constexpr std::string_view kComment = "2";    // dim
constexpr std::string_view kPreproc = "34";   // blue (also Python's decorators)

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

template <size_t N>
bool oneOf(std::string_view word, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

constexpr std::string_view kCppKeywords[] = {
    "alignas",   "alignof",     "and",          "asm",        "auto",          "break",     "case",
    "catch",     "class",       "co_await",     "co_return",  "co_yield",      "concept",   "const",
    "consteval", "constexpr",   "constinit",    "const_cast", "continue",      "decltype",  "default",
    "delete",    "do",          "dynamic_cast", "else",       "enum",          "explicit",  "export",
    "extern",    "false",       "final",        "for",        "friend",        "goto",      "if",
    "inline",    "mutable",     "namespace",    "new",        "noexcept",      "not",       "nullptr",
    "operator",  "or",          "override",     "private",    "protected",     "public",    "register",
    "reinterpret_cast",         "requires",     "return",     "sizeof",        "static",    "static_assert",
    "static_cast",              "struct",       "switch",     "template",      "this",      "thread_local",
    "throw",     "true",        "try",          "typedef",    "typeid",        "typename",  "union",
    "using",     "virtual",     "volatile",     "while",      "xor",           "bitand",    "bitor",
    "compl",     "not_eq",      "or_eq",        "and_eq",     "xor_eq",        "import",    "module",
    "atomic_cancel", "atomic_commit", "atomic_noexcept", "synchronized", "transaction_safe",
    "transaction_safe_dynamic", "reflexpr"};

constexpr std::string_view kCppTypes[] = {
    "bool",     "char",      "char8_t",   "char16_t", "char32_t", "double",   "float",     "int",
    "long",     "short",     "signed",    "unsigned", "void",     "wchar_t",  "size_t",    "ssize_t",
    "ptrdiff_t", "int8_t",   "int16_t",   "int32_t",  "int64_t",  "uint8_t",  "uint16_t",  "uint32_t",
    "uint64_t", "intptr_t",  "uintptr_t", "string",   "string_view", "vector"};

constexpr std::string_view kPythonKeywords[] = {
    "False", "None",   "True",    "and",      "as",     "assert", "async", "await",  "break",
    "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally", "for",
    "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
    "or",    "pass",   "raise",   "return",   "try",    "while",  "with",   "yield"};

constexpr std::string_view kPythonBuiltins[] = {
    "print", "len",  "range", "str",   "int",   "float",      "bytes",     "list",
    "dict",  "set",  "tuple", "bool",  "object", "type",      "super",     "isinstance",
    "self",  "cls",  "Exception", "ValueError", "RuntimeError", "KeyError"};

// The painted text under construction. Painting is per line, so that no
// escape sequence spans a newline.
// Or, for tokenizeCode, each piece handed to a sink with its kind.
class Out {
 public:
  Out(std::string_view code, const term::Painter& paint) : code_(code), paint_(&paint) {}
  Out(std::string_view code, const CodeTokenSink& sink) : code_(code), sink_(&sink) {}

  void emit(size_t begin, size_t end, std::string_view sgr = {}) {
    end = std::min(end, code_.size());
    if (begin >= end) return;
    std::string_view text = code_.substr(begin, end - begin);
    if (sink_ != nullptr) {
      (*sink_)(tokenKind(sgr), text);
      return;
    }
    if (sgr.empty() || !paint_->enabled()) {
      out_ += text;
      return;
    }
    while (!text.empty()) {
      size_t newline = text.find('\n');
      std::string_view line = text.substr(0, newline);
      if (!line.empty()) out_ += paint_->wrap(sgr, line);
      if (newline == std::string_view::npos) break;
      out_ += '\n';
      text.remove_prefix(newline + 1);
    }
  }

  std::string take() { return std::move(out_); }

 private:
  static CodeToken tokenKind(std::string_view sgr) {
    if (sgr == kKeyword) return CodeToken::Keyword;
    if (sgr == kType) return CodeToken::Type;
    if (sgr == kString) return CodeToken::String;
    if (sgr == kNumber) return CodeToken::Number;
    if (sgr == kComment) return CodeToken::Comment;
    if (sgr == kPreproc) return CodeToken::Preproc;
    return CodeToken::Plain;
  }

  std::string_view code_;
  const term::Painter* paint_ = nullptr;
  const CodeTokenSink* sink_ = nullptr;
  std::string out_;
};

size_t endOfLine(std::string_view code, size_t from) {
  size_t newline = code.find('\n', from);
  return newline == std::string_view::npos ? code.size() : newline;
}

// An ordinary quoted literal starting at the quote `open`: up to the matching
// unescaped quote, or (unterminated) up to the end of the line.
size_t endOfQuoted(std::string_view code, size_t open) {
  char quote = code[open];
  size_t j = open + 1;
  while (j < code.size()) {
    if (code[j] == '\\') {
      j += 2;
    } else if (code[j] == quote) {
      return j + 1;
    } else if (code[j] == '\n') {
      return j;
    } else {
      ++j;
    }
  }
  return code.size();
}

// A raw string R"delim( ... )delim" whose '"' is at `quote`; npos if what
// follows is not a valid raw-string opening.
size_t endOfRaw(std::string_view code, size_t quote) {
  size_t paren = quote + 1;
  while (paren < code.size() && paren - quote - 1 <= 16 && code[paren] != '(') {
    char c = code[paren];
    if (c == ')' || c == '\\' || c == '"' || isBlank(c) || c == '\n') return std::string_view::npos;
    ++paren;
  }
  if (paren >= code.size() || code[paren] != '(') return std::string_view::npos;
  std::string closing = ")";
  closing += code.substr(quote + 1, paren - quote - 1);
  closing += '"';
  size_t close = code.find(closing, paren + 1);
  return close == std::string_view::npos ? code.size() : close + closing.size();
}

size_t endOfNumber(std::string_view code, size_t i) {
  size_t j = i;
  while (j < code.size()) {
    char c = code[j];
    bool exponentSign = (c == '+' || c == '-') && j > i &&
                        (code[j - 1] == 'e' || code[j - 1] == 'E' || code[j - 1] == 'p' || code[j - 1] == 'P');
    if (isIdentChar(c) || c == '.' || c == '\'' || exponentSign) {
      ++j;
    } else {
      break;
    }
  }
  // A trailing digit separator belongs to what follows, not to the number.
  while (j > i + 1 && code[j - 1] == '\'') --j;
  return j;
}

bool startsNumber(std::string_view code, size_t i) {
  return isAsciiDigit(code[i]) || (code[i] == '.' && i + 1 < code.size() && isAsciiDigit(code[i + 1]));
}

void highlightCpp(std::string_view code, Out& out) {
  bool lineStart = true;  // only blanks so far on this line
  size_t i = 0;
  while (i < code.size()) {
    char c = code[i];
    if (c == '\n') {
      out.emit(i, i + 1);
      ++i;
      lineStart = true;
      continue;
    }
    if (isBlank(c)) {
      out.emit(i, i + 1);
      ++i;
      continue;
    }
    bool atLineStart = lineStart;
    lineStart = false;
    if (atLineStart && c == '#') {
      size_t j = i + 1;
      while (j < code.size() && isBlank(code[j])) ++j;
      size_t wordBegin = j;
      while (j < code.size() && isIdentChar(code[j])) ++j;
      std::string_view directive = code.substr(wordBegin, j - wordBegin);
      out.emit(i, j, kPreproc);
      i = j;
      if (directive == "include") {
        while (i < code.size() && isBlank(code[i])) out.emit(i, i + 1), ++i;
        if (i < code.size() && code[i] == '<') {
          size_t close = code.find('>', i);
          size_t eol = endOfLine(code, i);
          size_t end = close != std::string_view::npos && close < eol ? close + 1 : eol;
          out.emit(i, end, kString);
          i = end;
        }
      }
      continue;
    }
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      size_t end = endOfLine(code, i);
      out.emit(i, end, kComment);
      i = end;
      continue;
    }
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      size_t close = code.find("*/", i + 2);
      size_t end = close == std::string_view::npos ? code.size() : close + 2;
      out.emit(i, end, kComment);
      i = end;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t end = endOfQuoted(code, i);
      out.emit(i, end, kString);
      i = end;
      continue;
    }
    if (startsNumber(code, i)) {
      size_t end = endOfNumber(code, i);
      out.emit(i, end, kNumber);
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      size_t j = i;
      while (j < code.size() && isIdentChar(code[j])) ++j;
      std::string_view word = code.substr(i, j - i);
      bool prefix = word == "L" || word == "u" || word == "U" || word == "u8" || word == "R" || word == "LR" ||
                    word == "uR" || word == "UR" || word == "u8R";
      if (prefix && j < code.size() && (code[j] == '"' || code[j] == '\'')) {
        size_t end = std::string_view::npos;
        if (word.back() == 'R' && code[j] == '"') end = endOfRaw(code, j);
        if (end == std::string_view::npos) end = endOfQuoted(code, j);
        out.emit(i, end, kString);
        i = end;
        continue;
      }
      std::string_view sgr = oneOf(word, kCppKeywords) ? kKeyword : oneOf(word, kCppTypes) ? kType : std::string_view{};
      out.emit(i, j, sgr);
      i = j;
      continue;
    }
    out.emit(i, i + 1);
    ++i;
  }
}

// A Python string whose first quote is at `open`: triple-quoted ones may span
// lines; a backslash always protects the next character (even in raw strings,
// where \" does not end the literal either).
size_t endOfPythonString(std::string_view code, size_t open) {
  char quote = code[open];
  bool triple = open + 2 < code.size() && code[open + 1] == quote && code[open + 2] == quote;
  if (!triple) return endOfQuoted(code, open);
  size_t j = open + 3;
  while (j < code.size()) {
    if (code[j] == '\\') {
      j += 2;
    } else if (code[j] == quote && j + 2 < code.size() && code[j + 1] == quote && code[j + 2] == quote) {
      return j + 3;
    } else {
      ++j;
    }
  }
  return code.size();
}

bool isPythonStringPrefix(std::string_view word) {
  if (word.empty() || word.size() > 2) return false;
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "r" || lower == "b" || lower == "u" || lower == "f" || lower == "rb" || lower == "br" ||
         lower == "fr" || lower == "rf";
}

void highlightPython(std::string_view code, Out& out) {
  bool lineStart = true;
  size_t i = 0;
  while (i < code.size()) {
    char c = code[i];
    if (c == '\n') {
      out.emit(i, i + 1);
      ++i;
      lineStart = true;
      continue;
    }
    if (isBlank(c)) {
      out.emit(i, i + 1);
      ++i;
      continue;
    }
    bool atLineStart = lineStart;
    lineStart = false;
    if (c == '#') {
      size_t end = endOfLine(code, i);
      out.emit(i, end, kComment);
      i = end;
      continue;
    }
    if (atLineStart && c == '@') {
      size_t j = i + 1;
      while (j < code.size() && (isIdentChar(code[j]) || code[j] == '.')) ++j;
      out.emit(i, j, kPreproc);
      i = j;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t end = endOfPythonString(code, i);
      out.emit(i, end, kString);
      i = end;
      continue;
    }
    if (startsNumber(code, i)) {
      size_t end = endOfNumber(code, i);
      out.emit(i, end, kNumber);
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      size_t j = i;
      while (j < code.size() && isIdentChar(code[j])) ++j;
      std::string_view word = code.substr(i, j - i);
      if (j < code.size() && (code[j] == '"' || code[j] == '\'') && isPythonStringPrefix(word)) {
        size_t end = endOfPythonString(code, j);
        out.emit(i, end, kString);
        i = end;
        continue;
      }
      std::string_view sgr =
          oneOf(word, kPythonKeywords) ? kKeyword : oneOf(word, kPythonBuiltins) ? kType : std::string_view{};
      out.emit(i, j, sgr);
      i = j;
      continue;
    }
    out.emit(i, i + 1);
    ++i;
  }
}

// Shell: only comments are painted. Quoted text is skipped over so that a '#'
// inside quotes is not taken for a comment; a '#' starts one only at the
// beginning of a word, as in sh.
void highlightShell(std::string_view code, Out& out) {
  size_t i = 0;
  while (i < code.size()) {
    char c = code[i];
    bool wordStart = i == 0 || isBlank(code[i - 1]) || code[i - 1] == '\n' || code[i - 1] == ';';
    if (c == '#' && wordStart) {
      size_t end = endOfLine(code, i);
      out.emit(i, end, kComment);
      i = end;
    } else if (c == '\\') {
      size_t end = std::min(i + 2, code.size());
      out.emit(i, end);
      i = end;
    } else if (c == '\'') {
      size_t close = code.find('\'', i + 1);
      size_t end = close == std::string_view::npos ? code.size() : close + 1;
      out.emit(i, end);
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < code.size() && code[j] != '"') j += code[j] == '\\' ? 2 : 1;
      size_t end = std::min(j + 1, code.size());
      out.emit(i, end);
      i = end;
    } else {
      out.emit(i, i + 1);
      ++i;
    }
  }
}

}  // namespace

CodeLanguage codeLanguage(std::string_view fence) {
  std::string lower;
  for (char c : fence) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "cpp" || lower == "c++" || lower == "cc" || lower == "cxx" || lower == "c" || lower == "h" ||
      lower == "hpp" || lower == "hxx")
    return CodeLanguage::Cpp;
  if (lower == "python" || lower == "py" || lower == "python3") return CodeLanguage::Python;
  if (lower == "sh" || lower == "bash" || lower == "shell" || lower == "zsh" || lower == "console")
    return CodeLanguage::Shell;
  return CodeLanguage::Plain;
}

namespace {

void tokenizeInto(std::string_view code, std::string_view language, Out& out) {
  switch (codeLanguage(language)) {
    case CodeLanguage::Cpp:
      return highlightCpp(code, out);
    case CodeLanguage::Python:
      return highlightPython(code, out);
    case CodeLanguage::Shell:
      return highlightShell(code, out);
    case CodeLanguage::Plain:
      return out.emit(0, code.size());
  }
}

}  // namespace

std::string highlightCode(std::string_view code, std::string_view language, const term::Painter& paint) {
  if (!paint.enabled()) return std::string(code);
  Out out(code, paint);
  tokenizeInto(code, language, out);
  return out.take();
}

void tokenizeCode(std::string_view code, std::string_view language, const CodeTokenSink& sink) {
  Out out(code, sink);
  tokenizeInto(code, language, out);
}

}  // namespace twistlings
