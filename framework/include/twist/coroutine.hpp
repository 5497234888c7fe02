// coroutine.hpp — co_await on a Deferred, and coroutines that return one:
// the C++ form of Twisted's inlineCallbacks / async def with ensureDeferred.
// (Included by deferred.hpp; you never need to include it yourself.)
//
//   twist::Deferred<int> total(Service& s) {
//     int a = co_await s.fetch("a");       // waits without blocking the loop
//     int b = co_await s.fetch("b");       // a failure is thrown here
//     co_return a + b;                      // fires the returned Deferred
//   }
//
// The coroutine starts at once (like inlineCallbacks) and runs until its first
// co_await on a Deferred that has no result yet. Awaiting an already-fired
// Deferred continues without suspending. co_await takes the result out of the
// awaited Deferred (it is consumed, as successResultOf does). An exception
// escaping the coroutine fails its Deferred. Cancelling the coroutine's
// Deferred cancels the Deferred it is awaiting.
//
// Ownership: while suspended, the coroutine's frame is owned by the Deferred
// it awaits (by a step in that chain). If that Deferred is destroyed without
// firing, the frame is destroyed with it (local objects' destructors run) and
// the coroutine's own Deferred never fires: a coroutine awaiting a Deferred
// that never fires keeps its frame until that Deferred is cancelled or destroyed.
// co_await the call directly (co_await fetch(x)): a Deferred kept in a local
// variable or a by-value parameter of the coroutine is owned by the frame
// while the frame is owned by it, so if its producer drops it unfired, both
// stay until the coroutine's own Deferred is cancelled.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>

#include "twist/deferred.hpp"

namespace twist {
namespace detail {

// The step appended to an awaited chain: resumes the coroutine when it is reached.
struct ResumeCoroutineStep {
  std::coroutine_handle<> handle;
  explicit ResumeCoroutineStep(std::coroutine_handle<> h) : handle(h) {}
  ResumeCoroutineStep(ResumeCoroutineStep&& other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  ~ResumeCoroutineStep() {
    if (handle) handle.destroy();  // the awaited chain died unfired: so does the coroutine
  }
  // Resumed by the fire in progress once this chain's loop is done (see
  // resumeCoroutineLater): the stack does not grow with each awaiting coroutine.
  void run(Chain& chain) { resumeCoroutineLater(&chain, std::exchange(handle, nullptr)); }
};

// What co_await on something other than a Deferred gives, after its compile
// error: anything, so that the error is the only one.
struct NotADeferredAwaiter {
  struct AnyValue {
    template <class V>
    operator V() const;  // never defined: the program never builds
  };
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  AnyValue await_resume() const noexcept { return {}; }
};

struct PromiseBase {
  Chain* awaiting = nullptr;  // the chain the coroutine is suspended on; not owned
};

template <class T>
struct DeferredAwaiter {
  Deferred<T> deferred;  // owns a reference until the coroutine suspends
  Chain* chain;
  PromiseBase* promise = nullptr;

  bool await_ready() const { return chain->hasResult(); }
  template <class P>
  void await_suspend(std::coroutine_handle<P> handle) {
    promise = &handle.promise();
    promise->awaiting = chain;
    chain->checkTail(typeid(T), "co_await");
    // From here the awaited chain owns the frame. Drop our reference last: if it
    // was the only one, the chain, the step and this very frame are destroyed,
    // so nothing below may touch `this`.
    Deferred<T> keep = std::move(deferred);
    chain->takenBy = "co_await (a coroutine is waiting for it)";
    chain->append(Step::make<ResumeCoroutineStep>(handle), &typeid(ResultTaken));
  }
  T await_resume() {
    if (promise) promise->awaiting = nullptr;
    return takeResult<T>(*chain, "co_await", /*checkType=*/!promise);
  }
};

template <class T>
struct DeferredPromise : PromiseBase {
  Deferred<T> deferred;

  DeferredPromise() {
    // Cancelling the coroutine's Deferred cancels what it awaits.
    chainOf(deferred)->canceller = [this](Chain*) {
      if (awaiting) awaiting->cancel();
    };
  }
  ~DeferredPromise() {
    if (Chain* c = chainOf(deferred)) c->canceller = nullptr;  // the frame, and `this`, are going
  }
  Deferred<T> get_return_object() { return deferred; }
  std::suspend_never initial_suspend() noexcept { return {}; }
  std::suspend_never final_suspend() noexcept { return {}; }
  void unhandled_exception() {
    if (!deferred.called()) deferred.errback(std::current_exception());
  }
  // Takes exactly a T, so co_return {1, 2} builds one and co_return 3.7 in a
  // Deferred<int> coroutine is the usual narrowing warning, not a silent cut.
  void return_value(T value) {
    if (!deferred.called()) deferred.callback(std::move(value));  // a cancel may have fired it already
  }
  template <class U>
  DeferredAwaiter<U> await_transform(Deferred<U> awaited) {
    Chain* c = chainOf(awaited);
    if (!c) throw std::logic_error("co_await on a moved-from Deferred handle");
    return DeferredAwaiter<U>{std::move(awaited), c};
  }
  // Anything else: a compile error that says so in words (detail/diagnose.hpp).
  template <class X>
    requires(!IsDeferred<std::remove_cvref_t<X>>::value)
  auto await_transform(X&&) {  // auto: checked where it is used, so this error comes first
    awaitsNotADeferred<std::remove_cvref_t<X>>();
    return NotADeferredAwaiter{};
  }
};

template <>
struct DeferredPromise<void> : PromiseBase {
  Deferred<void> deferred;

  DeferredPromise() {
    chainOf(deferred)->canceller = [this](Chain*) {
      if (awaiting) awaiting->cancel();
    };
  }
  ~DeferredPromise() {
    if (Chain* c = chainOf(deferred)) c->canceller = nullptr;
  }
  Deferred<void> get_return_object() { return deferred; }
  std::suspend_never initial_suspend() noexcept { return {}; }
  std::suspend_never final_suspend() noexcept { return {}; }
  void unhandled_exception() {
    if (!deferred.called()) deferred.errback(std::current_exception());
  }
  void return_void() {
    if (!deferred.called()) deferred.callback();
  }
  template <class U>
  DeferredAwaiter<U> await_transform(Deferred<U> awaited) {
    Chain* c = chainOf(awaited);
    if (!c) throw std::logic_error("co_await on a moved-from Deferred handle");
    return DeferredAwaiter<U>{std::move(awaited), c};
  }
  // Anything else: a compile error that says so in words (detail/diagnose.hpp).
  template <class X>
    requires(!IsDeferred<std::remove_cvref_t<X>>::value)
  auto await_transform(X&&) {  // auto: checked where it is used, so this error comes first
    awaitsNotADeferred<std::remove_cvref_t<X>>();
    return NotADeferredAwaiter{};
  }
};

}  // namespace detail
}  // namespace twist
