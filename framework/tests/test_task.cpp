// task.hpp: Clock.advance/pump, LoopingCall and deferLater, all on a Clock.
// (DelayedCall itself is tested through Clock in test_time.cpp.)
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/logger.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_catch::Approx;
using twist_test::CapturedLog;

namespace {

std::vector<double> pendingTimes(const twist::IReactorTime& time) {
  std::vector<double> times;
  for (const auto& call : time.getDelayedCalls()) times.push_back(call.getTime());
  return times;
}

// Code under test sees only the seam, as production code would.
twist::DelayedCall remindLater(twist::IReactorTime& time, std::vector<double>& log) {
  return time.callLater(2, [&time, &log] { log.push_back(time.seconds()); });
}

}  // namespace

// ---- Clock -----------------------------------------------------------------

TEST_CASE("Clock starts at 0.0 and advance() moves its time forward") {
  twist::Clock clock;
  REQUIRE(clock.seconds() == 0.0);
  clock.advance(1.5);
  REQUIRE(clock.seconds() == 1.5);
  clock.advance(0);
  REQUIRE(clock.seconds() == 1.5);
  clock.advance(0.25);
  REQUIRE(clock.seconds() == 1.75);
}

TEST_CASE("Clock stands in for the reactor wherever an IReactorTime is taken") {
  twist::Clock clock;
  std::vector<double> log;
  twist::DelayedCall call = remindLater(clock, log);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  clock.advance(2);
  REQUIRE(log == std::vector<double>{2});
  REQUIRE(call.called());
}

TEST_CASE("advance() first moves the time, then runs the calls: each sees the new time") {
  twist::Clock clock;
  std::vector<double> seen;
  clock.callLater(1, [&] { seen.push_back(clock.seconds()); });
  clock.callLater(3, [&] { seen.push_back(clock.seconds()); });
  clock.advance(5);
  REQUIRE(seen == std::vector<double>{5, 5});
}

TEST_CASE("advance() runs the calls due at or before the new time, and no later one") {
  twist::Clock clock;
  std::vector<int> ran;
  clock.callLater(1, [&] { ran.push_back(1); });
  clock.callLater(2, [&] { ran.push_back(2); });
  clock.callLater(2.001, [&] { ran.push_back(3); });
  clock.advance(2);
  REQUIRE(ran == std::vector<int>{1, 2});
  REQUIRE(pendingTimes(clock) == std::vector<double>{2.001});
}

