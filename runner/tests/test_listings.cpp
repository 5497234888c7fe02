// Tests for the course's listings check (runner/tools/): the parts on
// Markdown held in strings, then the program itself on the fixture lessons
// of cmake/tests/listings/, which names the file, line and message it reports.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cpp_listings.hpp"
#include "listing_parser.hpp"
#include "python_listings.hpp"
#include "raw_html.hpp"
#include "subprocess.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using namespace twistlings::listings;
using twist_catch::Contains;

// ---------------------------------------------------------------- the parts

TEST_CASE("listings are found as the renderer finds them, in lists and quotes, with the file's line numbers") {
  std::string md =
      "# Title\n"              // 1
      "\n"                     // 2
      "```cpp\n"               // 3
      "int main() {}\n"        // 4
      "```\n"                  // 5
      "\n"                     // 6
      "- item\n"               // 7
      "\n"                     // 8
      "  ```cpp body\n"        // 9
      "  int x = 1;\n"         // 10
      "\n"                     // 11
      "    x += 1;\n"          // 12
      "  ```\n"                // 13
      "\n"                     // 14
      "> ```python run\n"      // 15
      "> print(1)\n"           // 16
      "> ```\n"                // 17
      "\n"                     // 18
      "```sh\n"                // 19
      "echo not compiled\n"    // 20
      "```\n"                  // 21
      "Inline `code` is no listing.\n";
  ParsedListings p = parseListings(md);
  REQUIRE(p.errors.empty());
  REQUIRE(p.listings.size() == 3);

  CHECK(p.listings[0].language == Language::Cpp);
  CHECK(p.listings[0].form == CppForm::Whole);
  CHECK(p.listings[0].fenceLine == 3);
  CHECK(p.listings[0].firstCodeLine == 4);
  CHECK(p.listings[0].code == "int main() {}\n");

  CHECK(p.listings[1].form == CppForm::Body);
  CHECK(p.listings[1].fenceLine == 9);
  CHECK(p.listings[1].firstCodeLine == 10);
  CHECK(p.listings[1].code == "int x = 1;\n\n  x += 1;\n");  // the list's indentation removed, the code's kept

  CHECK(p.listings[2].language == Language::Python);
  CHECK(p.listings[2].run);
  CHECK(p.listings[2].fenceLine == 15);
  CHECK(p.listings[2].code == "print(1)\n");
}

TEST_CASE("every word of a fence's info string is understood: a typo is an error, never a skipped listing") {
  ParsedListings p = parseListings(
      "```cpp fragment fails\nint x;\n```\n"      // 1: fine
      "```cpp fragmnet\nint y;\n```\n"            // 4
      "```python rnu\nprint(1)\n```\n"            // 7
      "```cpp body fragment\nint z;\n```\n"       // 10
      "```python run fragment\nprint(1)\n```\n"   // 13
      "```python fragment\nprint(1)\n```\n");     // 16: fine
  REQUIRE(p.listings.size() == 2);
  CHECK(p.listings[0].form == CppForm::Fragment);
  CHECK(p.listings[0].fails);
  CHECK(describeMarking(p.listings[0]) == "cpp fragment fails");
  CHECK_FALSE(p.listings[1].run);
  REQUIRE(p.errors.size() == 4);
  CHECK(p.errors[0].line == 4);
  CHECK(p.errors[0].language == Language::Cpp);
  CHECK_THAT(p.errors[0].message, Contains("unknown word `fragmnet`"));
  CHECK(p.errors[1].line == 7);
  CHECK(p.errors[1].language == Language::Python);
  CHECK_THAT(p.errors[1].message, Contains("unknown word `rnu`"));
  CHECK(p.errors[2].line == 10);
  CHECK_THAT(p.errors[2].message, Contains("both `fragment` and `body`"));
  CHECK(p.errors[3].line == 13);
  CHECK_THAT(p.errors[3].message, Contains("both `run` and `fragment`"));
}

TEST_CASE("a fence the renderer shows as C++ or Python must say cpp or python, or it would never be compiled") {
  ParsedListings p = parseListings("```c++\nint main() {}\n```\n\n```py\nprint(1)\n```\n\n```text\nnot code\n```\n");
  CHECK(p.listings.empty());
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].line == 1);
  CHECK_THAT(p.errors[0].message, Contains("write ```cpp"));
  CHECK(p.errors[1].line == 5);
  CHECK_THAT(p.errors[1].message, Contains("write ```python"));
}

