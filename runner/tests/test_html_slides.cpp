// html_slides.hpp: a deck as one self-contained page. What a browser must be
// shown to check (keys, print, no request) is in chromium_slides.py; here,
// the HTML itself: code escaped and highlighted with the terminal's tokens,
// notes kept out of the slides, and a deck's Markdown unable to make markup.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <string_view>

#include "course.hpp"
#include "deck.hpp"
#include "highlight.hpp"
#include "html_slides.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
namespace fs = std::filesystem;

namespace {

size_t occurrences(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The text a browser shows for an HTML fragment: tags dropped, the five
// entities htmlEscape and md4c-html write decoded.
std::string visibleText(std::string_view html) {
  std::string text = std::regex_replace(std::string(html), std::regex("<[^>]*>"), "");
  for (auto [entity, c] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
    text = std::regex_replace(text, std::regex(entity), c);
  return text;
}

constexpr std::string_view kFixtureDeck = R"md(<!-- lesson: 02-reactor -->

# The reactor

Text with `inline <code>`.

Note:
SECRET-NOTES-ONE: what to say first.

---

## Code on a slide

```cpp
int main() { return a < b && c > "d"; }  // </code></pre><script>x</script>
```

Note:
SECRET-NOTES-TWO, with <b>markup</b>.
Time: 2 min
)md";

}  // namespace

TEST_CASE("tokenizeCode hands every byte to the sink once, with the kinds the terminal colours") {
  std::string joined;
  std::vector<std::pair<CodeToken, std::string>> pieces;
  std::string code = "#include <x>\nint f() { return 42; } // done \"q\"\n/* open";
  tokenizeCode(code, "cpp", [&](CodeToken kind, std::string_view text) {
    joined += text;
    pieces.emplace_back(kind, std::string(text));
  });
  CHECK(joined == code);
  auto has = [&](CodeToken kind, std::string_view text) {
    return std::find(pieces.begin(), pieces.end(), std::pair{kind, std::string(text)}) != pieces.end();
  };
  CHECK(has(CodeToken::Preproc, "#include"));
  CHECK(has(CodeToken::String, "<x>"));
  CHECK(has(CodeToken::Type, "int"));
  CHECK(has(CodeToken::Keyword, "return"));
  CHECK(has(CodeToken::Number, "42"));
  CHECK(has(CodeToken::Comment, "// done \"q\""));
  CHECK(has(CodeToken::Comment, "/* open"));

  std::string plain;
  tokenizeCode("anything <at> all", "text", [&](CodeToken kind, std::string_view text) {
    CHECK(kind == CodeToken::Plain);
    plain += text;
  });
  CHECK(plain == "anything <at> all");
}

TEST_CASE("Code in a slide is escaped and highlighted with CSS classes, and reads back as written") {
  std::string code = "int main() { return a < b && c > \"d\"; }  // </code></pre><script>x</script>";
  std::string html = markdownToHtml("```cpp\n" + code + "\n```\n");
  CHECK(html.find("<pre data-lang=\"cpp\"><code class=\"language-cpp\">") != std::string::npos);
  CHECK(html.find("<span class=\"tk-type\">int</span>") != std::string::npos);
  CHECK(html.find("<span class=\"tk-keyword\">return</span>") != std::string::npos);
  CHECK(html.find("<span class=\"tk-string\">&quot;d&quot;</span>") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(occurrences(html, "</code></pre>") == 1);
  CHECK(visibleText(html) == code + "\n\n");  // the code's newline, then md4c-html's after </pre>

  // A fence's info word beyond the language (the listings' "cpp fragment") is not the language.
  std::string fragment = markdownToHtml("```python run\nprint('<hi>')  # &amp;\n```\n");
  CHECK(fragment.find("data-lang=\"python\"") != std::string::npos);
  CHECK(fragment.find("<span class=\"tk-comment\"># &amp;amp;</span>") != std::string::npos);
  CHECK(visibleText(fragment) == "print('<hi>')  # &amp;\n\n");
  // Without a language, escaped and left plain.
  CHECK(markdownToHtml("```\na<b\n```\n") == "<pre><code>a&lt;b\n</code></pre>\n");
}

TEST_CASE("Raw HTML in a deck is shown as text, never made into markup") {
  std::string html = markdownToHtml(
      "<script>alert(1)</script>\n\nA <b>bold</b> claim <img src=x onerror=alert(1)> and "
      "<a href=\"javascript:alert(2)\">a link</a>.\n\n<div onclick=\"x()\">\nblock\n</div>\n");
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<div") == std::string::npos);
  CHECK(html.find("<a ") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("Links and images keep only http, https, mailto and relative targets") {
  std::string html = markdownToHtml(
      "[a](javascript:alert(1)) [b](JavaScript:alert(1)) [c](&#106;avascript:alert(1)) "
      "[d](data:text/html,x) ![e](vbscript:x) [f](https://twistedmatrix.com/) [g](other.html#x) "
      "[h](#3) [i](mailto:a@b.c) [j](dir/a:b)");
  CHECK(occurrences(html, "href=\"#\"") == 4);
  CHECK(html.find("src=\"#\"") != std::string::npos);
  CHECK(html.find("href=\"https://twistedmatrix.com/\"") != std::string::npos);
  CHECK(html.find("href=\"other.html#x\"") != std::string::npos);
  CHECK(html.find("href=\"#3\"") != std::string::npos);
  CHECK(html.find("href=\"mailto:a@b.c\"") != std::string::npos);
  CHECK(html.find("href=\"dir/a:b\"") != std::string::npos);
  CHECK(html.find("avascript") == std::string::npos);
  CHECK(html.find("data:") == std::string::npos);
}

TEST_CASE("A deck's page has a section a slide, the notes only in its hidden aside, and loads nothing") {
  Deck deck = parseDeck(kFixtureDeck, "slides/02-reactor.md");
  std::string page = deckHtml(deck, {"The reactor & <friends>", 7, "index.html"});

  CHECK(occurrences(page, "<section class=\"slide\"") == deck.slides.size());
  CHECK(occurrences(page, "<aside class=\"notes\">") == deck.slides.size());
  CHECK(page.find("id=\"slide-2\" data-title=\"Code on a slide\" data-minutes=\"2.0\"") != std::string::npos);
  CHECK(page.find("data-talk-minutes=\"7.0\"") != std::string::npos);
  CHECK(page.find("<title>02-reactor · The reactor &amp; &lt;friends&gt;</title>") != std::string::npos);
  CHECK(page.find("2/2</span></footer>") != std::string::npos);

  // The notes are in the page for the speaker view, each in its slide's aside, and nowhere else.
  for (std::string_view secret : {"SECRET-NOTES-ONE", "SECRET-NOTES-TWO"}) {
    size_t at = page.find(secret);
    REQUIRE(at != std::string::npos);
    CHECK(occurrences(page, secret) == 1);
    size_t aside = page.rfind("<aside class=\"notes\">", at);
    size_t section = page.rfind("<section", at);
    CHECK((aside != std::string::npos && aside > section && page.find("</aside>", aside) > at));
  }
  CHECK(page.find("&lt;b&gt;markup&lt;/b&gt;") != std::string::npos);
  CHECK(page.find("aside.notes { display: none; }") != std::string::npos);

  // Self-contained: one script, inline and nonce'd as the policy requires; no file named elsewhere.
  CHECK(page.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                  "script-src 'nonce-twistlings-slides'\"") != std::string::npos);
  CHECK(occurrences(page, "<script") == 1);
  CHECK(page.find("<script nonce=\"twistlings-slides\">") != std::string::npos);
  for (std::string_view external : {"<link", " src=", "@import", "url(", "http://", "https://"})
    CHECK(page.find(external) == std::string::npos);
  // The print stylesheet: one slide a page.
  CHECK(page.find("@media print") != std::string::npos);
  CHECK(page.find("break-after: page") != std::string::npos);
}

TEST_CASE("The index lists the decks with their counts and escapes what it shows") {
  std::string page = indexHtml({{"02-reactor", "Later, <not> wait", "02-reactor.html", 11, 6.5, 7},
                                {"03-callbacks", "Callbacks", "03-callbacks.html", 9, 5.5, 6}});
  CHECK(page.find("<a href=\"02-reactor.html\">02-reactor</a></td><td>Later, &lt;not&gt; wait</td>"
                  "<td class=\"number\">11</td><td class=\"number\">6.5</td><td class=\"number\">7.0</td>") !=
        std::string::npos);
  CHECK(page.find("03-callbacks.html") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
}

TEST_CASE("The export writes a page for each of the course's decks and an index") {
  Course course = Course::load(TWISTLINGS_TEST_SOURCE_DIR);
  fs::path dir = fs::temp_directory_path() / ("twistlings-html-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<fs::path> written = writeHtmlSlides(course, dir / "nested");
  size_t decks = 0;
  for (const PlannedLesson& p : course.plan()) decks += fs::exists(deckPath(course.root(), p.id)) ? 1 : 0;
  REQUIRE(decks > 0);
  REQUIRE(written.size() == decks + 1);
  CHECK(written.back() == dir / "nested" / "index.html");
  for (const fs::path& file : written) {
    CHECK(fs::file_size(file) > 0);
    CHECK(!fs::exists(fs::path(file) += ".tmp"));
  }
  std::ifstream in(written.front());
  std::string first((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Deck deck = loadDeck(deckPath(course.root(), written.front().stem().string()));
  CHECK(occurrences(first, "<section class=\"slide\"") == deck.slides.size());
  fs::remove_all(dir);
}

TEST_CASE("No Markdown makes a tag, an attribute or a link target outside the renderer's own (seeded property run)") {
  // Pieces a hostile or careless deck might hold, joined at random.
  const std::vector<std::string> pieces = {
      "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:x'>", "<!-- ", " -->",
      "<div>\n", "\n\n", "\n", "```", "```cpp\n", "`", "[", "](", ")", "![", "javascript:", "JAVASCRIPT:",
      "data:", "&#106;", "&lt;", "&", "\"", "'", " onclick=\"x\"", "<", ">", "* ", "1. ", "> ", "# ", "| a | b |\n",
      "|---|---|\n", "- [x] ", "http://a/b", "<http://a>", "<javascript:x>", "word", " ", "\\", "***", "~~"};
  const std::regex tag("<(/?)([A-Za-z0-9]+)([^>]*)>");
  const std::regex attribute("\\s([a-z-]+)(=\"([^\"]*)\")?");
  const std::vector<std::string> tags = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "code", "pre",
                                         "span", "em", "strong", "a", "img", "table", "thead", "tbody", "tr", "th",
                                         "td", "blockquote", "hr", "br", "del", "input"};
  const std::vector<std::string> attributes = {"href", "src", "alt", "title", "class", "data-lang", "align",
                                               "type", "checked", "disabled", "start"};
  std::minstd_rand random(12);
  size_t neutralized = 0, escaped = 0;  // the runs that met each defence, so the property is not vacuous
  for (int run = 0; run < 3000; ++run) {
    std::string markdown;
    int n = 1 + static_cast<int>(random() % 24);
    for (int i = 0; i < n; ++i) markdown += pieces[random() % pieces.size()];
    std::string html = markdownToHtml(markdown);
    neutralized += html.find("href=\"#\"") != std::string::npos ? 1 : 0;
    escaped += html.find("&lt;script&gt;") != std::string::npos ? 1 : 0;
    for (std::sregex_iterator t(html.begin(), html.end(), tag), end; t != end; ++t) {
      std::string name = (*t)[2];
      INFO("markdown: " << markdown << "\nhtml: " << html);
      REQUIRE(std::find(tags.begin(), tags.end(), name) != tags.end());
      std::string attrs = (*t)[3];
      for (std::sregex_iterator a(attrs.begin(), attrs.end(), attribute); a != end; ++a) {
        std::string attr = (*a)[1];
        REQUIRE(std::find(attributes.begin(), attributes.end(), attr) != attributes.end());
        if (attr == "href" || attr == "src") {
          std::string url = (*a)[3];
          std::string lower;
          for (char c : url) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          REQUIRE(lower.find("javascript") == std::string::npos);
          REQUIRE(lower.rfind("data:", 0) == std::string::npos);
        }
      }
    }
  }
  CHECK(neutralized > 100);
  CHECK(escaped > 100);
}
