// successResultOf, failureResultOf<E...> and assertNoResult (testing.hpp):
// trial's synchronous helpers (TWISTED-REFERENCE.md §7), with Twisted's messages.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_catch::Contains;
using twist_test::CapturedLog;
using twist_test::messageOf;

namespace {

struct Opaque {  // no operator<<
  int n;
};

}  // namespace

TEST_CASE("FailTest is what the helpers throw, a std::runtime_error any framework reports") {
  twist::Deferred<int> d;
  REQUIRE_THROWS_AS(twist::successResultOf(d), twist::FailTest);
  REQUIRE_THROWS_AS(twist::successResultOf(d), std::runtime_error);
}

// ---------------------------------------------------------------------------
// successResultOf

TEST_CASE("successResultOf returns the value of a fired Deferred") {
  twist::Deferred<int> d;
  d.callback(5);
  REQUIRE(twist::successResultOf(d) == 5);

  twist::Deferred<std::string> s;
  auto n = s.addCallback([](std::string x) { return x.size(); });
  s.callback("four");
  REQUIRE(twist::successResultOf(n) == 4u);

  twist::Deferred<void> v = twist::succeed();
  twist::successResultOf(v);  // returns nothing, does not throw

  // On a temporary handle, too.
  REQUIRE(twist::successResultOf(twist::succeed(std::string("tmp"))) == "tmp");
}

TEST_CASE("successResultOf consumes the result: adding afterwards fails loudly, naming successResultOf") {
  twist::Deferred<int> d = twist::succeed(1);
  REQUIRE(twist::successResultOf(d) == 1);
  REQUIRE_THROWS_WITH(d.addCallback([](int x) { return x; }), Contains("successResultOf"));
  // A second successResultOf finds nothing left.
  REQUIRE_THROWS_AS(twist::successResultOf(d), twist::FailTest);
}

TEST_CASE("successResultOf on an unfired Deferred fails: found no result instead") {
  twist::Deferred<int> d;
  REQUIRE_THROWS_WITH(twist::successResultOf(d), Contains("Success result expected on <Deferred<int>>, found no result instead"));
  d.callback(2);  // nothing was consumed
  REQUIRE(twist::successResultOf(d) == 2);
}

TEST_CASE("successResultOf on a paused or waiting Deferred finds no result") {
  twist::Deferred<int> paused;
  paused.pause();
  paused.callback(1);
  REQUIRE_THROWS_WITH(twist::successResultOf(paused), Contains("found no result instead"));
  paused.unpause();
  REQUIRE(twist::successResultOf(paused) == 1);

  twist::Deferred<int> inner;
  twist::Deferred<int> outer;
  auto waiting = outer.addCallback([&](int) { return inner; });
  outer.callback(0);
  REQUIRE_THROWS_WITH(twist::successResultOf(waiting), Contains("found no result instead"));
  inner.callback(3);
  REQUIRE(twist::successResultOf(waiting) == 3);
}

TEST_CASE("successResultOf on a failed Deferred fails: found failure result instead, with the failure") {
  CapturedLog quiet;
  twist::Deferred<int> d = twist::fail<int>(std::runtime_error("boom"));
  std::string message = messageOf([&] { twist::successResultOf(d); });
  REQUIRE_THAT(message, Contains("Success result expected on <Deferred<int>>, found failure result instead"));
  REQUIRE_THAT(message, Contains("std::runtime_error: boom"));
  // (the next test case checks what successResultOf leaves behind)
}

TEST_CASE("successResultOf on a failed Deferred consumes the failure, as trial's does (no unhandled error later)") {
  // trial: deferred.addBoth(result.append), then self.fail(...): the Failure is
  // taken off the Deferred, so it is not logged again when the Deferred goes.
  CapturedLog log;
  {
    twist::Deferred<int> d = twist::fail<int>(std::runtime_error("boom"));
    REQUIRE_THROWS_AS(twist::successResultOf(d), twist::FailTest);
  }
  REQUIRE(log.unhandled().empty());
}

TEST_CASE("successResultOf through a stale handle fails loudly naming both types") {
  twist::Deferred<int> d;
  auto s = d.addCallback([](int x) { return std::to_string(x); });
  d.callback(1);
  std::string message = messageOf([&] { twist::successResultOf(d); });
  REQUIRE_THAT(message, Contains("Deferred<int>"));
  REQUIRE_THAT(message, Contains("Deferred<std::string>"));
  REQUIRE(twist::successResultOf(s) == "1");
}

