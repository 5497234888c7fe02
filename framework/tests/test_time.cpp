// DelayedCall (time.hpp), exercised through twist::Clock so that every time
// is exact and nothing sleeps. Clock's own advance/pump rules are in test_task.cpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "twist/error.hpp"
#include "twist/logger.hpp"
#include "twist/task.hpp"
#include "twist/time.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;

TEST_CASE("DelayedCall.getTime is absolute: seconds() + delay when scheduled") {
  twist::Clock clock;
  clock.advance(10);
  twist::DelayedCall call = clock.callLater(2.5, [] {});
  REQUIRE(call.getTime() == 12.5);
  clock.advance(1);
  REQUIRE(call.getTime() == 12.5);  // does not drift as time passes
}

TEST_CASE("a delayed call runs when its time comes, not before, and once") {
  twist::Clock clock;
  int runs = 0;
  double ranAt = -1;
  twist::DelayedCall call = clock.callLater(2.5, [&] {
    ++runs;
    ranAt = clock.seconds();
  });
  clock.advance(2.4);
  REQUIRE(runs == 0);
  REQUIRE(call.active());
  REQUIRE_FALSE(call.called());
  clock.advance(0.1);
  REQUIRE(runs == 1);
  REQUIRE(ranAt == twist_catch::Approx(2.5));
  clock.advance(10);
  REQUIRE(runs == 1);
}

TEST_CASE("active() is true until the call runs or is cancelled, and called() and cancelled() say which") {
  twist::Clock clock;
  twist::DelayedCall ran = clock.callLater(1, [] {});
  twist::DelayedCall dropped = clock.callLater(1, [] {});
  REQUIRE(ran.active());
  REQUIRE(dropped.active());

  dropped.cancel();
  REQUIRE_FALSE(dropped.active());
  REQUIRE(dropped.cancelled());
  REQUIRE_FALSE(dropped.called());

  clock.advance(1);
  REQUIRE_FALSE(ran.active());
  REQUIRE(ran.called());
  REQUIRE_FALSE(ran.cancelled());
}

TEST_CASE("an empty DelayedCall handle is not active") {
  twist::DelayedCall none;
  REQUIRE_FALSE(none);
  REQUIRE_FALSE(none.active());
  REQUIRE_FALSE(none.called());
  REQUIRE_FALSE(none.cancelled());
}

