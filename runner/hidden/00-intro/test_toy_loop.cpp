// Hidden tests for lesson 00, exercise "toy_loop" (toy_loop.hpp).
// Deterministic: the ToyLoop's clock is virtual, so nothing here sleeps.
// Every callback records (time, name) in a Log, which throws past a bound,
// so a loop that never ends fails with a message instead of hanging.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "toy_loop.hpp"
#include "twist_catch.hpp"

namespace {

using Events = std::vector<std::pair<double, std::string>>;
using Names = std::vector<std::string>;

constexpr std::size_t kTooManyCalls = 50;

struct Log {
  ToyLoop& loop;
  Events events;
  ToyLoop::Callback say(std::string name) {
    return [this, name] { record(name); };
  }
  void record(const std::string& name) {
    if (events.size() >= kTooManyCalls)
      throw std::runtime_error("more than 50 callbacks ran: does a turn run only what was due when it began, "
                               "and does run() end once stop() was called?");
    events.emplace_back(loop.now(), name);
  }
  Names names() const {
    Names out;
    for (const auto& event : events) out.push_back(event.second);
    return out;
  }
};

}  // namespace

TEST_CASE("a turn runs the due callbacks earliest first, whatever order they were scheduled in") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(3, log.say("at 3"));
  loop.callLater(1, log.say("at 1"));
  loop.callLater(2, log.say("at 2"));
  loop.advance(5);
  INFO("a loop is a timetable: a turn runs what is due in order of due time. timers_ is sorted by due time "
       "already, so take callbacks from its begin(), not in the order they were added");
  CHECK(log.names() == Names{"at 1", "at 2", "at 3"});
  CHECK(loop.pending() == 0);
}

TEST_CASE("callbacks due at the same time run first in, first out") {
  ToyLoop loop;
  Log log{loop, {}};
  for (const char* name : {"a", "b", "c", "d", "e"}) loop.callLater(1, log.say(name));
  loop.advance(1);
  INFO("ties keep the order of scheduling, as libuv and twist promise: the multimap keeps equal keys in insertion "
       "order, so walk it from begin(). A std::priority_queue, or a sort by due time that is not stable, "
       "loses that order");
  CHECK(log.names() == Names{"a", "b", "c", "d", "e"});
}

TEST_CASE("a callback runs once its time has come, not before") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(1, log.say("due at 1"));
  loop.advance(0.5);
  {
    INFO("at t = 0.5 nothing is due yet: a turn runs only callbacks whose due time is <= now()");
    CHECK(log.events.empty());
    CHECK(loop.pending() == 1);
  }
  loop.advance(0.5);
  INFO("at t = 1 it is due: 'due' includes the due time itself (upper_bound(now_), not lower_bound)");
  CHECK(log.events == Events{{1.0, "due at 1"}});
}

TEST_CASE("each callback runs once and leaves the queue before it runs") {
  ToyLoop loop;
  Log log{loop, {}};
  std::size_t pendingInside = 99;
  loop.callLater(1, [&] {
    pendingInside = loop.pending();
    log.record("once");
  });
  loop.advance(1);
  loop.advance(1);
  loop.advance(0);
  INFO("a turn erases what it runs from timers_: left in, a callback runs again on every later turn");
  CHECK(log.names() == Names{"once"});
  CHECK(loop.pending() == 0);
  INFO("inside the callback it is already out of the queue (take the turn's batch out first, then run it)");
  CHECK(pendingInside == 0);
}

TEST_CASE("a callback scheduled during a turn waits for the next turn, even with a delay of 0") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(1, [&] {
    log.record("first");
    loop.callLater(0, log.say("scheduled inside, delay 0"));
  });
  loop.advance(1);
  {
    INFO("a turn runs only what was due when it began: take the batch out of timers_ before running any of it. "
         "A loop that keeps looking at timers_.begin() while it runs callbacks runs the new one in the same turn, "
         "and a callback that reschedules itself with callLater(0) then never lets the turn end");
    CHECK(log.names() == Names{"first"});
    CHECK(loop.pending() == 1);
  }
  loop.advance(0);
  INFO("the next turn, at the same time, runs it");
  CHECK(log.events == Events{{1.0, "first"}, {1.0, "scheduled inside, delay 0"}});
}

TEST_CASE("run jumps the clock to each due time in turn and returns when nothing is left") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(2.5, log.say("c"));
  loop.callLater(1, [&] {
    log.record("a");
    loop.callLater(0, log.say("b"));  // the next turn, still at t = 1
  });
  loop.run();
  INFO("run() 'waits' by moving now_ to the earliest due time, then takes a turn, until timers_ is empty; "
       "the callLater(0) made at t = 1 runs in the next turn at t = 1, not at the end");
  CHECK(log.events == Events{{1.0, "a"}, {1.0, "b"}, {2.5, "c"}});
  CHECK(loop.pending() == 0);
  CHECK(loop.now() == twist_catch::Approx(2.5));
}

TEST_CASE("stop ends run after the current turn, and what is due later stays queued") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(1, [&] {
    log.record("stops");
    loop.stop();
  });
  loop.callLater(1, log.say("same turn"));
  loop.callLater(2, log.say("later"));
  loop.run();
  INFO("stop() only asks: run() checks stopped_ before each turn. The rest of the turn still runs, as in "
       "Twisted's reactor; ignoring stopped_ runs 'later' too");
  CHECK(log.names() == Names{"stops", "same turn"});
  CHECK(loop.pending() == 1);
  CHECK(loop.now() == twist_catch::Approx(1.0));
}

TEST_CASE("a second run starts afresh and runs what the first left") {
  ToyLoop loop;
  Log log{loop, {}};
  loop.callLater(1, [&] { loop.stop(); });
  loop.callLater(2, log.say("left for the second run"));
  loop.run();
  REQUIRE(log.events.empty());
  loop.run();
  INFO("run() clears stopped_ when it starts (given), so a second run() takes turns again");
  CHECK(log.events == Events{{2.0, "left for the second run"}});
}

TEST_CASE("run on an empty loop returns at once, and a callback due now runs now") {
  ToyLoop loop;
  loop.advance(5);
  loop.run();
  CHECK(loop.now() == twist_catch::Approx(5.0));
  Log log{loop, {}};
  loop.callLater(0, log.say("now"));
  loop.run();
  INFO("run() with an empty queue takes no turn and leaves the clock alone; a callLater(0) is due at now()");
  CHECK(log.events == Events{{5.0, "now"}});
}