// ---------------------------------------------------------------------------
// failureResultOf

TEST_CASE("failureResultOf returns the Failure of a failed Deferred and consumes it") {
  CapturedLog log;
  {
    twist::Deferred<int> d;
    d.errback(std::out_of_range("too far"));
    twist::Failure f = twist::failureResultOf(d);
    REQUIRE(f.check<std::out_of_range>());
    REQUIRE(f.getErrorMessage() == "too far");
    REQUIRE_THROWS_WITH(d.addErrback([](twist::Failure) { return 0; }), Contains("failureResultOf"));
  }
  REQUIRE(log.unhandled().empty());  // consumed: not reported as unhandled
}

TEST_CASE("failureResultOf<E...> accepts any of the given types, or a base of the actual one") {
  auto d1 = twist::fail<int>(std::out_of_range("x"));
  REQUIRE(twist::failureResultOf<std::out_of_range>(d1).getErrorMessage() == "x");
  auto d2 = twist::fail<int>(std::out_of_range("y"));
  REQUIRE(twist::failureResultOf<std::invalid_argument, std::out_of_range>(d2).getErrorMessage() == "y");
  auto d3 = twist::fail<int>(std::out_of_range("z"));
  REQUIRE(twist::failureResultOf<std::logic_error>(d3).getErrorMessage() == "z");
  auto d4 = twist::fail<void>(std::runtime_error("v"));
  REQUIRE(twist::failureResultOf<std::runtime_error>(d4).getErrorMessage() == "v");
}

TEST_CASE("failureResultOf on an unfired Deferred fails: found no result instead") {
  twist::Deferred<int> d;
  REQUIRE_THROWS_AS(twist::failureResultOf(d), twist::FailTest);
  REQUIRE_THROWS_WITH(twist::failureResultOf(d), Contains("Failure result expected on <Deferred<int>>, found no result instead"));
}

TEST_CASE("failureResultOf on a succeeded Deferred fails: found success result (...) instead") {
  auto d = twist::succeed(42);
  REQUIRE_THROWS_AS(twist::failureResultOf(d), twist::FailTest);
  auto d42 = twist::succeed(42);
  REQUIRE_THROWS_WITH(twist::failureResultOf(d42), Contains("Failure result expected on <Deferred<int>>, found success result (42) instead"));
  auto s = twist::succeed(std::string("hello"));
  REQUIRE_THROWS_WITH(twist::failureResultOf(s), Contains("found success result (hello) instead"));
  auto o = twist::succeed(Opaque{1});
  REQUIRE_THROWS_WITH(twist::failureResultOf(o), Contains("found success result (a value of type"));
  auto v = twist::succeed();
  REQUIRE_THROWS_WITH(twist::failureResultOf(v), Contains("found success result ("));
}

TEST_CASE("failureResultOf<E> on a failure of another type fails: Failure of type (...) expected") {
  auto d = twist::fail<int>(std::runtime_error("boom"));
  std::string message = messageOf([&] { twist::failureResultOf<std::logic_error>(d); });
  REQUIRE_THAT(message, Contains("Failure of type (std::logic_error) expected on <Deferred<int>>"));
  REQUIRE_THAT(message, Contains("found type std::runtime_error instead"));
  REQUIRE_THAT(message, Contains("boom"));
  auto d2 = twist::fail<int>(std::runtime_error("boom"));
  std::string both = messageOf([&] { twist::failureResultOf<std::logic_error, std::out_of_range>(d2); });
  REQUIRE_THAT(both, Contains("Failure of type (std::logic_error, std::out_of_range) expected"));
}

TEST_CASE("failureResultOf<E> on a failure of another type consumes it, as trial's does (no unhandled error later)") {
  CapturedLog log;
  {
    auto d = twist::fail<int>(std::runtime_error("boom"));
    REQUIRE_THROWS_AS(twist::failureResultOf<std::logic_error>(d), twist::FailTest);
  }
  REQUIRE(log.unhandled().empty());
}

