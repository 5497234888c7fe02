// deferred_list.hpp: DeferredList (its three flags, the empty list, cancel),
// FirstError, gatherResults (TWISTED-REFERENCE.md §1), and what a member is
// left with after the list.
#include <memory>
#include <optional>
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

TEST_CASE("consumeErrors: nothing is logged as unhandled, and a void member continues with success (Twisted's None)") {
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

TEST_CASE("DeferredList refuses a moved-from member and a stale member, and touches no member then") {
  Deferred<int> a;
  Deferred<int> moved = std::move(a);
  REQUIRE_THROWS_WITH(DeferredList<int>({a}), Contains("moved-from"));

  Deferred<int> head, other;
  auto str = head.addCallback([](int x) { return std::to_string(x); });
  REQUIRE_THROWS_WITH(DeferredList<int>({other, head}), Contains("Deferred<std::string>"));
  (void)str;
  // Nothing was attached: the good member is untouched (no list step in its chain).
  CHECK(twist::chainOf(other)->steps.empty());
}

// --- what a member is left with (Twisted's DeferredList._cbDeferred returns the result) ---
//
// What Twisted does, checked with Debian's python3-twisted 22.4 (/usr/bin/python3):
//   a = Deferred(); dl = DeferredList([a]); a.callback(1); a.addCallback(print)    # 1
//   a = Deferred(); g = gatherResults([a, b]); ...; a.addCallback(print)           # a's value
//   a = Deferred(); DeferredList([a]); a.errback(ValueError("boom"))
//   a.addErrback(lambda f: f.getErrorMessage())                                    # 'boom': still there
//   a = Deferred(); DeferredList([a], consumeErrors=True); a.errback(...); a.addBoth(print)  # None
//   a = Deferred(); dl = DeferredList([a, a]); a.callback(5)                       # [(True, 5), (True, 5)]
// twist mirrors the first four and the last; for consumeErrors see "a consumed failure" below.

TEST_CASE("after gatherResults and DeferredList a member keeps its value: its own handle sees it") {
  Deferred<int> a, b;
  auto all = twist::gatherResults<int>({a, b});
  Deferred<std::string> s;
  auto list = DeferredList<std::string>({s});
  a.callback(1);
  b.callback(2);
  s.callback("kept");
  CHECK(twist::successResultOf(all) == std::vector<int>{1, 2});
  CHECK(twist::successResultOf(list)[0].result == "kept");

  int seenA = 0;
  a.addCallback([&](int x) { seenA = x; });
  CHECK(seenA == 1);
  CHECK(twist::successResultOf(b) == 2);
  CHECK(twist::successResultOf(s) == "kept");
}

TEST_CASE("a callback added to a member after the list and before the fire runs after the list's step, with the value") {
  Deferred<std::string> a;
  auto list = DeferredList<std::string>({a});
  std::vector<std::string> order;
  list.addCallback([&](std::vector<ListResult<std::string>> r) { order.push_back("list saw " + r[0].result); });
  a.addCallback([&](const std::string& v) { order.push_back("member saw " + v); });
  a.callback("x");
  CHECK(order == std::vector<std::string>{"list saw x", "member saw x"});
}

TEST_CASE("a member whose value cannot be copied when it fires keeps it, and the list records the copy's error") {
  struct Fussy {
    int n = 0;
    Fussy() = default;
    explicit Fussy(int v) : n(v) {}
    Fussy(const Fussy& other) : n(other.n) { check(); }
    Fussy(Fussy&&) noexcept = default;
    Fussy& operator=(const Fussy& other) {
      n = other.n;
      check();
      return *this;
    }
    Fussy& operator=(Fussy&&) noexcept = default;
    void check() const {
      if (n < 0) throw std::runtime_error("negative Fussy cannot be copied");
    }
  };
  Deferred<Fussy> a;
  auto list = DeferredList<Fussy>({a});
  a.callback(Fussy(-1));
  auto results = twist::successResultOf(list);
  CHECK_FALSE(results[0].success);
  REQUIRE(results[0].failure.has_value());
  CHECK(results[0].failure->getErrorMessage() == "negative Fussy cannot be copied");
  CHECK(twist::successResultOf(a).n == -1);
}

TEST_CASE("the same copyable Deferred may be given twice, and to two lists, as in Twisted") {
  Deferred<int> a;
  auto twice = DeferredList<int>({a, a});
  auto other = twist::gatherResults<int>({a});
  a.callback(5);
  auto results = twist::successResultOf(twice);
  REQUIRE(results.size() == 2);
  CHECK(results[0].result == 5);
  CHECK(results[1].result == 5);
  CHECK(twist::successResultOf(other) == std::vector<int>{5});
  CHECK(twist::successResultOf(a) == 5);
}

TEST_CASE("an error not consumed can still be handled on the member, after DeferredList and gatherResults") {
  CapturedLog log;
  {
    Deferred<int> a, b;
    auto list = DeferredList<int>({a});
    auto all = twist::gatherResults<int>({b});
    a.errback(boom("a broke"));
    b.errback(std::invalid_argument("b broke"));
    CHECK(twist::successResultOf(list)[0].failure->getErrorMessage() == "a broke");
    twist::failureResultOf<twist::FirstError>(all);

    std::string seen;
    auto recovered = a.addErrback([&](Failure f) {
      seen = f.getErrorMessage();
      return -1;
    });
    CHECK(seen == "a broke");
    CHECK(twist::successResultOf(recovered) == -1);
    Failure f = twist::failureResultOf<std::invalid_argument>(b);  // the very error, as the list saw it
    CHECK(f.getErrorMessage() == "b broke");
  }
  CHECK(log.unhandled().empty());  // both were handled on the members
}

TEST_CASE("a consumed failure stays visible to the member's errbacks, is not logged, and is logged again if re-raised") {
  CapturedLog log;
  {
    Deferred<int> a;
    auto all = twist::gatherResults<int>({a}, /*consumeErrors=*/true);
    a.errback(boom("consumed"));
    twist::failureResultOf<twist::FirstError>(all);
    CHECK(a.hasFailure());  // Twisted leaves None; a Deferred<int> has no None to carry
  }
  CHECK(log.unhandled().empty());
  {
    Deferred<int> a;
    auto all = twist::gatherResults<int>({a}, /*consumeErrors=*/true);
    a.errback(boom("raised again"));
    twist::failureResultOf<twist::FirstError>(all);
    a.addErrback([](Failure f) -> int { f.raise(); });
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  CHECK_THAT(unhandled[0].text(), Contains("raised again"));
}

TEST_CASE("a consumed failure that a member hands on stays consumed: no unhandled error downstream") {
  CapturedLog log;
  {
    Deferred<int> a, head;
    auto list = DeferredList<int>({a}, {.consumeErrors = true});
    auto outer = head.addCallback([&](int) { return a; });  // waits on the member
    head.callback(0);
    a.errback(boom("handed on"));
    CHECK(outer.hasFailure());
  }
  CHECK(log.unhandled().empty());
}

TEST_CASE("a move-only member's value is moved into the list: its handle then names the list that took it") {
  using Box = std::unique_ptr<int>;
  Deferred<Box> a, b;
  auto all = twist::gatherResults<Box>({a, b});
  // Before the fire: the value is promised to gatherResults, so no callback can read it.
  REQUIRE_THROWS_AS(a.addCallback([](Box x) { return x; }), std::logic_error);
  REQUIRE_THROWS_WITH(a.addCallback([](Box x) { return x; }), Contains("addCallback on a Deferred<std::unique_ptr<int"));
  REQUIRE_THROWS_WITH(a.addCallback([](Box x) { return x; }),
                      Contains("that was given to gatherResults: gatherResults moves a value that cannot be copied"));
  REQUIRE_THROWS_WITH(a.addBoth([](auto&&...) { return 0; }), Contains("given to gatherResults"));
  a.callback(std::make_unique<int>(1));
  b.callback(std::make_unique<int>(2));
  auto values = twist::successResultOf(all);
  CHECK(*values[0] == 1);
  CHECK(*values[1] == 2);
  // After it: the result was taken, by gatherResults.
  REQUIRE_THROWS_WITH(a.addErrback([](Failure f) -> Box { f.raise(); }),
                      Contains("already taken by gatherResults, which moved this value (it cannot be copied)"));
  REQUIRE_THROWS_WITH(twist::successResultOf(b), Contains("already taken by gatherResults"));

  Deferred<Box> c;
  DeferredList<Box>({c});
  REQUIRE_THROWS_WITH(c.addCallback([](Box x) { return x; }), Contains("given to DeferredList"));
}

TEST_CASE("a move-only member's own failure can still be handled with an errback added after the list") {
  CapturedLog log;
  using Box = std::unique_ptr<int>;
  {
    Deferred<Box> a;
    auto list = DeferredList<Box>({a});
    bool handled = false;
    a.addErrback([&](Failure f) -> Box {
      f.trap<std::runtime_error>();
      handled = true;
      return nullptr;
    });
    a.errback(boom("no box"));
    CHECK(handled);
    CHECK_FALSE(twist::successResultOf(list)[0].success);
  }
  CHECK(log.unhandled().empty());

  // Only through a handle of the member's own type: an older handle is stale, as always.
  Deferred<int> head;
  Deferred<Box> box = head.addCallback([](int x) { return std::make_unique<int>(x); });
  DeferredList<Box>({box});
  REQUIRE_THROWS_WITH(head.addErrback([](Failure f) -> int { f.raise(); }),
                      Contains("the chain has moved on to Deferred<std::unique_ptr<int"));
}

TEST_CASE("a move-only member can go into one list once, and a vector of move-only values counts as move-only") {
  using Box = std::unique_ptr<int>;
  Deferred<Box> twice;
  REQUIRE_THROWS_WITH(DeferredList<Box>({twice, twice}), Contains("given twice"));
  DeferredList<Box>({twice});
  REQUIRE_THROWS_WITH(twist::gatherResults<Box>({twice}), Contains("gatherResults on a Deferred"));
  REQUIRE_THROWS_WITH(twist::gatherResults<Box>({twice}), Contains("given to DeferredList"));

  Deferred<std::vector<Box>> boxes;
  auto all = twist::gatherResults<std::vector<Box>>({boxes});
  std::vector<Box> two;
  two.push_back(std::make_unique<int>(7));
  boxes.callback(std::move(two));
  CHECK(*twist::successResultOf(all).at(0).at(0) == 7);
}

TEST_CASE("a Deferred<void> member's handle stays usable after the list") {
  Deferred<void> v;
  auto list = DeferredList<void>({v});
  v.callback();
  bool ran = false;
  v.addCallback([&] { ran = true; });
  CHECK(ran);
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

TEST_CASE("gatherResults needs no default constructor, and moves move-only values out of their members") {
  struct Port {
    explicit Port(int n) : number(n) {}
    int number;
  };
  Deferred<Port> a, b;
  Deferred<std::vector<Port>> ports = twist::gatherResults<Port>({a, b});
  b.callback(Port(8080));
  a.callback(Port(80));
  auto values = twist::successResultOf(ports);
  REQUIRE(values.size() == 2);
  CHECK(values[0].number == 80);
  CHECK(values[1].number == 8080);

  Deferred<std::unique_ptr<int>> c;
  std::vector<Deferred<std::unique_ptr<int>>> members{c};
  auto owned = twist::gatherResults(std::move(members));
  c.callback(std::make_unique<int>(7));
  auto pointers = twist::successResultOf(owned);
  REQUIRE(pointers.size() == 1);
  CHECK(*pointers[0] == 7);
  CHECK_THROWS_WITH(c.addCallback([](std::unique_ptr<int>) {}), Contains("gatherResults"));
}

TEST_CASE("an errback that returns the gatherResults of its own Deferred fails at once instead of waiting forever") {
  // The member waited on the list, which waited on the member's own list step
  // further down: neither fired, and each held the other (a leak). Found by
  // fuzz_deferred (framework/fuzz/corpus/deferred/leak-gather-cycle).
  CapturedLog log;
  Deferred<int> member;
  std::optional<Deferred<int>> gathered;
  Deferred<int> tail = member.addErrback([&](Failure) { return *gathered; });
  gathered = twist::gatherResults<int>({member}).addCallback([](std::vector<int> v) { return static_cast<int>(v.size()); });
  member.errback(boom("x"));
  REQUIRE(gathered->hasFailure());
  Failure f = twist::failureResultOf<twist::FirstError>(*gathered);
  CHECK_THAT(f.value<twist::FirstError>()->subFailure.getErrorMessage(),
             Contains("waits, through a DeferredList or gatherResults, on the Deferred this callback belongs to"));
  CHECK_THAT(twist::failureResultOf<std::logic_error>(tail).getErrorMessage(), Contains("wait for each other forever"));
}
