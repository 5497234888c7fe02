// deferred_list.hpp: DeferredList (its three flags, the empty list, cancel),
// FirstError and gatherResults (TWISTED-REFERENCE.md §1).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred_list.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist::Deferred;
using twist::DeferredList;
using twist::Failure;
using twist::ListResult;
using twist_catch::Contains;
using twist_test::CapturedLog;

namespace {

std::runtime_error boom(const std::string& what = "boom") { return std::runtime_error(what); }

}  // namespace

// --- DeferredList without flags --------------------------------------------

TEST_CASE("DeferredList fires with one entry per member in input order, not firing order") {
  Deferred<int> a, b, c;
  auto list = DeferredList<int>({a, b, c});
  c.callback(3);
  a.callback(1);
  twist::assertNoResult(list);  // b has not fired yet
  b.callback(2);
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(results[i].success);
    CHECK(results[i].index == i);
    CHECK(results[i].result == static_cast<int>(i) + 1);
    CHECK_FALSE(results[i].failure.has_value());
  }
}

TEST_CASE("DeferredList records a failed member as (false, Failure) in its place and still waits for the rest") {
  CapturedLog log;
  Deferred<std::string> a, b;
  auto list = DeferredList<std::string>({a, b}, {.consumeErrors = true});
  a.errback(boom("first failed"));
  twist::assertNoResult(list);
  b.callback("ok");
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0].success);
  REQUIRE(results[0].failure.has_value());
  CHECK(results[0].failure->check<std::runtime_error>());
  CHECK(results[0].failure->getErrorMessage() == "first failed");
  CHECK(results[0].result.empty());  // T{} for a failure
  CHECK(results[0].index == 0);
  CHECK(results[1].success);
  CHECK(results[1].result == "ok");
  CHECK(results[1].index == 1);
}

TEST_CASE("DeferredList of already-fired Deferreds fires at once") {
  CapturedLog log;
  auto list = DeferredList<int>({twist::succeed(7), twist::fail<int>(boom())}, {.consumeErrors = true});
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK(results[0].success);
  CHECK(results[0].result == 7);
  CHECK_FALSE(results[1].success);
}

TEST_CASE("DeferredList of an empty list fires [] immediately") {
  auto list = DeferredList(std::vector<Deferred<int>>{});
  CHECK(twist::successResultOf(list).empty());
  auto withErrback = DeferredList(std::vector<Deferred<int>>{}, {.fireOnOneErrback = true});
  CHECK(twist::successResultOf(withErrback).empty());
}

TEST_CASE("DeferredList of an empty list with fireOnOneCallback never fires") {
  auto list = DeferredList(std::vector<Deferred<int>>{}, {.fireOnOneCallback = true});
  twist::assertNoResult(list);
  list.cancel();  // there is no member to cancel: the list itself is cancelled
  twist::failureResultOf<twist::CancelledError>(list);
}

TEST_CASE("DeferredList of Deferred<void> members reports success without a value") {
  Deferred<void> a, b;
  auto list = DeferredList<void>({a, b});
  b.callback();
  a.callback();
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK(results[0].success);
  CHECK(results[1].success);
  CHECK(results[1].index == 1);
}

TEST_CASE("DeferredList takes move-only values out of its members") {
  Deferred<std::unique_ptr<int>> a, b;
  auto list = DeferredList<std::unique_ptr<int>>({a, b});
  a.callback(std::make_unique<int>(1));
  b.callback(std::make_unique<int>(2));
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK(*results[0].result == 1);
  CHECK(*results[1].result == 2);
}

TEST_CASE("DeferredList fires even when the caller keeps no handle to it") {
  Deferred<int> a;
  int seen = 0;
  DeferredList<int>({a}).addCallback([&](std::vector<ListResult<int>> r) { seen = r.at(0).result; });
  a.callback(5);
  CHECK(seen == 5);
}

// --- fireOnOneCallback ------------------------------------------------------

TEST_CASE("fireOnOneCallback fires at the first success with that member's value and index") {
  CapturedLog log;
  {
    Deferred<int> a, b, c;
    auto list = DeferredList<int>({a, b, c}, {.fireOnOneCallback = true, .consumeErrors = true});
    a.errback(boom());  // a failure does not fire it
    twist::assertNoResult(list);
    c.callback(30);
    auto results = twist::successResultOf(list);
    REQUIRE(results.size() == 1);
    CHECK(results[0].success);
    CHECK(results[0].result == 30);
    CHECK(results[0].index == 2);
    b.callback(20);  // still collected; the list does not fire again
  }
  CHECK(log.unhandled().empty());  // no error (such as AlreadyCalledError) was left in a member
}