TEST_CASE("a generated translation unit maps its lines back to the Markdown, after the scaffold for fragments and bodies") {
  Listing l;
  l.fenceLine = 9;
  l.firstCodeLine = 10;
  l.info = "cpp body";
  l.code = "reactor.run();\n";
  l.form = CppForm::Body;
  std::string s = cppSource(l, "lessons/02-reactor/README.md", "lessons/02-reactor/scaffold.hpp");
  CHECK_THAT(s, Contains("#include \"lessons/02-reactor/scaffold.hpp\"\n"));
  CHECK_THAT(s, Contains("() {\n#line 10 \"lessons/02-reactor/README.md\"\nreactor.run();\n}\n"));
  l.form = CppForm::Whole;
  s = cppSource(l, "lessons/02-reactor/README.md", "lessons/02-reactor/scaffold.hpp");
  CHECK_THAT(s, !Contains("scaffold"));
  CHECK_THAT(s, Contains("#line 10 \"lessons/02-reactor/README.md\"\nreactor.run();\n"));

  CHECK(scaffoldFor("lessons/02-reactor/README.md") == "lessons/02-reactor/scaffold.hpp");
  CHECK(scaffoldFor("slides/02-reactor.md") == "lessons/02-reactor/scaffold.hpp");
}

TEST_CASE("the first compiler error is found, and an error inside a twist header points at the Markdown line that led there") {
  std::string gcc =
      "In file included from /repo/framework/include/twist/deferred.hpp:536,\n"
      "/repo/framework/include/twist/deferred.hpp: In instantiation of 'auto twist::Deferred<T>::addCallback(F)':\n"
      "lessons/04-deferreds/README.md:55:20:   required from here\n"
      "/repo/framework/include/twist/deferred.hpp:123:19: error: static assertion failed: a callback must return\n"
      "lessons/04-deferreds/README.md:60:1: error: later\n";
  CompilerError e = firstCompilerError(gcc, "lessons/04-deferreds/README.md");
  CHECK(e.line == 55);
  CHECK(e.message == "static assertion failed: a callback must return (at /repo/framework/include/twist/deferred.hpp:123)");

  std::string clang =
      "lessons/02-reactor/README.md:8:10: error: no member named 'LoopingCall' in namespace 'twist'\n"
      "  twist::LoopingCall loop(reactor, [] {});\n";
  e = firstCompilerError(clang, "lessons/02-reactor/README.md");
  CHECK(e.line == 8);
  CHECK(e.message == "no member named 'LoopingCall' in namespace 'twist'");

  e = firstCompilerError("all good\n", "lessons/02-reactor/README.md");
  CHECK(e.message.empty());
}

TEST_CASE("raw HTML and code read as a link are found with their lines") {
  std::vector<RawHtml> found = findRawHtml(
      "A Deferred<int> here.\n"                      // 1
      "\n"                                           // 2
      "It carries Deferred<std::string> on.\n"       // 3
      "\n"                                           // 4
      "<div>\n"                                      // 5
      "block\n"                                      // 6
      "</div>\n");                                   // 7
  REQUIRE(found.size() == 3);
  CHECK(found[0].line == 1);
  CHECK(found[0].snippet == "<int>");
  CHECK_THAT(found[0].message, Contains("put it in backticks"));
  CHECK(found[1].line == 3);
  CHECK(found[1].snippet == "<std::string>");
  CHECK_THAT(found[1].message, Contains("reads as a link"));
  CHECK(found[2].line == 5);
  CHECK(found[2].snippet == "<div>");
}

TEST_CASE("comments, links, code spans and code blocks are not raw HTML") {
  CHECK(findRawHtml("<!-- a comment -->\n\nText <!-- inline --> and <https://twisted.org> and "
                    "<mailto:a@b.org> and a@b.org and `Deferred<int>`.\n\n"
                    "```cpp\ntwist::Deferred<std::string> d;\n```\n\n"
                    "    indented <b>code</b>\n\n"
                    "std::vector<std::pair<int, int>> is text, a < b too.\n")
            .empty());
}

TEST_CASE("the raw-html marker allows raw HTML in the block after it, and only there") {
  std::vector<RawHtml> found = findRawHtml(
      "<!-- raw-html -->\n"                           // 1
      "<details><summary>Yes</summary></details>\n"   // 2: allowed (same HTML block)
      "\n"                                            // 3
      "<!-- raw-html -->\n"                           // 4
      "\n"                                            // 5
      "Press <kbd>Ctrl</kbd> now.\n"                  // 6: allowed (the next block)
      "\n"                                            // 7
      "Then <kbd>q</kbd>.\n"                          // 8: not allowed any more
      "\n"                                            // 9
      "Inline <!-- raw-html --> <kbd>x</kbd> here,\n" // 10: allowed to the paragraph's end
      "and <kbd>y</kbd> too.\n"                       // 11
      "\n"                                            // 12
      "But <kbd>z</kbd> not.\n");                     // 13
  REQUIRE(found.size() == 2);
  CHECK(found[0].line == 8);
  CHECK(found[1].line == 13);
}

