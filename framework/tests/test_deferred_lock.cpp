// deferred_lock.hpp: DeferredLock, DeferredSemaphore and DeferredQueue
// (TWISTED-REFERENCE.md §1, "Concurrency primitives").
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred_lock.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

using twist::Deferred;
using twist::Failure;
using twist_catch::Contains;

// --- DeferredLock -----------------------------------------------------------

TEST_CASE("DeferredLock: acquire() on a free lock fires at once and locks it") {
  twist::DeferredLock lock;
  CHECK_FALSE(lock.locked());
  auto d = lock.acquire();
  twist::successResultOf(d);
  CHECK(lock.locked());
  lock.release();
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock: waiters get the lock in FIFO order, one release each") {
  twist::DeferredLock lock;
  std::vector<int> order;
  lock.acquire().addCallback([&] { order.push_back(0); });
  for (int i = 1; i <= 3; ++i) lock.acquire().addCallback([&order, i] { order.push_back(i); });
  CHECK(order == std::vector<int>{0});
  lock.release();
  CHECK(order == std::vector<int>{0, 1});
  CHECK(lock.locked());  // handed over, not freed
  lock.release();
  lock.release();
  CHECK(order == std::vector<int>{0, 1, 2, 3});
  CHECK(lock.locked());
  lock.release();
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock: releasing an unlocked lock throws std::logic_error (Twisted: AssertionError)") {
  twist::DeferredLock lock;
  REQUIRE_THROWS_AS(lock.release(), std::logic_error);
  REQUIRE_THROWS_WITH(lock.release(), Contains("Tried to release an unlocked lock"));
  twist::successResultOf(lock.acquire());
  lock.release();
  REQUIRE_THROWS_AS(lock.release(), std::logic_error);
}

TEST_CASE("DeferredLock: cancelling a waiting acquire() removes it from the waiters") {
  twist::DeferredLock lock;
  auto first = lock.acquire();
  auto second = lock.acquire();
  auto third = lock.acquire();
  second.cancel();
  twist::failureResultOf<twist::CancelledError>(second);
  lock.release();  // goes to third: second is no longer waiting
  twist::successResultOf(third);
  CHECK(lock.locked());
  lock.release();
  CHECK_FALSE(lock.locked());  // nobody else was waiting
}

TEST_CASE("DeferredLock: cancelling an acquire() that fired does nothing, the lock stays held") {
  twist::DeferredLock lock;
  auto first = lock.acquire();
  first.cancel();
  twist::successResultOf(first);
  CHECK(lock.locked());
}

TEST_CASE("DeferredLock.run: acquires, calls f, releases, and passes f's value on") {
  twist::DeferredLock lock;
  bool lockedInside = false;
  auto d = lock.run([&] {
    lockedInside = lock.locked();
    return 42;
  });
  CHECK(lockedInside);
  CHECK(twist::successResultOf(d) == 42);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock.run: f waits for the lock, and the lock is held until f's Deferred fires") {
  twist::DeferredLock lock;
  Deferred<std::string> work;
  auto first = lock.run([&] { return work; });
  int secondCalls = 0;
  auto second = lock.run([&] {
    ++secondCalls;
    return std::string("second");
  });
  CHECK(lock.locked());
  CHECK(secondCalls == 0);
  twist::assertNoResult(first);
  twist::assertNoResult(second);
  work.callback("first");
  CHECK(twist::successResultOf(first) == "first");
  CHECK(secondCalls == 1);
  CHECK(twist::successResultOf(second) == "second");
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock.run: releases when f throws, and the failure is passed on") {
  twist::DeferredLock lock;
  auto d = lock.run([]() -> int { throw std::runtime_error("f failed"); });
  Failure f = twist::failureResultOf<std::runtime_error>(d);
  CHECK(f.getErrorMessage() == "f failed");
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock.run: releases when f's Deferred fails") {
  twist::DeferredLock lock;
  Deferred<void> work;
  auto d = lock.run([&] { return work; });
  CHECK(lock.locked());
  work.errback(std::runtime_error("later failure"));
  twist::failureResultOf<std::runtime_error>(d);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock.run: cancelling a run() that waits for the lock removes it, and f is never called") {
  twist::DeferredLock lock;
  twist::successResultOf(lock.acquire());
  int calls = 0;
  auto d = lock.run([&] { return ++calls; });
  d.cancel();
  twist::failureResultOf<twist::CancelledError>(d);
  lock.release();
  CHECK(calls == 0);
  CHECK_FALSE(lock.locked());  // the cancelled run() was not handed the lock
}

