// Tests for compile_errors.hpp: the first error, at the attendee's own line.
// The fixtures are real GCC 12 and Clang 14 output, trimmed.
#include "compile_errors.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "compile_error_fixtures.hpp"
#include "compile_errors_source.hpp"
#include "paths.hpp"
#include "twist_catch.hpp"

using twist_catch::Contains;
using twistlings::firstCompileError;

namespace {
const std::vector<std::filesystem::path> kMine{"/repo/exercises/04-deferreds/lookup.cpp",
                                               "/repo/exercises/04-deferreds/lookup.hpp"};

const char* kGccTemplateError = R"(FAILED: CMakeFiles/exercise_04-deferreds_lookup.dir/exercises/04-deferreds/lookup.cpp.o
/usr/bin/c++ -I/repo/exercises/04-deferreds -O2 -g -std=c++20 -c /repo/exercises/04-deferreds/lookup.cpp
In file included from /repo/exercises/04-deferreds/lookup.cpp:1:
/repo/framework/include/twist/deferred.hpp: In instantiation of 'auto twist::Deferred<T>::addCallback(F&&) [with F = f()::<lambda(std::string)>; T = int]':
/repo/exercises/04-deferreds/lookup.cpp:14:16:   required from here
/repo/framework/include/twist/deferred.hpp:343:46: error: static assertion failed: addCallback: the callback must take the chain's current value (a T), or nothing for Deferred<void>
  343 |     static_assert(detail::TakesValue<T, Fn>::value,
      |                                              ^~~~~
/repo/framework/include/twist/deferred.hpp:343:46: note: 'std::integral_constant<bool, false>::value' evaluates to false
/usr/include/c++/12/type_traits:3034:11: error: no type named 'type' in 'struct std::invoke_result<f()::<lambda(std::string)>, int&&>'
ninja: build stopped: cannot make progress due to previous errors.
)";

const char* kClangTemplateError = R"(In file included from /repo/exercises/04-deferreds/lookup.cpp:1:
/repo/framework/include/twist/deferred.hpp:343:5: error: static_assert failed due to requirement 'detail::TakesValue<int, (lambda at /repo/exercises/04-deferreds/lookup.cpp:14:17)>::value' "addCallback: the callback must take the chain's current value"
    static_assert(detail::TakesValue<T, Fn>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/exercises/04-deferreds/lookup.cpp:14:5: note: in instantiation of function template specialization 'twist::Deferred<int>::addCallback<(lambda at user.cpp:4:17)>' requested here
  d.addCallback([](std::string s) { return s; });
    ^
2 errors generated.
)";
}  // namespace

TEST_CASE("an error in the attendee file is reported at its file line and column with the quoted source") {
  const char* out = R"([1/2] Building CXX object x.o
FAILED: x.o
/repo/exercises/04-deferreds/lookup.cpp: In member function 'void Lookup::start()':
/repo/exercises/04-deferreds/lookup.cpp:12:3: error: 'undeclared' was not declared in this scope
   12 |   undeclared = 3;
      |   ^~~~~~~~~~
/repo/exercises/04-deferreds/lookup.cpp:13:3: error: second error
)";
  auto d = firstCompileError(out, kMine);
  REQUIRE(d.has_value());
  CHECK(d->inAttendeeFile);
  CHECK(d->file == "/repo/exercises/04-deferreds/lookup.cpp");
  CHECK(d->line == 12);
  CHECK(d->column == 3);
  CHECK(d->message == "'undeclared' was not declared in this scope");
  REQUIRE(d->source.size() == 2);
  CHECK(d->source[0] == "   12 |   undeclared = 3;");
  CHECK(d->origin.empty());
}

TEST_CASE("a GCC error inside a twist template is moved to the attendee line that required it") {
  auto d = firstCompileError(kGccTemplateError, kMine);
  REQUIRE(d.has_value());
  CHECK(d->inAttendeeFile);
  CHECK(d->file == "/repo/exercises/04-deferreds/lookup.cpp");
  CHECK(d->line == 14);
  CHECK(d->column == 16);
  CHECK_THAT(d->message, twist_catch::Contains("the callback must take the chain's current value"));
  CHECK(d->origin == "reported in twist/deferred.hpp:343");
}

