// Hidden tests for lesson 02, exercise "countdown" (countdown.hpp).
// Deterministic: time moves only through twist::Clock::advance.
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "countdown.hpp"
#include "twist/task.hpp"
#include "twist_catch.hpp"

namespace {

// Records every call with the Clock's time at that moment.
struct Log {
  twist::Clock& clock;
  std::vector<std::pair<double, std::string>> events;
  Countdown::TickFn tick() {
    return [this](int n) { events.emplace_back(clock.seconds(), std::to_string(n)); };
  }
  Countdown::DoneFn done() {
    return [this] { events.emplace_back(clock.seconds(), "done"); };
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& event : events) out.push_back(event.second);
    return out;
  }
};

using Events = std::vector<std::pair<double, std::string>>;
using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("countdown from 3 ticks 3 2 1 one second apart and then calls onDone") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  clock.pump({1, 1, 1, 1, 1});
  CHECK(log.events == Events{{0.0, "3"}, {1.0, "2"}, {2.0, "1"}, {3.0, "done"}});
  CHECK_FALSE(countdown.running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("the first tick runs inside start and nothing runs before its time") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(2);
  REQUIRE(log.names() == Names{"2"});
  CHECK(countdown.running());
  clock.advance(0.999);
  CHECK(log.names() == Names{"2"});
  clock.advance(0.001);
  CHECK(log.names() == Names{"2", "1"});
  clock.advance(0.999);
  CHECK(log.names() == Names{"2", "1"});
  CHECK(countdown.running());
  clock.advance(0.001);
  CHECK(log.names() == Names{"2", "1", "done"});
}

TEST_CASE("the countdown keeps exactly one call scheduled with callLater, one second ahead") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  for (double now : {0.0, 1.0, 2.0}) {
    auto calls = clock.getDelayedCalls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].getTime() == twist_catch::Approx(now + 1.0));
    clock.advance(1);
  }
  CHECK(clock.getDelayedCalls().empty());
  CHECK(log.names() == Names{"3", "2", "1", "done"});
}

TEST_CASE("a late step schedules the next one a second after it actually ran") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  clock.advance(5);  // the loop was busy: the step due at 1 runs at 5
  CHECK(log.events == Events{{0.0, "3"}, {5.0, "2"}});
  clock.advance(0.999);
  CHECK(log.names().size() == 2);
  clock.advance(0.001);
  clock.advance(1);
  clock.advance(1);
  CHECK(log.events == Events{{0.0, "3"}, {5.0, "2"}, {6.0, "1"}, {7.0, "done"}});
}

TEST_CASE("start of 0 calls onDone at once without ticking") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(0);
  CHECK(log.events == Events{{0.0, "done"}});
  CHECK_FALSE(countdown.running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("start rejects a negative count and a second start while running") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  CHECK_THROWS_AS(countdown.start(-1), std::invalid_argument);
  CHECK(log.events.empty());
  CHECK_FALSE(countdown.running());
  countdown.start(2);
  CHECK_THROWS_AS(countdown.start(5), std::logic_error);
  clock.pump({1, 1, 1});
  CHECK(log.names() == Names{"2", "1", "done"});  // the first countdown went on untouched
}

TEST_CASE("abort cancels the pending call so that nothing more runs") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  CHECK_FALSE(countdown.abort());  // nothing to abort yet: not an error
  countdown.start(3);
  clock.advance(1);
  CHECK(countdown.abort());
  CHECK_FALSE(countdown.running());
  CHECK(clock.getDelayedCalls().empty());  // cancelled, not just ignored
  clock.pump({1, 1, 1, 1, 1});
  CHECK(log.names() == Names{"3", "2"});
  CHECK_FALSE(countdown.abort());  // a second abort finds nothing to stop
}

TEST_CASE("abort from inside onTick stops the countdown") {
  twist::Clock clock;
  std::vector<int> ticks;
  bool done = false;
  std::unique_ptr<Countdown> countdown;
  countdown = std::make_unique<Countdown>(
      clock,
      [&](int n) {
        ticks.push_back(n);
        if (n == 2) CHECK(countdown->abort());
      },
      [&] { done = true; });
  countdown->start(3);
  clock.pump({1, 1, 1, 1, 1});
  CHECK(ticks == std::vector<int>{3, 2});
  CHECK_FALSE(done);
  CHECK_FALSE(countdown->running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("remaining counts the numbers not yet ticked") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  CHECK(countdown.remaining() == 0);
  countdown.start(3);
  CHECK(countdown.remaining() == 2);
  clock.advance(1);
  CHECK(countdown.remaining() == 1);
  clock.advance(1);
  CHECK(countdown.remaining() == 0);
  CHECK(countdown.running());  // onDone is still to come
  clock.advance(1);
  CHECK(countdown.remaining() == 0);
  CHECK_FALSE(countdown.running());
}

TEST_CASE("a finished or aborted countdown can start again, even from onDone") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(1);
  clock.advance(1);
  countdown.start(2);  // finished: may start again
  clock.advance(1);
  CHECK(countdown.abort());  // onDone was still to come
  countdown.start(1);        // aborted: may start again
  clock.pump({1, 1});
  CHECK(log.names() == Names{"1", "done", "2", "1", "1", "done"});

  twist::Clock clock2;
  int rounds = 0;
  std::vector<int> ticks;
  std::unique_ptr<Countdown> again;
  again = std::make_unique<Countdown>(
      clock2, [&](int n) { ticks.push_back(n); },
      [&] {
        CHECK_FALSE(again->running());
        if (++rounds < 2) again->start(2);
      });
  again->start(2);
  clock2.advance(1);
  clock2.advance(1);  // first onDone, which starts the second round
  CHECK(again->running());
  clock2.advance(1);
  clock2.advance(1);
  CHECK(rounds == 2);
  CHECK(ticks == std::vector<int>{2, 1, 2, 1});
  CHECK_FALSE(again->running());
}

TEST_CASE("destroying a running countdown cancels its pending call") {
  twist::Clock clock;
  Log log{clock, {}};
  {
    Countdown countdown(clock, log.tick(), log.done());
    countdown.start(3);
    REQUIRE(clock.getDelayedCalls().size() == 1);
  }
  CHECK(clock.getDelayedCalls().empty());
  clock.pump({1, 1, 1, 1, 1});  // nothing may call into the destroyed Countdown
  CHECK(log.names() == Names{"3"});
}

TEST_CASE("two countdowns on one clock interleave without waiting for each other") {
  twist::Clock clock;
  std::vector<std::string> said;
  Countdown a(clock, [&](int n) { said.push_back("a" + std::to_string(n)); }, [&] { said.push_back("a!"); });
  Countdown b(clock, [&](int n) { said.push_back("b" + std::to_string(n)); }, [&] { said.push_back("b!"); });
  a.start(2);
  clock.advance(0.5);
  b.start(2);
  clock.pump({0.5, 0.5, 0.5, 0.5});
  CHECK(said == std::vector<std::string>{"a2", "b2", "a1", "b1", "a!", "b!"});
}
