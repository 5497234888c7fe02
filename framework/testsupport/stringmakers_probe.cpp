// stringmakers_probe.cpp — checks that fail on purpose, so that ctest can read
// how Catch printed the values they compared (framework/testsupport/CMakeLists.txt
// runs each one and looks for the values in the output). An attendee reads the
// same expansion in a verdict: "{ 1, 2 } == { 1, 3 }" says what went wrong,
// "{?} == {?}" does not. Not a test of twist: its failures are the point.
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "twist_catch.hpp"

TEST_CASE("a pair") { CHECK(std::pair{1, 2} == std::pair{1, 3}); }

TEST_CASE("a tuple") { CHECK(std::tuple{1, std::string("a")} == std::tuple{1, std::string("b")}); }

TEST_CASE("an optional") {
  CHECK(std::optional<int>{4} == std::optional<int>{});
  CHECK(std::optional<std::pair<int, int>>{std::pair{5, 6}} == std::optional<std::pair<int, int>>{});
}
