// hidden_tests.cpp — see hidden_tests.hpp.
#include "hidden_tests.hpp"

#include <cctype>

namespace twistlings {

namespace {

bool identifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// When a comment, a string, a character or a raw string starts at i: the
// index just past it. Otherwise i itself. An unterminated one ends the text.
size_t pastLiteralOrComment(std::string_view s, size_t i) {
  auto endOr = [&](size_t at, size_t length) { return at == std::string_view::npos ? s.size() : at + length; };
  if (s.compare(i, 2, "//") == 0) return endOr(s.find('\n', i), 0);
  if (s.compare(i, 2, "/*") == 0) return endOr(s.find("*/", i + 2), 2);
  if (s[i] == 'R' && i + 1 < s.size() && s[i + 1] == '"' && (i == 0 || !identifierChar(s[i - 1]) ||
                                                            s[i - 1] == '8' || s[i - 1] == 'L' || s[i - 1] == 'u' || s[i - 1] == 'U')) {
    size_t open = s.find('(', i + 2);
    if (open == std::string_view::npos) return s.size();
    std::string close = ")" + std::string(s.substr(i + 2, open - i - 2)) + "\"";
    return endOr(s.find(close, open + 1), close.size());
  }
  // A quote after a digit is a digit separator (1'000), not a character.
  bool quote = s[i] == '"' || (s[i] == '\'' && !(i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))));
  if (!quote) return i;
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\') ++j;
    else if (s[j] == s[i] || s[j] == '\n') return j + 1;
  }
  return s.size();
}

size_t skipSpace(std::string_view s, size_t i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.compare(i, 2, "//") == 0 || s.compare(i, 2, "/*") == 0) {
      i = pastLiteralOrComment(s, i);
    } else {
      break;
    }
  }
  return i;
}

// The value of the ordinary string literal at i (escapes undone); i moves past it.
std::string readLiteral(std::string_view s, size_t& i) {
  std::string value;
  for (++i; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      value += s[i];
      continue;
    }
    switch (char c = s[++i]) {
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      default: value += c;  // \" \\ \' and the rare others, as the character itself
    }
  }
  ++i;
  return value;
}

// The name of a test declared at `at`, just past the macro's name: the first
// string argument, or the second for TEST_CASE_METHOD(Fixture, "name").
bool readName(std::string_view s, size_t at, bool afterFixture, std::string& name) {
  size_t i = skipSpace(s, at);
  if (i >= s.size() || s[i] != '(') return false;
  i = skipSpace(s, i + 1);
  if (afterFixture) {  // the fixture's type may hold commas (Fixture<int, 2>): go to the first literal
    while (i < s.size() && s[i] != '"' && s[i] != ')') ++i;
  }
  if (i >= s.size() || s[i] != '"') return false;
  name.clear();
  while (i < s.size() && s[i] == '"') {  // "one" "name": adjacent literals are one
    name += readLiteral(s, i);
    i = skipSpace(s, i);
  }
  return true;
}

}  // namespace

std::vector<DeclaredTest> declaredTests(std::string_view source) {
  std::vector<DeclaredTest> tests;
  int line = 1;
  for (size_t i = 0; i < source.size();) {
    size_t past = pastLiteralOrComment(source, i);
    if (past != i) {
      for (; i < past; ++i) line += source[i] == '\n';
      continue;
    }
    if (source[i] == '\n') ++line;
    if (!identifierChar(source[i]) || (i > 0 && identifierChar(source[i - 1]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < source.size() && identifierChar(source[end])) ++end;
    std::string_view word = source.substr(i, end - i);
    std::string name;
    if (word == "TEST_CASE" && readName(source, end, false, name)) {
      tests.push_back({name, line});
    } else if (word == "TEST_CASE_METHOD" && readName(source, end, true, name)) {
      tests.push_back({name, line});
    } else if (word == "SCENARIO" && readName(source, end, false, name)) {
      tests.push_back({"Scenario: " + name, line});
    }
    i = end;
  }
  return tests;
}

std::string extractTestCode(std::string_view source, int line) {
  if (line < 1) return "";
  size_t pos = 0;
  for (int l = 1; l < line && pos != std::string_view::npos; ++l) {
    pos = source.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos || pos >= source.size()) return "";
  // Count braces from the TEST_CASE line, skipping strings, characters and comments.
  int depth = 0;
  bool opened = false;
  for (size_t i = pos; i < source.size();) {
    size_t past = pastLiteralOrComment(source, i);
    if (past != i) {
      i = past;
      continue;
    }
    if (source[i] == '{') {
      ++depth;
      opened = true;
    } else if (source[i] == '}' && --depth == 0 && opened) {
      return std::string(source.substr(pos, i + 1 - pos));
    }
    ++i;
  }
  return std::string(source.substr(pos, 2000));
}

}  // namespace twistlings