TEST_CASE("a callLater(0) made by a call during advance() runs in the same advance") {
  twist::Clock clock;
  std::vector<std::string> ran;
  clock.callLater(1, [&] {
    ran.push_back("outer");
    clock.callLater(0, [&] {
      ran.push_back("inner");
      clock.callLater(0, [&] { ran.push_back("innermost"); });
    });
  });
  clock.callLater(1, [&] { ran.push_back("sibling"); });
  clock.advance(1);
  // FIFO: the sibling was scheduled first, so it runs before the new calls.
  REQUIRE(ran == std::vector<std::string>{"outer", "sibling", "inner", "innermost"});
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("a call made during advance() is scheduled from the new time, not from its parent's due time") {
  twist::Clock clock;
  twist::DelayedCall inner;
  bool innerRan = false;
  clock.callLater(1, [&] { inner = clock.callLater(2, [&] { innerRan = true; }); });
  clock.advance(10);  // the parent runs at t = 10
  REQUIRE(inner.getTime() == 12);
  REQUIRE_FALSE(innerRan);  // from the parent's due time it would be 3, and would have run
  clock.advance(2);
  REQUIRE(innerRan);
}

TEST_CASE("pump() advances once per entry, so calls see the time step by step") {
  twist::Clock clock;
  std::vector<double> seen;
  for (double t : {1.0, 2.0, 3.0}) clock.callLater(t, [&] { seen.push_back(clock.seconds()); });
  clock.pump({1, 1, 1});
  REQUIRE(seen == std::vector<double>{1, 2, 3});  // one advance(3) would give 3, 3, 3
  REQUIRE(clock.seconds() == 3);
  clock.pump({});
  REQUIRE(clock.seconds() == 3);
}

TEST_CASE("advance() rejects a negative, NaN or infinite amount: time never runs backwards, or to the end") {
  twist::Clock clock;
  clock.advance(2);
  REQUIRE_THROWS_AS(clock.advance(-1), std::invalid_argument);
  REQUIRE_THROWS_AS(clock.advance(std::nan("")), std::invalid_argument);
  REQUIRE_THROWS_AS(clock.advance(std::numeric_limits<double>::infinity()), std::invalid_argument);
  REQUIRE(clock.seconds() == 2);
}

// ---- LoopingCall -----------------------------------------------------------

TEST_CASE("LoopingCall.start(interval) calls fn synchronously inside start, then every interval") {
  twist::Clock clock;
  std::vector<double> calls;
  twist::LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  twist::Deferred<void> done = loop.start(1.0);
  REQUIRE(calls == std::vector<double>{0});  // before any advance
  REQUIRE(loop.running());
  REQUIRE(loop.interval() == 1.0);
  clock.pump({1, 1, 1});
  REQUIRE(calls == std::vector<double>{0, 1, 2, 3});
  twist::assertNoResult(done);
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.start(interval, false) makes the first call after one interval") {
  twist::Clock clock;
  std::vector<double> calls;
  twist::LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  twist::Deferred<void> done = loop.start(2.0, false);
  REQUIRE(calls.empty());
  REQUIRE(loop.running());
  clock.advance(1.9);
  REQUIRE(calls.empty());
  clock.advance(0.1);
  REQUIRE(calls == std::vector<double>{2});
  clock.advance(2);
  REQUIRE(calls == std::vector<double>{2, 4});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.stop() fires the start Deferred and cancels the pending call") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] { ++calls; });
  twist::Deferred<void> done = loop.start(1.0);
  clock.advance(1);
  REQUIRE(calls == 2);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  twist::assertNoResult(done);

  loop.stop();
  REQUIRE_FALSE(loop.running());
  twist::successResultOf(done);
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  REQUIRE(calls == 2);
}

TEST_CASE("LoopingCall.stop() from inside fn fires the start Deferred once fn has returned") {
  twist::Clock clock;
  int calls = 0;
  std::optional<bool> firedInsideFn;
  std::optional<twist::Deferred<void>> done;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop(clock, [&] {
    if (++calls == 3) {
      self->stop();
      firedInsideFn = done->called();
    }
  });
  self = &loop;
  done = loop.start(1.0);
  clock.pump({1, 1});
  REQUIRE(calls == 3);
  REQUIRE(firedInsideFn == false);
  REQUIRE_FALSE(loop.running());
  twist::successResultOf(*done);
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(5);
  REQUIRE(calls == 3);
}

TEST_CASE("LoopingCall.stop() inside the first call made by start() fires the Deferred before start returns") {
  twist::Clock clock;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop(clock, [&] { self->stop(); });
  self = &loop;
  twist::Deferred<void> done = loop.start(1.0);
  twist::successResultOf(done);
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("LoopingCall.start with a negative, NaN or infinite interval throws std::invalid_argument and does not call fn") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] { ++calls; });
  REQUIRE_THROWS_AS(loop.start(-0.5), std::invalid_argument);
  REQUIRE_THROWS_AS(loop.start(std::nan("")), std::invalid_argument);
  REQUIRE_THROWS_AS(loop.start(std::numeric_limits<double>::infinity()), std::invalid_argument);
  REQUIRE_FALSE(loop.running());
  REQUIRE(calls == 0);
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("LoopingCall.start while running is a std::logic_error") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] { ++calls; });
  twist::Deferred<void> done = loop.start(1.0);
  REQUIRE_THROWS_AS(loop.start(1.0), std::logic_error);
  try {
    loop.start(2.0);
  } catch (const std::logic_error& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains("already running"));
  }
  REQUIRE(calls == 1);
  REQUIRE(loop.interval() == 1.0);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.stop when not running is a std::logic_error") {
  twist::Clock clock;
  twist::LoopingCall loop(clock, [] {});
  REQUIRE_THROWS_AS(loop.stop(), std::logic_error);  // never started
  twist::Deferred<void> done = loop.start(1.0);
  loop.stop();
  REQUIRE_THROWS_AS(loop.stop(), std::logic_error);  // stopped already
  try {
    loop.stop();
  } catch (const std::logic_error& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains("not running"));
  }
  twist::successResultOf(done);
}