TEST_CASE("a Clang error inside a template is moved to the requested-here note rather than the include line") {
  auto d = firstCompileError(kClangTemplateError, kMine);
  REQUIRE(d.has_value());
  CHECK(d->line == 14);
  CHECK(d->column == 5);
  // A static_assert's own words, without Clang's "static_assert failed due to requirement '...'".
  CHECK(d->message == "addCallback: the callback must take the chain's current value");
  REQUIRE_FALSE(d->source.empty());
  CHECK_THAT(d->source[0], twist_catch::Contains("d.addCallback"));
}

TEST_CASE("an error with no trace back to the attendee files is reported where the compiler put it") {
  const char* out = "/repo/runner/hidden/04-deferreds/test_lookup.cpp:30:7: error: 'class Lookup' has no member named 'fetch'\n";
  auto d = firstCompileError(out, kMine);
  REQUIRE(d.has_value());
  CHECK_FALSE(d->inAttendeeFile);
  CHECK(d->file == "/repo/runner/hidden/04-deferreds/test_lookup.cpp");
  CHECK(d->line == 30);
}

TEST_CASE("warnings before the error are skipped and do not lend it their location") {
  const char* out = R"(/repo/exercises/04-deferreds/lookup.cpp:5:9: warning: unused variable 'x' [-Wunused-variable]
/repo/framework/include/twist/deferred.hpp:99:1: error: something deep
)";
  auto d = firstCompileError(out, kMine);
  REQUIRE(d.has_value());
  CHECK_FALSE(d->inAttendeeFile);
  CHECK(d->line == 99);
}

TEST_CASE("a link error is explained in words, naming the missing function") {
  const char* out = R"(FAILED: bin/exercise_04-deferreds_lookup
/usr/bin/ld: CMakeFiles/x.dir/runner/hidden/04-deferreds/test_lookup.cpp.o: in function `foo()':
test_lookup.cpp:(.text+0x2a): undefined reference to `Lookup::start(int)'
collect2: error: ld returned 1 exit status
)";
  auto d = firstCompileError(out, kMine);
  REQUIRE(d.has_value());
  CHECK(d->linkError);
  CHECK_THAT(d->message, twist_catch::Contains("Lookup::start(int)"));
  CHECK_THAT(d->message, twist_catch::Contains("defined nowhere"));
}

TEST_CASE("output without any error gives nothing and colour codes are ignored") {
  CHECK_FALSE(firstCompileError("[1/1] Linking CXX executable bin/x\n", kMine).has_value());
  CHECK_FALSE(firstCompileError("", kMine).has_value());
  auto d = firstCompileError("\x1b[01m\x1b[K/repo/exercises/04-deferreds/lookup.cpp:3:1:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[Kboom\n", kMine);
  REQUIRE(d.has_value());
  CHECK(d->line == 3);
  CHECK(d->message == "boom");
}

TEST_CASE("a path printed relative to the build directory still matches the attendee file") {
  auto d = firstCompileError("../exercises/04-deferreds/lookup.cpp:7:2: error: expected ';'\n",
                             {"/repo/exercises/04-deferreds/lookup.cpp"});
  REQUIRE(d.has_value());
  CHECK(d->line == 7);
  auto other = firstCompileError("exercises/04-deferreds/other_lookup.cpp:7:2: error: x\n", {"/repo/exercises/04-deferreds/lookup.cpp"});
  REQUIRE(other.has_value());
  CHECK_FALSE(other->inAttendeeFile);
}

