// twist::Deferred<T> (deferred.hpp): every statement of TWISTED-REFERENCE.md §1
// that applies to the core chain, one TEST_CASE each, plus what C++ adds (types,
// move-only and large values, deep chains). Time is a twist::Clock; nothing sleeps.
// Coroutines are in test_coroutine.cpp, successResultOf & co. in test_testing.cpp.
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/failure.hpp"
#include "twist/logger.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_catch::Contains;
using twist_test::CapturedLog;
using twist_test::messageOf;
using twist_test::runInChild;

namespace {

std::runtime_error boom() { return std::runtime_error("boom"); }

// Does D offer callback(V)? (A Deferred<void> must not accept a value.)
template <class D, class V>
concept CanCallbackWith = requires(D d, V v) { d.callback(std::move(v)); };

}  // namespace

// ---------------------------------------------------------------------------
// The API contract of issue 2, verbatim. The block cannot run as one
// sequence (successResultOf(s) takes the result out of d's chain, and d was
// fired already); each paragraph below runs its lines exactly as written.
TEST_CASE("the API contract of issue 2, verbatim") {
  {
    twist::Deferred<int> d;
    auto s = d.addCallback([](int x) { return x + 1; })
              .addCallback([](int x) { return std::to_string(x); });  // Deferred<std::string>
    d.callback(41);                                  // fires the chain from its head
    REQUIRE(twist::successResultOf(s) == "42");
    REQUIRE(std::is_same_v<decltype(s), twist::Deferred<std::string>>);
  }
  {
    std::vector<int> seen;
    auto f = [&](int x) { seen.push_back(x); return x * 2; };
    auto g = [&](int x) { seen.push_back(x); return x + 3; };
    twist::Deferred<int> d;
    d.addCallback(f); d.addCallback(g);              // Twisted style on one lvalue handle works
    d.callback(5);
    REQUIRE(seen == std::vector<int>{5, 10});
    REQUIRE(twist::successResultOf(d) == 13);
  }
  {
    CapturedLog log;
    {
      twist::Deferred<int> d;
      d.errback(std::make_exception_ptr(std::runtime_error("boom")));
      d.addErrback([](twist::Failure f) -> int { f.trap<std::runtime_error>(); return -1; });
      REQUIRE(twist::successResultOf(d) == -1);
    }
    REQUIRE(log.unhandled().empty());
  }
}

// ---------------------------------------------------------------------------
// Adding callbacks, result passing

TEST_CASE("addCallback returns a handle typed by what the callback returns, onto the same chain") {
  twist::Deferred<int> d;
  auto s = d.addCallback([](int x) { return std::to_string(x) + "!"; });
  REQUIRE(std::is_same_v<decltype(s), twist::Deferred<std::string>>);
  auto n = s.addCallback([](std::string x) { return static_cast<double>(x.size()); });
  REQUIRE(std::is_same_v<decltype(n), twist::Deferred<double>>);
  REQUIRE_FALSE(n.called());
  d.callback(123);
  REQUIRE(n.called());  // one chain: firing d fires what n refers to
  REQUIRE(twist::successResultOf(n) == 4.0);
}

TEST_CASE("a callback's return value becomes the next callback's argument") {
  twist::Deferred<int> d;
  std::vector<int> seen;
  auto last = d.addCallback([&](int x) { seen.push_back(x); return x + 1; })
                  .addCallback([&](int x) { seen.push_back(x); return x * 10; })
                  .addCallback([&](int x) { seen.push_back(x); return x - 1; });
  d.callback(1);
  REQUIRE(seen == std::vector<int>{1, 2, 20});
  REQUIRE(twist::successResultOf(last) == 19);
}

TEST_CASE("exactly one function of each pair runs: callbacks on a value, errbacks on a failure") {
  std::vector<std::string> ran;
  auto build = [&](twist::Deferred<int>& d) {
    return d.addCallback([&](int x) { ran.push_back("cb1"); return x; })
        .addErrback([&](twist::Failure) -> int { ran.push_back("eb1"); return 0; })
        .addCallbacks([&](int x) { ran.push_back("cb2"); return x; },
                      [&](twist::Failure) -> int { ran.push_back("eb2"); return 0; });
  };
  twist::Deferred<int> ok;
  auto okTail = build(ok);
  ok.callback(7);
  REQUIRE(ran == std::vector<std::string>{"cb1", "cb2"});
  REQUIRE(twist::successResultOf(okTail) == 7);

  ran.clear();
  twist::Deferred<int> bad;
  auto badTail = build(bad);
  bad.errback(boom());
  REQUIRE(ran == std::vector<std::string>{"eb1", "cb2"});  // eb1 recovered with 0
  REQUIRE(twist::successResultOf(badTail) == 0);
}

TEST_CASE("an exception thrown by a callback skips the following callbacks and reaches the next errback") {
  twist::Deferred<int> d;
  std::vector<std::string> ran;
  std::string caught;
  auto tail = d.addCallback([&](int) -> int {
                 ran.push_back("thrower");
                 throw std::invalid_argument("bad input");
               })
                  .addCallback([&](int x) { ran.push_back("skipped"); return x; })
                  .addErrback([&](twist::Failure f) -> int {
                    ran.push_back("errback");
                    caught = f.typeName() + ": " + f.getErrorMessage();
                    REQUIRE(f.check<std::invalid_argument>());
                    REQUIRE(f.check<std::logic_error>());  // a base class matches too
                    REQUIRE_FALSE(f.check<std::runtime_error>());
                    return 5;
                  })
                  .addCallback([&](int x) { ran.push_back("after"); return x + 1; });
  d.callback(1);
  REQUIRE(ran == std::vector<std::string>{"thrower", "errback", "after"});
  REQUIRE(caught == "std::invalid_argument: bad input");
  REQUIRE(twist::successResultOf(tail) == 6);
}

TEST_CASE("an errback that returns a value recovers the chain, one that throws passes the failure on") {
  twist::Deferred<int> d;
  std::vector<std::string> ran;
  auto tail = d.addErrback([&](twist::Failure f) -> int {
                 ran.push_back("raise");
                 f.raise();
               })
                  .addErrback([&](twist::Failure f) -> int {
                    ran.push_back("trap other");
                    f.trap<std::logic_error>();  // not a logic_error: rethrows the original
                    return 0;
                  })
                  .addErrback([&](twist::Failure f) -> int {
                    ran.push_back("new exception");
                    throw std::logic_error("replaced: " + f.getErrorMessage());
                  })
                  .addErrback([&](twist::Failure f) -> int {
                    ran.push_back("recover");
                    REQUIRE(f.getErrorMessage() == "replaced: boom");
                    f.trap<std::logic_error>();
                    return 99;
                  })
                  .addErrback([&](twist::Failure) -> int {
                    ran.push_back("not reached");
                    return -1;
                  });
  d.errback(boom());
  REQUIRE(ran == std::vector<std::string>{"raise", "trap other", "new exception", "recover"});
  REQUIRE(twist::successResultOf(tail) == 99);
}

