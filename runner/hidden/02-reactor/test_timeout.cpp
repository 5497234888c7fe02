// Hidden tests for lesson 02, stretch exercise "timeout" (timeout.hpp).
// Deterministic: time moves only through twist::Clock::advance. Each test
// declares its Clock before its IdleTimeout, so a call left pending when a
// test stops early is dropped with the Clock, never run on a destroyed object.
// Calls made from inside onTimeout are wrapped in CHECK_NOTHROW: an exception
// there would otherwise be logged by the Clock and lost.
#include <memory>
#include <stdexcept>
#include <vector>

#include "timeout.hpp"
#include "twist/task.hpp"
#include "twist_catch.hpp"

namespace {

using Times = std::vector<double>;

// Records the times at which onTimeout ran.
struct Fired {
  twist::Clock& clock;
  Times times;
  IdleTimeout::TimeoutFn fn() {
    return [this] { times.push_back(clock.seconds()); };
  }
};

}  // namespace

TEST_CASE("with no activity, onTimeout runs once, seconds after start") {
  INFO("start() schedules timedOut() with time_.callLater(seconds, ...) and keeps the DelayedCall; "
       "when it runs, the timeout is over: running() is false and nothing is left scheduled");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  idle.start(5);
  CHECK(idle.running());
  clock.advance(4.999);
  CHECK(fired.times.empty());
  clock.pump({0.001, 5, 5});
  CHECK(fired.times == Times{5.0});
  CHECK_FALSE(idle.running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("resetTimeout moves the deadline to seconds from now") {
  INFO("resetTimeout() moves the pending call (pending_, which start() got from callLater) to seconds_ from now "
       "with DelayedCall::reset; delay(s) would add s to the old deadline, and a second callLater would leave two calls");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  idle.start(5);
  clock.advance(3);
  CHECK(idle.resetTimeout());
  auto calls = clock.getDelayedCalls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].getTime() == twist_catch::Approx(8.0));
  clock.advance(4.999);
  CHECK(fired.times.empty());
  clock.pump({0.001, 5});
  CHECK(fired.times == Times{8.0});
}

TEST_CASE("steady activity keeps the timeout from firing, and silence lets it fire") {
  INFO("each resetTimeout() pushes the deadline back by the full period, counted from the moment of the activity");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  idle.start(2);
  for (int i = 0; i < 10; ++i) {
    clock.advance(1.5);
    CHECK(idle.resetTimeout());
  }
  CHECK(fired.times.empty());  // t = 15, the last activity
  clock.pump({1, 1, 1});
  CHECK(fired.times == Times{17.0});
}

TEST_CASE("stop cancels the pending call so that onTimeout never runs") {
  INFO("stop() cancels pending_ (DelayedCall::cancel) and returns true only when a timeout was running; "
       "without one to stop it returns false, and does not throw");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  CHECK_FALSE(idle.stop());  // nothing to stop yet: not an error
  idle.start(5);
  clock.advance(1);
  CHECK(idle.stop());
  CHECK_FALSE(idle.running());
  CHECK(clock.getDelayedCalls().empty());  // cancelled, not just ignored
  clock.pump({5, 5});
  CHECK(fired.times.empty());
  CHECK_FALSE(idle.stop());  // a second stop finds nothing to stop
}

TEST_CASE("resetTimeout does nothing when the timeout is not running") {
  INFO("when not running there is no pending call to move: pending_ is empty, cancelled or has run, "
       "and DelayedCall::reset would throw. Return false instead");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  CHECK_FALSE(idle.resetTimeout());  // never started
  idle.start(2);
  CHECK(idle.stop());
  CHECK_FALSE(idle.resetTimeout());  // stopped
  idle.start(2);
  clock.advance(2);
  REQUIRE(fired.times == Times{2.0});
  CHECK_FALSE(idle.resetTimeout());  // timed out already
  CHECK(clock.getDelayedCalls().empty());
  clock.advance(5);
  CHECK(fired.times == Times{2.0});
}