TEST_CASE("an HTML comment that is never closed is reported: it hides the rest of the file") {
  std::vector<RawHtml> found = findRawHtml("Text.\n\n<!-- never closed\n\nmore text\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0].line == 3);
  CHECK_THAT(found[0].message, Contains("never closed"));
}

// ---------------------------------------------------------- the program

namespace {

const std::string kFixtures = COURSE_LISTINGS_FIXTURES;

ProcessResult runCheck(const std::string& check, const std::string& file, std::vector<std::string> extra = {},
                       const std::string& root = kFixtures) {
  std::vector<std::string> argv{COURSE_LISTINGS_PROGRAM, "--check", check, "--root", root,
                                "--cxx", COURSE_LISTINGS_CXX, std::string("--include-dirs=") + COURSE_LISTINGS_INCLUDES};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(file);
  ProcessOptions options;
  options.timeout = 300;
  options.mergeStderr = true;
  ProcessResult r = runProcess(argv, options);
  INFO(r.out);
  REQUIRE_FALSE(r.timedOut);
  return r;
}

// A python3 that cannot import Twisted: the real one without its site packages.
std::string pythonWithoutTwisted() {
  std::string python = findPython("");
  if (python.empty()) return "";
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("listings-python-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::path script = dir / "python3";
  std::ofstream(script) << "#!/bin/sh\nexec " << python << " -S \"$@\"\n";
  ::chmod(script.c_str(), 0755);
  return script.string();
}

}  // namespace

TEST_CASE("the good fixture lesson passes: whole units, fragments and bodies after the scaffold, a pitfall that fails") {
  ProcessResult r = runCheck("cpp", "lessons/01-good/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:5: ok: this `cpp` listing compiles"));
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:18: ok: this `cpp fragment` listing compiles"));
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:26: ok: this `cpp body` listing compiles"));
  CHECK_THAT(r.out, Contains("5 C++ listing(s) checked, 0 error(s)"));
}

TEST_CASE("a `fails` listing that fails passes, and shows its first error so a human can see it is the intended one") {
  ProcessResult r = runCheck("cpp", "lessons/01-good/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:34: note: this `cpp body fails` listing fails to compile, as it "
                             "should (the listing at line 32): "));
  CHECK_THAT(r.out, Contains("operator+"));
}

TEST_CASE("a pitfall whose error is raised inside a twist header is placed at the README line that led there") {
  // Checked from the repository's root (written "a/b/../.."), as ctest checks the lessons.
  ProcessResult r = runCheck("cpp", "cmake/tests/listings/lessons/01-good/README.md", {}, kFixtures + "/../../..");
  INFO(r.out);
  CHECK(r.exitCode == 0);
  // g++ says "required from here", clang++ "in instantiation ... requested here": either names line 72.
  CHECK_THAT(r.out, Contains("cmake/tests/listings/lessons/01-good/README.md:72: note: this `cpp fragment fails` "
                             "listing fails to compile, as it should (the listing at line 70): "));
  // The header's path is given from the repository's root, as the lesson's own path is.
  CHECK_THAT(r.out, Contains("(at framework/include/twist/"));
}

TEST_CASE("a deck's fragments and bodies use the scaffold of the lesson with the deck's name") {
  ProcessResult r = runCheck("cpp", "slides/01-good.md");
  INFO(r.out);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("slides/01-good.md:3: ok: this `cpp body` listing compiles"));
  CHECK_THAT(r.out, Contains("slides/01-good.md:10: ok: this `cpp fragment` listing compiles"));
}

TEST_CASE("a whole listing that lacks an include fails, at the README line that uses the missing name") {
  ProcessResult r = runCheck("cpp", "lessons/02-missing-include/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/02-missing-include/README.md:8: error: this `cpp` listing does not compile (the "
                             "listing at line 3): "));
  CHECK_THAT(r.out, Contains("LoopingCall"));
  // The compiler's own output, below, names the README too (#line), not a generated file.
  CHECK_THAT(r.out, Contains("    lessons/02-missing-include/README.md:8:"));
}

TEST_CASE("a `fails` listing that compiles is reported") {
  ProcessResult r = runCheck("cpp", "lessons/03-fails-compiles/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/03-fails-compiles/README.md:3: error: this `cpp fails` listing compiles, but "
                             "`fails` says it must not"));
}

TEST_CASE("a body listing in a lesson without a scaffold is an error that names the scaffold to write") {
  ProcessResult r = runCheck("cpp", "lessons/04-no-scaffold/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/04-no-scaffold/README.md:3: ok:"));
  CHECK_THAT(r.out, Contains("lessons/04-no-scaffold/README.md:7: error: this `cpp body` listing needs the lesson's "
                             "scaffold, lessons/04-no-scaffold/scaffold.hpp, which does not exist"));
}

