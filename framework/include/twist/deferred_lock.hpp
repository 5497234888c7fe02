// deferred_lock.hpp — taking turns without blocking: DeferredLock,
// DeferredSemaphore and DeferredQueue (Twisted: defer.DeferredLock,
// defer.DeferredSemaphore, defer.DeferredQueue).
// (Included by deferred.hpp; you never need to include it yourself.)
//
//   twist::DeferredSemaphore slots(3);                       // at most 3 downloads at once
//   for (const std::string& url : urls)
//     slots.run([url] { return download(url); });            // Deferred<Page>
//
//   twist::DeferredQueue<std::string> lines;
//   lines.get().addCallback([](std::string line) { ... });  // fires at the next put
//   lines.put("hello");
//
// Nothing here blocks: acquire() and get() return a Deferred that fires when
// the turn (or the item) comes. The next waiter's callbacks run synchronously
// inside release() or put(), before it returns, as in Twisted. Waiters are
// served first come, first served.
//
// Ownership, for all three: the object owns its waiting room (the Deferreds it
// handed out and has not fired yet, and the queued items). The Deferreds it
// hands out refer back to it only weakly, so the object may be destroyed
// while some of them live, without dangling: a waiter still waiting then
// never fires (cancelling it still fails it with CancelledError), and a run(f)
// in flight releases nothing when f finishes. None of them is copyable or
// movable: share one by reference (or in a std::shared_ptr). One thread, the
// loop's, as for Deferreds.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "twist/deferred.hpp"
#include "twist/failure.hpp"

namespace twist {

namespace detail {

// The waiting room behind DeferredLock (one token) and DeferredSemaphore
// (Twisted: _ConcurrencyPrimitive). Out of line in src/deferred_lock.cpp.
class TokenPool : public std::enable_shared_from_this<TokenPool> {
 public:
  TokenPool(int limit, const char* overReleased) : tokens_(limit), limit_(limit), overReleased_(overReleased) {}

  Deferred<void> acquire();
  void release();
  int tokens() const { return tokens_; }
  int limit() const { return limit_; }

 private:
  void forget(const Deferred<void>& waiter);  // a waiting acquire was cancelled

  int tokens_;
  int limit_;
  const char* overReleased_;  // the logic_error's message when release() has nothing to give back
  std::deque<Deferred<void>> waiting_;
};

struct NoValueArg {};  // stands in for U in a signature that exists only when U is not void
template <class U>
using ValueOrNothing = std::conditional_t<std::is_void_v<U>, NoValueArg, U>;

// run()'s last step: gives the token back, then passes the result on unchanged
// (Twisted: _ConcurrencyPrimitive._releaseAndReturn).
template <class U>
struct ReleaseThenPass {
  std::weak_ptr<TokenPool> pool;
  void giveBack() {
    if (auto p = pool.lock()) p->release();
  }
  U operator()(ValueOrNothing<U> value)
    requires(!std::is_void_v<U>)
  {
    giveBack();
    return value;
  }
  void operator()()
    requires std::is_void_v<U>
  {
    giveBack();
  }
  U operator()(Failure& failure) {
    giveBack();
    failure.raise();
  }
};

// acquire, maybeDeferred(f), release on both outcomes (Twisted: _ConcurrencyPrimitive.run).
template <class F>
auto runHolding(const std::shared_ptr<TokenPool>& pool, F&& f) {
  using U = Unwrapped<std::invoke_result_t<std::decay_t<F>&>>;
  std::weak_ptr<TokenPool> weak = pool;
  return pool->acquire().addCallback([weak, fn = std::forward<F>(f)]() mutable -> Deferred<U> {
    return maybeDeferred(fn).addBoth(ReleaseThenPass<U>{weak});
  });
}

}  // namespace detail

// A lock for code that runs across several callbacks: acquire() fires (with
// nothing; Twisted passes the lock) when the lock is yours, release() hands it
// to the oldest waiter (FIFO). Releasing an unlocked lock throws
// std::logic_error (Twisted: AssertionError). Cancelling a waiting acquire()
// removes it from the waiters and fails it with CancelledError; cancelling one
// that has fired does nothing (you hold the lock).
// run(f) acquires, calls f (maybeDeferred: f may return a value, a Deferred,
// or throw), and releases when f's result arrives, success or failure, which
// it passes on as a Deferred<U>. Cancelling that Deferred while it waits for
// the lock removes it (f is never called); while f's Deferred is pending, it
// cancels that one, and the lock is released.
// Ownership: see the top of this file; the lock may die before its Deferreds.
// run() keeps f (moved or copied) until it has been called.
class DeferredLock {
 public:
  DeferredLock();
  DeferredLock(const DeferredLock&) = delete;
  DeferredLock& operator=(const DeferredLock&) = delete;

  Deferred<void> acquire() { return pool_->acquire(); }
  void release();
  bool locked() const { return pool_->tokens() == 0; }
  template <class F>
  auto run(F&& f) {
    return detail::runHolding(pool_, std::forward<F>(f));
  }

