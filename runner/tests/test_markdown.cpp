// markdown.hpp: lesson text rendered for the terminal. Widths are measured as
// the attendee sees them (escape codes take no columns), and the lessons in
// the repository are rendered at three widths as they are.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "markdown.hpp"
#include "terminal.hpp"
#include "twist_catch.hpp"

using twistlings::renderMarkdown;
using twistlings::RenderOptions;
namespace fs = std::filesystem;

namespace {

std::string render(std::string_view markdown, int width, bool color) {
  RenderOptions options;
  options.width = width;
  options.color = color;
  return renderMarkdown(markdown, options);
}

std::string plain(std::string_view markdown, int width = 80) { return render(markdown, width, false); }

using twistlings::term::stripEscapes;

std::vector<std::string> splitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    lines.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string trim(std::string_view s) {
  size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  size_t last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// Every escape sequence is complete, and no style stays on past its line.
bool escapesWellFormed(std::string_view s) {
  for (const std::string& line : splitLines(s)) {
    bool open = false;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '\x1b') continue;
      if (i + 1 >= line.size() || line[i + 1] != '[') return false;
      size_t end = line.find('m', i);
      if (end == std::string::npos) return false;
      for (size_t j = i + 2; j < end; ++j) {
        if (!((line[j] >= '0' && line[j] <= '9') || line[j] == ';')) return false;
      }
      open = line.substr(i, end - i + 1) != "\x1b[0m";
      i = end;
    }
    if (open) return false;
  }
  return true;
}

const char* const kParagraph =
    "Twisted is an event-driven networking engine written in Python, and twist is its small C++ "
    "cousin: a reactor, **Deferreds**, *protocols* and `factories`, with callLater and LoopingCall "
    "for time, and a [reference](https://docs.twisted.org/en/stable/) for when you are lost.";

const char* const kEverything = R"md(# Title

Some *emphasis*, **strong**, `code`, ~~struck~~, a [link](https://example.com) &amp; more.

## Lists

- one
- two
  1. inner
  2. inner two

> quoted text

| a | b |
|---|--:|
| x | 10 |

---

```cpp
int main() { return 0; }
```

```python
def f(): pass  # comment
```

```sh
ls # list
```
)md";

}  // namespace

TEST_CASE("paragraphs wrap at the width and keep every word whole") {
  for (bool color : {false, true}) {
    for (int width : {20, 33, 47, 80}) {
      std::string out = render(kParagraph, width, color);
      INFO("width " << width << ", color " << color << "\n" << out);
      for (const std::string& line : splitLines(out)) {
        CHECK(twistlings::term::displayWidth(line) <= static_cast<size_t>(width));
      }
      CHECK(splitLines(out).size() > 1);
      // Words that fit are whole; only the url, wider than 20 columns, is cut.
      std::vector<std::string> expected = words(stripEscapes(render(kParagraph, 1000, color)));
      std::vector<std::string> got = words(stripEscapes(out));
      for (const std::string& w : expected) {
        if (twistlings::term::displayWidth(w) > static_cast<size_t>(width)) continue;
        INFO("word " << w);
        CHECK(std::find(got.begin(), got.end(), w) != got.end());
      }
      std::string all, allExpected;
      for (const std::string& w : got) all += w;
      for (const std::string& w : expected) allExpected += w;
      CHECK(all == allExpected);
    }
  }
}

TEST_CASE("lines are filled greedily with one space between words") {
  CHECK(plain("aaa bbb ccc ddd eee", 11) == "aaa bbb ccc\nddd eee\n");
  CHECK(plain("aaa   bbb\nccc", 80) == "aaa bbb ccc\n");
  CHECK(plain("first line  \nsecond line", 80) == "first line\nsecond line\n");
}

TEST_CASE("styled text wraps by its visible width and escapes never break across lines") {
  std::string markdown;
  for (int i = 0; i < 30; ++i) markdown += "**bold words** `code` *slanted text* [a link](https://x.org) ";
  for (int width : {17, 25, 60}) {
    std::string out = render(markdown, width, true);
    INFO("width " << width);
    CHECK(escapesWellFormed(out));
    CHECK(out.find('\x1b') != std::string::npos);
    for (const std::string& line : splitLines(out)) {
      CHECK(twistlings::term::displayWidth(line) <= static_cast<size_t>(width));
    }
    CHECK(words(stripEscapes(out)) == words(stripEscapes(render(markdown, 10000, true))));
  }
}

TEST_CASE("a word longer than the width gets lines of its own cut at the width") {
  std::string word(45, 'w');
  word[20] = 'X';
  std::string out = plain("short " + word + " tail", 20);
  std::vector<std::string> lines = splitLines(out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "short");
  CHECK(lines[1] == word.substr(0, 20));
  CHECK(lines[2] == word.substr(20, 20));
  CHECK(lines[3] == word.substr(40));
  CHECK(lines[4] == "tail");
}