TEST_CASE("inside onTimeout, stop and resetTimeout return false without throwing") {
  INFO("onTimeout runs inside the scheduled call, which has run by then (it is no longer active): "
       "set running_ to false before calling onTimeout, so stop() and resetTimeout() know there is nothing to touch");
  twist::Clock clock;
  bool ran = false;
  bool runningInside = true;
  bool stoppedInside = true;
  bool resetInside = true;
  std::unique_ptr<IdleTimeout> idle;
  idle = std::make_unique<IdleTimeout>(clock, [&] {
    ran = true;
    runningInside = idle->running();
    CHECK_NOTHROW(stoppedInside = idle->stop());
    CHECK_NOTHROW(resetInside = idle->resetTimeout());
  });
  idle->start(1);
  clock.advance(1);
  REQUIRE(ran);
  CHECK_FALSE(runningInside);
  CHECK_FALSE(stoppedInside);
  CHECK_FALSE(resetInside);
  CHECK_FALSE(idle->running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("onTimeout may start the timeout again") {
  INFO("a start() from inside onTimeout arms a new timeout: running_ must be false before onTimeout is called, "
       "and nothing after onTimeout may set it back (that would undo the new start)");
  twist::Clock clock;
  Times times;
  std::unique_ptr<IdleTimeout> idle;
  idle = std::make_unique<IdleTimeout>(clock, [&] {
    times.push_back(clock.seconds());
    if (times.size() < 3) CHECK_NOTHROW(idle->start(1));
  });
  idle->start(2);
  clock.advance(2);
  CHECK(idle->running());
  clock.pump({1, 1, 1, 1});
  CHECK(times == Times{2.0, 3.0, 4.0});
  CHECK_FALSE(idle->running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("start rejects a bad period and a second start while running") {
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  CHECK_THROWS_AS(idle.start(0), std::invalid_argument);
  CHECK_THROWS_AS(idle.start(-1), std::invalid_argument);
  CHECK(clock.getDelayedCalls().empty());
  INFO("start() sets running_ to true, so that a second start() while armed throws std::logic_error");
  idle.start(3);
  CHECK(idle.running());
  CHECK_THROWS_AS(idle.start(1), std::logic_error);
  clock.pump({1, 1, 1, 1});
  CHECK(fired.times == Times{3.0});  // the first timeout went on untouched
}

TEST_CASE("a stopped timeout starts again with its new period") {
  INFO("start() remembers the period it is given: resetTimeout() uses the latest one");
  twist::Clock clock;
  Fired fired{clock, {}};
  IdleTimeout idle(clock, fired.fn());
  idle.start(10);
  clock.advance(1);
  REQUIRE(idle.stop());
  idle.start(2);  // t = 1: due at 3
  clock.advance(1);
  CHECK(idle.resetTimeout());  // t = 2: due at 4
  clock.pump({1, 1, 10});
  CHECK(fired.times == Times{4.0});
}

TEST_CASE("destroying a running timeout cancels its pending call") {
  INFO("the destructor cancels pending_: keep the DelayedCall that time_.callLater returns in pending_, "
       "or the call stays scheduled and later runs on a destroyed IdleTimeout");
  twist::Clock clock;
  Fired fired{clock, {}};
  {
    IdleTimeout idle(clock, fired.fn());
    idle.start(5);
    REQUIRE(clock.getDelayedCalls().size() == 1);
  }
  // After this, advancing the clock would run timedOut() on freed memory.
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(10);
  CHECK(fired.times.empty());
}

TEST_CASE("two timeouts on one clock keep their own deadlines") {
  INFO("each IdleTimeout keeps its own state (pending_, seconds_, running_) in the object, not in a static or global");
  twist::Clock clock;
  Fired a{clock, {}};
  Fired b{clock, {}};
  IdleTimeout first(clock, a.fn());
  IdleTimeout second(clock, b.fn());
  first.start(3);
  second.start(5);
  clock.advance(2);
  CHECK(first.resetTimeout());  // due at 5
  clock.pump({1, 1, 1, 1});
  CHECK(a.times == Times{5.0});
  CHECK(b.times == Times{5.0});
  clock.advance(10);
  CHECK(a.times.size() == 1);
  CHECK(b.times.size() == 1);
}