TEST_CASE("addCallbacks: the errback does NOT see the callback's exception") {
  twist::Deferred<int> d;
  bool errbackRan = false;
  auto tail = d.addCallbacks([](int) -> int { throw std::runtime_error("from cb"); },
                             [&](twist::Failure) -> int {
                               errbackRan = true;
                               return 0;
                             });
  d.callback(1);
  REQUIRE_FALSE(errbackRan);
  twist::Failure f = twist::failureResultOf<std::runtime_error>(tail);
  REQUIRE(f.getErrorMessage() == "from cb");
}

TEST_CASE("addCallback then addErrback: the errback DOES see the callback's exception") {
  twist::Deferred<int> d;
  std::string seen;
  auto tail = d.addCallback([](int) -> int { throw std::runtime_error("from cb"); }).addErrback([&](twist::Failure f) -> int {
    seen = f.getErrorMessage();
    return 0;
  });
  d.callback(1);
  REQUIRE(seen == "from cb");
  REQUIRE(twist::successResultOf(tail) == 0);
}

TEST_CASE("addCallbacks runs its errback on an incoming failure, and both may change the type") {
  twist::Deferred<int> d;
  auto tail = d.addCallbacks([](int x) { return std::to_string(x); },
                             [](twist::Failure f) { return "failed: " + f.getErrorMessage(); });
  REQUIRE(std::is_same_v<decltype(tail), twist::Deferred<std::string>>);
  d.errback(boom());
  REQUIRE(twist::successResultOf(tail) == "failed: boom");
}

TEST_CASE("addBoth with a generic lambda gets the value or the Failure") {
  auto both = [](auto&& r) -> std::string {
    if constexpr (std::is_same_v<std::decay_t<decltype(r)>, twist::Failure>)
      return "failure: " + r.getErrorMessage();
    else
      return "value: " + std::to_string(r);
  };
  twist::Deferred<int> ok;
  auto okTail = ok.addBoth(both);
  REQUIRE(std::is_same_v<decltype(okTail), twist::Deferred<std::string>>);
  ok.callback(3);
  REQUIRE(twist::successResultOf(okTail) == "value: 3");

  CapturedLog log;
  {
    twist::Deferred<int> bad;
    auto badTail = bad.addBoth(both);
    bad.errback(boom());
    REQUIRE(twist::successResultOf(badTail) == "failure: boom");
  }
  REQUIRE(log.unhandled().empty());  // addBoth's return recovered the failure
}

TEST_CASE("addBoth with a variadic generic lambda (cleanup) runs on a value and on a failure") {
  int cleanups = 0;
  twist::Deferred<int> ok;
  auto okTail = ok.addBoth([&](auto&&...) { ++cleanups; });
  REQUIRE(std::is_same_v<decltype(okTail), twist::Deferred<void>>);
  ok.callback(1);
  REQUIRE(cleanups == 1);
  twist::successResultOf(okTail);

  twist::Deferred<int> bad;
  auto badTail = bad.addBoth([&](auto&&...) { ++cleanups; });
  bad.errback(boom());
  REQUIRE(cleanups == 2);
  twist::successResultOf(badTail);  // recovered, as Twisted's addBoth(lambda _: None)
}

TEST_CASE("addBoth with a no-argument lambda runs on a value and on a failure, and what it returns recovers") {
  int runs = 0;
  twist::Deferred<int> ok;
  auto okTail = ok.addBoth([&] { ++runs; return 7; });
  ok.callback(1);
  REQUIRE(twist::successResultOf(okTail) == 7);

  twist::Deferred<int> bad;
  auto badTail = bad.addBoth([&] { ++runs; return 8; });
  bad.errback(boom());
  REQUIRE(twist::successResultOf(badTail) == 8);
  REQUIRE(runs == 2);
}

TEST_CASE("an errback may return a Deferred<T>: the chain waits for it") {
  twist::Deferred<int> d;
  twist::Deferred<int> retry;
  auto tail = d.addErrback([&](twist::Failure) { return retry; });
  d.errback(boom());
  twist::assertNoResult(tail);
  retry.callback(12);
  REQUIRE(twist::successResultOf(tail) == 12);
}

TEST_CASE("an exception not derived from std::exception becomes a Failure that says so") {
  twist::Deferred<int> d;
  auto tail = d.addCallback([](int) -> int { throw 42; });
  d.callback(0);
  twist::Failure f = twist::failureResultOf(tail);
  REQUIRE(f.check<int>());
  REQUIRE(f.typeName() == "int");
  REQUIRE_THAT(f.getErrorMessage(), Contains("int"));
  REQUIRE_THAT(f.getErrorMessage(), Contains("not derived from std::exception"));
}

// ---------------------------------------------------------------------------
// When callbacks run

TEST_CASE("adding a callback to an already-fired Deferred runs it at once") {
  twist::Deferred<int> d;
  d.callback(4);
  bool ran = false;
  auto tail = d.addCallback([&](int x) { ran = true; return x * 2; });
  REQUIRE(ran);
  REQUIRE(twist::successResultOf(tail) == 8);
}

TEST_CASE("a callback added from inside a running callback runs after the current one returns (test_nonReentrantCallbacks)") {
  twist::Deferred<int> d;
  std::vector<int> called;
  d.addCallback([&](int x) {
    called.push_back(1);
    d.addCallback([&](int y) { called.push_back(3); return y; });
    REQUIRE(called == std::vector<int>{1});  // not run re-entrantly
    return x;
  });
  d.addCallback([&](int x) { called.push_back(2); return x; });  // already in the chain: runs before 3
  d.callback(0);
  REQUIRE(called == std::vector<int>{1, 2, 3});
}

TEST_CASE("a callback added from inside a callback may change the chain's type") {
  twist::Deferred<int> d;
  twist::Deferred<std::string> later;
  d.addCallback([&](int x) {
    later = d.addCallback([](int y) { return "got " + std::to_string(y); });
    return x + 1;
  });
  d.callback(1);
  REQUIRE(twist::successResultOf(later) == "got 2");
}

TEST_CASE("a callback added from inside a callback to another, fired Deferred runs at once") {
  twist::Deferred<int> other = twist::succeed(10);
  twist::Deferred<int> d;
  std::vector<std::string> order;
  auto tail = d.addCallback([&](int x) {
    other.addCallback([&](int y) { order.push_back("other"); return y; });
    order.push_back("mine");
    return x;
  });
  d.callback(0);
  REQUIRE(order == std::vector<std::string>{"other", "mine"});
  REQUIRE(twist::successResultOf(other) == 10);
}

