// twist_catch.hpp — Catch2 2 or 3 behind one include, for twist's tests and the
// course's hidden tests. Use TEST_CASE, SECTION, GENERATE, REQUIRE, CHECK,
// REQUIRE_THROWS_AS as usual; for substring matching use
// twist_catch::Contains("..."). Catch2 3 splits what Catch2 2's single header
// holds: a macro used here needs its Catch2 3 header below.
#pragma once

#if TWIST_CATCH_MAJOR == 3
#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_approx.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
namespace twist_catch {
inline auto Contains(const std::string& s) { return Catch::Matchers::ContainsSubstring(s); }
using Catch::Approx;
}  // namespace twist_catch
#else
#include <catch2/catch.hpp>
namespace twist_catch {
inline auto Contains(const std::string& s) { return Catch::Matchers::Contains(s); }
using Catch::Detail::Approx;
}  // namespace twist_catch
#endif