TEST_CASE("when fn throws, the start Deferred fails with that error and the loop stops") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] {
    if (++calls == 2) throw std::runtime_error("tick failed");
  });
  twist::Deferred<void> done = loop.start(1.0);
  clock.advance(1);
  REQUIRE(calls == 2);
  REQUIRE_FALSE(loop.running());
  twist::Failure failure = twist::failureResultOf<std::runtime_error>(done);
  REQUIRE(failure.getErrorMessage() == "tick failed");
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  REQUIRE(calls == 2);
  REQUIRE_THROWS_AS(loop.stop(), std::logic_error);
}

TEST_CASE("when fn throws inside start(), start returns an already-failed Deferred") {
  twist::Clock clock;
  twist::LoopingCall loop(clock, [] { throw std::invalid_argument("bad first tick"); });
  twist::Deferred<void> done = loop.start(1.0);
  REQUIRE_FALSE(loop.running());
  REQUIRE(twist::failureResultOf<std::invalid_argument>(done).getErrorMessage() == "bad first tick");
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("a Deferred returned by fn delays the next call until it fires") {
  twist::Clock clock;
  std::vector<double> calls;
  std::vector<twist::Deferred<void>> work;
  twist::LoopingCall loop(clock, [&] {
    calls.push_back(clock.seconds());
    work.emplace_back();
    return work.back();
  });
  twist::Deferred<void> done = loop.start(1.0);
  REQUIRE(calls == std::vector<double>{0});
  clock.advance(5.3);
  REQUIRE(calls.size() == 1);                // waiting for the first call's Deferred
  REQUIRE(clock.getDelayedCalls().empty());  // nothing scheduled meanwhile
  work[0].callback();
  // The next call keeps to the grid: t = 6, not 5.3 + 1.
  REQUIRE(pendingTimes(clock) == std::vector<double>{6});
  clock.advance(0.7);
  REQUIRE(calls.size() == 2);
  REQUIRE(calls[1] == Approx(6));
  loop.stop();  // the second call's Deferred is still pending: the start Deferred waits for it
  twist::assertNoResult(done);
  work[1].callback();
  twist::successResultOf(done);
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("a fired Deferred returned by fn lets the loop go on at once") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] {
    ++calls;
    return twist::succeed();
  });
  twist::Deferred<void> done = loop.start(1.0);
  clock.pump({1, 1});
  REQUIRE(calls == 3);
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("when fn's Deferred fails, the start Deferred fails with its Failure and the loop stops") {
  twist::Clock clock;
  int calls = 0;
  twist::Deferred<void> work;
  twist::LoopingCall loop(clock, [&] {
    ++calls;
    return work;
  });
  twist::Deferred<void> done = loop.start(1.0);
  clock.advance(3);
  REQUIRE(loop.running());
  work.errback(std::runtime_error("remote end went away"));
  REQUIRE_FALSE(loop.running());
  REQUIRE(twist::failureResultOf<std::runtime_error>(done).getErrorMessage() == "remote end went away");
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  REQUIRE(calls == 1);
}