TEST_CASE("firing a Deferred from inside a callback resumes the chains waiting on it before callback() returns") {
  // Twisted's _runCallbacks keeps its own stack of chains per call, so
  // inner.callback() returns only after the outer chain waiting on inner has run.
  twist::Deferred<int> inner;
  twist::Deferred<int> outer;
  std::vector<std::string> seen;
  auto outerTail = outer.addCallback([&](int) { return inner; }).addCallback([&](int v) {
    seen.push_back("outer resumed with " + std::to_string(v));
    return v;
  });
  outer.callback(0);  // outer now waits on inner

  SECTION("from a top-level callback") {
    twist::Deferred<int> p;
    bool resumedInTime = false;
    auto pTail = p.addCallback([&](int v) {
      inner.callback(1);
      resumedInTime = !seen.empty();
      return v;
    });
    p.callback(0);
    REQUIRE(resumedInTime);
    twist::successResultOf(pTail);
  }
  SECTION("from a callback of a chain that was itself resumed after waiting") {
    twist::Deferred<int> p;
    twist::Deferred<int> q;
    bool resumedInTime = false;
    auto pTail = p.addCallback([&](int) { return q; }).addCallback([&](int v) {
      inner.callback(1);
      resumedInTime = !seen.empty();
      return v;
    });
    p.callback(0);  // p waits on q
    q.callback(5);  // p resumes; its callback fires inner
    REQUIRE(resumedInTime);
    REQUIRE(twist::successResultOf(pTail) == 5);
  }
  REQUIRE(seen == std::vector<std::string>{"outer resumed with 1"});
  REQUIRE(twist::successResultOf(outerTail) == 1);
}

// ---------------------------------------------------------------------------
// Firing

TEST_CASE("a second fire raises AlreadyCalledError, whichever way each was fired") {
  {
    twist::Deferred<int> d;
    d.callback(1);
    REQUIRE_THROWS_AS(d.callback(2), twist::AlreadyCalledError);
    REQUIRE_THROWS_AS(d.errback(boom()), twist::AlreadyCalledError);
    REQUIRE(twist::successResultOf(d) == 1);  // the first result stands
  }
  {
    twist::Deferred<int> d;
    d.errback(boom());
    REQUIRE_THROWS_AS(d.callback(2), twist::AlreadyCalledError);
    REQUIRE_THROWS_WITH(d.errback(boom()), Contains("already fired"));
    REQUIRE(twist::failureResultOf<std::runtime_error>(d).getErrorMessage() == "boom");
  }
  {
    twist::Deferred<void> v;
    v.callback();
    REQUIRE_THROWS_AS(v.callback(), twist::AlreadyCalledError);
  }
}

TEST_CASE("errback() with no current exception raises NoCurrentExceptionError and leaves the Deferred unfired") {
  twist::Deferred<int> d;
  REQUIRE_THROWS_AS(d.errback(), twist::NoCurrentExceptionError);
  REQUIRE_FALSE(d.called());
  d.callback(3);  // still fireable
  REQUIRE(twist::successResultOf(d) == 3);
}

TEST_CASE("errback() inside a catch block fails with the exception being handled") {
  twist::Deferred<int> d;
  try {
    throw std::out_of_range("index 7");
  } catch (...) {
    d.errback();
  }
  twist::Failure f = twist::failureResultOf<std::out_of_range>(d);
  REQUIRE(f.getErrorMessage() == "index 7");
}

TEST_CASE("errback accepts a Failure, an exception_ptr and an exception object") {
  twist::Deferred<int> a, b, c;
  a.errback(twist::Failure(std::runtime_error("a")));
  b.errback(std::make_exception_ptr(std::logic_error("b")));
  c.errback(std::range_error("c"));
  REQUIRE(twist::failureResultOf<std::runtime_error>(a).getErrorMessage() == "a");
  REQUIRE(twist::failureResultOf<std::logic_error>(b).getErrorMessage() == "b");
  REQUIRE(twist::failureResultOf<std::range_error>(c).getErrorMessage() == "c");
}

TEST_CASE("called() is false until the first fire") {
  twist::Deferred<int> d;
  REQUIRE_FALSE(d.called());
  d.callback(1);
  REQUIRE(d.called());
  twist::Deferred<int> moved = std::move(d);
  REQUIRE_FALSE(d.called());  // NOLINT: a moved-from handle refers to nothing
  REQUIRE(moved.called());
  REQUIRE_THROWS_WITH(d.callback(2), Contains("moved-from"));  // NOLINT
}

// ---------------------------------------------------------------------------
// Deferred<void>

TEST_CASE("Deferred<void>::addCallback: callbacks on a void chain take nothing") {
  twist::Deferred<void> v;
  std::vector<std::string> ran;
  auto n = v.addCallback([&] { ran.push_back("void->int"); return 3; });
  REQUIRE(std::is_same_v<decltype(n), twist::Deferred<int>>);
  auto back = n.addCallback([&](int x) { ran.push_back("int->void " + std::to_string(x)); });
  auto again = back.addCallback([&] { ran.push_back("void->void"); });
  REQUIRE(std::is_same_v<decltype(again), twist::Deferred<void>>);
  twist::Deferred<void> inner;
  auto waited = again.addCallback([&] { return inner; });
  REQUIRE(std::is_same_v<decltype(waited), twist::Deferred<void>>);
  v.callback();
  REQUIRE(ran == std::vector<std::string>{"void->int", "int->void 3", "void->void"});
  twist::assertNoResult(waited);
  inner.callback();
  twist::successResultOf(waited);
}

TEST_CASE("Deferred<void> throughout: callbacks take nothing, errbacks return nothing") {
  twist::Deferred<void> v;
  std::vector<std::string> ran;
  auto n = v.addCallback([&] { ran.push_back("void->int"); return 3; });
  REQUIRE(std::is_same_v<decltype(n), twist::Deferred<int>>);
  auto back = n.addCallback([&](int x) { ran.push_back("int->void " + std::to_string(x)); });
  REQUIRE(std::is_same_v<decltype(back), twist::Deferred<void>>);
  auto thrower = back.addCallback([&]() { ran.push_back("throw"); throw boom(); });
  auto recovered = thrower.addErrback([&](twist::Failure f) { ran.push_back("eb " + f.getErrorMessage()); });
  REQUIRE(std::is_same_v<decltype(recovered), twist::Deferred<void>>);
  auto both = recovered.addBoth([&](auto&&... args) { ran.push_back("both with " + std::to_string(sizeof...(args))); });
  auto pair = both.addCallbacks([&] { ran.push_back("pair cb"); }, [&](twist::Failure) { ran.push_back("pair eb"); });
  v.callback();
  REQUIRE(ran == std::vector<std::string>{"void->int", "int->void 3", "throw", "eb boom", "both with 0", "pair cb"});
  REQUIRE(pair.hasResult());
  twist::successResultOf(pair);
}