TEST_CASE("a hard line break ends the line once even after a cut word") {
  CHECK(plain("one\\\ntwo  \nthree") == "one\ntwo\nthree\n");
  CHECK(plain("abcdefghijklmno\\\nnext", 10) == "abcdefghij\nklmno\nnext\n");
}

TEST_CASE("a long word of multibyte characters is cut between characters") {
  std::string word;
  for (int i = 0; i < 25; ++i) word += "\xc3\xa9";  // é
  std::vector<std::string> lines = splitLines(plain(word, 10));
  REQUIRE(lines.size() == 3);
  for (const std::string& line : lines) CHECK(twistlings::term::displayWidth(line) <= 10);
  CHECK(lines[0] + lines[1] + lines[2] == word);
  CHECK(lines[0].size() == 20);
}

TEST_CASE("headings are marked with hashes without colour and styled with colour") {
  CHECK(plain("# Title\n\n## Section\n\n### Detail\n\ntext") == "# Title\n\n## Section\n\n### Detail\n\ntext\n");
  CHECK(plain("Title\n=====\n\nSection\n-------") == "# Title\n\n## Section\n");
  std::string out = render("# Title\n\n## Section\n\n### Detail", 80, true);
  CHECK(out == "\x1b[1;4mTitle\x1b[0m\n\n\x1b[1;36mSection\x1b[0m\n\n\x1b[1mDetail\x1b[0m\n");
}

TEST_CASE("a long heading wraps within the width") {
  std::string out = plain("## A heading that is far too long for a narrow terminal", 20);
  for (const std::string& line : splitLines(out)) CHECK(line.size() <= 20);
  CHECK(splitLines(out)[0].rfind("## ", 0) == 0);
  CHECK(words(out) == words("## A heading that is far too long for a narrow terminal"));
}

TEST_CASE("blocks are separated by exactly one blank line") {
  CHECK(plain("para one\n\n\n\npara two") == "para one\n\npara two\n");
  CHECK(plain("text\n\n- item\n\nmore") == "text\n\n• item\n\nmore\n");
  CHECK(plain("") == "");
}

TEST_CASE("bullet list items wrap with a hanging indent") {
  std::string out = plain("- one two three four five six seven eight nine ten\n- eleven", 20);
  CHECK(out ==
        "• one two three four\n"
        "  five six seven\n"
        "  eight nine ten\n"
        "• eleven\n");
}

TEST_CASE("nested and numbered lists indent under their parent item") {
  std::string markdown =
      "1. first\n"
      "2. second item with enough words to wrap\n"
      "   - inner bullet that also wraps around\n"
      "     - innermost\n"
      "3. third\n";
  CHECK(plain(markdown, 30) ==
        "1. first\n"
        "2. second item with enough\n"
        "   words to wrap\n"
        "   ◦ inner bullet that also\n"
        "     wraps around\n"
        "     ▪ innermost\n"
        "3. third\n");
  CHECK(plain("7. seven\n8. eight\n9. nine\n10. ten which wraps here", 16) ==
        "7. seven\n8. eight\n9. nine\n10. ten which\n    wraps here\n");
  CHECK(plain("1) paren style") == "1) paren style\n");
}

TEST_CASE("tight lists have no blank lines between items and loose lists do") {
  CHECK(plain("- a\n- b\n- c") == "• a\n• b\n• c\n");
  CHECK(plain("- a\n\n- b\n\n- c") == "• a\n\n• b\n\n• c\n");
  CHECK(plain("- a\n\n  second paragraph\n- b") == "• a\n\n  second paragraph\n\n• b\n");
  CHECK(plain("- [x] done\n- [ ] open") == "• [x] done\n• [ ] open\n");
}

TEST_CASE("block quotes get a bar on every line") {
  std::string out = plain("> a quoted paragraph long enough to wrap\n>\n> second", 20);
  CHECK(out ==
        "│ a quoted paragraph\n"
        "│ long enough to\n"
        "│ wrap\n"
        "│\n"
        "│ second\n");
}

TEST_CASE("code blocks are indented and never wrapped") {
  std::string code = "int main() { return 0; }  // a line much longer than the width of the screen";
  std::string out = plain("```\n" + code + "\n\n  indented\n```\n\ntext", 30);
  CHECK(out == "    " + code + "\n\n      indented\n\ntext\n");
  CHECK(plain("    indented code block", 10) == "    indented code block\n");
}

TEST_CASE("a fenced code block is captioned with its language") {
  CHECK(plain("```cpp\nint x;\n```") == "  [cpp]\n    int x;\n");
}