TEST_CASE("cancel() stops the call, and copies of the handle see it") {
  twist::Clock clock;
  bool ran = false;
  twist::DelayedCall call = clock.callLater(1, [&] { ran = true; });
  twist::DelayedCall copy = call;
  call.cancel();
  REQUIRE_FALSE(copy.active());
  REQUIRE(copy.cancelled());
  clock.advance(5);
  REQUIRE_FALSE(ran);
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("cancel() releases what the function captured at once") {
  twist::Clock clock;
  auto resource = std::make_shared<int>(7);
  twist::DelayedCall call = clock.callLater(100, [resource] {});
  REQUIRE(resource.use_count() == 2);
  call.cancel();
  REQUIRE(resource.use_count() == 1);
}

TEST_CASE("cancelling twice raises AlreadyCancelled") {
  twist::Clock clock;
  twist::DelayedCall call = clock.callLater(1, [] {});
  call.cancel();
  REQUIRE_THROWS_AS(call.cancel(), twist::AlreadyCancelled);
}

TEST_CASE("cancelling a call that has run raises AlreadyCalled") {
  twist::Clock clock;
  twist::DelayedCall call = clock.callLater(1, [] {});
  clock.advance(1);
  REQUIRE_THROWS_AS(call.cancel(), twist::AlreadyCalled);
}

TEST_CASE("cancelling a call from inside itself raises AlreadyCalled (called is set before it runs)") {
  twist::Clock clock;
  twist::DelayedCall call;
  bool sawAlreadyCalled = false;
  bool activeInside = true;
  call = clock.callLater(1, [&] {
    activeInside = call.active();
    try {
      call.cancel();
    } catch (const twist::AlreadyCalled&) {
      sawAlreadyCalled = true;
    }
  });
  clock.advance(1);
  REQUIRE(sawAlreadyCalled);
  REQUIRE_FALSE(activeInside);
}

TEST_CASE("reset(s) moves the call to now + s, earlier or later") {
  twist::Clock clock;
  clock.advance(1);
  std::vector<double> ranAt;
  twist::DelayedCall call = clock.callLater(5, [&] { ranAt.push_back(clock.seconds()); });  // due at 6

  SECTION("earlier") {
    call.reset(2);
    REQUIRE(call.getTime() == 3);
    clock.advance(2);
    REQUIRE(ranAt == std::vector<double>{3});
  }
  SECTION("later") {
    clock.advance(1);  // t = 2
    call.reset(10);
    REQUIRE(call.getTime() == 12);
    clock.advance(4);  // t = 6, the original time
    REQUIRE(ranAt.empty());
    clock.advance(6);
    REQUIRE(ranAt == std::vector<double>{12});
  }
  clock.advance(100);
  REQUIRE(ranAt.size() == 1);  // the old time left no second run behind
}

TEST_CASE("delay(s) adds s to the due time") {
  twist::Clock clock;
  std::vector<double> ranAt;
  twist::DelayedCall call = clock.callLater(5, [&] { ranAt.push_back(clock.seconds()); });
  call.delay(3);
  REQUIRE(call.getTime() == 8);
  clock.advance(5);
  REQUIRE(ranAt.empty());
  clock.advance(3);
  REQUIRE(ranAt == std::vector<double>{8});
}

TEST_CASE("delay(s) with a negative s brings the call forward") {
  twist::Clock clock;
  bool ran = false;
  twist::DelayedCall call = clock.callLater(5, [&] { ran = true; });
  call.delay(-4);
  REQUIRE(call.getTime() == 1);
  clock.advance(1);
  REQUIRE(ran);
}

TEST_CASE("reset and delay raise AlreadyCancelled or AlreadyCalled when too late") {
  twist::Clock clock;
  twist::DelayedCall cancelled = clock.callLater(1, [] {});
  twist::DelayedCall ran = clock.callLater(1, [] {});
  cancelled.cancel();
  clock.advance(1);
  REQUIRE_THROWS_AS(cancelled.reset(1), twist::AlreadyCancelled);
  REQUIRE_THROWS_AS(cancelled.delay(1), twist::AlreadyCancelled);
  REQUIRE_THROWS_AS(ran.reset(1), twist::AlreadyCalled);
  REQUIRE_THROWS_AS(ran.delay(1), twist::AlreadyCalled);
}

TEST_CASE("calls run in time order, whatever order they were scheduled in") {
  twist::Clock clock;
  std::vector<int> order;
  clock.callLater(3, [&] { order.push_back(3); });
  clock.callLater(1, [&] { order.push_back(1); });
  clock.callLater(2, [&] { order.push_back(2); });
  clock.advance(5);
  REQUIRE(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("calls due at the same time run in the order they were scheduled (FIFO)") {
  twist::Clock clock;
  std::vector<int> order;
  for (int i = 0; i < 20; ++i) clock.callLater(1, [&order, i] { order.push_back(i); });
  // Reaching the same time from another start: still FIFO.
  clock.advance(0.5);
  clock.callLater(0.5, [&] { order.push_back(20); });
  clock.advance(0.5);
  std::vector<int> expected;
  for (int i = 0; i <= 20; ++i) expected.push_back(i);
  REQUIRE(order == expected);
}

TEST_CASE("a call rescheduled onto a busy time goes after the calls already there") {
  twist::Clock clock;
  std::vector<std::string> order;
  twist::DelayedCall moved = clock.callLater(1, [&] { order.push_back("moved"); });
  clock.callLater(2, [&] { order.push_back("a"); });
  clock.callLater(2, [&] { order.push_back("b"); });
  moved.reset(2);
  clock.advance(2);
  REQUIRE(order == std::vector<std::string>{"a", "b", "moved"});
}

TEST_CASE("a negative or NaN delay is rejected with std::invalid_argument and schedules nothing") {
  twist::Clock clock;
  bool ran = false;
  REQUIRE_THROWS_AS(clock.callLater(-0.001, [&] { ran = true; }), std::invalid_argument);
  REQUIRE_THROWS_AS(clock.callLater(std::nan(""), [&] { ran = true; }), std::invalid_argument);
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(1);
  REQUIRE_FALSE(ran);
}

TEST_CASE("getDelayedCalls lists the pending calls earliest first, without run or cancelled ones") {
  twist::Clock clock;
  clock.callLater(3, [] {});
  twist::DelayedCall cancelled = clock.callLater(2, [] {});
  clock.callLater(1, [] {});
  clock.callLater(0.5, [] {});
  cancelled.cancel();
  clock.advance(0.5);
  std::vector<double> times;
  for (const auto& call : clock.getDelayedCalls()) times.push_back(call.getTime());
  REQUIRE(times == std::vector<double>{1, 3});
}

TEST_CASE("an exception thrown by a call is logged and the other calls still run") {
  CapturedLog log;
  twist::Clock clock;
  std::vector<int> ran;
  clock.callLater(1, [&] { ran.push_back(1); });
  clock.callLater(1, [&] { throw std::runtime_error("boom in a timer"); });
  clock.callLater(1, [&] { ran.push_back(3); });
  clock.callLater(2, [&] { ran.push_back(4); });
  REQUIRE_NOTHROW(clock.advance(2));
  REQUIRE(ran == std::vector<int>{1, 3, 4});

  const std::vector<twist::LogEvent> events = log.events();
  REQUIRE(events.size() == 1);
  const twist::LogEvent& event = events[0];
  REQUIRE(event.failure.has_value());
  REQUIRE(event.failure->check<std::runtime_error>());
  REQUIRE(event.failure->getErrorMessage() == "boom in a timer");
  REQUIRE_THAT(event.text(), twist_catch::Contains("Unhandled error in delayed call"));
  REQUIRE_THAT(event.text(), twist_catch::Contains("boom in a timer"));
}

TEST_CASE("a DelayedCall handle may outlive its Clock") {
  twist::DelayedCall pending;
  twist::DelayedCall ran;
  auto resource = std::make_shared<int>(1);
  {
    twist::Clock clock;
    pending = clock.callLater(5, [resource] {});
    ran = clock.callLater(1, [] {});
    clock.advance(1);
  }
  // The pending function was dropped unrun with the Clock.
  REQUIRE(resource.use_count() == 1);
  REQUIRE_FALSE(pending.active());
  REQUIRE(pending.getTime() == 5);
  REQUIRE_THROWS_AS(pending.cancel(), twist::AlreadyCancelled);
  REQUIRE_THROWS_AS(pending.reset(1), twist::AlreadyCancelled);
  REQUIRE_THROWS_AS(pending.delay(1), twist::AlreadyCancelled);
  REQUIRE(ran.called());
  REQUIRE_THROWS_AS(ran.cancel(), twist::AlreadyCalled);
}

TEST_CASE("a call reset to a later time runs after one scheduled meanwhile for an earlier time") {
  twist::Clock clock;
  std::vector<std::pair<std::string, double>> ran;
  twist::DelayedCall a = clock.callLater(1, [&] { ran.emplace_back("a", clock.seconds()); });
  a.reset(3);
  clock.callLater(2, [&] { ran.emplace_back("b", clock.seconds()); });
  clock.pump({1, 1, 1});
  REQUIRE(ran == std::vector<std::pair<std::string, double>>{{"b", 2}, {"a", 3}});
}

TEST_CASE("a call reset from inside another call keeps the time order") {
  twist::Clock clock;
  std::vector<std::pair<std::string, double>> ran;
  twist::DelayedCall b = clock.callLater(2, [&] { ran.emplace_back("b", clock.seconds()); });
  clock.callLater(1, [&] { b.reset(3); });  // at t = 1: b moves to t = 4
  clock.callLater(3, [&] { ran.emplace_back("c", clock.seconds()); });
  clock.pump(std::vector<double>(10, 0.5));
  REQUIRE(ran == std::vector<std::pair<std::string, double>>{{"c", 3}, {"b", 4}});
}

namespace {
// The reactor's way of running timers (a pass that leaves calls made during it
// for the next pass), on a hand-moved time, so the pass itself can be examined.
struct PassTime : twist::IReactorTime {
  double now = 0;
  twist::detail::TimerQueue queue{*this};
  twist::DelayedCall callLater(double delay, std::function<void()> fn) override { return queue.schedule(delay, std::move(fn)); }
  double seconds() const override { return now; }
  std::vector<twist::DelayedCall> getDelayedCalls() const override { return queue.pending(); }
};
}  // namespace

TEST_CASE("a reactor pass runs every call that was due when it began, even when one moves another earlier") {
  PassTime time;
  std::vector<std::string> order;
  twist::DelayedCall b = time.callLater(5, [&] { order.push_back("b"); });
  time.callLater(1, [&] {
    order.push_back("a");
    b.delay(-4);  // b is now due at 1, earlier than c, but was moved during this pass
  });
  time.callLater(2, [&] { order.push_back("c"); });
  time.now = 2;
  REQUIRE(time.queue.runDue(time.now, /*includeNew=*/false) == 2);
  REQUIRE(order == std::vector<std::string>{"a", "c"});
  REQUIRE(time.queue.runDue(time.now, false) == 1);  // b waits for the next pass
  REQUIRE(order == std::vector<std::string>{"a", "c", "b"});
}

TEST_CASE("a call set aside during a pass can still be moved by a later call of that pass") {
  PassTime time;
  std::vector<std::string> order;
  twist::DelayedCall b = time.callLater(5, [&] { order.push_back("b"); });
  time.callLater(1, [&] { b.delay(-4); });  // b due at 1: set aside for the next pass
  time.callLater(2, [&] { b.reset(10); });  // ... and then moved to now + 10
  time.now = 2;
  time.queue.runDue(time.now, false);
  REQUIRE(time.queue.runDue(time.now, false) == 0);
  REQUIRE(b.active());
  REQUIRE(b.getTime() == 12);
  time.now = 12;
  REQUIRE(time.queue.runDue(time.now, false) == 1);
  REQUIRE(order == std::vector<std::string>{"b"});
}

TEST_CASE("calls run in (time, scheduling order), whichever internal store each landed in") {
  twist::Clock clock;
  std::string order;
  auto note = [&](char c) { return [&order, c] { order += c; }; };
  clock.callLater(5, note('a'));  // in time order so far: the sorted run
  clock.callLater(3, note('b'));  // earlier than the last: the heap
  clock.callLater(5, note('c'));
  clock.callLater(7, note('x'));
  clock.callLater(5, note('d'));  // ties with a and c, scheduled after them
  clock.callLater(3, note('e'));
  clock.callLater(4, note('f'));
  clock.advance(10);
  REQUIRE(order == "befacdx");
}

// ---- the stores behind the promises: runs, heap, moved entries, sweeping, reuse ----

TEST_CASE("a callLater(0) made during a reactor pass waits for the next pass, wherever it is queued") {
  PassTime time;
  std::vector<std::string> order;
  SECTION("on the run of calls due at once") {
    time.callLater(0, [&] {
      order.push_back("a");
      time.callLater(0, [&] { order.push_back("made by a"); });
    });
    time.callLater(0, [&] { order.push_back("b"); });
  }
  SECTION("on the heap, behind timeouts queued earlier") {
    time.callLater(30, [&] { order.push_back("timeout"); });
    time.callLater(20, [&] { order.push_back("shorter timeout"); });  // both runs end in the future now
    time.callLater(0, [&] {
      order.push_back("a");
      time.callLater(0, [&] { order.push_back("made by a"); });  // due now, as the pass's calls
    });
    time.callLater(0, [&] { order.push_back("b"); });
  }
  REQUIRE(time.queue.runDue(time.now, /*includeNew=*/false) == 2);
  REQUIRE(order == std::vector<std::string>{"a", "b"});
  REQUIRE(time.queue.runDue(time.now, false) == 1);
  REQUIRE(order == std::vector<std::string>{"a", "b", "made by a"});
}

TEST_CASE("a call due at once and cancelled, before or during the pass, never runs") {
  PassTime time;
  std::vector<std::string> order;
  twist::DelayedCall before = time.callLater(0, [&] { order.push_back("cancelled before"); });
  twist::DelayedCall during;
  time.callLater(0, [&] {
    order.push_back("first");
    during.cancel();
  });
  during = time.callLater(0, [&] { order.push_back("cancelled during"); });
  time.callLater(0, [&] { order.push_back("last"); });
  before.cancel();
  REQUIRE(time.queue.runDue(time.now, /*includeNew=*/false) == 2);
  REQUIRE(order == std::vector<std::string>{"first", "last"});
  REQUIRE(before.cancelled());
  REQUIRE(during.cancelled());
  REQUIRE(time.queue.nextTime() < 0);  // nothing left to wake for
}

TEST_CASE("a call due at once and reset to later runs at the later time, after the calls already there") {
  PassTime time;
  std::vector<std::string> order;
  twist::DelayedCall moved = time.callLater(0, [&] { order.push_back("moved"); });
  time.callLater(5, [&] { order.push_back("already at 5"); });
  moved.reset(5);
  time.callLater(5, [&] { order.push_back("queued after the reset"); });
  REQUIRE(moved.getTime() == 5);
  REQUIRE(time.queue.runDue(time.now, false) == 0);
  REQUIRE(moved.active());
  REQUIRE(time.queue.nextTime() <= 5);  // it may wake early for the old place, never late
  time.now = 4.9;
  REQUIRE(time.queue.runDue(time.now, false) == 0);
  time.now = 5;
  REQUIRE(time.queue.runDue(time.now, false) == 3);
  REQUIRE(order == std::vector<std::string>{"already at 5", "moved", "queued after the reset"});
}

TEST_CASE("resetting a timeout again and again holds one entry, not one per reset") {
  PassTime time;
  int timeouts = 0;
  twist::DelayedCall timeout = time.callLater(30, [&] { ++timeouts; });
  for (int packet = 0; packet < 10'000; ++packet) {
    time.now += 0.001;
    timeout.reset(30);  // each packet pushes the timeout back (Twisted's TimeoutMixin.resetTimeout)
  }
  REQUIRE(time.queue.entries() == 1);
  REQUIRE(timeout.getTime() == twist_catch::Approx(40));
  time.now = 39.9;
  time.queue.runDue(time.now, false);
  REQUIRE(timeouts == 0);
  time.now = 40.1;
  time.queue.runDue(time.now, false);
  REQUIRE(timeouts == 1);
  REQUIRE(time.queue.entries() == 0);
}

TEST_CASE("cancelled calls are swept out once they outnumber the live ones") {
  PassTime time;
  std::vector<twist::DelayedCall> calls;
  for (int i = 0; i < 1000; ++i) calls.push_back(time.callLater(100 + i % 7, [] {}));
  for (int i = 0; i < 1000; ++i)
    if (i % 10 != 0) calls[static_cast<std::size_t>(i)].cancel();
  // 100 live calls; the stale entries of the 900 cancelled ones do not wait for time 100.
  REQUIRE(time.queue.entries() < 400);
  REQUIRE(time.getDelayedCalls().size() == 100);
  time.now = 200;
  REQUIRE(time.queue.runDue(time.now, false) == 100);
  REQUIRE(time.queue.entries() == 0);
}

TEST_CASE("a handle kept after its call ran still describes that call, however many calls follow") {
  PassTime time;
  twist::DelayedCall kept = time.callLater(1, [] {});
  time.now = 1;
  time.queue.runDue(time.now, false);
  for (int round = 0; round < 3; ++round) {  // calls come and go, reusing what they can
    for (int i = 0; i < 300; ++i) time.callLater(0.5, [] {});
    time.now += 1;
    time.queue.runDue(time.now, false);
  }
  REQUIRE(kept.called());
  REQUIRE_FALSE(kept.active());
  REQUIRE_FALSE(kept.cancelled());
  REQUIRE(kept.getTime() == 1);
  REQUIRE_THROWS_AS(kept.cancel(), twist::AlreadyCalled);
}

TEST_CASE("getDelayedCalls lists a call moved later once, at its new time, in time order") {
  twist::Clock clock;
  twist::DelayedCall a = clock.callLater(1, [] {});
  twist::DelayedCall b = clock.callLater(2, [] {});
  a.reset(3);
  a.delay(1);  // a is due at 4, still standing at 1 in the queue
  std::vector<twist::DelayedCall> calls = clock.getDelayedCalls();
  REQUIRE(calls.size() == 2);
  REQUIRE(calls[0].getTime() == 2);
  REQUIRE(calls[1].getTime() == 4);
  clock.advance(1);  // a's old place surfaces: it moves on, and does not run
  REQUIRE(a.active());
  REQUIRE(clock.getDelayedCalls().size() == 2);
}

// Every store (runs, heap, entries moved on, sweeping, reuse) against a plain
// list: random schedules, cancels, resets and delays, some made by the calls
// themselves while a pass runs, checked call by call. Fixed seeds: the same
// operations every run.
TEST_CASE("the timer queue agrees with a plain list of (time, seq) under random operations") {
  struct ModelCall {
    double time;
    std::uint64_t seq;
    bool pending;
    twist::DelayedCall handle;
  };
  for (unsigned seed = 1; seed <= 40; ++seed) {
    PassTime time;
    std::vector<ModelCall> model;
    std::uint64_t nextSeq = 0;
    std::uint64_t seqLimit = 0;
    double passNow = 0;
    unsigned rng = seed;
    auto random = [&rng](unsigned n) {
      rng = rng * 1103515245u + 12345u;
      return (rng >> 8) % n;
    };
    // Many ties, and some calls far off, whose cancelled entries pile up until swept.
    auto randomDelay = [&] { return 0.5 * random(8) + (random(3) == 0 ? 50 : 0); };
    std::vector<std::size_t> ranOutOfOrder;

    std::function<void(std::size_t)> act;
    auto schedule = [&] {
      std::size_t id = model.size();
      double delay = randomDelay();
      model.push_back(ModelCall{time.now + delay, nextSeq++, true, {}});
      model[id].handle = time.callLater(delay, [&, id] {
        // The call that runs must be the earliest eligible one the model knows.
        std::size_t best = model.size();
        for (std::size_t i = 0; i < model.size(); ++i) {
          const ModelCall& c = model[i];
          if (!c.pending || c.time > passNow || c.seq >= seqLimit) continue;
          if (best == model.size() || c.time < model[best].time ||
              (c.time == model[best].time && c.seq < model[best].seq))
            best = i;
        }
        if (best != id) ranOutOfOrder.push_back(id);
        model[id].pending = false;
        if (random(3) == 0) act(random(4));  // some calls change the queue while the pass runs
      });
    };
    act = [&](std::size_t what) {
      if (what == 0 || model.empty()) {
        schedule();
        return;
      }
      ModelCall& c = model[random(static_cast<unsigned>(model.size()))];
      if (!c.pending) return;
      if (what == 1) {
        c.handle.cancel();
        c.pending = false;
      } else if (what == 2) {
        double s = randomDelay();
        c.handle.reset(s);
        c.time = time.now + s;
        c.seq = nextSeq++;
      } else {
        double d = 0.5 * static_cast<double>(random(7)) - 1.5;  // earlier or later
        c.handle.delay(d);
        c.time += d;
        c.seq = nextSeq++;
      }
    };

    for (int step = 0; step < 400; ++step) {
      unsigned what = random(21);
      if (what == 20) {  // a burst of calls, most of them cancelled: enough stale entries to sweep
        std::size_t first = model.size();
        for (int i = 0; i < 80; ++i) schedule();
        for (std::size_t i = first; i < model.size(); ++i) {
          if (random(8) == 0 || !model[i].pending) continue;
          model[i].handle.cancel();
          model[i].pending = false;
        }
        continue;
      }
      if (what < 14) {
        act(what % 4);
        continue;
      }
      time.now += 0.5 * random(5);
      bool includeNew = random(2) == 0;
      passNow = time.now;
      seqLimit = includeNew ? UINT64_MAX : nextSeq;
      time.queue.runDue(time.now, includeNew);
      INFO("seed " << seed << ", step " << step);
      REQUIRE(ranOutOfOrder.empty());
      for (const ModelCall& c : model) {
        REQUIRE(c.handle.active() == c.pending);
        if (c.pending) {
          REQUIRE(c.handle.getTime() == c.time);
          REQUIRE((c.time > time.now || c.seq >= seqLimit));  // nothing eligible left behind
        }
      }
      std::vector<const ModelCall*> pending;
      for (const ModelCall& c : model)
        if (c.pending) pending.push_back(&c);
      std::sort(pending.begin(), pending.end(), [](const ModelCall* a, const ModelCall* b) {
        return a->time != b->time ? a->time < b->time : a->seq < b->seq;
      });
      std::vector<twist::DelayedCall> listed = time.getDelayedCalls();
      REQUIRE(listed.size() == pending.size());
      for (std::size_t i = 0; i < listed.size(); ++i) REQUIRE(listed[i].getTime() == pending[i]->time);
      double next = time.queue.nextTime();
      if (pending.empty())
        REQUIRE(next < 0);
      else
        REQUIRE((next >= 0 && next <= pending.front()->time));  // early is harmless, late is not
    }
  }
}

TEST_CASE("callLater refuses an infinite or NaN delay, and reset() and delay() an infinite time") {
  // An infinite delay never comes due and NaN compares false with every time;
  // in a real reactor inf wedged the loop (issue 10, 1.2).
  twist::Clock clock;
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(clock.callLater(inf, [] {}), std::invalid_argument);
  CHECK_THROWS_WITH(clock.callLater(std::nan(""), [] {}), twist_catch::Contains("finite"));
  CHECK(clock.getDelayedCalls().empty());
  twist::DelayedCall call = clock.callLater(1, [] {});
  CHECK_THROWS_AS(call.reset(inf), std::invalid_argument);
  CHECK_THROWS_AS(call.delay(inf), std::invalid_argument);
  CHECK(call.getTime() == 1);
  twist::DelayedCall far = clock.callLater(1e17, [] {});  // huge but finite: accepted
  CHECK(far.active());
}