TEST_CASE("Deferred<void>: errback, pause, cancel and returning a Deferred<void> from a callback") {
  {
    twist::Deferred<void> v;
    v.errback(boom());
    REQUIRE(twist::failureResultOf<std::runtime_error>(v).getErrorMessage() == "boom");
  }
  {
    twist::Deferred<void> v;
    bool ran = false;
    auto tail = v.addCallback([&] { ran = true; });
    v.pause();
    v.callback();
    REQUIRE_FALSE(ran);
    v.unpause();
    REQUIRE(ran);
    twist::successResultOf(tail);
  }
  {
    twist::Deferred<void> v;
    v.cancel();
    twist::failureResultOf<twist::CancelledError>(v);
  }
  {
    twist::Clock clock;
    twist::Deferred<void> late;
    auto t = late.addTimeout(1, clock);
    clock.advance(1);
    twist::failureResultOf<twist::TimeoutError>(t);
    twist::Deferred<void> early;
    auto t2 = early.addTimeout(1, clock);
    early.callback();
    REQUIRE(clock.getDelayedCalls().empty());
    twist::successResultOf(t2);
  }
  {
    twist::Deferred<void> v;
    twist::Deferred<void> inner;
    auto waited = v.addCallback([&] { return inner; });
    auto tail = waited.addCallback([] { return 1; });
    v.callback();
    twist::assertNoResult(tail);
    inner.callback();
    REQUIRE(twist::successResultOf(tail) == 1);
  }
}

TEST_CASE("Deferred<void>::callback takes no value (it must not swallow one silently)") {
  // callback(V) deduces V from its argument, so Deferred<void>::callback(5)
  // compiles and drops the 5. Checked without compiling the misuse:
  REQUIRE_FALSE(CanCallbackWith<twist::Deferred<void>, int>);
  REQUIRE_FALSE(CanCallbackWith<twist::Deferred<void>, twist::Deferred<int>>);
  REQUIRE(CanCallbackWith<twist::Deferred<int>, int>);
}

TEST_CASE("callback(v) takes a T: it does not call T's explicit constructors behind the caller's back") {
  // callback deduces V and constructs T(v) inside, so explicit conversions
  // happen that a plain callback(T) would refuse: a raw pointer silently
  // adopted by a unique_ptr, an int taken as a vector's size.
  REQUIRE_FALSE(CanCallbackWith<twist::Deferred<std::unique_ptr<int>>, int*>);
  REQUIRE_FALSE(CanCallbackWith<twist::Deferred<std::vector<int>>, int>);
  REQUIRE(CanCallbackWith<twist::Deferred<std::unique_ptr<int>>, std::unique_ptr<int>>);
  REQUIRE(CanCallbackWith<twist::Deferred<std::string>, const char*>);  // implicit conversions stay fine
}

// ---------------------------------------------------------------------------
// A callback returning a Deferred

TEST_CASE("a callback returning an unfired Deferred pauses the chain, which resumes with its value") {
  twist::Deferred<int> d;
  twist::Deferred<std::string> inner;
  bool afterRan = false;
  auto tail = d.addCallback([&](int) { return inner; }).addCallback([&](std::string s) {
    afterRan = true;
    return s + "!";
  });
  REQUIRE(std::is_same_v<decltype(tail), twist::Deferred<std::string>>);
  d.callback(1);
  REQUIRE_FALSE(afterRan);
  twist::assertNoResult(tail);
  inner.callback("inner");
  REQUIRE(afterRan);
  REQUIRE(twist::successResultOf(tail) == "inner!");
}

TEST_CASE("a callback returning an unfired Deferred resumes with its failure") {
  twist::Deferred<int> d;
  twist::Deferred<int> inner;
  bool callbackRan = false;
  auto tail = d.addCallback([&](int) { return inner; }).addCallback([&](int x) {
    callbackRan = true;
    return x;
  });
  d.callback(1);
  inner.errback(std::domain_error("inner failed"));
  REQUIRE_FALSE(callbackRan);
  REQUIRE(twist::failureResultOf<std::domain_error>(tail).getErrorMessage() == "inner failed");
}

TEST_CASE("a callback returning an already-fired Deferred takes its result synchronously, leaving it empty") {
  twist::Deferred<int> d;
  twist::Deferred<int> inner = twist::succeed(5);
  auto tail = d.addCallback([&](int) { return inner; }).addCallback([](int x) { return x * 3; });
  d.callback(0);
  REQUIRE(twist::successResultOf(tail) == 15);
  // inner's result moved on (Twisted leaves None): adding to it fails loudly.
  REQUIRE_THROWS_AS(inner.addCallback([](int x) { return x; }), std::logic_error);
  REQUIRE_THROWS_WITH(inner.addCallback([](int x) { return x; }), Contains("waited on it"));
}

TEST_CASE("a callback returning an already-failed Deferred takes its failure synchronously, logged once") {
  CapturedLog log;
  {
    twist::Deferred<int> inner = twist::fail<int>(std::runtime_error("inner"));
    twist::Deferred<int> d;
    auto tail = d.addCallback([&](int) { return inner; });
    d.callback(0);
    REQUIRE(tail.hasFailure());
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);  // by the outer chain; inner's failure moved into it
  REQUIRE(unhandled[0].failure->getErrorMessage() == "inner");
}

TEST_CASE("a callback returning a paused Deferred with a result waits until it is unpaused") {
  twist::Deferred<int> d;
  twist::Deferred<int> inner;
  inner.pause();
  inner.callback(9);
  auto tail = d.addCallback([&](int) { return inner; });
  d.callback(0);
  twist::assertNoResult(tail);
  inner.unpause();
  REQUIRE(twist::successResultOf(tail) == 9);
}

TEST_CASE("the inner Deferred's own callbacks run before the outer chain resumes with their result") {
  twist::Deferred<int> d;
  twist::Deferred<int> inner;
  auto innerTail = inner.addCallback([](int x) { return x + 100; });
  auto tail = d.addCallback([&](int) { return innerTail; });
  d.callback(0);
  inner.callback(1);
  REQUIRE(twist::successResultOf(tail) == 101);
}

TEST_CASE("a callback returning the Deferred it was added to fails the chain instead of hanging") {
  twist::Deferred<int> d;
  twist::Deferred<int> self = d;
  auto tail = d.addCallback([&](int) { return self; });
  d.callback(0);
  REQUIRE_THAT(twist::failureResultOf<std::logic_error>(tail).getErrorMessage(), Contains("wait on itself"));
}

TEST_CASE("two Deferreds whose callbacks return each other fail instead of waiting forever, and cancel() ends") {
  // a waits on b, then b's callback returns a: a cycle. It made cancel() walk
  // round forever (issue 10, 1.6) and leaked both chains. Now b's callback
  // fails, and the failure reaches a, which was waiting on b.
  for (int through = 0; through <= 1; ++through) {
    INFO((through ? "a waits on c, which waits on b" : "a waits on b directly"));
    twist::Deferred<int> a, b, c;
    twist::Deferred<int> aTail = a.addCallback([&](int) { return through ? c : b; });
    c.addCallback([&](int) { return b; });
    b.addCallback([&](int) { return a; });
    a.callback(1);               // a waits on b (or on c)
    if (through) c.callback(2);  // c waits on b
    b.callback(3);               // b's callback returns a: refused
    aTail.cancel();              // returns: nothing is waiting any more
    REQUIRE(aTail.hasFailure());
    REQUIRE_THAT(twist::failureResultOf<std::logic_error>(aTail).getErrorMessage(),
                 Contains(through ? "waiting, through 1 other(s), on the Deferred this callback belongs to"
                                  : "the two would wait for each other forever"));
  }
}

