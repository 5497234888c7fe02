// Hidden tests for lesson 02, exercise "heartbeat" (heartbeat.hpp).
// Deterministic: time moves only through twist::Clock::advance.
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "heartbeat.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

using Beats = std::vector<std::pair<double, int>>;  // (time, number)

struct Recorder {
  twist::Clock& clock;
  Beats beats;
  Heartbeat::BeatFn fn() {
    return [this](int n) { beats.emplace_back(clock.seconds(), n); };
  }
};

}  // namespace

TEST_CASE("three beats half a second apart, then the heartbeat stops itself") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(0.5, 3);
  clock.pump({0.5, 0.5, 0.5, 0.5, 0.5});
  CHECK(rec.beats == Beats{{0.0, 1}, {0.5, 2}, {1.0, 3}});
  CHECK(heart.count() == 3);
  CHECK_FALSE(heart.running());
  CHECK(clock.getDelayedCalls().empty());
  twist::successResultOf(done);
}

TEST_CASE("the first beat runs inside start and the next waits a full interval") {
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
  twist::assertNoResult(done);
}

TEST_CASE("the start Deferred fires right after the last beat and not before") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 4);
  for (int beat = 1; beat < 4; ++beat) {
    twist::assertNoResult(done);
    CHECK(heart.running());
    clock.advance(1.0);
  }
  CHECK(heart.count() == 4);
  CHECK_FALSE(heart.running());
  twist::successResultOf(done);
}

TEST_CASE("a single beat happens inside start, whose Deferred has fired already") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 1);
  CHECK(rec.beats == Beats{{0.0, 1}});
  CHECK_FALSE(heart.running());
  CHECK(clock.getDelayedCalls().empty());
  twist::successResultOf(done);
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
  twist::Deferred<void> done = heart.start(1.0, 2);
  CHECK_THROWS_AS(heart.start(1.0, 2), std::logic_error);
  clock.pump({1, 1, 1});
  CHECK(rec.beats == Beats{{0.0, 1}, {1.0, 2}});  // the first run went on untouched
  twist::successResultOf(done);
}

TEST_CASE("stop ends the heartbeat early and fires the Deferred") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  CHECK_FALSE(heart.stop());  // nothing to stop yet: not an error
  twist::Deferred<void> done = heart.start(1.0, 10);
  clock.advance(1.0);
  CHECK(heart.stop());
  CHECK_FALSE(heart.running());
  twist::successResultOf(done);
  CHECK(clock.getDelayedCalls().empty());
  clock.pump({1, 1, 1, 1});
  CHECK(rec.beats == Beats{{0.0, 1}, {1.0, 2}});
  CHECK(heart.count() == 2);
  CHECK_FALSE(heart.stop());  // already stopped
}

TEST_CASE("stop from inside onBeat ends the heartbeat at once") {
  twist::Clock clock;
  std::vector<int> beats;
  std::unique_ptr<Heartbeat> heart;
  heart = std::make_unique<Heartbeat>(clock, [&](int n) {
    beats.push_back(n);
    if (n == 2) CHECK(heart->stop());
  });
  twist::Deferred<void> done = heart->start(1.0, 5);
  clock.pump({1, 1, 1, 1, 1});
  CHECK(beats == std::vector<int>{1, 2});
  CHECK_FALSE(heart->running());
  twist::successResultOf(done);
}

TEST_CASE("beats missed while the loop was busy are skipped, not caught up") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  twist::Deferred<void> done = heart.start(1.0, 3);
  clock.advance(3.5);  // the beats due at 1, 2 and 3 come as one late beat
  CHECK(rec.beats == Beats{{0.0, 1}, {3.5, 2}});
  twist::assertNoResult(done);
  clock.advance(0.5);  // back on the grid: t = 4
  CHECK(rec.beats == Beats{{0.0, 1}, {3.5, 2}, {4.0, 3}});
  CHECK_FALSE(heart.running());
  twist::successResultOf(done);
}

TEST_CASE("a beat that throws stops the heartbeat and fails its Deferred") {
  twist::Clock clock;
  std::vector<int> beats;
  Heartbeat heart(clock, [&](int n) {
    beats.push_back(n);
    if (n == 2) throw std::runtime_error("heart attack");
  });
  twist::Deferred<void> done = heart.start(1.0, 5);
  clock.pump({1, 1, 1, 1});
  CHECK(beats == std::vector<int>{1, 2});
  CHECK_FALSE(heart.running());
  twist::Failure failure = twist::failureResultOf<std::runtime_error>(done);
  CHECK(failure.getErrorMessage() == "heart attack");
}

TEST_CASE("a stopped heartbeat starts again counting from 1") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  Heartbeat heart(clock, rec.fn());
  CHECK(heart.count() == 0);
  twist::Deferred<void> first = heart.start(1.0, 2);
  clock.advance(1.0);
  twist::successResultOf(first);
  twist::Deferred<void> second = heart.start(0.25, 2);
  CHECK(heart.count() == 1);
  clock.advance(0.25);
  CHECK(rec.beats == Beats{{0.0, 1}, {1.0, 2}, {1.0, 1}, {1.25, 2}});
  twist::successResultOf(second);
}

TEST_CASE("destroying a running heartbeat cancels its pending call") {
  twist::Clock clock;
  Recorder rec{clock, {}};
  {
    Heartbeat heart(clock, rec.fn());
    twist::Deferred<void> done = heart.start(1.0, 5);
    REQUIRE(clock.getDelayedCalls().size() == 1);
  }
  CHECK(clock.getDelayedCalls().empty());
  clock.pump({1, 1, 1});  // nothing may call into the destroyed Heartbeat
  CHECK(rec.beats == Beats{{0.0, 1}});
}
