// twist::Reactor on a real libuv loop (TWISTED-REFERENCE §2). Every test that
// runs the loop has a watchdog: after 5 s of real time it stops the reactor
// and the test fails, so nothing hangs. Time-dependent rules of DelayedCall
// itself are tested with Clock in test_time.cpp; here they are checked
// against the real loop and its uv timer.
#include "twist/reactor.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/error.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;
using twist_test::Watchdog;

namespace {

// Restores a signal's disposition when the test ends.
struct SavedSignal {
  int signum;
  struct sigaction saved {};
  explicit SavedSignal(int s) : signum(s) { sigaction(signum, nullptr, &saved); }
  ~SavedSignal() { sigaction(signum, &saved, nullptr); }
};

std::atomic<int> customHandlerCalls{0};
void customHandler(int) { customHandlerCalls.fetch_add(1); }

}  // namespace

// ---- run and stop --------------------------------------------------------------

TEST_CASE("run() while the reactor is running throws ReactorAlreadyRunning") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool threw = false;
  reactor.callWhenRunning([&] {
    try {
      reactor.run();
    } catch (const twist::ReactorAlreadyRunning&) {
      threw = true;
    }
    reactor.stop();
  });
  reactor.run();
  REQUIRE(threw);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("run() after the reactor has stopped throws ReactorNotRestartable") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  reactor.callWhenRunning([&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE_THROWS_AS(reactor.run(), twist::ReactorNotRestartable);
}

TEST_CASE("stop() before run(), a second stop(), and stop() after run() throw ReactorNotRunning") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  REQUIRE_THROWS_AS(reactor.stop(), twist::ReactorNotRunning);
  bool secondThrew = false;
  reactor.callWhenRunning([&] {
    reactor.stop();
    try {
      reactor.stop();
    } catch (const twist::ReactorNotRunning&) {
      secondThrew = true;
    }
  });
  reactor.run();
  REQUIRE(secondThrew);
  REQUIRE_THROWS_AS(reactor.stop(), twist::ReactorNotRunning);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("stop() only sets a flag: the calls due in this pass still run, then shutdown begins") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool shutdownStarted = false;
  reactor.addSystemEventTrigger("before", "shutdown", [&] { shutdownStarted = true; });
  std::vector<std::string> seen;
  reactor.callWhenRunning([&] {
    reactor.callLater(0, [&] {
      reactor.stop();
      seen.push_back(shutdownStarted ? "first, after shutdown began" : "first");
      CHECK(reactor.running());
      // Made after stop(): shutdown begins at the end of this pass, before the next one.
      reactor.callLater(0, [&] { seen.push_back("made after stop"); });
    });
    reactor.callLater(0, [&] { seen.push_back(shutdownStarted ? "second, after shutdown began" : "second"); });
  });
  reactor.run();
  REQUIRE(seen == std::vector<std::string>{"first", "second"});
  REQUIRE(shutdownStarted);
  REQUIRE_FALSE(reactor.running());
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("crash() ends run() without finishing the shutdown, and the reactor cannot run again") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::Deferred<void> never;
  bool duringRan = false;
  reactor.addSystemEventTrigger("before", "shutdown", [&] { return never; });
  reactor.addSystemEventTrigger("during", "shutdown", [&] { duringRan = true; });
  reactor.callWhenRunning([&] { reactor.stop(); });
  reactor.callLater(0.02, [&] { reactor.crash(); });  // the shutdown is stuck: crash out of it
  reactor.run();
  REQUIRE_FALSE(duringRan);
  REQUIRE_FALSE(reactor.running());
  REQUIRE_THROWS_AS(reactor.run(), twist::ReactorNotRestartable);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a reactor with nothing to do waits in run() until it is stopped") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  double started = reactor.seconds();
  reactor.callLater(0.05, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE(reactor.seconds() - started >= 0.05);
  REQUIRE_FALSE(dog.fired);
}

// ---- system events ---------------------------------------------------------------

TEST_CASE("startup and shutdown run before, during, after, FIFO within a phase, running() flips in during") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&order, &reactor, name] { order.push_back(name + (reactor.running() ? " running" : " stopped")); };
  };
  reactor.addSystemEventTrigger("after", "shutdown", record("after shutdown 1"));
  reactor.addSystemEventTrigger("during", "shutdown", record("during shutdown 1"));
  reactor.addSystemEventTrigger("before", "shutdown", record("before shutdown 1"));
  reactor.addSystemEventTrigger("before", "shutdown", record("before shutdown 2"));
  reactor.addSystemEventTrigger("after", "startup", record("after startup 1"));
  reactor.addSystemEventTrigger("during", "startup", record("during startup 1"));
  reactor.addSystemEventTrigger("before", "startup", record("before startup 1"));
  reactor.addSystemEventTrigger("before", "startup", record("before startup 2"));
  reactor.addSystemEventTrigger("after", "startup", [&] { reactor.stop(); });
  reactor.run();
  REQUIRE(order == std::vector<std::string>{
                       "before startup 1 stopped", "before startup 2 stopped", "during startup 1 running",
                       "after startup 1 running", "before shutdown 1 running", "before shutdown 2 running",
                       "during shutdown 1 stopped", "after shutdown 1 stopped"});
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a bad phase name throws std::invalid_argument naming it") {
  twist::Reactor reactor;
  try {
    reactor.addSystemEventTrigger("sometime", "startup", [] {});
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains("invalid phase") && twist_catch::Contains("\"sometime\""));
  }
}

