// Hidden tests for lesson 02, exercise "countdown" (countdown.hpp).
// Deterministic: time moves only through twist::Clock::advance. Each test
// declares its Clock before its Countdown, so a step left pending when a test
// stops early is dropped with the Clock, never run on a destroyed Countdown.
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "countdown.hpp"
#include "twist/task.hpp"
#include "twist_catch.hpp"

namespace {

using Events = std::vector<std::pair<double, std::string>>;  // (time, what was said)
using Names = std::vector<std::string>;

// A countdown that never ends would tick forever (or recurse until the stack
// overflows): past this many calls the recorder throws instead, so the test
// fails with a message rather than a hang or a crash.
constexpr std::size_t kTooManyCalls = 50;

// Records every call with the Clock's time at that moment.
struct Log {
  twist::Clock& clock;
  Events events;
  void record(std::string what) {
    if (events.size() >= kTooManyCalls)
      throw std::runtime_error("the countdown called onTick or onDone more than 50 times: does next_ go down, "
                               "and does step() schedule the next step instead of calling it?");
    events.emplace_back(clock.seconds(), std::move(what));
  }
  Countdown::TickFn tick() {
    return [this](int n) { record(std::to_string(n)); };
  }
  Countdown::DoneFn done() {
    return [this] { record("done"); };
  }
  Names names() const {
    Names out;
    for (const auto& event : events) out.push_back(event.second);
    return out;
  }
};

}  // namespace

TEST_CASE("countdown from 3 says 3 2 1 one second apart, then calls onDone") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  clock.pump({1, 1, 1, 1, 1});
  {
    INFO("start() says the first number at once; then each step schedules the next with time_.callLater(1.0, ...) "
         "and returns. A loop that sleeps, or that schedules every number from start(), gets these times wrong");
    CHECK(log.events == Events{{0.0, "3"}, {1.0, "2"}, {2.0, "1"}, {3.0, "done"}});
  }
  INFO("once onDone has run, the countdown is over: running() is false and no step is left scheduled");
  CHECK_FALSE(countdown.running());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("the first number is said inside start, and nothing runs before its time") {
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(2);
  {
    INFO("start() takes the first step itself, at once: the first number needs no callLater");
    REQUIRE(log.names() == Names{"2"});
    CHECK(countdown.running());
  }
  INFO("every later step waits a full second after the one before: callLater(1.0, ...), not callLater(0, ...)");
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

TEST_CASE("one step at a time: each step schedules only the next, one second ahead") {
  INFO("the countdown is a chain of calls: each step schedules the next one and no more. "
       "Scheduling every number from start() leaves several calls pending at once");
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  for (double now : {0.0, 1.0, 2.0}) {
    auto calls = clock.getDelayedCalls();
    INFO("at t = " << now << ", the calls scheduled on the clock");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].getTime() == twist_catch::Approx(now + 1.0));
    clock.advance(1);
  }
  CHECK(clock.getDelayedCalls().empty());
  CHECK(log.names() == Names{"3", "2", "1", "done"});
}

TEST_CASE("a late step schedules the next one a second after it actually ran") {
  INFO("callLater(1.0, ...) counts from the moment the step runs: when the loop was busy and a step ran late, "
       "the next one is a second after that, not on the original timetable");
  twist::Clock clock;
  Log log{clock, {}};
  Countdown countdown(clock, log.tick(), log.done());
  countdown.start(3);
  clock.advance(5);  // the loop was busy: the step due at 1 runs at 5
  CHECK(log.events == Events{{0.0, "3"}, {5.0, "2"}});
  clock.advance(0.999);
  CHECK(log.names().size() == 2);
  clock.pump({0.001, 1, 1});
  CHECK(log.events == Events{{0.0, "3"}, {5.0, "2"}, {6.0, "1"}, {7.0, "done"}});
}

TEST_CASE("start of 0 calls onDone at once, without a number") {
  INFO("with no number left, a step calls onDone instead of onTick, and schedules nothing");
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
  INFO("start() sets running_ to true, so that a second start() while counting throws std::logic_error");
  CHECK(countdown.running());
  CHECK_THROWS_AS(countdown.start(5), std::logic_error);
  clock.pump({1, 1, 1});
  CHECK(log.names() == Names{"2", "1", "done"});  // the first countdown went on untouched
}

TEST_CASE("running is false inside onDone, and a finished countdown can start again") {
  INFO("when no number is left, set running_ to false before calling onDone: the countdown is over then, "
       "and start() may begin a new one");
  twist::Clock clock;
  Log log{clock, {}};
  std::vector<bool> runningInsideDone;
  std::unique_ptr<Countdown> countdown;
  countdown = std::make_unique<Countdown>(clock, log.tick(), [&] {
    runningInsideDone.push_back(countdown->running());
    log.record("done");
  });
  countdown->start(1);
  clock.advance(1);
  CHECK(runningInsideDone == std::vector<bool>{false});
  CHECK_FALSE(countdown->running());
  CHECK_NOTHROW(countdown->start(2));
  clock.pump({1, 1});
  CHECK(log.names() == Names{"1", "done", "2", "1", "done"});
}

TEST_CASE("destroying a running countdown cancels its pending step") {
  INFO("the destructor cancels pending_: keep the DelayedCall that time_.callLater returns in pending_, "
       "or the next step stays scheduled and later calls into a destroyed Countdown");
  twist::Clock clock;
  Log log{clock, {}};
  {
    Countdown countdown(clock, log.tick(), log.done());
    countdown.start(3);
    REQUIRE(clock.getDelayedCalls().size() == 1);
  }
  // After this, advancing the clock would run a step on freed memory.
  REQUIRE(clock.getDelayedCalls().empty());
  clock.pump({1, 1, 1, 1, 1});
  CHECK(log.names() == Names{"3"});
}

TEST_CASE("two countdowns on one clock take turns, neither waits for the other") {
  INFO("each countdown keeps its own state in the object (next_, pending_, running_), not in a static "
       "or global variable, and no step waits: one loop serves both");
  twist::Clock clock;
  Names said;
  auto sayer = [&](const std::string& who) {
    return [&said, who](int n) {
      if (said.size() >= kTooManyCalls) throw std::runtime_error("more than 50 numbers said: the countdowns never end");
      said.push_back(who + std::to_string(n));
    };
  };
  Countdown a(clock, sayer("a"), [&] { said.push_back("a!"); });
  Countdown b(clock, sayer("b"), [&] { said.push_back("b!"); });
  a.start(2);
  clock.advance(0.5);
  b.start(2);
  clock.pump({0.5, 0.5, 0.5, 0.5});
  CHECK(said == Names{"a2", "b2", "a1", "b1", "a!", "b!"});
}