 private:
  std::shared_ptr<detail::TokenPool> pool_;
};

// A lock with `tokens` turns: up to `tokens` holders at once, the rest wait
// in FIFO order. tokens < 1 throws std::invalid_argument (Twisted:
// ValueError). tokens() is the number free now, limit() the number given at
// construction. Releasing more than was acquired throws std::logic_error
// (Twisted: AssertionError). acquire, cancel and run(f) behave as DeferredLock's.
// Ownership: see the top of this file.
class DeferredSemaphore {
 public:
  explicit DeferredSemaphore(int tokens);
  DeferredSemaphore(const DeferredSemaphore&) = delete;
  DeferredSemaphore& operator=(const DeferredSemaphore&) = delete;

  Deferred<void> acquire() { return pool_->acquire(); }
  void release();
  int tokens() const { return pool_->tokens(); }
  int limit() const { return pool_->limit(); }
  template <class F>
  auto run(F&& f) {
    return detail::runHolding(pool_, std::forward<F>(f));
  }

 private:
  std::shared_ptr<detail::TokenPool> pool_;
};

// put() on a DeferredQueue that holds `size` items and has no waiting get().
struct QueueOverflow : std::runtime_error {
  explicit QueueOverflow(std::size_t size)
      : std::runtime_error("QueueOverflow: put() on a full DeferredQueue (it holds at most " + std::to_string(size) +
                           " items and no get() is waiting)") {}
};
// get() on an empty DeferredQueue that already has `backlog` get()s waiting.
struct QueueUnderflow : std::runtime_error {
  explicit QueueUnderflow(std::size_t backlog)
      : std::runtime_error("QueueUnderflow: get() on an empty DeferredQueue that already has " +
                           std::to_string(backlog) + " get()s waiting (its backlog)") {}
};

namespace detail {
template <class T>
struct QueueState {
  std::optional<std::size_t> size;
  std::optional<std::size_t> backlog;
  std::deque<T> pending;               // items put while no get() waited
  std::deque<Deferred<T>> waiting;     // get()s waiting for an item, oldest first

  void forget(const Deferred<T>& getter) {
    for (auto it = waiting.begin(); it != waiting.end(); ++it) {
      if (chainOf(*it) == chainOf(getter)) {
        waiting.erase(it);
        return;
      }
    }
  }
};
}  // namespace detail

// A queue whose get() returns a Deferred: it fires at once when an item is
// queued, else with the item of a later put(), oldest getter first. put()
// hands the item to the oldest waiting get() if there is one, else queues it;
// with `size` items already queued it throws QueueOverflow. get() with
// nothing queued and `backlog` getters already waiting throws QueueUnderflow.
// (Both throw at the call, as Twisted raises, rather than failing a Deferred.)
// Cancelling a waiting get() removes it from the waiters and fails it with
// CancelledError, so the next item goes to the next getter. An item handed to a
// getter whose Deferred nobody holds any more is dropped with it, as in Twisted.
// Ownership: the queue owns the queued items; see also the top of this file.
template <class T>
class DeferredQueue {
  static_assert(!std::is_void_v<T>, "DeferredQueue<void> carries nothing: use a DeferredSemaphore to count events");

 public:
  explicit DeferredQueue(std::optional<std::size_t> size = std::nullopt, std::optional<std::size_t> backlog = std::nullopt)
      : state_(std::make_shared<detail::QueueState<T>>()) {
    state_->size = size;
    state_->backlog = backlog;
  }
  DeferredQueue(const DeferredQueue&) = delete;
  DeferredQueue& operator=(const DeferredQueue&) = delete;

  void put(T item) {
    auto keep = state_;  // the getter's callbacks may destroy this queue
    if (!keep->waiting.empty()) {
      Deferred<T> getter = std::move(keep->waiting.front());
      keep->waiting.pop_front();
      getter.callback(std::move(item));
    } else if (!keep->size || keep->pending.size() < *keep->size) {
      keep->pending.push_back(std::move(item));
    } else {
      throw QueueOverflow(*keep->size);
    }
  }

  Deferred<T> get() {
    if (!state_->pending.empty()) {
      T item = std::move(state_->pending.front());
      state_->pending.pop_front();
      return succeed<T>(std::move(item));
    }
    if (state_->backlog && state_->waiting.size() >= *state_->backlog) throw QueueUnderflow(*state_->backlog);
    Deferred<T> getter([weak = std::weak_ptr<detail::QueueState<T>>(state_)](Deferred<T>& self) {
      if (auto s = weak.lock()) s->forget(self);
    });
    state_->waiting.push_back(getter);
    return getter;
  }

  // Twisted's attributes: the limits given, and how many items and getters wait now.
  std::optional<std::size_t> size() const { return state_->size; }
  std::optional<std::size_t> backlog() const { return state_->backlog; }
  std::size_t pending() const { return state_->pending.size(); }
  std::size_t waiting() const { return state_->waiting.size(); }

 private:
  std::shared_ptr<detail::QueueState<T>> state_;
};

}  // namespace twist