TEST_CASE("removeSystemEventTrigger removes a pending trigger, an unknown id throws") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool removedRan = false, keptRan = false;
  auto removed = reactor.addSystemEventTrigger("before", "shutdown", [&] { removedRan = true; });
  reactor.addSystemEventTrigger("before", "shutdown", [&] { keptRan = true; });
  reactor.removeSystemEventTrigger(removed);
  REQUIRE_THROWS_AS(reactor.removeSystemEventTrigger(removed), std::invalid_argument);
  REQUIRE_THROWS_AS(reactor.removeSystemEventTrigger(987654), std::invalid_argument);
  reactor.callWhenRunning([&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(removedRan);
  REQUIRE(keptRan);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callWhenRunning before run registers an after-startup trigger and returns its id") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::vector<std::string> order;
  std::optional<twist::Reactor::TriggerId> id = reactor.callWhenRunning([&] {
    order.push_back(reactor.running() ? "called, running" : "called, not running");
    reactor.stop();
  });
  REQUIRE(id.has_value());
  reactor.addSystemEventTrigger("during", "startup", [&] { order.push_back("during startup"); });
  auto cancelled = reactor.callWhenRunning([&] { order.push_back("removed one"); });
  REQUIRE(cancelled.has_value());
  reactor.removeSystemEventTrigger(*cancelled);
  REQUIRE(order.empty());
  reactor.run();
  REQUIRE(order == std::vector<std::string>{"during startup", "called, running"});
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callWhenRunning while running calls the function at once and returns no id") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool calledAtOnce = false;
  std::optional<twist::Reactor::TriggerId> id{42};
  reactor.callLater(0, [&] {
    bool called = false;
    id = reactor.callWhenRunning([&] { called = true; });
    calledAtOnce = called;
    REQUIRE_THROWS_AS(reactor.callWhenRunning([] { throw std::runtime_error("to the caller"); }), std::runtime_error);
    reactor.stop();
  });
  reactor.run();
  REQUIRE(calledAtOnce);
  REQUIRE_FALSE(id.has_value());
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("Deferreds returned by before-shutdown triggers hold back the during phase until they all fire") {
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::Deferred<void> slow;
  twist::Deferred<int> failing;
  double slowFiredAt = -1, failedAt = -1, duringAt = -1;
  bool runningWhileWaiting = false;
  reactor.addSystemEventTrigger("before", "shutdown", [&] {
    reactor.callLater(0.05, [&] {
      slowFiredAt = reactor.seconds();
      runningWhileWaiting = reactor.running();
      slow.callback();
    });
    return slow;
  });
  reactor.addSystemEventTrigger("before", "shutdown", [&] {
    reactor.callLater(0.01, [&] {
      failedAt = reactor.seconds();
      failing.errback(std::runtime_error("disk full"));
    });
    return failing;
  });
  reactor.addSystemEventTrigger("during", "shutdown", [&] { duringAt = reactor.seconds(); });
  reactor.callWhenRunning([&] { reactor.stop(); });
  reactor.run();
  REQUIRE(failedAt > 0);
  REQUIRE(slowFiredAt > failedAt);
  REQUIRE(duringAt >= slowFiredAt);  // waited for the slower one
  REQUIRE(runningWhileWaiting);      // the loop went on running meanwhile
  REQUIRE(log.contains("disk full"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a Deferred returned by a before-startup trigger holds back running() and callWhenRunning") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::Deferred<void> ready;
  bool runningBeforeFire = true;
  bool whenRunningCalledBeforeFire = false;
  bool whenRunningCalled = false;
  reactor.addSystemEventTrigger("before", "startup", [&] {
    reactor.callLater(0.02, [&] {
      runningBeforeFire = reactor.running();
      whenRunningCalledBeforeFire = whenRunningCalled;
      ready.callback();
    });
    return ready;
  });
  reactor.callWhenRunning([&] {
    whenRunningCalled = true;
    reactor.stop();
  });
  reactor.run();
  REQUIRE_FALSE(runningBeforeFire);
  REQUIRE_FALSE(whenRunningCalledBeforeFire);
  REQUIRE(whenRunningCalled);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("an exception in a trigger is logged and the event goes on") {
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool afterRan = false;
  reactor.addSystemEventTrigger("before", "shutdown", [] { throw std::runtime_error("trigger broke"); });
  reactor.addSystemEventTrigger("during", "shutdown", [] { throw std::runtime_error("during broke"); });
  reactor.addSystemEventTrigger("after", "shutdown", [&] { afterRan = true; });
  reactor.callWhenRunning([&] { reactor.stop(); });
  reactor.run();
  REQUIRE(afterRan);
  REQUIRE(log.contains("trigger broke"));
  REQUIRE(log.contains("during broke"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("fireSystemEvent runs an event of your own, each trigger once") {
  twist::Reactor reactor;
  int runs = 0;
  reactor.addSystemEventTrigger("during", "reload", [&] { ++runs; });
  reactor.fireSystemEvent("reload");
  reactor.fireSystemEvent("reload");
  reactor.fireSystemEvent("nothing registered");
  REQUIRE(runs == 1);
}

TEST_CASE("during shutdown, registered resources are told after the reactor stopped running (disconnectAll)") {
  struct Resource : twist::detail::LoopResource {
    twist::Reactor* reactor = nullptr;
    bool told = false, runningWhenTold = true, closed = false;
    void reactorShuttingDown() override {
      told = true;
      runningWhenTold = reactor->running();
    }
    void closeForReactorShutdown() override { closed = true; }
  };
  Resource kept, unregistered;
  {
    twist::Reactor reactor;
    Watchdog dog(reactor);
    kept.reactor = unregistered.reactor = &reactor;
    reactor.registerResource(&kept);
    reactor.registerResource(&unregistered);
    reactor.unregisterResource(&unregistered);
    reactor.callWhenRunning([&] { reactor.stop(); });
    reactor.run();
    REQUIRE(kept.told);
    REQUIRE_FALSE(kept.runningWhenTold);
    REQUIRE_FALSE(kept.closed);
    REQUIRE_FALSE(dog.fired);
  }
  REQUIRE(kept.closed);  // ~Reactor closes what is still registered
  REQUIRE_FALSE(unregistered.told);
  REQUIRE_FALSE(unregistered.closed);
}

// ---- time ---------------------------------------------------------------------------

TEST_CASE("seconds() is monotonic time in seconds") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  double start = reactor.seconds();
  auto steadyStart = std::chrono::steady_clock::now();
  double elapsed = -1, steadyElapsed = -1;
  reactor.callLater(0.05, [&] {
    elapsed = reactor.seconds() - start;
    steadyElapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - steadyStart).count();
    reactor.stop();
  });
  reactor.run();
  REQUIRE(elapsed >= 0.05);
  REQUIRE(elapsed == twist_catch::Approx(steadyElapsed).margin(0.01));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callLater: calls run in time order, never before their time") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  struct Run {
    int index;
    double dueAt, ranAt;
  };
  std::vector<Run> runs;
  const double delays[] = {0.0123, 0.0011, 0.0075, 0.0, 0.0199, 0.0047, 0.0152};
  std::vector<twist::DelayedCall> calls;
  for (int i = 0; i < 7; ++i) {
    calls.push_back(reactor.callLater(delays[i], [&, i] {
      runs.push_back(Run{i, calls[static_cast<std::size_t>(i)].getTime(), reactor.seconds()});
      if (runs.size() == 7) reactor.stop();
    }));
  }
  reactor.run();
  REQUIRE(runs.size() == 7);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CHECK(runs[i].ranAt >= runs[i].dueAt);  // uv timers count whole ms: rounded up, never down
    if (i > 0) CHECK(runs[i].dueAt >= runs[i - 1].dueAt);
  }
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callLater: calls due at the same time run in the order they were scheduled") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::vector<int> order;
  std::vector<twist::DelayedCall> calls;
  // Scheduled with shrinking delays, then all moved to the first one's time.
  for (int i = 0; i < 10; ++i) calls.push_back(reactor.callLater(0.03 - 0.002 * i, [&order, i] { order.push_back(i); }));
  for (int i = 1; i < 10; ++i) calls[i].delay(calls[0].getTime() - calls[i].getTime());
  for (int i = 1; i < 10; ++i) REQUIRE(calls[i].getTime() == calls[0].getTime());
  reactor.callLater(0.05, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE(order == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callLater(0) made inside a timed call runs on the next pass of the loop") {
  twist::Reactor reactor;
  // A check handle ends every pass of the loop: count the passes.
  uv_check_t passCounter;
  uv_check_init(reactor.uvLoop(), &passCounter);
  int passes = 0;
  passCounter.data = &passes;
  uv_check_start(&passCounter, [](uv_check_t* h) { ++*static_cast<int*>(h->data); });
  Watchdog dog(reactor);
  std::vector<int> passOfGeneration;
  std::function<void()> generation = [&] {
    passOfGeneration.push_back(passes);
    if (passOfGeneration.size() < 50)
      reactor.callLater(0, generation);
    else
      reactor.stop();
  };
  reactor.callLater(0, generation);
  reactor.run();
  uv_close(reinterpret_cast<uv_handle_t*>(&passCounter), nullptr);
  REQUIRE(passOfGeneration.size() == 50);
  for (std::size_t i = 1; i < passOfGeneration.size(); ++i) REQUIRE(passOfGeneration[i] > passOfGeneration[i - 1]);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a thread call queued while a timed call runs runs before that call's callLater(0)") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::vector<std::string> order;
  std::thread worker;
  std::promise<void> queued;
  reactor.callLater(0, [&] {
    worker = std::thread([&] {
      reactor.callFromThread([&] { order.push_back("from thread"); });
      queued.set_value();
    });
    queued.get_future().wait_for(std::chrono::seconds(5));
    reactor.callLater(0, [&] {
      order.push_back("callLater(0)");
      reactor.stop();
    });
  });
  reactor.run();
  worker.join();
  REQUIRE(order == std::vector<std::string>{"from thread", "callLater(0)"});
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("the thread-call queue runs before the timed calls of a pass") {
  twist::Reactor reactor;
  // At the end of the first pass (a check handle; an idle handle keeps poll
  // from blocking before it), queue a thread call and a callLater(0): both
  // are ready when the next pass begins, and the thread call goes first, as
  // in Twisted's runUntilCurrent.
  struct Probe {
    twist::Reactor* reactor;
    uv_idle_t* idle;
    std::vector<std::string> order;
  };
  uv_check_t endOfPass;
  uv_idle_t noWait;
  Probe probe{&reactor, &noWait, {}};
  uv_check_init(reactor.uvLoop(), &endOfPass);
  uv_idle_init(reactor.uvLoop(), &noWait);
  endOfPass.data = &probe;
  Watchdog dog(reactor);
  reactor.callWhenRunning([&] {
    uv_idle_start(&noWait, [](uv_idle_t*) {});
    uv_check_start(&endOfPass, [](uv_check_t* handle) {
      auto* p = static_cast<Probe*>(handle->data);
      uv_check_stop(handle);
      uv_idle_stop(p->idle);
      p->reactor->callFromThread([p] { p->order.push_back("thread call"); });
      p->reactor->callLater(0, [p] {
        p->order.push_back("timed call");
        p->reactor->stop();
      });
    });
  });
  reactor.run();
  uv_close(reinterpret_cast<uv_handle_t*>(&endOfPass), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&noWait), nullptr);
  REQUIRE(probe.order == std::vector<std::string>{"thread call", "timed call"});
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("cancel, reset, delay and active on the real reactor") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool cancelledRan = false;
  double resetRanAt = -1, delayedRanAt = -1;
  bool cancelInsideThrewAlreadyCalled = false, activeInside = true, calledInside = false;

  twist::DelayedCall cancelled = reactor.callLater(0.01, [&] { cancelledRan = true; });
  cancelled.cancel();
  REQUIRE_FALSE(cancelled.active());
  REQUIRE_THROWS_AS(cancelled.cancel(), twist::AlreadyCancelled);

  twist::DelayedCall reset = reactor.callLater(0.01, [&] { resetRanAt = reactor.seconds(); });
  double resetFrom = reactor.seconds();
  reset.reset(0.04);
  REQUIRE(reset.getTime() >= resetFrom + 0.04);

  twist::DelayedCall delayed = reactor.callLater(0.01, [&] { delayedRanAt = reactor.seconds(); });
  double delayedDue = delayed.getTime();
  delayed.delay(0.03);
  REQUIRE(delayed.getTime() == twist_catch::Approx(delayedDue + 0.03));

  twist::DelayedCall self;
  self = reactor.callLater(0.005, [&] {
    activeInside = self.active();
    calledInside = self.called();
    try {
      self.cancel();
    } catch (const twist::AlreadyCalled&) {
      cancelInsideThrewAlreadyCalled = true;
    }
  });
  REQUIRE(self.active());
  REQUIRE(reactor.getDelayedCalls().size() == 4);  // the watchdog's, reset, delayed, self

  reactor.callLater(0.08, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(cancelledRan);
  REQUIRE(resetRanAt >= reset.getTime());
  REQUIRE(delayedRanAt >= delayed.getTime());
  REQUIRE_FALSE(reset.active());
  REQUIRE(reset.called());
  REQUIRE_THROWS_AS(reset.cancel(), twist::AlreadyCalled);
  REQUIRE_FALSE(activeInside);
  REQUIRE(calledInside);
  REQUIRE(cancelInsideThrewAlreadyCalled);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a call due at once and cancelled never runs, and one reset to later runs at its new time") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool cancelledRan = false;
  double movedRanAt = -1;
  twist::DelayedCall cancelled = reactor.callLater(0, [&] { cancelledRan = true; });
  twist::DelayedCall moved = reactor.callLater(0, [&] { movedRanAt = reactor.seconds(); });
  cancelled.cancel();
  moved.reset(0.03);
  reactor.callLater(0.05, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(cancelledRan);
  REQUIRE(movedRanAt >= moved.getTime());
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("cancelling the call the loop waits for does not hold back the next one") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool firstRan = false, secondRan = false;
  twist::DelayedCall first = reactor.callLater(0.01, [&] { firstRan = true; });
  reactor.callLater(0.02, [&] {
    secondRan = true;
    reactor.stop();
  });
  reactor.callWhenRunning([&] { first.cancel(); });
  reactor.run();
  REQUIRE_FALSE(firstRan);
  REQUIRE(secondRan);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a callLater(0) made outside the timed calls (in a thread call) wakes the loop") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool ran = false;
  std::thread worker([&] {
    reactor.callFromThread([&] {
      reactor.callLater(0, [&] {
        ran = true;
        reactor.stop();
      });
    });
  });
  reactor.run();
  worker.join();
  REQUIRE(ran);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("while only a later call is pending the loop sleeps in poll: a few passes, not thousands") {
  twist::Reactor reactor;
  uv_check_t passCounter;
  uv_check_init(reactor.uvLoop(), &passCounter);
  int passes = 0;
  passCounter.data = &passes;
  uv_check_start(&passCounter, [](uv_check_t* h) { ++*static_cast<int*>(h->data); });
  Watchdog dog(reactor);
  int passesBefore = -1, passesWaiting = -1;
  reactor.callLater(0, [&] {
    passesBefore = passes;
    reactor.callLater(0, [&] {});  // a call due at once, then
    reactor.callLater(0.05, [&] {  // one 50 ms away: a spinning loop would make thousands of passes meanwhile
      passesWaiting = passes - passesBefore;
      reactor.stop();
    });
  });
  reactor.run();
  uv_close(reinterpret_cast<uv_handle_t*>(&passCounter), nullptr);
  REQUIRE(passesWaiting >= 1);
  REQUIRE(passesWaiting < 20);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callLater with a negative delay throws std::invalid_argument") {
  twist::Reactor reactor;
  REQUIRE_THROWS_AS(reactor.callLater(-1, [] {}), std::invalid_argument);
}

TEST_CASE("an exception in a timed call is logged and the loop goes on") {
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool nextRan = false;
  reactor.callLater(0, [] { throw std::runtime_error("boom in a timer"); });
  reactor.callLater(0.01, [&] {
    nextRan = true;
    reactor.stop();
  });
  reactor.run();
  REQUIRE(nextRan);
  REQUIRE(log.contains("Unhandled error in delayed call"));
  REQUIRE(log.contains("boom in a timer"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a DelayedCall handle may outlive its Reactor, and pending functions are released") {
  auto captured = std::make_shared<int>(1);
  std::weak_ptr<int> watch = captured;
  twist::DelayedCall call;
  {
    twist::Reactor reactor;
    call = reactor.callLater(10, [captured] {});
    reactor.callFromThread([captured] {});
    captured.reset();
    REQUIRE(call.active());
  }
  REQUIRE(watch.expired());
  REQUIRE_FALSE(call.active());
  REQUIRE_THROWS_AS(call.cancel(), twist::AlreadyCancelled);
}

// ---- threads -----------------------------------------------------------------------

TEST_CASE("callFromThread from several threads: every call runs once, on the reactor thread, FIFO per thread") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  constexpr int threads = 4, perThread = 250;
  std::vector<std::vector<int>> received(threads);
  int total = 0;
  bool allOnReactorThread = true;
  const auto reactorThread = std::this_thread::get_id();
  std::vector<std::thread> workers;
  reactor.callWhenRunning([&] {
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < perThread; ++i) {
          reactor.callFromThread([&, t, i] {
            if (std::this_thread::get_id() != reactorThread) allOnReactorThread = false;
            received[t].push_back(i);
            if (++total == threads * perThread) reactor.stop();
          });
        }
      });
    }
  });
  reactor.run();
  for (auto& worker : workers) worker.join();
  REQUIRE(total == threads * perThread);
  REQUIRE(allOnReactorThread);
  for (const auto& calls : received) {
    REQUIRE(calls.size() == perThread);
    for (int i = 0; i < perThread; ++i) REQUIRE(calls[static_cast<std::size_t>(i)] == i);
  }
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callFromThread: calls queued before run() run, one that throws is logged and the rest run") {
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::vector<std::string> order;
  reactor.callFromThread([&] {
    order.push_back("first");
    reactor.callFromThread([&] {  // queued while draining: runs on the next wake-up, after "third"
      order.push_back("queued while draining");
      reactor.stop();
    });
  });
  reactor.callFromThread([] { throw std::runtime_error("thread call broke"); });
  reactor.callFromThread([&] { order.push_back("third"); });
  reactor.run();
  REQUIRE(order == std::vector<std::string>{"first", "third", "queued while draining"});
  REQUIRE(log.contains("thread call broke"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callFromThread(stop) stops the reactor from another thread") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::thread stopper;
  reactor.callWhenRunning([&] { stopper = std::thread([&] { reactor.callFromThread([&] { reactor.stop(); }); }); });
  reactor.run();
  stopper.join();
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("callInThread runs the function on another thread, what it throws is logged") {
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  std::atomic<bool> ran{false};
  std::thread::id ranOn;
  const auto reactorThread = std::this_thread::get_id();
  reactor.callInThread([] { throw std::runtime_error("worker broke"); });
  reactor.callInThread([&] {
    ranOn = std::this_thread::get_id();
    ran = true;
  });
  // Both run on pool threads, in no set order: look until both have happened.
  std::function<void()> poll = [&] {
    if (ran && log.contains("worker broke"))
      reactor.stop();
    else
      reactor.callLater(0.005, poll);
  };
  reactor.callLater(0, poll);
  reactor.run();
  REQUIRE(ran);
  REQUIRE(ranOn != reactorThread);
  REQUIRE(log.contains("worker broke"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("deferToThread fires its Deferred on the reactor thread with fn's value") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  const auto reactorThread = std::this_thread::get_id();
  std::thread::id workedOn, firedOn;
  int result = 0;
  twist::Deferred<int> d = reactor.deferToThread([&] {
    workedOn = std::this_thread::get_id();
    return 6 * 7;
  });
  d.addCallback([&](int value) {
    firedOn = std::this_thread::get_id();
    result = value;
    reactor.stop();
  });
  REQUIRE_FALSE(d.called());  // fires later, from the loop
  reactor.run();
  REQUIRE(result == 42);
  REQUIRE(workedOn != reactorThread);
  REQUIRE(firedOn == reactorThread);
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("deferToThread: an exception in fn becomes the Deferred's Failure, on the reactor thread") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  const auto reactorThread = std::this_thread::get_id();
  std::thread::id failedOn;
  std::string message;
  bool voidFired = false;
  int pending = 2;
  auto oneDone = [&] {
    if (--pending == 0) reactor.stop();
  };
  twist::Deferred<std::string> d =
      reactor.deferToThread([]() -> std::string { throw std::runtime_error("no such user"); });
  d.addErrback([&](twist::Failure f) -> std::string {
    failedOn = std::this_thread::get_id();
    f.trap<std::runtime_error>();
    message = f.getErrorMessage();
    oneDone();
    return "";
  });
  twist::Deferred<void> v = reactor.deferToThread([] {});
  v.addCallback([&] {
    voidFired = true;
    oneDone();
  });
  reactor.run();
  REQUIRE(message == "no such user");
  REQUIRE(failedOn == reactorThread);
  REQUIRE(voidFired);
  REQUIRE_FALSE(dog.fired);
}

// ---- signals ---------------------------------------------------------------------

TEST_CASE("SIGTERM stops the reactor gracefully with a log line, and its old handler comes back") {
  SavedSignal term(SIGTERM);
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool shutdownRan = false;
  reactor.addSystemEventTrigger("after", "shutdown", [&] { shutdownRan = true; });
  reactor.callLater(0.01, [] { ::raise(SIGTERM); });
  reactor.run();
  REQUIRE(shutdownRan);
  REQUIRE(log.contains("Received SIGTERM, shutting down."));
  REQUIRE_FALSE(dog.fired);
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  REQUIRE(now.sa_handler == term.saved.sa_handler);
}

TEST_CASE("SIGINT stops the reactor when its disposition is the default") {
  SavedSignal interrupt(SIGINT);
  ::signal(SIGINT, SIG_DFL);
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool shutdownRan = false;
  reactor.addSystemEventTrigger("before", "shutdown", [&] { shutdownRan = true; });
  reactor.callLater(0.01, [] { ::raise(SIGINT); });
  reactor.run();
  REQUIRE(shutdownRan);
  REQUIRE(log.contains("Received SIGINT, shutting down."));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("SIGINT that the program already handles is left to its handler") {
  SavedSignal interrupt(SIGINT);
  ::signal(SIGINT, customHandler);
  customHandlerCalls = 0;
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool stillRunning = false;
  reactor.callLater(0.01, [] { ::raise(SIGINT); });
  reactor.callLater(0.1, [&] {
    stillRunning = reactor.running();
    reactor.stop();
  });
  reactor.run();
  REQUIRE(customHandlerCalls == 1);
  REQUIRE(stillRunning);
  REQUIRE_FALSE(log.contains("Received SIGINT"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("run(false) installs no signal handlers") {
  SavedSignal term(SIGTERM);
  ::signal(SIGTERM, customHandler);
  customHandlerCalls = 0;
  CapturedLog log;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  bool stillRunning = false;
  reactor.callLater(0.01, [] { ::raise(SIGTERM); });
  reactor.callLater(0.1, [&] {
    stillRunning = reactor.running();
    reactor.stop();
  });
  reactor.run(false);
  REQUIRE(customHandlerCalls == 1);
  REQUIRE(stillRunning);
  REQUIRE_FALSE(log.contains("Received SIGTERM"));
  REQUIRE_FALSE(dog.fired);
}

TEST_CASE("a call 1e17 seconds away neither fires nor keeps stop() from ending run()") {
  // Its millisecond count overflowed to a 0 ms timer and the loop spun, deaf
  // to stop() (issue 10, 1.2); now the wait is taken in steps of years.
  std::size_t passes = 0;
  uv_check_t counter{};  // counts the loop's passes; declared first: the reactor closes it as it goes
  twist::Reactor reactor;
  uv_check_init(reactor.uvLoop(), &counter);
  counter.data = &passes;
  uv_check_start(&counter, [](uv_check_t* h) { ++*static_cast<std::size_t*>(h->data); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&counter));
  bool far = false;
  reactor.callLater(1e17, [&] { far = true; });  // the only timer: the one the loop waits for
  std::thread stopper([&reactor] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    reactor.callFromThread([&reactor] { reactor.stop(); });
  });
  reactor.run();
  stopper.join();
  CHECK_FALSE(far);
  INFO("loop passes in 0.05 s: " << passes);
  CHECK(passes < 100);  // spinning on a 0 ms timer makes thousands
}