TEST_CASE("failureResultOf on a non-std exception names its type") {
  auto thrown7 = [] {
    twist::Deferred<int> d;
    auto t = d.addCallback([](int) -> int { throw 7; });
    d.callback(0);
    return t;
  };
  auto t = thrown7();
  std::string message = messageOf([&] { twist::failureResultOf<std::exception>(t); });
  REQUIRE_THAT(message, Contains("Failure of type (std::exception) expected"));
  REQUIRE_THAT(message, Contains("found type int instead"));
  auto t2 = thrown7();
  REQUIRE(twist::failureResultOf<int>(t2).typeName() == "int");
}

// ---------------------------------------------------------------------------
// assertNoResult

TEST_CASE("assertNoResult passes on an unfired, a paused or a waiting Deferred") {
  twist::Deferred<int> unfired;
  REQUIRE_NOTHROW(twist::assertNoResult(unfired));

  twist::Deferred<int> paused;
  paused.pause();
  paused.callback(1);
  REQUIRE_NOTHROW(twist::assertNoResult(paused));

  twist::Deferred<int> inner;
  twist::Deferred<int> outer;
  auto waiting = outer.addCallback([&](int) { return inner; });
  outer.callback(0);
  REQUIRE_NOTHROW(twist::assertNoResult(waiting));

  // Nothing was consumed.
  paused.unpause();
  REQUIRE(twist::successResultOf(paused) == 1);
  inner.callback(2);
  REQUIRE(twist::successResultOf(waiting) == 2);
  unfired.callback(3);
  REQUIRE(twist::successResultOf(unfired) == 3);
}

TEST_CASE("assertNoResult on a succeeded Deferred fails: No result expected, and leaves the value") {
  auto d = twist::succeed(5);
  REQUIRE_THROWS_AS(twist::assertNoResult(d), twist::FailTest);
  REQUIRE_THROWS_WITH(twist::assertNoResult(d), Contains("No result expected on <Deferred<int>>, found 5 instead"));
  REQUIRE(twist::successResultOf(d) == 5);  // as trial: the value stays
}

TEST_CASE("assertNoResult on a failed Deferred fails: No result expected, and swallows the failure") {
  CapturedLog log;
  {
    auto d = twist::fail<int>(std::runtime_error("boom"));
    std::string message = messageOf([&] { twist::assertNoResult(d); });
    REQUIRE_THAT(message, Contains("No result expected on <Deferred<int>>, found"));
    REQUIRE_THAT(message, Contains("std::runtime_error: boom"));
    REQUIRE_THAT(message, Contains("instead"));
  }
  REQUIRE(log.unhandled().empty());  // swallowed, so not reported again when the Deferred goes
}

TEST_CASE("assertNoResult and failureResultOf through a stale handle do not read the value as the wrong type") {
  // The chain carries a std::string; the handle is a Deferred<int>. The
  // helpers must not print the string's bytes as an int (successResultOf
  // rightly fails naming both types).
  twist::Deferred<int> d;
  auto s = d.addCallback([](int) { return std::string("a string value"); });
  d.callback(1);
  std::string noResult = messageOf([&] { twist::assertNoResult(d); });
  REQUIRE_THAT(noResult, Contains("Deferred<std::string>"));
  std::string failure = messageOf([&] { twist::failureResultOf(d); });
  REQUIRE_THAT(failure, Contains("Deferred<std::string>"));
  REQUIRE(twist::successResultOf(s) == "a string value");
}

TEST_CASE("the helpers reject a moved-from handle with a FailTest") {
  twist::Deferred<int> d;
  twist::Deferred<int> other = std::move(d);
  REQUIRE_THROWS_WITH(twist::successResultOf(d), Contains("moved-from"));  // NOLINT
  REQUIRE_THROWS_WITH(twist::failureResultOf(d), Contains("moved-from"));  // NOLINT
  REQUIRE_THROWS_WITH(twist::assertNoResult(d), Contains("moved-from"));   // NOLINT
}

TEST_CASE("a second successResultOf says who took the result") {
  twist::Deferred<int> d = twist::succeed(1);
  REQUIRE(twist::successResultOf(d) == 1);
  REQUIRE_THROWS_WITH(twist::successResultOf(d), twist_catch::Contains("already taken by successResultOf"));
}