TEST_CASE("LoopingCall calls are aligned to starttime + k * interval") {
  twist::Clock clock;
  clock.advance(0.25);
  std::vector<double> calls;
  twist::LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  twist::Deferred<void> done = loop.start(1.0);
  REQUIRE(pendingTimes(clock) == std::vector<double>{1.25});
  clock.advance(1.1);  // the call runs late, at 1.35
  REQUIRE(calls.size() == 2);
  REQUIRE(calls[1] == Approx(1.35));
  // ...but the next one is still on the grid: 2.25, not 2.35.
  REQUIRE(clock.getDelayedCalls().size() == 1);
  REQUIRE(clock.getDelayedCalls()[0].getTime() == Approx(2.25));
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall skips the ticks it missed instead of catching up") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall loop(clock, [&] { ++calls; });
  twist::Deferred<void> done = loop.start(1.0);
  clock.advance(3.5);  // ticks at 1, 2 and 3 were due; only one call is made
  REQUIRE(calls == 2);
  REQUIRE(pendingTimes(clock) == std::vector<double>{4});
  clock.advance(0.5);
  REQUIRE(calls == 3);
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall never calls at the present instant: a tick that is due already is skipped") {
  // fn itself takes time (it advances the clock): the tick at t = 2 is "now"
  // when fn returns, so the next call is the next one in the future.
  twist::Clock clock;
  std::vector<double> times;
  double callDuration = 2;
  twist::LoopingCall loop(clock, [&] {
    times.push_back(clock.seconds());
    clock.advance(callDuration);
  });
  twist::Deferred<void> done = loop.start(0.5);
  REQUIRE(times == std::vector<double>{0});
  REQUIRE(clock.seconds() == 2);
  clock.advance(0);
  REQUIRE(times == std::vector<double>{0});
  callDuration = 1;
  clock.advance(0.5);
  REQUIRE(times == std::vector<double>{0, 2.5});
  REQUIRE(clock.seconds() == 3.5);
  clock.advance(0);
  REQUIRE(times == std::vector<double>{0, 2.5});
  callDuration = 0;
  clock.advance(0.5);
  REQUIRE(times == std::vector<double>{0, 2.5, 4});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall after a long gap calls once, then keeps to the grid") {
  twist::Clock clock;
  std::vector<double> times;
  twist::LoopingCall loop(clock, [&] { times.push_back(clock.seconds()); });
  twist::Deferred<void> done = loop.start(0.5);
  clock.advance(2);
  REQUIRE(times == std::vector<double>{0, 2});
  clock.advance(1);
  REQUIRE(times == std::vector<double>{0, 2, 3});
  clock.advance(0);
  REQUIRE(times == std::vector<double>{0, 2, 3});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.stop() right after start(now=false) makes no call at all") {
  for (double interval : {0.0, 10.0}) {
    twist::Clock clock;
    int calls = 0;
    twist::LoopingCall loop(clock, [&] { ++calls; });
    twist::Deferred<void> done = loop.start(interval, false);
    loop.stop();
    twist::successResultOf(done);
    REQUIRE(clock.getDelayedCalls().empty());
    clock.advance(20);
    REQUIRE(calls == 0);
  }
}