TEST_CASE("a callback returning a stale handle (its chain moved on to another type) fails loudly") {
  // inner's chain now carries a std::string; the handle returned is still a
  // Deferred<int>. The outer chain must not read a std::string as an int.
  twist::Deferred<int> d;
  twist::Deferred<int> inner;
  auto innerString = inner.addCallback([](int x) { return std::string(100, static_cast<char>('a' + x)); });
  auto tail = d.addCallback([&](int) { return inner; });  // Deferred<int>, stale
  SECTION("inner fired before") {
    inner.callback(1);
    d.callback(0);
  }
  SECTION("inner fired after") {
    d.callback(0);
    inner.callback(1);
  }
  twist::Failure f = twist::failureResultOf<std::logic_error>(tail);
  REQUIRE_THAT(f.getErrorMessage(), Contains("Deferred<int>"));
  REQUIRE_THAT(f.getErrorMessage(), Contains("Deferred<std::string>"));
}

TEST_CASE("a callback returning a Deferred whose result was already taken fails loudly") {
  twist::Deferred<int> inner = twist::succeed(1);
  REQUIRE(twist::successResultOf(inner) == 1);
  twist::Deferred<int> d;
  auto tail = d.addCallback([&](int) { return inner; }).addCallback([](int x) { return x + 1; });
  d.callback(0);
  REQUIRE_THAT(twist::failureResultOf<std::logic_error>(tail).getErrorMessage(), Contains("successResultOf"));
}

// ---------------------------------------------------------------------------
// pause / unpause

TEST_CASE("pause and unpause keep a counter: callbacks run only when it is back to 0") {
  twist::Deferred<int> d;
  int runs = 0;
  auto tail = d.addCallback([&](int x) { ++runs; return x; });
  d.pause();
  d.pause();
  REQUIRE(d.paused());
  d.callback(1);
  REQUIRE(runs == 0);
  twist::assertNoResult(tail);
  d.unpause();
  REQUIRE(runs == 0);
  d.unpause();
  REQUIRE(runs == 1);
  REQUIRE_FALSE(d.paused());
  REQUIRE(twist::successResultOf(tail) == 1);
}

TEST_CASE("pausing from inside a callback stops the chain after it, unpausing resumes it") {
  twist::Deferred<int> d;
  std::vector<int> seen;
  auto tail = d.addCallback([&](int x) {
                 d.pause();
                 seen.push_back(1);
                 return x + 1;
               })
                  .addCallback([&](int x) {
                    seen.push_back(2);
                    return x + 1;
                  });
  d.callback(0);
  REQUIRE(seen == std::vector<int>{1});
  twist::assertNoResult(tail);
  d.unpause();
  REQUIRE(seen == std::vector<int>{1, 2});
  REQUIRE(twist::successResultOf(tail) == 2);
}

TEST_CASE("pause before firing, add callbacks, fire: nothing runs until unpause") {
  twist::Deferred<int> d;
  d.pause();
  int runs = 0;
  d.callback(1);
  auto tail = d.addCallback([&](int x) { ++runs; return x; });
  REQUIRE(runs == 0);
  d.unpause();
  REQUIRE(runs == 1);
  REQUIRE(twist::successResultOf(tail) == 1);
}

TEST_CASE("unpause without a pause fails loudly") {
  twist::Deferred<int> d;
  REQUIRE_THROWS_AS(d.unpause(), std::logic_error);
}

// ---------------------------------------------------------------------------
// cancel

TEST_CASE("cancel without a canceller: CancelledError, the producer's next fire is swallowed, the one after raises") {
  SECTION("callback") {
    twist::Deferred<int> d;
    d.cancel();
    REQUIRE(d.called());
    REQUIRE_NOTHROW(d.callback(1));  // swallowed
    REQUIRE_THROWS_AS(d.callback(2), twist::AlreadyCalledError);
    twist::failureResultOf<twist::CancelledError>(d);
  }
  SECTION("errback") {
    twist::Deferred<int> d;
    d.cancel();
    REQUIRE_NOTHROW(d.errback(boom()));  // swallowed
    REQUIRE_THROWS_AS(d.errback(boom()), twist::AlreadyCalledError);
    twist::Failure f = twist::failureResultOf<twist::CancelledError>(d);
    REQUIRE_THAT(f.getErrorMessage(), Contains("cancelled"));
  }
}

TEST_CASE("cancel runs the canceller with the Deferred, and the canceller's own fire wins") {
  SECTION("the canceller calls back") {
    int cancellerCalls = 0;
    twist::Deferred<int> d([&](twist::Deferred<int>& self) {
      ++cancellerCalls;
      self.callback(77);
    });
    auto tail = d.addCallback([](int x) { return x + 1; });
    d.cancel();
    REQUIRE(cancellerCalls == 1);
    REQUIRE(twist::successResultOf(tail) == 78);
    REQUIRE_THROWS_AS(d.callback(1), twist::AlreadyCalledError);  // no swallowing here
  }
  SECTION("the canceller errs back with its own error") {
    twist::Deferred<int> d([](twist::Deferred<int>& self) { self.errback(std::runtime_error("gave up")); });
    d.cancel();
    REQUIRE(twist::failureResultOf<std::runtime_error>(d).getErrorMessage() == "gave up");
  }
}

TEST_CASE("a canceller that does not fire: CancelledError, and any later fire raises AlreadyCalledError") {
  int cancellerCalls = 0;
  twist::Deferred<int> d([&](twist::Deferred<int>&) { ++cancellerCalls; });
  d.cancel();
  REQUIRE(cancellerCalls == 1);
  REQUIRE_THROWS_AS(d.callback(1), twist::AlreadyCalledError);
  REQUIRE_THROWS_AS(d.errback(boom()), twist::AlreadyCalledError);
  twist::failureResultOf<twist::CancelledError>(d);
}

TEST_CASE("the canceller may drop the last handle to the Deferred it cancels") {
  std::unique_ptr<twist::Deferred<int>> holder;
  holder = std::make_unique<twist::Deferred<int>>([&](twist::Deferred<int>&) { holder.reset(); });
  bool sawCancelled = false;
  holder->addErrback([&](twist::Failure f) {
    sawCancelled = f.check<twist::CancelledError>();
    return 0;
  });
  REQUIRE_NOTHROW(holder->cancel());
  REQUIRE(holder == nullptr);
  REQUIRE(sawCancelled);
}

TEST_CASE("cancel after firing is forwarded to the inner Deferred being waited on") {
  int innerCancels = 0;
  twist::Deferred<int> inner([&](twist::Deferred<int>&) { ++innerCancels; });
  twist::Deferred<int> d;
  auto tail = d.addCallback([&](int) { return inner; });
  d.callback(0);
  REQUIRE(d.called());
  d.cancel();
  REQUIRE(innerCancels == 1);
  twist::failureResultOf<twist::CancelledError>(tail);
  REQUIRE_THROWS_AS(inner.callback(1), twist::AlreadyCalledError);
}