TEST_CASE("when GCC quotes no source for the attendee line it is quoted from the file with a caret") {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / ("twistlings-quote-" + std::to_string(::getpid()) + ".cpp");
  { std::ofstream(file) << "int a;\n  d.addCallback(oops);\nint c;\n"; }
  std::string out = "In file included from " + file.string() + ":1:\n" +
                    "/repo/framework/include/twist/deferred.hpp: In instantiation of 'x':\n" + file.string() +
                    ":2:16:   required from here\n" +
                    "/repo/framework/include/twist/deferred.hpp:343:46: error: static assertion failed: boom\n";
  auto d = firstCompileError(out, {file});
  fs::remove(file);
  REQUIRE(d.has_value());
  CHECK(d->line == 2);
  REQUIRE(d->source.size() == 2);
  CHECK(d->source[0] == "    2 |   d.addCallback(oops);");
  CHECK(d->source[1] == "      |                ^");
}

// --- lesson 04's likeliest mistake: a callback that forgets to `return` -----

namespace {

// A scratch copy of a fixture's source, removed at the end of the test.
struct ScratchSource {
  std::filesystem::path path;
  std::string text;
  explicit ScratchSource(const std::string& source, const std::string& name = "lookup.cpp") : text(source) {
    path = std::filesystem::temp_directory_path() /
           ("twistlings-compile-errors-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << source;
  }
  ~ScratchSource() { std::filesystem::remove(path); }
  // The compiler's output, with @FILE@ where this file's path was.
  std::string output(std::string out) const {
    for (size_t at = out.find("@FILE@"); at != std::string::npos; at = out.find("@FILE@", at))
      out.replace(at, 6, path.string());
    return out;
  }
  // Line `line` of the source, and the 1-based column where `code` starts on it.
  std::string lineText(int line) const {
    std::istringstream in(text);
    std::string l;
    for (int i = 0; i < line && std::getline(in, l); ++i) {
    }
    return l;
  }
  int columnOf(int line, const std::string& code) const {
    size_t at = lineText(line).find(code);
    return at == std::string::npos ? -1 : static_cast<int>(at) + 1;
  }
};

struct ForgottenReturn {
  const char* name;
  const char* source;
  const char* gcc;
  const char* clang;
  int line;              // where the `return` is missing
  const char* code;      // what starts there
  const char* need;      // what the verdict says the chain needed
  int stoppedAt;         // where twist's check fired (GCC's line; Clang's can differ for a return statement)
};

const ForgottenReturn kForgottenReturns[] = {
    {"a callback, then a step that takes its value", fixtures::kForgotThenCallbackSource, fixtures::kForgotThenCallbackGcc,
     fixtures::kForgotThenCallbackClang, 9, "dir.fullName(id);", "the next step (line 10) takes a `const std::string&`", 10},
    {"a multi-line callback, then an errback that returns a value", fixtures::kForgotThenErrbackSource,
     fixtures::kForgotThenErrbackGcc, fixtures::kForgotThenErrbackClang, 11, "text;",
     "the errback after it (line 13) returns a `std::string`", 13},
    {"the last callback of a returned chain", fixtures::kForgotLastSource, fixtures::kForgotLastGcc,
     fixtures::kForgotLastClang, 9, "\"Hello, \" + name", "a `Deferred<std::string>` is wanted", 9},
    {"a callback whose Deferred is kept in a variable", fixtures::kForgotMultilineSource, fixtures::kForgotMultilineGcc,
     fixtures::kForgotMultilineClang, 10, "dir.fullName(id);", "the next step (line 12) takes a `const std::string&`", 12},
};

}  // namespace

TEST_CASE("a callback that forgets to return is reported at its own line, in words, from GCC's and Clang's output") {
  for (const ForgottenReturn& c : kForgottenReturns) {
    for (const char* compiler : {"gcc", "clang"}) {
      INFO(c.name << ", " << compiler);
      ScratchSource file(c.source);
      auto d = firstCompileError(file.output(std::string(compiler) == std::string("gcc") ? c.gcc : c.clang), {file.path});
      REQUIRE(d.has_value());
      CHECK(d->inAttendeeFile);
      CHECK(d->line == c.line);
      CHECK(d->column == file.columnOf(c.line, c.code));
      CHECK_THAT(d->message, Contains("this callback returns nothing (`void`), where the chain needed a value or a Deferred"));
      CHECK_THAT(d->message, Contains("Did you forget to `return`?"));
      if (std::string(compiler) == "gcc") CHECK_THAT(d->message, Contains(c.need));
      REQUIRE(d->source.size() == 2);
      CHECK_THAT(d->source[0], Contains(file.lineText(c.line)));
      CHECK_THAT(d->source[1], Contains("^"));
      CHECK_THAT(d->origin, Contains("the compiler stopped at line "));
    }
  }
}

TEST_CASE("Clang's point for a return statement is the expression's start, and the verdict names that line") {
  ScratchSource file(fixtures::kForgotLastSource);
  auto d = firstCompileError(file.output(fixtures::kForgotLastClang), {file.path});
  REQUIRE(d.has_value());
  CHECK(d->line == 9);
  CHECK_THAT(d->message, Contains("a `Deferred<std::string>` is wanted (line 7)"));
  CHECK_THAT(d->origin, Contains("the compiler stopped at line 7"));
}

TEST_CASE("twist's other checks keep the compiler's line and show their words, with the types in the origin") {
  for (const char* out : {fixtures::kErrbackReturnsNothingGcc, fixtures::kErrbackReturnsNothingClang}) {
    ScratchSource file(fixtures::kErrbackReturnsNothingSource);
    auto d = firstCompileError(file.output(out), {file.path});
    REQUIRE(d.has_value());
    CHECK(d->line == 10);
    CHECK_THAT(d->message, Contains("addErrback: this errback returns nothing (void), but the chain carries a value"));
    CHECK_THAT(d->message, !Contains("static"));
    CHECK_THAT(d->origin, Contains("reported in twist/detail/diagnose.hpp:"));
    CHECK_THAT(d->origin, Contains("twist's check: the_chain_carries<std::string>::but_this_errback_returns<void>"));
  }
}

TEST_CASE("when the chain has no step before the one that needs a value, the compiler's line stays") {
  // twist::Deferred<void> from the start: there is no callback to blame.
  const std::string source = "#include \"lookup.hpp\"\nvoid f(twist::Deferred<void> d) {\n  d.addCallback([](int x) { return x; });\n}\n";
  ScratchSource file(source);
  const std::string out = "@FILE@:3:16:   required from here\n"
                          "/repo/framework/include/twist/detail/diagnose.hpp:120:81: error: static assertion failed: "
                          "this callback takes an argument, but the step before it returns nothing (void)\n"
                          "/repo/framework/include/twist/detail/diagnose.hpp:120:81: note: "
                          "‘twist::detail::the_step_before_returns<void>::but_this_callback_takes<int>::value’ evaluates to false\n";
  auto d = firstCompileError(file.output(out), {file.path});
  REQUIRE(d.has_value());
  CHECK(d->line == 3);
  CHECK(d->message == "this callback takes an argument, but the step before it returns nothing (void)");
  CHECK_THAT(d->origin, Contains("the_step_before_returns<void>::but_this_callback_takes<int>"));
}

TEST_CASE("codeOnly blanks comments, strings and character literals, keeping every position") {
  using twistlings::codeOnly;
  CHECK(codeOnly("a; // it's (\nb;") == "a;" + std::string(10, ' ') + "\nb;");
  CHECK(codeOnly("f(\"a)b\", 'x', ')');") == "f(\"   \", ' ', ' ');");
  CHECK(codeOnly("/* ( */ x") == "        x");
  CHECK(codeOnly("int n = 1'000; g('(');") == "int n = 1'000; g(' ');");
  CHECK(codeOnly("s = R\"x(a\")b)x\"; h(\"\\\")\");") == "s = R\"" + std::string(8, ' ') + "\"; h(\"   \");");
}

TEST_CASE("the step before a given one is found through errbacks, arrows and variables, and not past the chain's start") {
  using twistlings::callbackOfStepBefore;
  using twistlings::SourcePosition;
  // Through an errback and a timeout, which keep the type, to the callback that changed it.
  std::string source =
      "auto d = x.addCallback([](int) { log(); })\n"   // 1
      "    .addErrback([](twist::Failure) {})\n"         // 2
      "    .addTimeout(5, clock)\n"                      // 3
      "    ->addCallback([](int y) { return y; });\n";   // 4
  auto p = callbackOfStepBefore(source, SourcePosition{4, 7});
  REQUIRE(p.has_value());
  CHECK(p->line == 1);
  CHECK(p->column == 34);  // log();
  // The chain's first call is no step: nothing to blame.
  CHECK_FALSE(callbackOfStepBefore("dir.findId(login).addCallback([](int) {});\n", SourcePosition{1, 19}).has_value());
  CHECK_FALSE(callbackOfStepBefore("d.addCallback([](int) {});\n", SourcePosition{1, 3}).has_value());
  // A named function as the callback: point at it.
  p = callbackOfStepBefore("d.addCallback(store).addCallback(use);\n", SourcePosition{1, 22});
  REQUIRE(p.has_value());
  CHECK(p->column == 15);
  // An empty lambda body: point at its braces. A body ending in a block: at the lambda.
  p = callbackOfStepBefore("d.addCallback([](int) {}).addCallback(use);\n", SourcePosition{1, 27});
  REQUIRE(p.has_value());
  CHECK(p->column == 23);
  p = callbackOfStepBefore("d.addCallback([](int x) { if (x) { f(); } }).addCallback(use);\n", SourcePosition{1, 46});
  REQUIRE(p.has_value());
  CHECK(p->column == 15);
  // A variable: the last step of the chain it was assigned from.
  source =
      "auto a = d.addCallback([](int) {\n"   // 1
      "  f();\n"                             // 2
      "}).addErrback(eb);\n"                 // 3
      "a == b;\n"                            // 4: a comparison is no assignment
      "a.addCallback(use);\n";               // 5
  p = callbackOfStepBefore(source, SourcePosition{5, 3});
  REQUIRE(p.has_value());
  CHECK(p->line == 2);
  CHECK(p->column == 3);
}

TEST_CASE("the last step of a statement is found from any point before its brackets close") {
  using twistlings::callbackOfLastStep;
  using twistlings::SourcePosition;
  std::string source =
      "return dir.findId(login)\n"                              // 1
      "    .addCallback([](int id) { return name(id); })\n"     // 2
      "    .addCallback([](const std::string& n) { n + \"!\"; })\n"  // 3
      "    .addErrback(eb);\n";                                 // 4
  for (SourcePosition from : {SourcePosition{1, 8}, SourcePosition{4, 16}}) {
    auto p = callbackOfLastStep(source, from);
    REQUIRE(p.has_value());
    CHECK(p->line == 3);
    CHECK(p->column == 45);  // n + "!";
  }
  CHECK_FALSE(callbackOfLastStep("return dir.findId(login);\n", SourcePosition{1, 8}).has_value());
}

// The compilers of this machine on the lesson's mistake: twist's checks and
// this parser must agree on the sentences' names (detail/diagnose.hpp).
TEST_CASE("g++ and clang++ on the forgotten return, through twist's headers, give the verdict at the callback") {
  const std::filesystem::path root = twistlings::Paths::discover().root;
  ScratchSource file(fixtures::kForgotThenCallbackSource);
  const std::filesystem::path lesson = root / "solutions" / "04-deferreds";
  int compiled = 0;
  for (const char* compiler : {"g++", "clang++"}) {
    if (std::system((std::string("command -v ") + compiler + " >/dev/null 2>&1").c_str()) != 0) continue;
    std::filesystem::path log = file.path.string() + ".log";
    std::string command = std::string(compiler) + " -std=c++20 -fsyntax-only -I'" + lesson.string() + "' -I'" +
                          (root / "framework" / "include").string() + "' '" + file.path.string() + "' >'" +
                          log.string() + "' 2>&1";
    INFO(command);
    CHECK(std::system(command.c_str()) != 0);
    std::ifstream in(log);
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(log);
    INFO(out);
    auto d = firstCompileError(out, {file.path});
    REQUIRE(d.has_value());
    CHECK(d->line == 9);
    CHECK(d->column == file.columnOf(9, "dir.fullName(id);"));
    CHECK_THAT(d->message, Contains("the next step (line 10) takes a `const std::string&`"));
    ++compiled;
  }
  if (compiled == 0) WARN("neither g++ nor clang++ is on PATH: nothing compiled");
}

// twist's own checks, each mistake once, in one file: each gives exactly one
// error, whose condition names the types in a sentence (detail/diagnose.hpp),
// and nothing cascades from it.
TEST_CASE("each twist compile check gives one error that names its types, with g++ and clang++") {
  const std::filesystem::path root = twistlings::Paths::discover().root;
  const std::string source = R"(#include <type_traits>
#include "twist/deferred.hpp"
struct Other {};
void callbackTakesAnother(twist::Deferred<int> d) { d.addCallback([](Other) {}); }
void callbackTakesNothing(twist::Deferred<int> d) { d.addCallback([] {}); }
void errbackTakesInt(twist::Deferred<int> d) { d.addErrback([](int x) { return x; }); }
void errbackReturnsNothing(twist::Deferred<int> d) { d.addErrback([](twist::Failure) {}); }
void errbackReturnsDouble(twist::Deferred<int> d) { d.addErrback([](twist::Failure) { return 1.5; }); }
void callbacksDiffer(twist::Deferred<int> d) { d.addCallbacks([](int) { return 1; }, [](twist::Failure) { return 1.5; }); }
void bothDiffer(twist::Deferred<int> d) {
  d.addBoth([](auto x) { if constexpr (std::is_same_v<decltype(x), int>) return 1; else return 1.5; });
}
twist::Deferred<double> anotherType(twist::Deferred<int> d) { return d; }
twist::Deferred<int> awaitsInt() { int x = co_await 5; co_return x; }
// After these two, the chain goes on as if the value were there: no second error.
void voidCallbackTakesInt(twist::Deferred<void> d) { d.addCallback([](int x) { return x; }).addCallback([](long) {}); }
twist::Deferred<Other> voidErrbackReturnsOther(twist::Deferred<void> d) {
  return d.addErrback([](twist::Failure) { return Other{}; });
}
twist::Deferred<int> voidWhereIntWanted(twist::Deferred<void> d) { return d; }
)";
  const std::vector<std::string> sentences{
      "the_chain_carries<int>::but_this_callback_takes<Other>",
      "the_chain_carries<int>::but_this_callback_takes<>",
      "the_chain_carries<int>::but_this_errback_takes<int>",
      "the_chain_carries<int>::but_this_errback_returns<void>",
      "the_chain_carries<int>::but_this_errback_returns<double>",
      "the_callback_returns<int>::but_the_errback_returns<double>",
      "for_a_value_this_returns<int>::but_for_a_failure<double>",
      "the_chain_carries<int>::but_a_Deferred_of_another_type_is_wanted_here<double>",
      "a_twist_coroutine_awaits_a_Deferred<int>::but_this_is_not_one",
      "the_step_before_returns<void>::but_this_callback_takes<int>",
      "the_chain_carries<void>::but_this_errback_returns<Other>",
      "the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<int>",
  };
  ScratchSource file(source, "checks.cpp");
  int compiled = 0;
  for (const char* compiler : {"g++", "clang++"}) {
    if (std::system((std::string("command -v ") + compiler + " >/dev/null 2>&1").c_str()) != 0) continue;
    std::filesystem::path log = file.path.string() + ".log";
    std::string command = std::string(compiler) + " -std=c++20 -fsyntax-only -I'" +
                          (root / "framework" / "include").string() + "' '" + file.path.string() + "' >'" +
                          log.string() + "' 2>&1";
    CHECK(std::system(command.c_str()) != 0);
    std::ifstream in(log);
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(log);
    INFO(compiler << "'s output:\n" << out);
    size_t errors = 0;
    for (size_t at = out.find(": error: "); at != std::string::npos; at = out.find(": error: ", at + 1)) ++errors;
    CHECK(errors == sentences.size());
    for (const std::string& sentence : sentences) CHECK_THAT(out, Contains(sentence));
    ++compiled;
  }
  if (compiled == 0) WARN("neither g++ nor clang++ is on PATH: nothing compiled");
}