TEST_CASE("DeferredLock.run: cancelling a run() whose f is under way cancels f's Deferred and releases the lock") {
  twist::DeferredLock lock;
  int workCancelled = 0;
  Deferred<int> work([&](Deferred<int>&) { ++workCancelled; });
  auto d = lock.run([&] { return work; });
  CHECK(lock.locked());
  d.cancel();
  CHECK(workCancelled == 1);
  twist::failureResultOf<twist::CancelledError>(d);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock.run with a void function") {
  twist::DeferredLock lock;
  int calls = 0;
  Deferred<void> d = lock.run([&] { ++calls; });
  twist::successResultOf(d);
  CHECK(calls == 1);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("DeferredLock may be destroyed before the Deferreds it handed out") {
  Deferred<void> waiting;
  Deferred<int> running;
  Deferred<int> work;
  {
    twist::DeferredLock lock;
    running = lock.run([&] { return work; });
    waiting = lock.acquire();
  }
  work.callback(1);  // run's release finds no lock, and does nothing
  CHECK(twist::successResultOf(running) == 1);
  twist::assertNoResult(waiting);  // never fires...
  waiting.cancel();                // ...but can still be cancelled
  twist::failureResultOf<twist::CancelledError>(waiting);
}

TEST_CASE("DeferredLock: a waiter's callbacks may destroy the lock during release()") {
  auto lock = std::make_unique<twist::DeferredLock>();
  lock->acquire();
  bool ran = false;
  lock->acquire().addCallback([&] {
    lock.reset();
    ran = true;
  });
  lock->release();
  CHECK(ran);
  CHECK(lock == nullptr);
}

// --- DeferredSemaphore ------------------------------------------------------

TEST_CASE("DeferredSemaphore(tokens < 1) throws std::invalid_argument (Twisted: ValueError)") {
  REQUIRE_THROWS_AS(twist::DeferredSemaphore(0), std::invalid_argument);
  REQUIRE_THROWS_AS(twist::DeferredSemaphore(-3), std::invalid_argument);
  REQUIRE_THROWS_WITH(twist::DeferredSemaphore(0), Contains("tokens >= 1"));
  REQUIRE_NOTHROW(twist::DeferredSemaphore(1));
}

TEST_CASE("DeferredSemaphore: tokens() counts the free turns down to zero, then acquires wait in FIFO order") {
  twist::DeferredSemaphore sem(2);
  CHECK(sem.limit() == 2);
  CHECK(sem.tokens() == 2);
  twist::successResultOf(sem.acquire());
  CHECK(sem.tokens() == 1);
  twist::successResultOf(sem.acquire());
  CHECK(sem.tokens() == 0);
  std::vector<int> order;
  sem.acquire().addCallback([&] { order.push_back(1); });
  sem.acquire().addCallback([&] { order.push_back(2); });
  CHECK(order.empty());
  sem.release();
  CHECK(order == std::vector<int>{1});
  CHECK(sem.tokens() == 0);  // the token went straight to the waiter
  sem.release();
  CHECK(order == std::vector<int>{1, 2});
  sem.release();
  sem.release();
  CHECK(sem.tokens() == 2);
  CHECK(sem.limit() == 2);
}

TEST_CASE("DeferredSemaphore: releasing more than was acquired throws std::logic_error") {
  twist::DeferredSemaphore sem(2);
  REQUIRE_THROWS_AS(sem.release(), std::logic_error);
  REQUIRE_THROWS_WITH(sem.release(), Contains("too many"));
  twist::successResultOf(sem.acquire());
  sem.release();
  REQUIRE_THROWS_AS(sem.release(), std::logic_error);
  CHECK(sem.tokens() == 2);
}

TEST_CASE("DeferredSemaphore.run: at most `limit` functions run at once, each release starts the next") {
  twist::DeferredSemaphore sem(2);
  std::vector<Deferred<int>> work(3);
  std::vector<int> started;
  std::vector<Deferred<int>> results;
  for (int i = 0; i < 3; ++i)
    results.push_back(sem.run([&work, &started, i] {
      started.push_back(i);
      return work[i];
    }));
  CHECK(started == std::vector<int>{0, 1});
  work[1].callback(10);
  CHECK(started == std::vector<int>{0, 1, 2});
  CHECK(twist::successResultOf(results[1]) == 10);
  work[0].errback(std::runtime_error("zero failed"));
  twist::failureResultOf<std::runtime_error>(results[0]);
  CHECK(sem.tokens() == 1);  // released on failure too
  work[2].callback(12);
  CHECK(twist::successResultOf(results[2]) == 12);
  CHECK(sem.tokens() == 2);
}

TEST_CASE("DeferredSemaphore: cancelling a waiting acquire() removes it from the waiters") {
  twist::DeferredSemaphore sem(1);
  sem.acquire();
  auto cancelled = sem.acquire();
  auto next = sem.acquire();
  cancelled.cancel();
  twist::failureResultOf<twist::CancelledError>(cancelled);
  sem.release();
  twist::successResultOf(next);
  CHECK(sem.tokens() == 0);
  sem.release();
  CHECK(sem.tokens() == 1);
}

// --- DeferredQueue ----------------------------------------------------------

TEST_CASE("DeferredQueue: get() fires at once when an item is queued, in FIFO order") {
  twist::DeferredQueue<int> q;
  q.put(1);
  q.put(2);
  CHECK(q.pending() == 2);
  CHECK(twist::successResultOf(q.get()) == 1);
  CHECK(twist::successResultOf(q.get()) == 2);
  CHECK(q.pending() == 0);
}

TEST_CASE("DeferredQueue: put() hands the item to the oldest waiting get()") {
  twist::DeferredQueue<std::string> q;
  auto first = q.get();
  auto second = q.get();
  CHECK(q.waiting() == 2);
  twist::assertNoResult(first);
  q.put("a");
  CHECK(twist::successResultOf(first) == "a");
  twist::assertNoResult(second);
  q.put("b");
  CHECK(twist::successResultOf(second) == "b");
  CHECK(q.pending() == 0);  // handed over, not queued
  CHECK(q.waiting() == 0);
}

TEST_CASE("DeferredQueue: without limits, size and backlog are unbounded (Twisted: None)") {
  twist::DeferredQueue<int> q;
  CHECK_FALSE(q.size().has_value());
  CHECK_FALSE(q.backlog().has_value());
  for (int i = 0; i < 1000; ++i) q.put(i);
  CHECK(q.pending() == 1000);
  twist::DeferredQueue<int> empty;
  std::vector<Deferred<int>> getters;
  for (int i = 0; i < 1000; ++i) getters.push_back(empty.get());
  CHECK(empty.waiting() == 1000);
}

TEST_CASE("DeferredQueue: put() on a full queue throws QueueOverflow") {
  twist::DeferredQueue<int> q(2);
  CHECK(q.size() == std::optional<std::size_t>(2));
  q.put(1);
  q.put(2);
  REQUIRE_THROWS_AS(q.put(3), twist::QueueOverflow);
  REQUIRE_THROWS_WITH(q.put(3), Contains("QueueOverflow"));
  CHECK(q.pending() == 2);
  CHECK(twist::successResultOf(q.get()) == 1);
  REQUIRE_NOTHROW(q.put(3));
}

TEST_CASE("DeferredQueue: put() to a waiting get() never overflows, even with size 0") {
  twist::DeferredQueue<int> q(0);
  REQUIRE_THROWS_AS(q.put(1), twist::QueueOverflow);
  auto getter = q.get();
  REQUIRE_NOTHROW(q.put(2));
  CHECK(twist::successResultOf(getter) == 2);
}

TEST_CASE("DeferredQueue: get() past the backlog throws QueueUnderflow") {
  twist::DeferredQueue<int> q(std::nullopt, 2);
  CHECK(q.backlog() == std::optional<std::size_t>(2));
  auto a = q.get();
  auto b = q.get();
  REQUIRE_THROWS_AS(q.get(), twist::QueueUnderflow);
  REQUIRE_THROWS_WITH(q.get(), Contains("QueueUnderflow"));
  CHECK(q.waiting() == 2);
  q.put(1);
  CHECK(twist::successResultOf(a) == 1);
  REQUIRE_NOTHROW(q.get());
}

TEST_CASE("DeferredQueue: a queued item is got even with backlog 0") {
  twist::DeferredQueue<int> q(std::nullopt, 0);
  REQUIRE_THROWS_AS(q.get(), twist::QueueUnderflow);
  q.put(5);
  CHECK(twist::successResultOf(q.get()) == 5);
}

TEST_CASE("DeferredQueue: cancelling a waiting get() removes it, so the next item goes to the next getter") {
  twist::DeferredQueue<int> q;
  auto first = q.get();
  auto second = q.get();
  first.cancel();
  twist::failureResultOf<twist::CancelledError>(first);
  CHECK(q.waiting() == 1);
  q.put(7);
  CHECK(twist::successResultOf(second) == 7);
  CHECK(q.pending() == 0);
}

TEST_CASE("DeferredQueue: cancelling a get() that fired does nothing") {
  twist::DeferredQueue<int> q;
  q.put(3);
  auto got = q.get();
  got.cancel();
  CHECK(twist::successResultOf(got) == 3);
}

TEST_CASE("DeferredQueue carries move-only items") {
  twist::DeferredQueue<std::unique_ptr<int>> q;
  auto waiting = q.get();
  q.put(std::make_unique<int>(1));
  q.put(std::make_unique<int>(2));
  CHECK(*twist::successResultOf(waiting) == 1);
  CHECK(*twist::successResultOf(q.get()) == 2);
}

TEST_CASE("DeferredQueue may be destroyed before its waiting get()s") {
  Deferred<int> getter;
  {
    twist::DeferredQueue<int> q;
    getter = q.get();
  }
  twist::assertNoResult(getter);
  getter.cancel();
  twist::failureResultOf<twist::CancelledError>(getter);
}