TEST_CASE("code blocks are highlighted for their language with colour and plain without") {
  std::string cpp = render("```cpp\nint main() { return 0; }\n```", 80, true);
  CHECK_THAT(cpp, twist_catch::Contains("\x1b[35mreturn\x1b[0m"));
  CHECK_THAT(cpp, twist_catch::Contains("\x1b[36mint\x1b[0m"));
  CHECK(escapesWellFormed(cpp));
  std::string python = render("```python\ndef f():  # c\n```", 80, true);
  CHECK_THAT(python, twist_catch::Contains("\x1b[35mdef\x1b[0m"));
  CHECK_THAT(python, twist_catch::Contains("\x1b[2m# c\x1b[0m"));
  std::string shell = render("```sh\nls  # list\n```", 80, true);
  CHECK_THAT(shell, twist_catch::Contains("\x1b[2m# list\x1b[0m"));
  std::string other = render("```rust\nfn main() { return; }\n```", 80, true);
  CHECK_THAT(other, twist_catch::Contains("    fn main() { return; }\n"));
  std::string none = plain("```cpp\nint main() { return 0; }\n```");
  CHECK(none.find('\x1b') == std::string::npos);
  CHECK_THAT(none, twist_catch::Contains("    int main() { return 0; }\n"));
}

TEST_CASE("a multi line comment in a code block keeps each line styled on its own") {
  std::string out = render("> ```cpp\n> /* one\n> two */ int x;\n> ```", 80, true);
  CHECK(escapesWellFormed(out));
  CHECK_THAT(stripEscapes(out), twist_catch::Contains("│     /* one\n│     two */ int x;\n"));
}

TEST_CASE("without colour the output holds no escape byte at all") {
  std::string out = plain(kEverything);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK_THAT(out, twist_catch::Contains("# Title"));
  CHECK_THAT(out, twist_catch::Contains("`code`"));
  std::string colored = render(kEverything, 80, true);
  CHECK(colored.find('\x1b') != std::string::npos);
  CHECK(escapesWellFormed(colored));
  CHECK(stripEscapes(colored).size() < out.size() + 100);  // same text, give or take the marks
}

TEST_CASE("an escape byte in the source is shown as a symbol and never sent to the terminal") {
  CHECK(plain("a \x1b[31mred\n\n```\n\x1b[2J\n```") == "a \xe2\x90\x9b[31mred\n\n    \xe2\x90\x9b[2J\n");
}

TEST_CASE("inline code is coloured or put between backticks") {
  CHECK(plain("call `run()` now") == "call `run()` now\n");
  CHECK(render("call `run()` now", 80, true) == "call \x1b[33mrun()\x1b[0m now\n");
  // Short code stays on one line, even at a space.
  CHECK(plain("aaaa bbbb `x = 1` cccc", 15) == "aaaa bbbb\n`x = 1` cccc\n");
  // Long code may break at its spaces.
  CHECK(plain("aaaa `a much longer piece of code` b", 15) == "aaaa `a much\nlonger piece of\ncode` b\n");
}

TEST_CASE("emphasis and strong text are styled with colour") {
  CHECK(render("an *em* and **strong** word", 80, true) ==
        "an \x1b[3mem\x1b[0m and \x1b[1mstrong\x1b[0m word\n");
  CHECK(plain("an *em* and **strong** word") == "an em and strong word\n");
}

TEST_CASE("links show their url after the text unless the text is the url") {
  CHECK(plain("see [Twisted](https://twisted.org) now") == "see Twisted (https://twisted.org) now\n");
  CHECK(plain("see <https://twisted.org> now") == "see https://twisted.org now\n");
  CHECK(plain("see https://twisted.org now") == "see https://twisted.org now\n");
  CHECK(plain("mail <me@example.com>") == "mail me@example.com\n");
  CHECK(plain("![diagram](pic.png)") == "[image: diagram] (pic.png)\n");
}

TEST_CASE("tables are rendered as aligned columns") {
  std::string out = plain(
      "| name | value | note |\n"
      "|------|------:|:----:|\n"
      "| a | 1 | x |\n"
      "| longer name | 12345 | yyy |\n");
  CHECK(out ==
        "name         value  note\n"
        "───────────  ─────  ────\n"
        "a                1   x\n"
        "longer name  12345  yyy\n");
}

TEST_CASE("a table wider than the screen wraps its cells within the width") {
  std::string markdown =
      "| key | description |\n"
      "|-----|-------------|\n"
      "| a | a long description that will never fit on one narrow line |\n"
      "| bb | short |\n";
  std::string out = plain(markdown, 30);
  for (const std::string& line : splitLines(out)) {
    INFO(line);
    CHECK(twistlings::term::displayWidth(line) <= 30);
  }
  std::string rule;
  for (int i = 0; i < 25; ++i) rule += "─";  // 30 columns: 3 for key, 2 between, 25 left
  CHECK(words(out) == words("key description ─── " + rule +
                            " a a long description that will never fit on one narrow line bb short"));
  // The second column starts at the same place on every line.
  for (const std::string& line : splitLines(out)) {
    if (line.rfind("a ", 0) == 0 || line.rfind("bb", 0) == 0) CHECK(line.substr(2, 3) == "   ");
  }
}

