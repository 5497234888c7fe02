#include "twist/deferred_lock.hpp"

namespace twist {
namespace detail {

Deferred<void> TokenPool::acquire() {
  // The canceller reaches the pool weakly: a waiter may outlive it.
  Deferred<void> d([weak = weak_from_this()](Deferred<void>& self) {
    if (auto pool = weak.lock()) pool->forget(self);
  });
  if (tokens_ == 0) {
    waiting_.push_back(d);
  } else {
    --tokens_;
    d.callback();
  }
  return d;
}

void TokenPool::release() {
  if (tokens_ >= limit_) throw std::logic_error(overReleased_);
  if (waiting_.empty()) {
    ++tokens_;
    return;
  }
  // The token passes straight to the oldest waiter. Its callbacks run now and
  // may destroy the lock or semaphore that owns this pool: keep the pool alive.
  auto keep = shared_from_this();
  Deferred<void> next = std::move(waiting_.front());
  waiting_.pop_front();
  next.callback();
}

void TokenPool::forget(const Deferred<void>& waiter) {
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (chainOf(*it) == chainOf(waiter)) {
      waiting_.erase(it);
      return;
    }
  }
}

}  // namespace detail

DeferredLock::DeferredLock()
    : pool_(std::make_shared<detail::TokenPool>(
          1, "DeferredLock.release() on a lock that is not locked (Twisted: AssertionError \"Tried to release an "
             "unlocked lock\"): release once per acquire that fired")) {}

void DeferredLock::release() { pool_->release(); }

DeferredSemaphore::DeferredSemaphore(int tokens) {
  if (tokens < 1)
    throw std::invalid_argument("DeferredSemaphore requires tokens >= 1, got " + std::to_string(tokens) +
                                " (Twisted: ValueError)");
  pool_ = std::make_shared<detail::TokenPool>(
      tokens, "DeferredSemaphore.release() called more times than acquire() fired (Twisted: AssertionError "
              "\"Someone released me too many times: too many tokens!\")");
}

void DeferredSemaphore::release() { pool_->release(); }

}  // namespace twist
