// highlight.hpp: the code-block tokenizer. Its one hard promise is totality
// (strip the escape codes and the input comes back, for any input); the rest
// checks that tokens get their colours and that tricky literals do not
// swallow the code after them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "highlight.hpp"
#include "terminal.hpp"
#include "twist_catch.hpp"

using twistlings::CodeLanguage;
using twistlings::codeLanguage;
using twistlings::highlightCode;

namespace {

const twistlings::term::Painter kColor(true);
const twistlings::term::Painter kPlain(false);

using twistlings::term::stripEscapes;

// True when some line ends while a style is still on (an escape sequence
// other than the reset is not followed by a reset on the same line).
bool styleCrossesLine(std::string_view s) {
  bool open = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && open) return true;
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t end = s.find('m', i);
      if (end == std::string_view::npos) return true;
      open = s.substr(i, end - i + 1) != "\x1b[0m";
      i = end;
    }
  }
  return open;
}

std::string painted(std::string_view sgr, std::string_view text) {
  return std::string("\x1b[") + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
}

void requireTotal(std::string_view code, std::string_view language) {
  std::string out = highlightCode(code, language, kColor);
  INFO("language " << language << ", input: " << code);
  REQUIRE(stripEscapes(out) == code);
  REQUIRE_FALSE(styleCrossesLine(out));
}

const char* const kCppSample = R"cpp(#include <cstdio>
#include "twist/reactor.hpp"
#define TWICE(x) ((x) * 2)

/* A block comment
   over two lines */
int main() {
  twist::Reactor reactor;  // the loop
  auto s = u8"utf-8 \" quoted";
  char c = '\'';
  double d = 1.5e-3 + 0x1F + 1'000'000 + .5f;
  std::string raw = R"delim(a "quoted" )" fake end)delim";
  reactor.callLater(1.5, [&] { std::puts("hello"); reactor.stop(); });
  return 0;
}
)cpp";

const char* const kPythonSample = R"py(from twisted.internet import reactor, task

@decorator.with_dots
def hello(name: str = 'world') -> None:
    """A docstring
    over "two" lines."""
    print(f"hello {name}", r'\d+', b"\x00")  # a comment
    return 0x10 + 1_000 + 3.5j

class Ticker(object):
    pass
)py";

}  // namespace

TEST_CASE("the fence names map to the languages the highlighter knows") {
  for (const char* name : {"cpp", "c++", "cc", "c", "hpp", "CPP", "cxx", "h"}) {
    INFO(name);
    CHECK(codeLanguage(name) == CodeLanguage::Cpp);
  }
  for (const char* name : {"python", "py", "Python"}) {
    INFO(name);
    CHECK(codeLanguage(name) == CodeLanguage::Python);
  }
  for (const char* name : {"sh", "bash", "console", "shell"}) {
    INFO(name);
    CHECK(codeLanguage(name) == CodeLanguage::Shell);
  }
  for (const char* name : {"", "rust", "json", "text", "cppp"}) {
    INFO(name);
    CHECK(codeLanguage(name) == CodeLanguage::Plain);
  }
}