TEST_CASE("entities are decoded") {
  CHECK(plain("AT&amp;T &lt;b&gt; &#65;&#x263A; &copy; &rarr; &bogus; &#0;") ==
        "AT&T <b> A\xe2\x98\xba \xc2\xa9 \xe2\x86\x92 &bogus; \xef\xbf\xbd\n");
  CHECK(plain("&#27;[2J &#x9b;") == "\xef\xbf\xbd[2J \xef\xbf\xbd\n");  // control characters are not decoded
  CHECK(plain("[a&amp;b](http://x.org/?a=1&amp;b=2)") == "a&b (http://x.org/?a=1&b=2)\n");
}

TEST_CASE("horizontal rules span the width") {
  CHECK(plain("a\n\n---\n\nb", 12) == "a\n\n────────────\n\nb\n");
}

TEST_CASE("raw html comments are hidden and other html is shown as written") {
  CHECK(plain("<!-- note for authors -->\n\ntext") == "text\n");
  CHECK(plain("text <!-- hidden --> more") == "text more\n");
  CHECK(plain("<div>\nshown\n</div>") == "<div>\nshown\n</div>\n");
}

TEST_CASE("arbitrary input renders without escapes when plain and with well formed escapes in colour") {
  // Deterministic pseudo-random documents built from Markdown's building blocks.
  const std::vector<std::string> pieces = {
      "# ", "## ", "- ", "1. ", "> ", "```cpp\n", "```\n", "`", "*", "**", "~~", "[", "](", ")", "<", ">",
      "&amp;", "&#x41;", "&", "|", "|---|", "\n", "\n\n", "  ", "\\\n", "word ", "longerword ", "\xc3\xa9",
      "\xff", "\x1b[31m", "<!--", "-->", "    ", "\t", "---\n", "https://x.org ", "![", "- [x] ", "'", "\""};
  std::uint32_t state = 2024;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int round = 0; round < 300; ++round) {
    std::string markdown;
    size_t count = next() % 40;
    for (size_t i = 0; i < count; ++i) markdown += pieces[next() % pieces.size()];
    INFO("round " << round << ": " << markdown);
    int width = 10 + static_cast<int>(next() % 50);
    std::string plainOut = render(markdown, width, false);
    REQUIRE(plainOut.find('\x1b') == std::string::npos);
    std::string colorOut = render(markdown, width, true);
    REQUIRE(escapesWellFormed(colorOut));
  }
}

TEST_CASE("every lesson text in the repository renders within the width at 40 80 and 120 columns") {
  fs::path lessons = fs::path(TWISTLINGS_TEST_SOURCE_DIR) / "lessons";
  size_t rendered = 0;
  for (const auto& entry : fs::directory_iterator(lessons)) {
    fs::path readme = entry.path() / "README.md";
    if (!fs::exists(readme)) continue;
    std::ifstream in(readme);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string markdown = buffer.str();
    // Lines inside fences may be wider than the screen: code is never wrapped.
    // (Compared without the indentation, which depends on where the fence is.)
    std::vector<std::string> codeLines;
    bool inFence = false;
    for (const std::string& line : splitLines(markdown)) {
      if (trim(line).rfind("```", 0) == 0) {
        inFence = !inFence;
      } else if (inFence && !trim(line).empty()) {
        codeLines.push_back(trim(line));
      }
    }
    for (int width : {40, 80, 120}) {
      for (bool color : {false, true}) {
        std::string out = render(markdown, width, color);
        INFO(readme.string() << " at width " << width << ", color " << color);
        CHECK(escapesWellFormed(out));
        if (!color) CHECK(out.find('\x1b') == std::string::npos);
        for (const std::string& line : splitLines(stripEscapes(out))) {
          if (twistlings::term::displayWidth(line) <= static_cast<size_t>(width)) continue;
          INFO("too wide: " << line);
          CHECK(std::find(codeLines.begin(), codeLines.end(), trim(line)) != codeLines.end());
        }
        // Every code line is there, whole, on a line of its own.
        std::string text = stripEscapes(out);
        for (const std::string& code : codeLines) {
          INFO("code line: " << code);
          CHECK_THAT(text, twist_catch::Contains(" " + code + "\n"));
        }
      }
    }
    ++rendered;
  }
  CHECK(rendered >= 1);
}