TEST_CASE("fireOnOneCallback fires with the full list when every member fails") {
  CapturedLog log;
  Deferred<int> a, b;
  auto list = DeferredList<int>({a, b}, {.fireOnOneCallback = true, .consumeErrors = true});
  b.errback(boom("b"));
  twist::assertNoResult(list);
  a.errback(boom("a"));
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0].success);
  CHECK(results[0].failure->getErrorMessage() == "a");
  CHECK(results[1].failure->getErrorMessage() == "b");
}

// --- fireOnOneErrback -------------------------------------------------------

TEST_CASE("fireOnOneErrback fails with FirstError naming the member's index and failure") {
  CapturedLog log;
  Deferred<int> a, b, c;
  auto list = DeferredList<int>({a, b, c}, {.fireOnOneErrback = true, .consumeErrors = true});
  a.callback(1);
  twist::assertNoResult(list);
  b.errback(std::invalid_argument("bad input"));
  Failure f = twist::failureResultOf<twist::FirstError>(list);
  const twist::FirstError* first = f.value<twist::FirstError>();
  REQUIRE(first != nullptr);
  CHECK(first->index == 1);
  CHECK(first->subFailure.check<std::invalid_argument>());
  CHECK(first->subFailure.getErrorMessage() == "bad input");
  CHECK_THAT(f.getErrorMessage(), Contains("#1"));
  CHECK_THAT(f.getErrorMessage(), Contains("bad input"));
  REQUIRE_NOTHROW(c.errback(boom("later")));  // a second failure does not fail the list again
}

TEST_CASE("fireOnOneErrback fires with the full list when every member succeeds") {
  Deferred<int> a, b;
  auto list = DeferredList<int>({a, b}, {.fireOnOneErrback = true});
  b.callback(2);
  a.callback(1);
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 2);
  CHECK(results[0].result == 1);
  CHECK(results[1].result == 2);
}

TEST_CASE("a failed DeferredList nobody holds is reported unhandled when it fails, not when its last member reports") {
  CapturedLog log;
  Deferred<int> a, b;
  DeferredList<int>({a, b}, {.fireOnOneErrback = true, .consumeErrors = true});  // result dropped
  a.errback(boom("nobody listens"));
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  CHECK_THAT(unhandled[0].text(), Contains("FirstError[#0"));
  CHECK_THAT(unhandled[0].text(), Contains("nobody listens"));
  b.callback(1);
  CHECK(log.unhandled().size() == 1);
}

TEST_CASE("FirstError's message names the index and the sub-failure's message") {
  twist::FirstError e(Failure(std::runtime_error("disk full")), 4);
  CHECK_THAT(std::string(e.what()), Contains("FirstError[#4"));
  CHECK_THAT(std::string(e.what()), Contains("disk full"));
  CHECK(e.index == 4);
  CHECK(e.subFailure.getErrorMessage() == "disk full");
}

// --- consumeErrors and what the member's chain carries afterwards -----------

TEST_CASE("consumeErrors: a failed member's chain continues with no error, and nothing is logged as unhandled") {
  CapturedLog log;
  {
    Deferred<int> a;
    Deferred<void> v;
    {
      auto list = DeferredList<int>({a}, {.consumeErrors = true});
      auto voids = DeferredList<void>({v}, {.consumeErrors = true});
      a.errback(boom("consumed"));
      v.errback(boom("consumed too"));
      CHECK_FALSE(twist::successResultOf(list)[0].success);
      CHECK_FALSE(twist::successResultOf(voids)[0].success);
    }
    twist::successResultOf(v);  // the void member's chain carries no error now
  }  // the members go here
  CHECK(log.unhandled().empty());
}