TEST_CASE("the C++ highlighter keeps every character of a program") {
  requireTotal(kCppSample, "cpp");
  std::string out = highlightCode(kCppSample, "cpp", kColor);
  CHECK(out != kCppSample);  // something was painted
  CHECK_THAT(out, twist_catch::Contains(painted("35", "return")));
  CHECK_THAT(out, twist_catch::Contains(painted("36", "int")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "\"hello\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("2", "// the loop")));
  CHECK_THAT(out, twist_catch::Contains(painted("34", "#include")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "<cstdio>")));
  CHECK_THAT(out, twist_catch::Contains(painted("33", "1.5e-3")));
  CHECK_THAT(out, twist_catch::Contains(painted("33", "1'000'000")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "u8\"utf-8 \\\" quoted\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "'\\''")));
}

TEST_CASE("a block comment over two lines is painted line by line") {
  std::string out = highlightCode("/* one\ntwo */ int x;", "cpp", kColor);
  CHECK(out == painted("2", "/* one") + "\n" + painted("2", "two */") + " " + painted("36", "int") + " x;");
}

TEST_CASE("a raw string is one literal up to its own delimiter") {
  std::string code = "auto s = R\"x(a \")\" b // not a comment)x\"; int y;";
  requireTotal(code, "cpp");
  std::string out = highlightCode(code, "cpp", kColor);
  CHECK_THAT(out, twist_catch::Contains(painted("32", "R\"x(a \")\" b // not a comment)x\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("36", "int")));
}

TEST_CASE("an unterminated string or raw string does not swallow the code after it") {
  std::string out = highlightCode("auto s = \"open\nint x = 'c;\nreturn 1;", "cpp", kColor);
  CHECK(stripEscapes(out) == "auto s = \"open\nint x = 'c;\nreturn 1;");
  CHECK_THAT(out, twist_catch::Contains(painted("32", "\"open")));
  CHECK_THAT(out, twist_catch::Contains(painted("36", "int")));
  CHECK_THAT(out, twist_catch::Contains(painted("35", "return")));
  requireTotal("R\"abc(never closed\nstill\n", "cpp");
  requireTotal("R\"too long delimiter more than sixteen(x)\"", "cpp");
  requireTotal("\"ends with a backslash\\", "cpp");
  requireTotal("'", "cpp");
}

TEST_CASE("comment markers inside strings and nested comment markers are handled") {
  std::string out = highlightCode("\"// not a comment\" int a; /* /* */ return */", "cpp", kColor);
  CHECK(stripEscapes(out) == "\"// not a comment\" int a; /* /* */ return */");
  CHECK_THAT(out, twist_catch::Contains(painted("32", "\"// not a comment\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("36", "int")));
  CHECK_THAT(out, twist_catch::Contains(painted("2", "/* /* */")));
  CHECK_THAT(out, twist_catch::Contains(painted("35", "return")));  // comments do not nest in C++
  requireTotal("/* never closed\nint x;", "cpp");
  requireTotal("//", "cpp");
  requireTotal("/", "cpp");
  requireTotal("#", "cpp");
  requireTotal("#include <unclosed\nint", "cpp");
}

TEST_CASE("the Python highlighter keeps every character and paints strings keywords and decorators") {
  requireTotal(kPythonSample, "python");
  std::string out = highlightCode(kPythonSample, "py", kColor);
  CHECK_THAT(out, twist_catch::Contains(painted("35", "def")));
  CHECK_THAT(out, twist_catch::Contains(painted("34", "@decorator.with_dots")));
  CHECK_THAT(out, twist_catch::Contains(painted("2", "# a comment")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "f\"hello {name}\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("32", "r'\\d+'")));
  // The docstring's second line is still string, not code.
  CHECK_THAT(out, twist_catch::Contains(painted("32", "    over \"two\" lines.\"\"\"")));
  CHECK_THAT(out, twist_catch::Contains(painted("35", "class")));
}

TEST_CASE("an unterminated triple quoted Python string runs to the end") {
  std::string code = "x = '''open\ndef not_code():\n";
  requireTotal(code, "python");
  std::string out = highlightCode(code, "python", kColor);
  CHECK_THAT(out, twist_catch::Contains(painted("32", "def not_code():")));
  requireTotal("'", "python");
  requireTotal("\"\"", "python");
  requireTotal("\"\"\"", "python");
  requireTotal("@", "python");
  requireTotal("s = 'a\\", "python");
}

TEST_CASE("shell comments are dim and a hash inside quotes or a word is not a comment") {
  std::string out = highlightCode("echo \"a # b\" x#y # real comment\nls", "sh", kColor);
  CHECK(stripEscapes(out) == "echo \"a # b\" x#y # real comment\nls");
  CHECK(out == "echo \"a # b\" x#y " + painted("2", "# real comment") + "\nls");
  requireTotal("echo 'unclosed # quote\nls # c", "bash");
  requireTotal("echo \"unclosed \\\" # x", "console");
  requireTotal("\\", "sh");
}

TEST_CASE("empty input gives empty output in every language") {
  for (const char* language : {"cpp", "python", "sh", "", "rust"}) {
    INFO(language);
    CHECK(highlightCode("", language, kColor).empty());
    CHECK(highlightCode("", language, kPlain).empty());
  }
}

TEST_CASE("without colour and for unknown languages the code comes back unchanged") {
  CHECK(highlightCode(kCppSample, "cpp", kPlain) == kCppSample);
  CHECK(highlightCode(kPythonSample, "python", kPlain) == kPythonSample);
  CHECK(highlightCode(kCppSample, "rust", kColor) == kCppSample);
  CHECK(highlightCode(kCppSample, "", kColor) == kCppSample);
}

TEST_CASE("the highlighter keeps every byte of arbitrary input in every language") {
  // Deterministic pseudo-random text over the characters tokenizers trip on.
  const std::string alphabet = "\"'/*#\\\n\r\tR(){}x0.e+-@u8rbf_ \xc3\xa9\x80\xff<>;=";
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int round = 0; round < 400; ++round) {
    std::string code;
    size_t length = next() % 60;
    for (size_t i = 0; i < length; ++i) code += alphabet[next() % alphabet.size()];
    for (const char* language : {"cpp", "python", "sh"}) {
      std::string out = highlightCode(code, language, kColor);
      INFO("language " << language << ", round " << round);
      REQUIRE(stripEscapes(out) == code);
      REQUIRE_FALSE(styleCrossesLine(out));
    }
  }
}