TEST_CASE("an unknown attribute, or a fence that says c++, is an error of the C++ check, and a python typo one of the Python check") {
  ProcessResult r = runCheck("cpp", "lessons/08-unknown-attribute/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/08-unknown-attribute/README.md:3: error: unknown word `fragmnet`"));
  CHECK_THAT(r.out, Contains("lessons/08-unknown-attribute/README.md:11: error: this fence says `c++`"));
  CHECK_THAT(r.out, Contains("lessons/08-unknown-attribute/README.md:19: error: the fence `cpp fragment body`"));
  CHECK_THAT(r.out, !Contains(":7:"));

  r = runCheck("python", "lessons/08-unknown-attribute/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/08-unknown-attribute/README.md:7: error: unknown word `rnu`"));
  CHECK_THAT(r.out, Contains("lessons/08-unknown-attribute/README.md:15: error: this fence says `py`"));
}

TEST_CASE("the good fixture's Python compiles, and its runnable listing runs with Twisted") {
  ProcessResult r = runCheck("python", "lessons/01-good/README.md");
  INFO(r.out);
  if (r.exitCode == 77) {
    WARN("skipped here: " << r.out);  // no python3 with Twisted on this machine
    return;
  }
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:39: ok: this `python run` listing compiles, and runs to exit code 0"));
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:46: ok: this `python` listing compiles"));
  CHECK_THAT(r.out, Contains("3 Python listing(s) checked, 0 error(s)"));
}

TEST_CASE("a Python syntax error is reported at its README line, and a run that raises at the line that raised") {
  ProcessResult r = runCheck("python", "lessons/05-python-errors/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/05-python-errors/README.md:6: error: this `python` listing does not compile (the "
                             "listing at line 3): SyntaxError: "));
  if (r.out.find("not run") == std::string::npos) {
    CHECK_THAT(r.out, Contains("lessons/05-python-errors/README.md:12: error: this `python run` listing failed when run "
                               "(exit code 1): ZeroDivisionError: division by zero"));
  }
}

TEST_CASE("a `python run` listing that hangs is killed at its bound and reported with what it printed") {
  ProcessResult r = runCheck("python", "lessons/06-python-hangs/README.md", {"--python-timeout", "5"});
  INFO(r.out);
  if (r.exitCode == 77) {
    WARN("skipped here: " << r.out);
    return;
  }
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/06-python-hangs/README.md:3: error: this `python run` listing did not end within "
                             "its bound of 5 s and was killed"));
  CHECK_THAT(r.out, Contains("    started"));
}

TEST_CASE("without Twisted, runnable listings are compiled only and the check says skipped, not passed") {
  std::string python = pythonWithoutTwisted();
  if (python.empty()) {
    WARN("no python3 here");
    return;
  }
  ProcessResult r = runCheck("python", "lessons/01-good/README.md", {"--python", python});
  INFO(r.out);
  CHECK(r.exitCode == 77);
  CHECK_THAT(r.out, Contains("skipped: Twisted is not importable by " + python));
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md:39: ok: this `python run` listing compiles\n"));

  // ... and what it can check it still does: a syntax error fails, it is not skipped.
  r = runCheck("python", "lessons/05-python-errors/README.md", {"--python", python});
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/05-python-errors/README.md:6: error:"));
  std::filesystem::remove_all(std::filesystem::path(python).parent_path());
}

TEST_CASE("without python3, the Python check is skipped and says why") {
  ProcessResult r = runCheck("python", "lessons/01-good/README.md", {"--python", "/nonexistent/python3"});
  INFO(r.out);
  CHECK(r.exitCode == 77);
  CHECK_THAT(r.out, Contains("skipped: cannot start /nonexistent/python3"));
}

TEST_CASE("raw HTML fails the check with its file and line, and comments, links and the marked HTML do not") {
  ProcessResult r = runCheck("html", "lessons/07-raw-html/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("lessons/07-raw-html/README.md:3: error: raw HTML `<int>`"));
  CHECK_THAT(r.out, Contains("lessons/07-raw-html/README.md:5: error: `<std::string>` reads as a link"));
  CHECK_THAT(r.out, Contains("lessons/07-raw-html/README.md:7: error: raw HTML `<div align=\"center\">`"));
  CHECK_THAT(r.out, Contains("lessons/07-raw-html/README.md:17: error: an HTML comment that is never closed"));
  CHECK_THAT(r.out, Contains("4 place(s) of raw HTML to fix"));

  r = runCheck("html", "lessons/01-good/README.md");
  INFO(r.out);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("lessons/01-good/README.md: no raw HTML"));
}