TEST_CASE("without consumeErrors a failed member keeps its failure and it is logged unhandled when the member goes") {
  CapturedLog log;
  {
    Deferred<int> a;
    auto list = DeferredList<int>({a});
    a.errback(boom("kept in the member"));
    CHECK_FALSE(twist::successResultOf(list)[0].success);  // the list itself has it as a value
    CHECK(log.unhandled().empty());                        // the member is still alive
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  CHECK_THAT(unhandled[0].text(), Contains("kept in the member"));
}

TEST_CASE("without consumeErrors a Deferred<void> member's chain still carries the failure") {
  Deferred<void> v;
  auto list = DeferredList<void>({v});
  v.errback(boom("still here"));
  CHECK_FALSE(twist::successResultOf(list)[0].success);
  Failure f = twist::failureResultOf<std::runtime_error>(v);
  CHECK(f.getErrorMessage() == "still here");
}

TEST_CASE("a DeferredList takes its member's value: the member's old Deferred<T> handle then fails loudly") {
  Deferred<int> a;
  auto list = DeferredList<int>({a});
  a.callback(1);
  CHECK(twist::successResultOf(list)[0].result == 1);
  REQUIRE_THROWS_AS(a.addCallback([](int x) { return x; }), std::logic_error);
  REQUIRE_THROWS_WITH(a.addCallback([](int x) { return x; }), Contains("moved on to Deferred<void>"));
}

TEST_CASE("a Deferred<void> member's handle stays usable after the list") {
  Deferred<void> v;
  auto list = DeferredList<void>({v});
  v.callback();
  bool ran = false;
  v.addCallback([&] { ran = true; });
  CHECK(ran);
}

TEST_CASE("DeferredList refuses a moved-from member, a stale member and the same Deferred twice") {
  Deferred<int> a;
  Deferred<int> moved = std::move(a);
  REQUIRE_THROWS_WITH(DeferredList<int>({a}), Contains("moved-from"));

  Deferred<int> head;
  auto str = head.addCallback([](int x) { return std::to_string(x); });
  REQUIRE_THROWS_WITH(DeferredList<int>({head}), Contains("Deferred<std::string>"));
  (void)str;

  Deferred<int> twice, other;
  REQUIRE_THROWS_WITH(DeferredList<int>({twice, other, twice}), Contains("twice"));
  // Nothing was attached: the members are untouched.
  twice.callback(1);
  other.callback(2);
  CHECK(twist::successResultOf(twice) == 1);
  CHECK(twist::successResultOf(other) == 2);
}

// --- cancel -----------------------------------------------------------------

TEST_CASE("cancel() on a DeferredList cancels the members that have not fired, and the list fires with them") {
  CapturedLog log;
  int cancelledA = 0, cancelledB = 0, cancelledC = 0;
  Deferred<int> a([&](Deferred<int>&) { ++cancelledA; });
  Deferred<int> b([&](Deferred<int>&) { ++cancelledB; });
  Deferred<int> c([&](Deferred<int>&) { ++cancelledC; });
  auto list = DeferredList<int>({a, b, c}, {.consumeErrors = true});
  b.callback(2);
  list.cancel();
  CHECK(cancelledA == 1);
  CHECK(cancelledB == 0);  // had fired
  CHECK(cancelledC == 1);
  auto results = twist::successResultOf(list);
  REQUIRE(results.size() == 3);
  CHECK(results[0].failure->check<twist::CancelledError>());
  CHECK(results[1].result == 2);
  CHECK(results[2].failure->check<twist::CancelledError>());
  CHECK(log.unhandled().empty());
}

TEST_CASE("cancel() on a DeferredList with fireOnOneErrback fails it with FirstError(CancelledError)") {
  Deferred<int> a, b;
  auto list = DeferredList<int>({a, b}, {.fireOnOneErrback = true, .consumeErrors = true});
  list.cancel();
  Failure f = twist::failureResultOf<twist::FirstError>(list);
  CHECK(f.value<twist::FirstError>()->index == 0);
  CHECK(f.value<twist::FirstError>()->subFailure.check<twist::CancelledError>());
}

TEST_CASE("cancel() after the DeferredList fired leaves the remaining members alone") {
  int cancelled = 0;
  Deferred<int> a, b([&](Deferred<int>&) { ++cancelled; });
  auto list = DeferredList<int>({a, b}, {.fireOnOneCallback = true});
  a.callback(1);
  list.cancel();
  CHECK(cancelled == 0);
  CHECK(twist::successResultOf(list)[0].result == 1);
  b.callback(2);  // no AlreadyCalledError: b was not cancelled
}

TEST_CASE("cancel() on a DeferredList reaches the Deferred a fired member is waiting on") {
  int innerCancelled = 0;
  Deferred<int> inner([&](Deferred<int>&) { ++innerCancelled; });
  Deferred<int> head;
  auto member = head.addCallback([&](int) { return inner; });
  head.callback(0);  // fired, but waiting on inner
  auto list = DeferredList<int>({member}, {.consumeErrors = true});
  list.cancel();
  CHECK(innerCancelled == 1);
  CHECK(twist::successResultOf(list)[0].failure->check<twist::CancelledError>());
}

// Under LeakSanitizer this also proves that a throwing canceller does not leak its chain.
TEST_CASE("a member canceller that throws is logged, and the other members are still cancelled") {
  CapturedLog log;
  int bCancelled = 0;
  Deferred<int> a([](Deferred<int>&) { throw std::runtime_error("canceller broke"); });
  Deferred<int> b([&](Deferred<int>&) { ++bCancelled; });
  auto list = DeferredList<int>({a, b}, {.consumeErrors = true});
  REQUIRE_NOTHROW(list.cancel());
  CHECK(bCancelled == 1);
  bool logged = false;
  for (const auto& e : log.events())
    if (e.text().find("canceller") != std::string::npos && e.text().find("canceller broke") != std::string::npos)
      logged = true;
  CHECK(logged);
  twist::failureResultOf<twist::CancelledError>(list);  // a never reported, so the list was cancelled itself
}

TEST_CASE("a DeferredList cancelled before its members report stays cancelled when they report later") {
  CapturedLog log;
  {
    Deferred<int> a;
    a.pause();  // a is cancelled, but its result cannot reach the list yet
    auto list = DeferredList<int>({a}, {.consumeErrors = true});
    list.cancel();
    twist::failureResultOf<twist::CancelledError>(list);
    a.unpause();  // now it reaches the list, which has fired already
  }
  CHECK(log.unhandled().empty());  // no AlreadyCalledError was left in the member
}

TEST_CASE("a member that dies unfired leaves the list waiting, and cancel() then fails the list itself") {
  int aliveCancelled = 0;
  Deferred<int> alive([&](Deferred<int>&) { ++aliveCancelled; });
  auto list = [&] {
    Deferred<int> dies;
    return DeferredList<int>({dies, alive}, {.consumeErrors = true});
  }();
  twist::assertNoResult(list);
  Deferred<int> unrelated;  // may reuse the dead member's storage: the list must not reach it
  list.cancel();
  CHECK(aliveCancelled == 1);
  twist::failureResultOf<twist::CancelledError>(list);  // 1 of 2 members reported: the list never fired
  twist::assertNoResult(unrelated);
}

// --- gatherResults ----------------------------------------------------------

TEST_CASE("gatherResults fires with the members' values in input order") {
  Deferred<int> a, b, c;
  Deferred<std::vector<int>> all = twist::gatherResults<int>({a, b, c});
  b.callback(2);
  c.callback(3);
  twist::assertNoResult(all);
  a.callback(1);
  CHECK(twist::successResultOf(all) == std::vector<int>{1, 2, 3});
}

TEST_CASE("gatherResults fails with FirstError at the first failure") {
  CapturedLog log;
  Deferred<int> a, b, c;
  auto all = twist::gatherResults<int>({a, b, c}, /*consumeErrors=*/true);
  a.callback(1);
  c.errback(boom("c broke"));
  Failure f = twist::failureResultOf<twist::FirstError>(all);
  CHECK(f.value<twist::FirstError>()->index == 2);
  CHECK(f.value<twist::FirstError>()->subFailure.getErrorMessage() == "c broke");
  b.errback(boom("b broke later"));  // the list has failed already; no second fire
  CHECK(log.unhandled().empty());     // consumeErrors: the members' failures are consumed
}

TEST_CASE("gatherResults without consumeErrors leaves the failure in the member too") {
  CapturedLog log;
  {
    Deferred<int> a;
    auto all = twist::gatherResults<int>({a});
    a.errback(boom("twice reported"));
    twist::failureResultOf<twist::FirstError>(all);
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  CHECK_THAT(unhandled[0].text(), Contains("twice reported"));
}

TEST_CASE("gatherResults of Deferred<void> members is a Deferred<void>") {
  Deferred<void> a, b;
  Deferred<void> all = twist::gatherResults<void>({a, b});
  a.callback();
  twist::assertNoResult(all);
  b.callback();
  twist::successResultOf(all);

  CapturedLog log;
  Deferred<void> c;
  Deferred<void> failed = twist::gatherResults<void>({c}, true);
  c.errback(boom());
  twist::failureResultOf<twist::FirstError>(failed);
}

TEST_CASE("gatherResults of an empty vector fires with an empty vector") {
  auto all = twist::gatherResults(std::vector<Deferred<std::string>>{});
  CHECK(twist::successResultOf(all).empty());
}
