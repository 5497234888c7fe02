// Hidden tests for lesson 02, exercise "heartbeat" (heartbeat.hpp).
// Deterministic: time moves only through twist::Clock::advance. Each test
// declares its Clock before its Heartbeat, so a call left pending when a test
// stops early is dropped with the Clock, never run on a destroyed Heartbeat.
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "heartbeat.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

using Beats = std::vector<std::pair<double, int>>;  // (time, number)

// A heartbeat that never stops would beat as long as the test advances the
// clock; past this many beats the recorder throws, so that shows as a failure.
constexpr std::size_t kTooManyBeats = 50;

struct Recorder {
  twist::Clock& clock;
  Beats beats;
  Heartbeat::BeatFn fn() {
    return [this](int n) {
      if (beats.size() >= kTooManyBeats) throw std::runtime_error("more than 50 beats: the heartbeat never stops itself");
      beats.emplace_back(clock.seconds(), n);
    };
  }
};

}  // namespace

TEST_CASE("three beats half a second apart, then the heartbeat stops itself") {
  INFO("each call of beat() is one beat, on loop_'s schedule: the first inside start(), then one every interval. "
       "After the last beat, beat() stops loop_ itself (loop_.stop()): nothing else will, so without it the beats go on");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(0.5, 3);
  clock.pump({0.5, 0.5, 0.5, 0.5, 0.5});
  CHECK(rec.beats == Beats{{0.0, 1}, {0.5, 2}, {1.0, 3}});
  CHECK(heart.count() == 3);
  CHECK_FALSE(heart.running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("the first beat runs inside start and the next waits a full interval") {
  INFO("loop_.start(interval) calls beat() at once, inside start() (now = true), then every interval seconds; "
       "start the member loop_, not a LoopingCall of your own that dies when start() returns");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(2.0, 5);
  CHECK(rec.beats == Beats{{0.0, 1}});
  CHECK(heart.running());
  clock.advance(1.999);
  CHECK(rec.beats.size() == 1);
  clock.advance(0.001);
  CHECK(rec.beats == Beats{{0.0, 1}, {2.0, 2}});
}

TEST_CASE("the start Deferred fires right after the last beat and not before") {
  INFO("return the Deferred that loop_.start gives you: it fires when loop_ stops. "
       "A Deferred you make yourself is never fired by anyone");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 4);
  for (int beat = 1; beat < 4; ++beat) {
    INFO("after beat " << beat << " of 4, the heartbeat is still going");
    CHECK_NOTHROW(twist::assertNoResult(done));
    CHECK(heart.running());
    clock.advance(1.0);
  }
  CHECK(heart.count() == 4);
  CHECK_FALSE(heart.running());
  CHECK_NOTHROW(twist::successResultOf(done));
}

TEST_CASE("a single beat happens inside start, whose Deferred has fired already") {
  INFO("with beats == 1 the first beat is also the last: beat() stops loop_ inside start(), "
       "so the Deferred that start() returns has fired already");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 1);
  CHECK(rec.beats == Beats{{0.0, 1}});
  CHECK_FALSE(heart.running());
  CHECK(clock.getDelayedCalls().empty());
  CHECK_NOTHROW(twist::successResultOf(done));
  clock.advance(5);
  CHECK(rec.beats.size() == 1);
}

TEST_CASE("start rejects a bad interval or count, and a second start while running") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  CHECK_THROWS_AS(heart.start(0.0, 3), std::invalid_argument);
  CHECK_THROWS_AS(heart.start(-1.0, 3), std::invalid_argument);
  CHECK_THROWS_AS(heart.start(1.0, 0), std::invalid_argument);
  CHECK_THROWS_AS(heart.start(1.0, -2), std::invalid_argument);
  CHECK(rec.beats.empty());
  CHECK_FALSE(heart.running());
  INFO("running() asks loop_.running(): true from start() until the heartbeat stops");
  twist::Deferred<void> done = heart.start(1.0, 2);
  CHECK(heart.running());
  CHECK_THROWS_AS(heart.start(1.0, 2), std::logic_error);
  clock.pump({1, 1, 1});
  CHECK(rec.beats == Beats{{0.0, 1}, {1.0, 2}});  // the first run went on untouched
  CHECK_NOTHROW(twist::successResultOf(done));
}

TEST_CASE("beats missed while the loop was busy are skipped, not caught up") {
  INFO("LoopingCall keeps to its grid and skips the ticks it missed; count the calls of beat() "
       "(each one is the next number), not the time that has passed");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 3);
  clock.advance(3.5);  // the beats due at 1, 2 and 3 come as one late beat
  CHECK(rec.beats == Beats{{0.0, 1}, {3.5, 2}});
  CHECK_NOTHROW(twist::assertNoResult(done));
  clock.advance(0.5);  // back on the grid: t = 4
  CHECK(rec.beats == Beats{{0.0, 1}, {3.5, 2}, {4.0, 3}});
  CHECK_FALSE(heart.running());
  CHECK_NOTHROW(twist::successResultOf(done));
}

TEST_CASE("a beat that throws stops the heartbeat and fails its Deferred") {
  INFO("let onBeat's exception leave beat(): LoopingCall then stops and fails the start Deferred with it. "
       "Catching it in beat() hides the error and keeps beating");
  twist::Clock clock;
  std::vector<int> beats;
  Heartbeat heart(clock, [&](int n) {
    beats.push_back(n);
    if (n == 2) throw std::runtime_error("heart attack");
  });
  twist::Deferred<void> done = heart.start(1.0, 5);
  clock.pump({1, 1, 1, 1});
  CHECK(beats == std::vector<int>{1, 2});
  {
    INFO("running() asks loop_.running(): a LoopingCall whose function threw is no longer running");
    CHECK_FALSE(heart.running());
  }
  std::optional<twist::Failure> failure;
  REQUIRE_NOTHROW(failure = twist::failureResultOf<std::runtime_error>(done));
  CHECK(failure->getErrorMessage() == "heart attack");
}

TEST_CASE("a stopped heartbeat starts again counting from 1") {
  INFO("start() begins a new run: set the count back to 0 there, so the new run says 1, 2, ... again");
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  CHECK(heart.count() == 0);
  twist::Deferred<void> first = heart.start(1.0, 2);
  clock.advance(1.0);
  CHECK_NOTHROW(twist::successResultOf(first));
  REQUIRE_FALSE(heart.running());
  twist::Deferred<void> second = heart.start(0.25, 2);
  CHECK(heart.count() == 1);
  clock.advance(0.25);
  CHECK(rec.beats == Beats{{0.0, 1}, {1.0, 2}, {1.0, 1}, {1.25, 2}});
  CHECK_NOTHROW(twist::successResultOf(second));
}

TEST_CASE("destroying a running heartbeat cancels its pending call") {
  INFO("the member loop_ cancels its pending call when the Heartbeat is destroyed: "
       "let loop_ do the scheduling rather than a callLater of your own");
  twist::Clock clock;
  Recorder rec{clock, {}};
  {
    Heartbeat heart(clock, rec.fn());
    twist::Deferred<void> done = heart.start(1.0, 5);
    REQUIRE(clock.getDelayedCalls().size() == 1);
  }
  // After this, advancing the clock would run a beat on freed memory.
  REQUIRE(clock.getDelayedCalls().empty());
  clock.pump({1, 1, 1});
  CHECK(rec.beats == Beats{{0.0, 1}});
}
