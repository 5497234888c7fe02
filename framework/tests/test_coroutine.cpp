// co_await on a Deferred, and coroutines that return one (coroutine.hpp): the
// C++ form of inlineCallbacks (TWISTED-REFERENCE.md §1, "@inlineCallbacks").
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
using twist_test::runInChild;

namespace {

// Sets *flag when the coroutine frame holding it is destroyed.
struct SetOnDestroy {
  bool* flag;
  ~SetOnDestroy() { *flag = true; }
};

// ---- coroutines under test (free functions: a coroutine lambda's captures
// would dangle once the lambda object is gone) ----

twist::Deferred<int> plusOne(twist::Deferred<int>* source) {
  int x = co_await *source;
  co_return x + 1;
}

twist::Deferred<std::string> catching(twist::Deferred<int>* source) {
  try {
    int x = co_await *source;
    co_return "value " + std::to_string(x);
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
}

twist::Deferred<int> throwsAfter(twist::Deferred<int>* source) {
  int x = co_await *source;
  if (x > 0) throw std::invalid_argument("positive: " + std::to_string(x));
  co_return x;
}

twist::Deferred<int> throwsAtOnce() {
  throw std::logic_error("before any co_await");
  co_return 0;
}

twist::Deferred<void> voidCoroutine(twist::Deferred<void>* source, std::vector<std::string>* log) {
  log->push_back("start");
  co_await *source;
  log->push_back("after void");
  co_return;
}

twist::Deferred<int> sumAll(std::vector<twist::Deferred<int>>* sources, std::vector<int>* seen) {
  int total = 0;
  for (auto& d : *sources) {
    int v = co_await d;
    seen->push_back(v);
    total += v;
  }
  co_return total;
}

// Awaits *source; catches CancelledError and recovers with `recoverWith`.
twist::Deferred<int> recovering(twist::Deferred<int>* source, int recoverWith, bool* sawCancelled) {
  try {
    co_return co_await *source;
  } catch (const twist::CancelledError&) {
    *sawCancelled = true;
  }
  co_return recoverWith;
}

// Awaits first; on CancelledError goes on to await second.
twist::Deferred<int> cancelThenAwaitAgain(twist::Deferred<int>* first, twist::Deferred<int>* second, bool* reachedEnd) {
  int result = 0;
  bool cancelled = false;
  try {
    result = co_await *first;
  } catch (const twist::CancelledError&) {
    cancelled = true;  // (co_await is not allowed inside a handler)
  }
  if (cancelled) result = co_await *second;
  *reachedEnd = true;
  co_return result;
}

twist::Deferred<int> guardedAwait(twist::Deferred<int>* source, bool* destroyed, bool* resumed) {
  SetOnDestroy guard{destroyed};
  int x = co_await *source;  // the handle is copied into the awaiter and dropped on suspension
  *resumed = true;
  co_return x;
}

twist::Deferred<int> guardedAwaitLocal(twist::Deferred<int>* source, bool* destroyed) {
  SetOnDestroy guard{destroyed};
  twist::Deferred<int> local = *source;  // the frame keeps a handle on what it awaits
  co_return co_await local;
}

twist::Deferred<int> awaitTwice(twist::Deferred<int>* source, std::string* secondError) {
  int x = co_await *source;
  try {
    co_await *source;
  } catch (const std::logic_error& e) {
    *secondError = e.what();
  }
  co_return x;
}

twist::Deferred<std::unique_ptr<int>> moveOnly(twist::Deferred<std::unique_ptr<int>>* source) {
  std::unique_ptr<int> p = co_await *source;
  *p *= 2;
  co_return p;
}

twist::Deferred<int> awaitStale(twist::Deferred<int>* stale, std::string* error) {
  try {
    co_await *stale;
  } catch (const std::logic_error& e) {
    *error = e.what();
  }
  co_return -1;
}

twist::Deferred<int> doubled(int x) {
  co_return 2 * co_await twist::succeed(x);
}

twist::Deferred<int> doubledLater(twist::Deferred<int>* gate, int x) {
  int g = co_await *gate;
  co_return 2 * x + g;
}

twist::Deferred<long> awaitMany(int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) total += co_await twist::succeed(i);
  co_return total;
}

twist::Deferred<int> nestedCoroutine(int depth, twist::Deferred<int>* leaf) {
  if (depth == 0) co_return co_await *leaf;
  co_return 1 + co_await nestedCoroutine(depth - 1, leaf);
}

twist::Deferred<std::string> nestedString(int depth, twist::Deferred<std::string>* leaf) {
  if (depth == 0) co_return co_await *leaf;
  std::string inner = co_await nestedString(depth - 1, leaf);  // the only handle is the awaiter's
  co_return inner + ".";
}

twist::Deferred<int> nestedGuarded(int depth, twist::Deferred<int>* leaf, int* destroyed) {
  struct Count {
    int* n;
    ~Count() { ++*n; }
  } count{destroyed};
  if (depth == 0) co_return co_await *leaf;
  co_return 1 + co_await nestedGuarded(depth - 1, leaf, destroyed);
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_CASE("co_await on a fired Deferred continues at once with its value") {
  twist::Deferred<int> source = twist::succeed(41);
  auto d = plusOne(&source);
  REQUIRE(twist::successResultOf(d) == 42);
}

TEST_CASE("co_await on an unfired Deferred suspends until it fires") {
  twist::Deferred<int> source;
  auto d = plusOne(&source);
  twist::assertNoResult(d);
  source.callback(9);
  REQUIRE(twist::successResultOf(d) == 10);
}

TEST_CASE("a failure is thrown at the co_await and can be caught with try/catch") {
  SECTION("unfired, then failed") {
    twist::Deferred<int> source;
    auto d = catching(&source);
    source.errback(std::runtime_error("nope"));
    REQUIRE(twist::successResultOf(d) == "caught nope");
  }
  SECTION("already failed") {
    twist::Deferred<int> source = twist::fail<int>(std::runtime_error("early"));
    auto d = catching(&source);
    REQUIRE(twist::successResultOf(d) == "caught early");
  }
  SECTION("a value still takes the value path") {
    twist::Deferred<int> source;
    auto d = catching(&source);
    source.callback(3);
    REQUIRE(twist::successResultOf(d) == "value 3");
  }
}

TEST_CASE("a failure caught in the coroutine is not reported as unhandled") {
  CapturedLog log;
  {
    twist::Deferred<int> source;
    auto d = catching(&source);
    source.errback(std::runtime_error("handled"));
    REQUIRE(twist::successResultOf(d) == "caught handled");
  }
  REQUIRE(log.unhandled().empty());
}

TEST_CASE("an exception escaping the coroutine fails its Deferred") {
  SECTION("after a co_await") {
    twist::Deferred<int> source;
    auto d = throwsAfter(&source);
    source.callback(5);
    REQUIRE(twist::failureResultOf<std::invalid_argument>(d).getErrorMessage() == "positive: 5");
  }
  SECTION("before any co_await") {
    auto d = throwsAtOnce();
    REQUIRE(twist::failureResultOf<std::logic_error>(d).getErrorMessage() == "before any co_await");
  }
  SECTION("an uncaught failure of the awaited Deferred") {
    twist::Deferred<int> source;
    auto d = plusOne(&source);
    source.errback(std::domain_error("from source"));
    REQUIRE(twist::failureResultOf<std::domain_error>(d).getErrorMessage() == "from source");
  }
}

TEST_CASE("a coroutine's failed Deferred dropped unhandled is reported") {
  CapturedLog log;
  {
    twist::Deferred<int> source;
    auto d = throwsAfter(&source);
    source.callback(1);
  }
  REQUIRE(log.unhandled().size() == 1);
}

TEST_CASE("Deferred<void> coroutines co_await Deferred<void> and co_return nothing") {
  twist::Deferred<void> source;
  std::vector<std::string> log;
  twist::Deferred<void> d = voidCoroutine(&source, &log);
  REQUIRE(log == std::vector<std::string>{"start"});
  twist::assertNoResult(d);
  source.callback();
  REQUIRE(log == std::vector<std::string>{"start", "after void"});
  twist::successResultOf(d);

  twist::Deferred<void> failing;
  std::vector<std::string> log2;
  twist::Deferred<void> d2 = voidCoroutine(&failing, &log2);
  failing.errback(std::runtime_error("void failed"));
  REQUIRE(log2 == std::vector<std::string>{"start"});
  REQUIRE(twist::failureResultOf<std::runtime_error>(d2).getErrorMessage() == "void failed");
}

TEST_CASE("awaiting several Deferreds in sequence, fired and unfired, in order") {
  std::vector<twist::Deferred<int>> sources(4);
  sources[0].callback(1);  // fired before: no suspension
  std::vector<int> seen;
  auto d = sumAll(&sources, &seen);
  REQUIRE(seen == std::vector<int>{1});
  sources[2].callback(100);  // fired out of order: waits its turn
  REQUIRE(seen == std::vector<int>{1});
  sources[1].callback(10);
  REQUIRE(seen == std::vector<int>{1, 10, 100});
  twist::assertNoResult(d);
  sources[3].callback(1000);
  REQUIRE(seen == std::vector<int>{1, 10, 100, 1000});
  REQUIRE(twist::successResultOf(d) == 1111);
}

TEST_CASE("co_await on 100,000 already-fired Deferreds in a loop runs without deep recursion") {
  auto run = [] { return twist::successResultOf(awaitMany(100000)) == 100000L * 99999 / 2; };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("co_await carries move-only values") {
  twist::Deferred<std::unique_ptr<int>> source;
  auto d = moveOnly(&source);
  source.callback(std::make_unique<int>(21));
  std::unique_ptr<int> out = twist::successResultOf(d);
  REQUIRE(out);
  REQUIRE(*out == 42);
}

// ---------------------------------------------------------------------------
// cancel

TEST_CASE("cancelling the coroutine's Deferred cancels the awaited one: CancelledError arrives at the co_await") {
  int sourceCancels = 0;
  twist::Deferred<int> source([&](twist::Deferred<int>&) { ++sourceCancels; });
  auto d = plusOne(&source);
  d.cancel();
  REQUIRE(sourceCancels == 1);
  twist::failureResultOf<twist::CancelledError>(d);
  REQUIRE_THROWS_AS(source.callback(1), twist::AlreadyCalledError);  // the source was cancelled, not just abandoned
}

TEST_CASE("a coroutine that catches the CancelledError and returns a value: its Deferred gets that value") {
  twist::Deferred<int> source;
  bool sawCancelled = false;
  auto d = recovering(&source, 17, &sawCancelled);
  d.cancel();
  REQUIRE(sawCancelled);
  REQUIRE(twist::successResultOf(d) == 17);  // recovered, as inlineCallbacks would
  REQUIRE_NOTHROW(d.cancel());               // repeated cancels are harmless
  REQUIRE_NOTHROW(source.callback(1));       // the producer's late fire is swallowed (no canceller)
}

TEST_CASE("a coroutine that catches the CancelledError and awaits again: its Deferred is cancelled, the coroutine runs on") {
  twist::Deferred<int> first;
  twist::Deferred<int> second;
  bool reachedEnd = false;
  auto d = cancelThenAwaitAgain(&first, &second, &reachedEnd);
  d.cancel();
  // The coroutine did not finish, so cancel() failed its Deferred itself.
  twist::failureResultOf<twist::CancelledError>(d);
  REQUIRE_FALSE(reachedEnd);
  second.callback(5);  // the coroutine finishes; its late co_return is ignored, not an error
  REQUIRE(reachedEnd);
}

TEST_CASE("cancelling a coroutine whose awaited Deferred's canceller delivers a value resumes it with that value") {
  twist::Deferred<int> source([](twist::Deferred<int>& self) { self.callback(99); });
  auto d = plusOne(&source);
  d.cancel();
  REQUIRE(twist::successResultOf(d) == 100);
}

TEST_CASE("cancelling a finished coroutine's Deferred is a no-op") {
  twist::Deferred<int> source = twist::succeed(1);
  auto d = plusOne(&source);
  d.cancel();
  REQUIRE(twist::successResultOf(d) == 2);
}

TEST_CASE("cancelling a coroutine that awaits a Deferred waiting on another forwards the cancel down") {
  int innerCancels = 0;
  twist::Deferred<int> inner([&](twist::Deferred<int>&) { ++innerCancels; });
  twist::Deferred<int> outer;
  twist::Deferred<int> waiting = outer.addCallback([&](int) { return inner; });
  outer.callback(0);
  auto d = plusOne(&waiting);
  d.cancel();
  REQUIRE(innerCancels == 1);
  twist::failureResultOf<twist::CancelledError>(d);
}

// ---------------------------------------------------------------------------
// Lifetime

TEST_CASE("a coroutine awaiting a Deferred that is destroyed unfired: its frame is destroyed") {
  CapturedLog log;
  bool destroyed = false;
  bool resumed = false;
  auto source = std::make_unique<twist::Deferred<int>>();
  twist::Deferred<int> d = guardedAwait(source.get(), &destroyed, &resumed);
  REQUIRE_FALSE(destroyed);
  source.reset();  // the last handle on the awaited chain
  REQUIRE(destroyed);
  REQUIRE_FALSE(resumed);
  twist::assertNoResult(d);  // the coroutine's Deferred never fires
  // Its canceller referred to the frame: cancelling now must not touch it (ASan).
  d.cancel();
  twist::failureResultOf<twist::CancelledError>(d);
  REQUIRE(log.unhandled().empty());
}

TEST_CASE("a coroutine keeping the awaited Deferred in a local: the frame lives until it is cancelled") {
  // The frame holds a handle on the chain that owns the frame: dropping the
  // producer's handle cannot free either (a reference cycle). Cancelling the
  // coroutine's Deferred is the way out, as coroutine.hpp says.
  bool destroyed = false;
  auto source = std::make_unique<twist::Deferred<int>>();
  twist::Deferred<int> d = guardedAwaitLocal(source.get(), &destroyed);
  source.reset();
  REQUIRE_FALSE(destroyed);
  d.cancel();
  REQUIRE(destroyed);
  twist::failureResultOf<twist::CancelledError>(d);
}

TEST_CASE("a coroutine's Deferred dropped by its caller keeps the coroutine running to its end") {
  CapturedLog log;
  twist::Deferred<int> source;
  bool destroyed = false;
  bool resumed = false;
  guardedAwait(&source, &destroyed, &resumed);  // result dropped at once
  REQUIRE_FALSE(destroyed);
  source.callback(3);
  REQUIRE(resumed);
  REQUIRE(destroyed);
  REQUIRE(log.unhandled().empty());
}

// ---------------------------------------------------------------------------
// co_await takes the result

TEST_CASE("co_await takes the result: adding to the awaited Deferred afterwards throws") {
  SECTION("awaited unfired") {
    twist::Deferred<int> source;
    auto d = plusOne(&source);
    // Already while the coroutine waits, the chain belongs to it.
    REQUIRE_THROWS_WITH(source.addCallback([](int x) { return x; }), Contains("co_await"));
    source.callback(1);
    REQUIRE(twist::successResultOf(d) == 2);
    REQUIRE_THROWS_AS(source.addCallback([](int x) { return x; }), std::logic_error);
    REQUIRE_THROWS_WITH(source.addCallback([](int x) { return x; }), Contains("co_await"));
  }
  SECTION("awaited already fired") {
    twist::Deferred<int> source = twist::succeed(1);
    auto d = plusOne(&source);
    REQUIRE(twist::successResultOf(d) == 2);
    REQUIRE_THROWS_WITH(source.addCallback([](int x) { return x; }), Contains("co_await"));
  }
}

TEST_CASE("awaiting the same Deferred twice: the second co_await throws a catchable logic_error") {
  twist::Deferred<int> source = twist::succeed(4);
  std::string secondError;
  auto d = awaitTwice(&source, &secondError);
  REQUIRE(twist::successResultOf(d) == 4);
  REQUIRE_THAT(secondError, Contains("co_await"));
}

TEST_CASE("co_await through a stale handle throws a logic_error naming both types, at the co_await") {
  SECTION("unfired") {
    twist::Deferred<int> head;
    auto s = head.addCallback([](int x) { return std::to_string(x); });
    std::string error;
    auto d = awaitStale(&head, &error);
    REQUIRE_THAT(error, Contains("Deferred<int>"));
    REQUIRE_THAT(error, Contains("Deferred<std::string>"));
    REQUIRE(twist::successResultOf(d) == -1);
    head.callback(1);
    REQUIRE(twist::successResultOf(s) == "1");
  }
  SECTION("fired") {
    twist::Deferred<int> head;
    auto s = head.addCallback([](int x) { return std::to_string(x); });
    head.callback(1);
    std::string error;
    auto d = awaitStale(&head, &error);
    REQUIRE_THAT(error, Contains("Deferred<std::string>"));
    REQUIRE(twist::successResultOf(d) == -1);
    REQUIRE(twist::successResultOf(s) == "1");
  }
}

TEST_CASE("co_await on a paused Deferred waits until it is unpaused") {
  twist::Deferred<int> source;
  source.pause();
  source.callback(1);
  auto d = plusOne(&source);
  twist::assertNoResult(d);
  source.unpause();
  REQUIRE(twist::successResultOf(d) == 2);
}

// ---------------------------------------------------------------------------
// Coroutines and callbacks together

TEST_CASE("a callback may return a coroutine's Deferred: the chain waits for the coroutine") {
  SECTION("the coroutine finishes at once") {
    twist::Deferred<int> d;
    auto tail = d.addCallback([](int x) { return doubled(x); }).addCallback([](int x) { return x + 1; });
    d.callback(20);
    REQUIRE(twist::successResultOf(tail) == 41);
  }
  SECTION("the coroutine finishes later") {
    twist::Deferred<int> gate;
    twist::Deferred<int> d;
    auto tail = d.addCallback([&](int x) { return doubledLater(&gate, x); }).addCallback([](int x) { return x + 1; });
    d.callback(20);
    twist::assertNoResult(tail);
    gate.callback(100);
    REQUIRE(twist::successResultOf(tail) == 141);
  }
  SECTION("cancelling the chain reaches the coroutine's co_await") {
    int gateCancels = 0;
    twist::Deferred<int> gate([&](twist::Deferred<int>&) { ++gateCancels; });
    twist::Deferred<int> d;
    auto tail = d.addCallback([&](int x) { return doubledLater(&gate, x); });
    d.callback(1);
    d.cancel();
    REQUIRE(gateCancels == 1);
    twist::failureResultOf<twist::CancelledError>(tail);
  }
}

TEST_CASE("a coroutine may await a Deferred built from callbacks") {
  twist::Deferred<int> head;
  twist::Deferred<int> tail = head.addCallback([](int x) { return x * 10; });
  auto d = plusOne(&tail);
  head.callback(4);
  REQUIRE(twist::successResultOf(d) == 41);
}

// Recursive coroutines recurse while they are created (they start at once, as
// inlineCallbacks do): that depth is the caller's. 1,000 levels is far beyond
// what Twisted's own inlineCallbacks survives (Python's recursion limit).
TEST_CASE("1,000 recursively nested coroutines finish without a stack overflow") {
  auto run = [] {
    twist::Deferred<int> leaf;
    auto d = nestedCoroutine(1000, &leaf);
    if (d.hasResult()) return false;
    leaf.callback(0);
    return twist::successResultOf(d) == 1000;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("200 recursively nested coroutines carrying a std::string: each reads the value of the one it awaited") {
  // Past the framework's nesting limit (64 fires) resumptions are queued: a
  // queued coroutine must still find the chain it awaited, and its value.
  // (In a child process first: this crashed, and must not take the other tests with it.)
  auto run = [] {
    twist::Deferred<std::string> leaf;
    auto d = nestedString(200, &leaf);
    leaf.callback(std::string(40, 'x'));  // longer than the small-string buffer
    return twist::successResultOf(d) == std::string(40, 'x') + std::string(200, '.');
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("a chain of 100,000 coroutines, each awaiting the next one's Deferred, finishes without deep recursion") {
  // Built innermost first, so creating them does not recurse; only finishing
  // them could: each co_return fires a Deferred that resumes the next coroutine.
  auto run = [] {
    constexpr int kDepth = 100000;
    twist::Deferred<int> leaf;
    std::vector<twist::Deferred<int>> chain;
    chain.reserve(kDepth);
    chain.push_back(plusOne(&leaf));
    for (int i = 1; i < kDepth; ++i) chain.push_back(plusOne(&chain.back()));
    twist::Deferred<int> outermost = chain.back();
    if (outermost.hasResult()) return false;
    leaf.callback(0);
    return twist::successResultOf(outermost) == kDepth;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("1,000 nested coroutines abandoned (the leaf destroyed unfired) free every frame") {
  auto run = [] {
    int destroyed = 0;
    auto leaf = std::make_unique<twist::Deferred<int>>();
    {
      auto d = nestedGuarded(1000, leaf.get(), &destroyed);
      if (destroyed != 0) return false;
    }
    leaf.reset();
    return destroyed == 1001;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

TEST_CASE("a chain of 100,000 coroutines abandoned (the leaf destroyed unfired) frees every frame without deep recursion") {
  auto run = [] {
    constexpr int kDepth = 100000;
    auto leaf = std::make_unique<twist::Deferred<int>>();
    {
      std::vector<twist::Deferred<int>> chain;
      chain.reserve(kDepth);
      chain.push_back(plusOne(leaf.get()));
      for (int i = 1; i < kDepth; ++i) chain.push_back(plusOne(&chain.back()));
    }
    leaf.reset();  // frees the first frame, whose Deferred frees the next frame, ...
    return true;
  };
  REQUIRE(runInChild(run) == "ok");
  REQUIRE(run());
}

namespace {
twist::Deferred<std::vector<int>> bracedReturn() { co_return {1, 2, 3}; }
}  // namespace

TEST_CASE("co_return takes the coroutine's T, so a braced list builds one") {
  auto d = bracedReturn();
  REQUIRE(twist::successResultOf(d) == std::vector<int>{1, 2, 3});
}