TEST_CASE("cancel after firing forwards to the inner, whose canceller may deliver a value") {
  twist::Deferred<int> inner([](twist::Deferred<int>& self) { self.callback(-1); });
  twist::Deferred<int> d;
  auto tail = d.addCallback([&](int) { return inner; }).addCallback([](int x) { return x * 2; });
  d.callback(0);
  d.cancel();
  REQUIRE(twist::successResultOf(tail) == -2);
}

TEST_CASE("cancel after firing, not waiting on anything, is a no-op, and repeated cancels are harmless") {
  int cancellerCalls = 0;
  twist::Deferred<int> d([&](twist::Deferred<int>&) { ++cancellerCalls; });
  d.callback(5);
  d.cancel();
  d.cancel();
  REQUIRE(cancellerCalls == 0);
  REQUIRE(twist::successResultOf(d) == 5);

  twist::Deferred<int> e([&](twist::Deferred<int>&) { ++cancellerCalls; });
  e.cancel();
  REQUIRE_NOTHROW(e.cancel());
  REQUIRE_NOTHROW(e.cancel());
  REQUIRE(cancellerCalls == 1);
  twist::failureResultOf<twist::CancelledError>(e);

  twist::Deferred<int> f;  // no canceller: repeated cancels do not re-arm the swallowing
  f.cancel();
  f.cancel();
  REQUIRE_NOTHROW(f.callback(1));
  REQUIRE_THROWS_AS(f.callback(1), twist::AlreadyCalledError);
  twist::failureResultOf<twist::CancelledError>(f);
}

TEST_CASE("a canceller that throws lets the exception out of cancel() and the chain is still freed") {
  CapturedLog log;
  {
    twist::Deferred<int> d([](twist::Deferred<int>&) { throw std::runtime_error("canceller broke"); });
    REQUIRE_THROWS_WITH(d.cancel(), Contains("canceller broke"));
    d.errback(boom());
  }
  // The chain was freed (its failure reported), not leaked by cancel().
  REQUIRE(log.unhandled().size() == 1);
}

// ---------------------------------------------------------------------------
// addTimeout (twist::Clock)