TEST_CASE("fn that calls stop() and then throws: the start Deferred fails with the error") {
  twist::Clock clock;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop(clock, [&] {
    self->stop();
    throw std::runtime_error("stopped and failed");
  });
  self = &loop;
  twist::Deferred<void> done = loop.start(0.1);
  REQUIRE(twist::failureResultOf<std::runtime_error>(done).getErrorMessage() == "stopped and failed");
  REQUIRE_FALSE(loop.running());
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("LoopingCall.withCount passes the intervals elapsed: 1, 1, 3 for calls at 0, 0.51 and 2.02") {
  twist::Clock clock;
  std::vector<int> counts;
  std::vector<double> times;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) {
    counts.push_back(count);
    times.push_back(clock.seconds());
  });
  twist::Deferred<void> done = loop.start(0.5);
  clock.advance(0.51);
  clock.advance(1.51);
  REQUIRE(times.size() == 3);
  REQUIRE(times[1] == Approx(0.51));
  REQUIRE(times[2] == Approx(2.02));
  REQUIRE(counts == std::vector<int>{1, 1, 3});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount with now=false counts the first call as one interval") {
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) { counts.push_back(count); });
  twist::Deferred<void> done = loop.start(1.0, false);
  clock.pump({1, 1, 2.5});
  REQUIRE(counts == std::vector<int>{1, 1, 2});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount counts the intervals spent waiting for fn's Deferred") {
  twist::Clock clock;
  std::vector<int> counts;
  std::vector<twist::Deferred<void>> work;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) {
    counts.push_back(count);
    work.emplace_back();
    return work.back();
  });
  twist::Deferred<void> done = loop.start(1.0);
  clock.advance(3.5);
  work[0].callback();  // next call at t = 4
  clock.advance(0.5);
  REQUIRE(counts == std::vector<int>{1, 4});
  loop.stop();
  work[1].callback();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount does not count a late call as two until a whole interval is missed") {
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) { counts.push_back(count); });
  twist::Deferred<void> done = loop.start(0.5);
  clock.advance(0.51);       // t = 0.51
  clock.advance(0.5 * 1.75);  // t = 1.385: 1.75 intervals since the last call, but only one tick
  clock.advance(0.5 * 0.25);  // t = 1.51
  REQUIRE(counts == std::vector<int>{1, 1, 1, 1});
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount never passes 0, and the counts add up, with an inexact interval like 0.1") {
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) { counts.push_back(count); });
  const int ticks = 10;
  const double interval = 1.0 / ticks;
  twist::Deferred<void> done = loop.start(interval, false);
  double sum = 0;
  for (int i = 0; i < ticks; ++i) {
    clock.advance(interval);
    sum += interval;
  }
  const double epsilon = 1.0 - sum;
  REQUIRE(std::abs(epsilon) > 0.0);  // else this test would not be testing the rounding it is about
  clock.advance(epsilon);
  REQUIRE(clock.seconds() >= 1.0);
  int total = 0;
  for (int count : counts) {
    REQUIRE(count >= 1);
    total += count;
  }
  REQUIRE(total == ticks);
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount skips a call that lands just short of a tick, rather than pass 0") {
  // 0.1 is not exact in binary: some calls come out a hair before their tick.
  // Twisted's algorithm then counts 0 intervals and does not call fn at all.
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) { counts.push_back(count); });
  twist::Deferred<void> done = loop.start(0.1);
  int timerRuns = 1;  // the call inside start()
  for (int i = 0; i < 30; ++i) {
    auto pending = clock.getDelayedCalls();
    REQUIRE(pending.size() == 1);
    clock.advance(pending[0].getTime() - clock.seconds());
    ++timerRuns;
  }
  for (int count : counts) REQUIRE(count >= 1);
  REQUIRE(counts.size() < static_cast<std::size_t>(timerRuns));  // at least one was skipped
  loop.stop();
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount counts from its previous call, even across stop() and start()") {
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) {
    counts.push_back(count);
    if (counts.size() == 1) self->stop();
  });
  self = &loop;
  twist::Deferred<void> first = loop.start(0, false);
  clock.advance(0);  // called at t = 0, and stops
  twist::successResultOf(first);
  clock.advance(3);
  twist::Deferred<void> second = loop.start(1.0);  // called at t = 3: three intervals since t = 0
  clock.advance(1);
  REQUIRE(counts == std::vector<int>{1, 3, 1});
  loop.stop();
  twist::successResultOf(second);
}

TEST_CASE("LoopingCall.withCount with interval 0 counts 1 even after waiting for fn's Deferred") {
  twist::Clock clock;
  twist::Deferred<void> work;
  std::vector<int> counts;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) -> twist::Deferred<void> {
    counts.push_back(count);
    if (counts.size() == 2) return work;
    if (counts.size() > 4) self->stop();
    return twist::succeed();
  });
  self = &loop;
  twist::Deferred<void> done = loop.start(0, false);
  clock.advance(0);
  REQUIRE(counts == std::vector<int>{1, 1});
  clock.advance(2);
  REQUIRE(counts == std::vector<int>{1, 1});
  work.callback();
  clock.advance(0);
  REQUIRE(counts == std::vector<int>{1, 1, 1, 1, 1});
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall with interval 0 calls fn on every iteration") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop(clock, [&] {
    if (++calls == 5) self->stop();
  });
  self = &loop;
  twist::Deferred<void> done = loop.start(0, false);
  REQUIRE(pendingTimes(clock) == std::vector<double>{0});  // a callLater(0)
  // On a Clock every callLater(0) runs within the same advance, so it runs until stopped.
  clock.advance(0);
  REQUIRE(calls == 5);
  REQUIRE(clock.seconds() == 0);
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall.withCount with interval 0 always counts 1") {
  twist::Clock clock;
  std::vector<int> counts;
  twist::LoopingCall* self = nullptr;
  twist::LoopingCall loop = twist::LoopingCall::withCount(clock, [&](int count) {
    counts.push_back(count);
    if (counts.size() == 3) self->stop();
  });
  self = &loop;
  twist::Deferred<void> done = loop.start(0);
  clock.advance(7);
  REQUIRE(counts == std::vector<int>{1, 1, 1});
  twist::successResultOf(done);
}

