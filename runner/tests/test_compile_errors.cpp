// Tests for compile_errors.hpp: the first error, at the attendee's own line.
// The fixtures are real GCC 12 and Clang 14 output, trimmed.
#include "compile_errors.hpp"

#include <unistd.h>

#include <fstream>

#include "twist_catch.hpp"

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
  CHECK_THAT(d->message, twist_catch::Contains("static_assert failed"));
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