TEST_CASE("addTimeout: TimeoutError after the timeout, not before, and the canceller runs") {
  twist::Clock clock;
  int cancels = 0;
  twist::Deferred<int> d([&](twist::Deferred<int>&) { ++cancels; });
  auto t = d.addTimeout(5, clock);
  REQUIRE(std::is_same_v<decltype(t), twist::Deferred<int>>);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  clock.advance(4.9);
  twist::assertNoResult(t);
  clock.advance(0.1);
  REQUIRE(cancels == 1);
  twist::Failure f = twist::failureResultOf<twist::TimeoutError>(t);
  REQUIRE_THAT(f.getErrorMessage(), Contains("TimeoutError"));
  REQUIRE_THAT(f.getErrorMessage(), Contains("within 5 seconds"));
  REQUIRE_THAT(f.getErrorMessage(), Contains("5"));
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("addTimeout: a Deferred fired in time keeps its value and the timer is cancelled") {
  twist::Clock clock;
  twist::Deferred<int> d;
  auto t = d.addTimeout(5, clock).addCallback([](int x) { return x + 1; });
  clock.advance(3);
  d.callback(1);
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(twist::successResultOf(t) == 2);
  clock.advance(10);  // nothing due any more
}

TEST_CASE("addTimeout: a failure in time is not turned into a TimeoutError, and the timer is cancelled") {
  twist::Clock clock;
  twist::Deferred<int> d;
  auto t = d.addTimeout(5, clock);
  d.errback(boom());
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(twist::failureResultOf<std::runtime_error>(t).getErrorMessage() == "boom");
}

TEST_CASE("addTimeout on an already-fired Deferred cancels its timer at once") {
  twist::Clock clock;
  twist::Deferred<int> d = twist::succeed(3);
  auto t = d.addTimeout(5, clock);
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(twist::successResultOf(t) == 3);
}

TEST_CASE("addTimeout converts only its own cancellation, and only a CancelledError") {
  SECTION("cancelled by the user before the timeout: CancelledError stays") {
    twist::Clock clock;
    twist::Deferred<int> d;
    auto t = d.addTimeout(5, clock);
    d.cancel();
    twist::failureResultOf<twist::CancelledError>(t);
    REQUIRE(clock.getDelayedCalls().empty());
  }
  SECTION("a canceller that fails with its own error on timeout keeps that error") {
    twist::Clock clock;
    twist::Deferred<int> d([](twist::Deferred<int>& self) { self.errback(std::runtime_error("custom")); });
    auto t = d.addTimeout(1, clock);
    clock.advance(1);
    REQUIRE(twist::failureResultOf<std::runtime_error>(t).getErrorMessage() == "custom");
  }
  SECTION("a canceller that delivers a value on timeout keeps that value") {
    twist::Clock clock;
    twist::Deferred<int> d([](twist::Deferred<int>& self) { self.callback(0); });
    auto t = d.addTimeout(1, clock);
    clock.advance(1);
    REQUIRE(twist::successResultOf(t) == 0);
  }
}

TEST_CASE("addTimeout: the producer's late fire after a timeout is swallowed once") {
  twist::Clock clock;
  twist::Deferred<int> d;
  auto t = d.addTimeout(2, clock);
  clock.advance(2);
  REQUIRE_NOTHROW(d.callback(1));
  REQUIRE_THROWS_AS(d.callback(1), twist::AlreadyCalledError);
  twist::failureResultOf<twist::TimeoutError>(t);
}

TEST_CASE("addTimeout while waiting on an inner Deferred cancels the inner and times out") {
  twist::Clock clock;
  int innerCancels = 0;
  twist::Deferred<int> inner([&](twist::Deferred<int>&) { ++innerCancels; });
  twist::Deferred<int> d;
  auto t = d.addCallback([&](int) { return inner; }).addTimeout(3, clock);
  d.callback(0);
  clock.advance(3);
  REQUIRE(innerCancels == 1);
  twist::failureResultOf<twist::TimeoutError>(t);
}

TEST_CASE("addTimeout: a timed-out Deferred nobody holds is reported as unhandled when the timer lets it go") {
  CapturedLog log;
  twist::Clock clock;
  {
    twist::Deferred<int> d;
    d.addTimeout(1, clock);
  }
  REQUIRE(log.unhandled().empty());
  clock.advance(1);
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  REQUIRE(unhandled[0].failure->check<twist::TimeoutError>());
}

// ---------------------------------------------------------------------------
// Unhandled errors

TEST_CASE("dropping the last handle of a failed chain logs 'Unhandled error in Deferred:' at critical level") {
  CapturedLog log;
  {
    twist::Deferred<int> d;
    auto tail = d.addCallback([](int) -> int { throw std::runtime_error("nobody caught me"); });
    d.callback(1);
    REQUIRE(log.unhandled().empty());
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1);
  const twist::LogEvent& e = unhandled[0];
  REQUIRE(e.level == twist::LogLevel::critical);
  REQUIRE(e.format == "Unhandled error in Deferred:");
  REQUIRE(e.failure.has_value());
  REQUIRE(e.failure->check<std::runtime_error>());
  REQUIRE(e.failure->getErrorMessage() == "nobody caught me");
  REQUIRE_THAT(e.text(), Contains("Unhandled error in Deferred:"));
  REQUIRE_THAT(e.text(), Contains("nobody caught me"));
}

TEST_CASE("keeping a handle hides the unhandled error, until the handle goes") {
  CapturedLog log;
  auto kept = std::make_unique<twist::Deferred<void>>();
  {
    twist::Deferred<void> d = *kept;
    d.errback(boom());
  }
  REQUIRE(log.unhandled().empty());
  kept.reset();
  REQUIRE(log.unhandled().size() == 1);
}

TEST_CASE("a handled failure is not logged, nor an unfired or succeeded chain") {
  CapturedLog log;
  {
    twist::Deferred<int> d;
    d.addErrback([](twist::Failure) { return 0; });
    d.errback(boom());
    twist::Deferred<int> unfired;
    twist::Deferred<int> ok = twist::succeed(1);
    twist::Deferred<int> consumed = twist::fail<int>(boom());
    twist::failureResultOf(consumed);
  }
  REQUIRE(log.unhandled().empty());
}

TEST_CASE("an unhandled failure is reported once per chain, also for chains recycled many times") {
  CapturedLog log;
  for (int i = 0; i < 1000; ++i) {
    twist::Deferred<int> d;
    d.errback(std::runtime_error("n" + std::to_string(i)));
    twist::Deferred<int> ok = twist::succeed(i);
  }
  auto unhandled = log.unhandled();
  REQUIRE(unhandled.size() == 1000);
  REQUIRE(unhandled[999].failure->getErrorMessage() == "n999");
}

// ---------------------------------------------------------------------------
// succeed / fail / maybeDeferred

TEST_CASE("succeed and fail return already-fired Deferreds") {
  auto s = twist::succeed(5);
  REQUIRE(std::is_same_v<decltype(s), twist::Deferred<int>>);
  REQUIRE(s.called());
  REQUIRE(twist::successResultOf(s) == 5);

  auto str = twist::succeed(std::string("x"));
  REQUIRE(twist::successResultOf(str) == "x");

  twist::Deferred<void> v = twist::succeed();
  REQUIRE(v.called());
  twist::successResultOf(v);

  auto f = twist::fail<int>(std::invalid_argument("bad"));
  REQUIRE(std::is_same_v<decltype(f), twist::Deferred<int>>);
  REQUIRE(twist::failureResultOf<std::invalid_argument>(f).getErrorMessage() == "bad");

  auto ff = twist::fail<std::string>(twist::Failure(std::runtime_error("wrapped")));
  REQUIRE(twist::failureResultOf<std::runtime_error>(ff).getErrorMessage() == "wrapped");

  twist::Deferred<void> fv = twist::fail(boom());
  REQUIRE(twist::failureResultOf<std::runtime_error>(fv).getErrorMessage() == "boom");
}

TEST_CASE("maybeDeferred: a value, nothing, or a throw becomes an already-fired Deferred") {
  auto v = twist::maybeDeferred([] { return 3; });
  REQUIRE(std::is_same_v<decltype(v), twist::Deferred<int>>);
  REQUIRE(twist::successResultOf(v) == 3);

  int calls = 0;
  auto n = twist::maybeDeferred([&] { ++calls; });
  REQUIRE(std::is_same_v<decltype(n), twist::Deferred<void>>);
  REQUIRE(calls == 1);
  twist::successResultOf(n);

  auto t = twist::maybeDeferred([]() -> int { throw std::out_of_range("thrown"); });
  REQUIRE(twist::failureResultOf<std::out_of_range>(t).getErrorMessage() == "thrown");

  auto t42 = twist::maybeDeferred([]() -> std::string { throw 42; });
  REQUIRE_THAT(twist::failureResultOf<int>(t42).getErrorMessage(), Contains("not derived from std::exception"));
}

TEST_CASE("maybeDeferred returns f's own Deferred: the same chain") {
  twist::Deferred<int> own;
  auto m = twist::maybeDeferred([&] { return own; });
  REQUIRE(std::is_same_v<decltype(m), twist::Deferred<int>>);
  REQUIRE(twist::chainOf(m) == twist::chainOf(own));
  twist::assertNoResult(m);
  own.callback(8);
  REQUIRE(twist::successResultOf(m) == 8);

  auto failed = twist::maybeDeferred([] { return twist::fail<int>(boom()); });
  REQUIRE(twist::failureResultOf<std::runtime_error>(failed).getErrorMessage() == "boom");
}

// ---------------------------------------------------------------------------
// Typed misuse fails loudly, naming both types

TEST_CASE("adding through a stale handle whose type the chain moved past names both types") {
  twist::Deferred<int> d;
  auto s = d.addCallback([](int x) { return std::to_string(x); });
  REQUIRE_THROWS_AS(d.addCallback([](int x) { return x; }), std::logic_error);
  std::string message = messageOf([&] { d.addCallback([](int x) { return x; }); });
  REQUIRE_THAT(message, Contains("Deferred<int>"));
  REQUIRE_THAT(message, Contains("Deferred<std::string>"));
  REQUIRE_THAT(message, Contains("addCallback"));
  REQUIRE_THROWS_WITH(d.addErrback([](twist::Failure) { return 0; }), Contains("Deferred<std::string>"));
  REQUIRE_THROWS_WITH(d.addBoth([] { return 0; }), Contains("Deferred<std::string>"));
  twist::Clock clock;
  REQUIRE_THROWS_WITH(d.addTimeout(1, clock), Contains("Deferred<std::string>"));
  REQUIRE(clock.getDelayedCalls().empty());  // the failed addTimeout left no timer behind
  // The chain is intact: the right handle still works.
  d.callback(5);
  REQUIRE(twist::successResultOf(s) == "5");
}

TEST_CASE("firing a handle of the wrong head type names both types") {
  twist::Deferred<int> d;
  auto s = d.addCallback([](int x) { return std::to_string(x); });
  REQUIRE_THROWS_AS(s.callback("x"), std::logic_error);
  std::string message = messageOf([&] { s.callback("x"); });
  REQUIRE_THAT(message, Contains("Deferred<std::string>"));
  REQUIRE_THAT(message, Contains("Deferred<int>"));
  REQUIRE_FALSE(d.called());  // the failed fire did not count
  d.callback(1);
  REQUIRE(twist::successResultOf(s) == "1");
}

TEST_CASE("adding after successResultOf took the result fails loudly, naming who took it") {
  twist::Deferred<int> d = twist::succeed(1);
  REQUIRE(twist::successResultOf(d) == 1);
  REQUIRE_THROWS_AS(d.addCallback([](int x) { return x; }), std::logic_error);
  std::string message = messageOf([&] { d.addCallback([](int x) { return x; }); });
  REQUIRE_THAT(message, Contains("Deferred<int>"));
  REQUIRE_THAT(message, Contains("successResultOf"));
}

// ---------------------------------------------------------------------------
// Values: move-only, large

TEST_CASE("move-only values (std::unique_ptr<int>) travel through a chain") {
  twist::Deferred<std::unique_ptr<int>> d;
  auto tail = d.addCallback([](std::unique_ptr<int> p) {
                 *p += 1;
                 return p;
               })
                  .addErrback([](twist::Failure) { return std::make_unique<int>(-1); })
                  .addCallback([](std::unique_ptr<int>&& p) { return std::move(p); });
  d.callback(std::make_unique<int>(41));
  std::unique_ptr<int> out = twist::successResultOf(tail);
  REQUIRE(out);
  REQUIRE(*out == 42);

  auto s = twist::succeed(std::make_unique<int>(7));
  REQUIRE(*twist::successResultOf(s) == 7);
  // An unconsumed move-only value is destroyed with its chain (ASan checks the leak).
  twist::Deferred<std::unique_ptr<int>> dropped = twist::succeed(std::make_unique<int>(1));
}

namespace {
struct Big {
  std::array<std::uint8_t, 200> bytes{};
};
static_assert(sizeof(Big) == 200);
Big bigFilled(std::uint8_t seed) {
  Big b;
  for (std::size_t i = 0; i < b.bytes.size(); ++i) b.bytes[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}
}  // namespace

TEST_CASE("a large value (a 200-byte struct) travels through a chain intact") {
  twist::Deferred<Big> d;
  auto tail = d.addCallback([](Big b) {
                 for (auto& byte : b.bytes) byte = static_cast<std::uint8_t>(byte + 1);
                 return b;
               })
                  .addCallback([](Big b) { return b; });
  d.callback(bigFilled(10));
  Big out = twist::successResultOf(tail);
  REQUIRE(out.bytes == bigFilled(11).bytes);

  twist::Deferred<Big> inner;
  twist::Deferred<int> outer;
  auto chained = outer.addCallback([&](int) { return inner; }).addCallback([](Big b) { return static_cast<int>(b.bytes[199]); });
  outer.callback(0);
  inner.callback(bigFilled(0));
  REQUIRE(twist::successResultOf(chained) == 199);

  twist::Deferred<Big> dropped = twist::succeed(bigFilled(3));  // freed with its chain
}

TEST_CASE("values are destroyed exactly once, whether taken, replaced or dropped") {
  static int alive = 0;
  struct Counted {
    std::string payload = std::string(64, 'x');  // large enough to live outside the inline slot
    Counted() { ++alive; }
    Counted(const Counted& o) : payload(o.payload) { ++alive; }
    Counted(Counted&& o) noexcept : payload(std::move(o.payload)) { ++alive; }
    ~Counted() { --alive; }
  };
  alive = 0;
  {
    twist::Deferred<Counted> d;
    auto tail = d.addCallback([](Counted c) { return c; }).addCallback([](Counted) { return 1; });
    d.callback(Counted{});
    REQUIRE(twist::successResultOf(tail) == 1);
    twist::Deferred<Counted> dropped = twist::succeed(Counted{});
    twist::Deferred<Counted> failed;
    failed.addCallback([](Counted) -> Counted { throw boom(); }).addErrback([](twist::Failure) { return Counted{}; });
    failed.callback(Counted{});
  }
  REQUIRE(alive == 0);
}

// ---------------------------------------------------------------------------
// Depth: no recursion proportional to the chain

constexpr int kDepth = 100000;

TEST_CASE("100,000 callbacks on one chain run without deep recursion, added before and after the fire") {
  auto run = [] {
    twist::Deferred<int> before;
    for (int i = 0; i < kDepth; ++i) before.addCallback([](int x) { return x + 1; });
    before.callback(0);
    twist::Deferred<int> after = twist::succeed(0);
    for (int i = 0; i < kDepth; ++i) after.addCallback([](int x) { return x + 1; });
    twist::Deferred<int> failing;
    for (int i = 0; i < kDepth; ++i) failing.addCallback([](int x) { return x + 1; });
    failing.errback(boom());
    return twist::successResultOf(before) == kDepth && twist::successResultOf(after) == kDepth &&
           twist::failureResultOf<std::runtime_error>(failing).getErrorMessage() == "boom";
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());  // again in this process, for the sanitizers' leak check
}

namespace {
// ds[i]'s callback returns ds[i + 1]; each chain then adds 1. The outermost
// chain's result is the innermost's value plus kDepth.
struct Nested {
  std::vector<twist::Deferred<int>> ds = std::vector<twist::Deferred<int>>(kDepth + 1);
  twist::Deferred<int> outermost;
  Nested() {
    for (int i = 0; i < kDepth; ++i) {
      auto tail = ds[i].addCallback([this, i](int) { return ds[i + 1]; }).addCallback([](int x) { return x + 1; });
      if (i == 0) outermost = tail;
    }
  }
};
}  // namespace

TEST_CASE("a chain of 100,000 nested Deferreds fired outermost first runs without deep recursion") {
  auto run = [] {
    Nested n;
    for (int i = 0; i < kDepth; ++i) n.ds[i].callback(0);  // each now waits on the next
    if (n.outermost.hasResult()) return false;
    n.ds[kDepth].callback(7);
    return twist::successResultOf(n.outermost) == 7 + kDepth;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("a chain of 100,000 nested Deferreds fired innermost first runs without deep recursion") {
  auto run = [] {
    Nested n;
    n.ds[kDepth].callback(7);
    for (int i = kDepth - 1; i >= 0; --i) n.ds[i].callback(0);  // each takes the next's result at once
    return twist::successResultOf(n.outermost) == 7 + kDepth;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("a chain of 100,000 nested Deferreds failing at the innermost runs without deep recursion") {
  auto run = [] {
    Nested n;
    for (int i = 0; i < kDepth; ++i) n.ds[i].callback(0);
    n.ds[kDepth].errback(boom());
    return twist::failureResultOf<std::runtime_error>(n.outermost).getErrorMessage() == "boom";
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("a chain of 100,000 nested Deferreds abandoned unfired is destroyed without deep recursion") {
  auto run = [] {
    {
      Nested n;
      for (int i = 0; i < kDepth; ++i) n.ds[i].callback(0);
      // n goes with ds[kDepth] never fired: every waiting chain is released.
    }
    return true;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("cancelling the outermost of 100,000 nested waiting Deferreds runs without deep recursion") {
  auto run = [] {
    Nested n;
    for (int i = 0; i < kDepth; ++i) n.ds[i].callback(0);
    n.outermost.cancel();  // forwarded down to ds[kDepth], which fails with CancelledError
    return twist::failureResultOf(n.outermost).check<twist::CancelledError>();
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}