TEST_CASE("LoopingCall can be started again after stop(), with a new Deferred and a new start time") {
  twist::Clock clock;
  std::vector<double> calls;
  twist::LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  twist::Deferred<void> first = loop.start(1.0);
  loop.stop();
  twist::successResultOf(first);
  clock.advance(0.5);
  twist::Deferred<void> second = loop.start(2.0);
  twist::assertNoResult(second);
  REQUIRE(loop.interval() == 2.0);
  REQUIRE(pendingTimes(clock) == std::vector<double>{2.5});
  clock.advance(2);
  REQUIRE(calls == std::vector<double>{0, 0.5, 2.5});
  loop.stop();
  twist::successResultOf(second);
}

TEST_CASE("LoopingCall restarted while its last call's Deferred is pending: the old run only finishes") {
  twist::Clock clock;
  std::vector<twist::Deferred<void>> work;
  twist::LoopingCall loop(clock, [&] {
    work.emplace_back();
    return work.back();
  });
  twist::Deferred<void> first = loop.start(1.0);
  loop.stop();  // work[0] in flight
  twist::assertNoResult(first);
  twist::Deferred<void> second = loop.start(1.0, false);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  work[0].callback();
  twist::successResultOf(first);
  REQUIRE(clock.getDelayedCalls().size() == 1);  // no second train of calls
  REQUIRE(loop.running());
  loop.stop();
  twist::successResultOf(second);
}

TEST_CASE("destroying a LoopingCall cancels its pending call") {
  twist::Clock clock;
  int calls = 0;
  std::optional<twist::LoopingCall> loop;
  loop.emplace(clock, [&] { ++calls; });
  twist::Deferred<void> done = loop->start(1.0);
  REQUIRE(clock.getDelayedCalls().size() == 1);
  loop.reset();
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  REQUIRE(calls == 1);
  twist::assertNoResult(done);  // the start Deferred never fires
}

TEST_CASE("a Deferred from fn that fires after its LoopingCall is gone is ignored, and a failure is logged") {
  twist::Clock clock;
  std::vector<twist::Deferred<void>> work;
  std::optional<twist::LoopingCall> loop;
  loop.emplace(clock, [&] {
    work.emplace_back();
    return work.back();
  });
  twist::Deferred<void> done = loop->start(1.0);
  loop.reset();

  SECTION("success") {
    work[0].callback();
    REQUIRE(clock.getDelayedCalls().empty());
  }
  SECTION("failure") {
    CapturedLog log;
    work[0].errback(std::runtime_error("late failure"));
    REQUIRE(clock.getDelayedCalls().empty());
    const std::vector<twist::LogEvent> events = log.events();
    REQUIRE(events.size() == 1);
    REQUIRE(events[0].failure.has_value());
    REQUIRE(events[0].failure->getErrorMessage() == "late failure");
  }
  clock.advance(10);
  REQUIRE(work.size() == 1);
  twist::assertNoResult(done);
}

TEST_CASE("a LoopingCall destroyed by its own fn makes no further call") {
  twist::Clock clock;
  int calls = 0;
  std::optional<twist::LoopingCall> loop;
  std::optional<twist::Deferred<void>> done;

  SECTION("fn returns normally") {
    loop.emplace(clock, [&] {
      if (++calls == 2) loop.reset();
    });
    done = loop->start(1.0);
    clock.advance(1);
  }
  SECTION("fn throws after destroying it: the error is logged, since no Deferred can report it") {
    CapturedLog log;
    loop.emplace(clock, [&] {
      if (++calls == 2) {
        loop.reset();
        throw std::runtime_error("after the end");
      }
    });
    done = loop->start(1.0);
    clock.advance(1);
    const std::vector<twist::LogEvent> events = log.events();
    REQUIRE(events.size() == 1);
    REQUIRE(events[0].failure.has_value());
    REQUIRE(events[0].failure->getErrorMessage() == "after the end");
  }
  REQUIRE_FALSE(loop.has_value());
  REQUIRE(calls == 2);
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  REQUIRE(calls == 2);
  twist::assertNoResult(*done);
}

TEST_CASE("a LoopingCall may be moved while running: the moved-to one owns the loop") {
  twist::Clock clock;
  int calls = 0;
  twist::LoopingCall first(clock, [&] { ++calls; });
  twist::Deferred<void> done = first.start(1.0);
  twist::LoopingCall second = std::move(first);
  REQUIRE(second.running());
  clock.advance(1);
  REQUIRE(calls == 2);
  second.stop();
  twist::successResultOf(done);
}

// ---- deferLater ------------------------------------------------------------

TEST_CASE("deferLater fires with fn's result after the delay, not before") {
  twist::Clock clock;
  int calls = 0;
  twist::Deferred<int> d = twist::deferLater(clock, 2, [&] {
    ++calls;
    return 7;
  });
  clock.advance(1.9);
  twist::assertNoResult(d);
  REQUIRE(calls == 0);
  clock.advance(0.1);
  REQUIRE(calls == 1);
  REQUIRE(twist::successResultOf(d) == 7);
}

TEST_CASE("deferLater without fn fires with no value after the delay") {
  twist::Clock clock;
  twist::Deferred<void> d = twist::deferLater(clock, 1.5);
  REQUIRE(pendingTimes(clock) == std::vector<double>{1.5});
  clock.advance(1);
  twist::assertNoResult(d);
  clock.advance(0.5);
  twist::successResultOf(d);
}

TEST_CASE("deferLater waits for a Deferred returned by fn") {
  twist::Clock clock;
  twist::Deferred<std::string> inner;
  twist::Deferred<std::string> d = twist::deferLater(clock, 1, [&] { return inner; });
  clock.advance(1);
  twist::assertNoResult(d);
  inner.callback("done");
  REQUIRE(twist::successResultOf(d) == "done");
}

TEST_CASE("deferLater fails with what fn throws") {
  twist::Clock clock;
  twist::Deferred<int> d = twist::deferLater(clock, 1, []() -> int { throw std::out_of_range("no such key"); });
  clock.advance(1);
  REQUIRE(twist::failureResultOf<std::out_of_range>(d).getErrorMessage() == "no such key");
}

TEST_CASE("cancelling deferLater cancels the delayed call and fails with CancelledError") {
  twist::Clock clock;
  int calls = 0;
  twist::Deferred<int> d = twist::deferLater(clock, 2, [&] {
    ++calls;
    return 1;
  });
  REQUIRE(clock.getDelayedCalls().size() == 1);
  d.cancel();
  REQUIRE(clock.getDelayedCalls().empty());
  twist::failureResultOf<twist::CancelledError>(d);
  clock.advance(5);
  REQUIRE(calls == 0);
}

TEST_CASE("cancelling deferLater without fn fails with CancelledError") {
  twist::Clock clock;
  twist::Deferred<void> d = twist::deferLater(clock, 2);
  d.cancel();
  REQUIRE(clock.getDelayedCalls().empty());
  twist::failureResultOf<twist::CancelledError>(d);
}

TEST_CASE("deferLater runs fn even when every handle on its Deferred was dropped") {
  twist::Clock clock;
  int calls = 0;
  twist::deferLater(clock, 1, [&] { ++calls; });
  clock.advance(1);
  REQUIRE(calls == 1);
}

TEST_CASE("deferLater with a negative delay throws std::invalid_argument") {
  twist::Clock clock;
  REQUIRE_THROWS_AS(twist::deferLater(clock, -1), std::invalid_argument);
  REQUIRE_THROWS_AS(twist::deferLater(clock, -1, [] { return 1; }), std::invalid_argument);
  REQUIRE(clock.getDelayedCalls().empty());
}
