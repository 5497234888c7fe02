// deferred.hpp — twist::Deferred<T>, a result that is not there yet
// (Twisted: twisted.internet.defer).
//
// A Deferred is a promise to call your functions once a value (or an error)
// arrives. You add callbacks now; the producer fires the Deferred later; the
// callbacks then run in order, each getting what the one before returned.
//
//   twist::Deferred<int> d;
//   auto s = d.addCallback([](int x) { return x + 1; })                   // Deferred<int>
//             .addCallback([](int x) { return std::to_string(x); });      // Deferred<std::string>
//   d.callback(41);                       // fires the chain from its head
//   // successResultOf(s) == "42"
//
// Errors travel down the same chain as a twist::Failure. An errback gets the
// Failure and either recovers (returns a value of the chain's type) or lets it
// go on (throws: f.raise(), f.trap<E>(), or a new exception):
//
//   d.addErrback([](twist::Failure f) -> int { f.trap<std::runtime_error>(); return -1; });
//
// Where C++ differs from Twisted:
// - Deferred<T> is typed. addCallback returns a handle onto the same chain
//   whose type is what your callback returns; a handle whose type the chain
//   has moved past, or a fire through a handle of the wrong type, throws
//   std::logic_error naming both types.
// - An errback propagates by throwing instead of returning the Failure.
// - A callback that returns a Deferred<U> pauses the chain until that one
//   fires, exactly as in Twisted; the chain then carries U.
// - addBoth(f) calls f with the value or with the Failure: give it a generic
//   lambda ([](auto&&...) { ... }) or an overload set; what f returns recovers.
// - successResultOf, failureResultOf and co_await take the result out of the
//   chain (Twisted leaves None behind): adding to it afterwards throws.
// - Firing twice throws AlreadyCalledError, as in Twisted.
// - A callback or errback whose types do not fit the chain is a compile error
//   that says so in words and names both types (detail/diagnose.hpp): the
//   commonest, a callback that forgot to `return`, reads "this callback takes
//   an argument, but the step before it returns nothing (void)".
//
// Ownership: Deferred<T> is a handle; copies share one chain (reference
// counted, not thread-safe: use a Deferred on its reactor's thread only). The
// chain lives while any handle, any producer holding a handle, or any chain
// waiting on it does. When the last goes with a Failure still unhandled,
// "Unhandled error in Deferred:" and the failure are logged. A chain whose
// callback returned another Deferred does not keep that one alive: whoever
// will fire it does. Callbacks run on the thread that fires.
#pragma once

#include <coroutine>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "twist/detail/chain.hpp"
#include "twist/detail/diagnose.hpp"
#include "twist/failure.hpp"
#include "twist/time.hpp"

namespace twist {

// Firing a Deferred twice (Twisted: AlreadyCalledError).
struct AlreadyCalledError : std::logic_error {
  AlreadyCalledError()
      : std::logic_error(
            "AlreadyCalledError: this Deferred was already fired; callback() and errback() may be called once. "
            "To deliver several values, use several Deferreds or a DeferredQueue") {}
};
// A Deferred was cancelled before it had a result.
struct CancelledError : std::runtime_error {
  CancelledError() : std::runtime_error("CancelledError: the Deferred was cancelled") {}
};
// addTimeout ran out of time.
struct TimeoutError : std::runtime_error {
  explicit TimeoutError(double seconds) : std::runtime_error(message(seconds)) {}

 private:
  static std::string message(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return std::string("TimeoutError: the Deferred did not fire within ") + text + " seconds";
  }
};

template <class T>
class Deferred;

namespace detail {
template <class T>
struct IsDeferred : std::false_type {};
template <class T>
struct IsDeferred<Deferred<T>> : std::true_type {
  using value_type = T;
  using type = T;  // what Unwrapped reads (it would otherwise find true_type::type)
};
template <class R>
using Unwrapped = typename std::conditional_t<IsDeferred<R>::value, IsDeferred<R>, std::type_identity<R>>::type;

template <class T>
struct DeferredPromise;  // coroutine support: twist/coroutine.hpp

// callback()'s parameter: T itself (so only T's implicit conversions apply),
// and a placeholder for void, whose callback() takes nothing.
struct NoCallbackValue {
  NoCallbackValue() = delete;
};
template <class T>
using CallbackArg = std::conditional_t<std::is_void_v<T>, NoCallbackValue, T>;

// Whether f can be called with a T (or with nothing, for void).
template <class T, class F>
struct TakesValue : std::is_invocable<F&, T&&> {};
template <class F>
struct TakesValue<void, F> : std::is_invocable<F&> {};

// What calling f with a T (or nothing, for void) returns.
template <class T, class F>
struct CallResult {
  using type = std::invoke_result_t<F, T&&>;
};
template <class F>
struct CallResult<void, F> {
  using type = std::invoke_result_t<F>;
};

// Writes what a user function returned into the chain: a value, or, for a
// returned Deferred, a wait on it.
template <class R, class F, class... Args>
void deliver(Chain& chain, F& f, Args&&... args) {
  if constexpr (std::is_void_v<R>) {
    f(std::forward<Args>(args)...);
    chain.result.emplaceVoid();
  } else if constexpr (IsDeferred<R>::value) {
    R inner = f(std::forward<Args>(args)...);
    Chain* innerChain = chainOf(inner);
    if (!innerChain) throw std::logic_error("a callback returned a moved-from Deferred handle");
    // A stale handle (its chain moved on, or its result was taken) would hand
    // over a value of the wrong type: refuse it here, as a Failure in this chain.
    innerChain->checkTail(typeid(typename IsDeferred<R>::value_type), "returning a Deferred from a callback");
    chain.result.reset();
    chain.chainTo(innerChain);
  } else {
    chain.result.template emplace<R>(f(std::forward<Args>(args)...));
  }
}

// Calls f with the current value (moved out of the slot), or with nothing for void.
template <class T, class R, class F>
void callWithValue(Chain& chain, F& f) {
  if constexpr (std::is_void_v<T>) {
    chain.result.reset();
    deliver<R>(chain, f);
  } else {
    T value = chain.result.template take<T>();
    deliver<R>(chain, f, std::move(value));
  }
}

template <class R, class F>
void callWithFailure(Chain& chain, F& f) {
  Failure failure(chain.result.takeFailure());
  deliver<R>(chain, f, failure);
}

// addCallback: runs on a value, lets a failure pass.
template <class T, class F>
struct CallbackStep {
  F f;
  void run(Chain& chain) {
    if (chain.result.isFailure()) return;
    try {
      callWithValue<T, typename CallResult<T, F>::type>(chain, f);
    } catch (...) {
      chain.result.fail(std::current_exception());
    }
  }
};

// addErrback: runs on a failure, lets a value pass.
template <class F>
struct ErrbackStep {
  F f;
  void run(Chain& chain) {
    if (!chain.result.isFailure()) return;
    try {
      callWithFailure<std::invoke_result_t<F, Failure&>>(chain, f);
    } catch (...) {
      chain.result.fail(std::current_exception());
    }
  }
};

// addCallbacks / addBoth: exactly one of the two runs; eb does not see cb's exception.
template <class T, class CB, class EB>
struct PairStep {
  CB cb;
  EB eb;
  void run(Chain& chain) {
    try {
      if (chain.result.isFailure())
        callWithFailure<std::invoke_result_t<EB, Failure&>>(chain, eb);
      else
        callWithValue<T, typename CallResult<T, CB>::type>(chain, cb);
    } catch (...) {
      chain.result.fail(std::current_exception());
    }
  }
};

// addBoth(f): f is called with the value or the Failure, or with nothing when
// it takes nothing; either way what it returns becomes the result.
template <class T, class F>
struct BothStep {
  F f;
  decltype(auto) onFailure(Failure& failure) {
    if constexpr (std::is_invocable_v<F&, Failure&>)
      return f(failure);
    else
      return f();
  }
  template <class... V>
  decltype(auto) onValue(V&&... value) {
    if constexpr (std::is_invocable_v<F&, V&&...>)
      return f(std::forward<V>(value)...);
    else
      return f();
  }
  struct FailurePath {
    BothStep* self;
    decltype(auto) operator()(Failure& failure) { return self->onFailure(failure); }
  };
  struct ValuePath {
    BothStep* self;
    template <class... V>
    decltype(auto) operator()(V&&... value) {
      return self->onValue(std::forward<V>(value)...);
    }
  };
  void run(Chain& chain) {
    try {
      if (chain.result.isFailure()) {
        FailurePath g{this};
        callWithFailure<decltype(onFailure(std::declval<Failure&>()))>(chain, g);
      } else {
        ValuePath g{this};
        callWithValue<T, typename CallResult<T, ValuePath>::type>(chain, g);
      }
    } catch (...) {
      chain.result.fail(std::current_exception());
    }
  }
};
template <class T, class F>
struct BothValueResultOf {
  using type = decltype(std::declval<BothStep<T, F>&>().onValue(std::declval<T&&>()));
};
template <class F>
struct BothValueResultOf<void, F> {
  using type = decltype(std::declval<BothStep<void, F>&>().onValue());
};
template <class T, class F>
using BothValueResult = typename BothValueResultOf<T, F>::type;
}  // namespace detail

template <class T>
class Deferred {
  static_assert(!detail::IsDeferred<T>::value,
                "Deferred<Deferred<T>> is not allowed: a callback that returns a Deferred is waited for, "
                "so the chain carries T, not Deferred<T>");
  static_assert(!std::is_reference_v<T>, "Deferred<T&> is not allowed: a Deferred owns its result; use a value or a pointer");

 public:
  using value_type = T;
  using promise_type = detail::DeferredPromise<T>;

  // A new, unfired Deferred.
  Deferred() : chain_(detail::Chain::create(&typeid(T))) {}
  // With a canceller, called by cancel() before the Deferred has fired; it may
  // fire the Deferred itself, else cancel() fails it with CancelledError.
  template <class C, class = std::enable_if_t<std::is_invocable_v<C&, Deferred<T>&>>>
  explicit Deferred(C canceller) : Deferred() {
    chain_->canceller = [fn = std::move(canceller)](detail::Chain* chain) mutable {
      chain->ref();
      Deferred<T> self(chain);
      fn(self);
    };
  }

  Deferred(const Deferred& other) : chain_(other.chain_) {
    if (chain_) chain_->ref();
  }
  // A Deferred<U> where a Deferred<T> is wanted never compiles; this exists so
  // that the error says why in words (usually: a callback that forgot to return).
  template <class U>
    requires(!std::is_same_v<U, T>)
  Deferred(const Deferred<U>&) : chain_(nullptr) {
    detail::deferredOfAnotherType<U, T>();
  }
  Deferred(Deferred&& other) noexcept : chain_(std::exchange(other.chain_, nullptr)) {}
  Deferred& operator=(const Deferred& other) {
    if (other.chain_) other.chain_->ref();
    if (chain_) chain_->release();
    chain_ = other.chain_;
    return *this;
  }
  Deferred& operator=(Deferred&& other) noexcept {
    if (this != &other) {
      if (chain_) chain_->release();
      chain_ = std::exchange(other.chain_, nullptr);
    }
    return *this;
  }
  ~Deferred() {
    if (chain_) chain_->release();
  }

  // Fires the chain with a value. Throws AlreadyCalledError on a second fire.
  void callback(detail::CallbackArg<T> value)
    requires(!std::is_void_v<T>)
  {
    detail::Chain& c = live("callback");
    c.checkHead(typeid(T), "callback()");
    if (!c.beginFire()) return;
    c.result.template emplace<T>(std::move(value));
    c.fire();
  }
  void callback()
    requires std::is_void_v<T>
  {
    detail::Chain& c = live("callback");
    c.checkHead(typeid(T), "callback()");
    if (!c.beginFire()) return;
    c.result.emplaceVoid();
    c.fire();
  }
  // Fires the chain with a failure.
  void errback(const Failure& failure) {
    detail::Chain& c = live("errback");
    if (!c.beginFire()) return;
    c.result.fail(failure.exception());
    c.fire();
  }
  void errback(std::exception_ptr error) { errback(Failure(std::move(error))); }
  template <class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
  void errback(E&& error) {
    errback(Failure(std::make_exception_ptr(std::forward<E>(error))));
  }
  // Inside a catch block: fails with the exception being handled.
  void errback() { errback(Failure::current()); }

  // f(T) -> U, or Deferred<U> (waited for). Returns the handle for U.
  // (Each check below that fails stops the build with a message naming the
  // types, from detail/diagnose.hpp; `if constexpr` keeps the rest of the
  // function from adding errors of its own after it.)
  template <class F>
  auto addCallback(F&& f) {
    using Fn = std::decay_t<F>;
    if constexpr (!detail::TakesValue<T, Fn>::value) {
      using Params = typename detail::ParametersOf<Fn>::type;
      detail::callbackCannotTake<T>(Params{});
      using Meant = detail::Unwrapped<typename detail::ResultWithOwnParameters<Fn, Params>::type>;
      return Deferred<std::remove_cvref_t<Meant>>();  // the chain goes on as if the callback had fitted
    } else {
      using Out = detail::Unwrapped<typename detail::CallResult<T, Fn>::type>;
      return add<Out>("addCallback",
                      detail::Step::make<detail::CallbackStep<T, Fn>>(detail::CallbackStep<T, Fn>{std::forward<F>(f)}));
    }
  }

  // f(Failure) -> T (recovers), or Deferred<T>, or throws (propagates).
  // (Returns a Deferred<T>; `auto` only so that after a wrong return type the
  // chain goes on with that type, and the first error stays the only one.)
  template <class F>
  auto addErrback(F&& f) {
    using Fn = std::decay_t<F>;
    if constexpr (!std::is_invocable_v<Fn&, Failure&>) {
      detail::errbackCannotTake<T>(typename detail::ParametersOf<Fn>::type{});
      return *this;
    } else if constexpr (!std::is_same_v<detail::Unwrapped<std::invoke_result_t<Fn&, Failure&>>, T>) {
      detail::errbackReturns<T, std::invoke_result_t<Fn&, Failure&>>();
      if constexpr (std::is_void_v<T>)  // a value was meant to be there: go on as if it were
        return Deferred<std::remove_cvref_t<detail::Unwrapped<std::invoke_result_t<Fn&, Failure&>>>>();
      else
        return *this;
    } else {
      return add<T, detail::Reads::failureOnly>(
          "addErrback", detail::Step::make<detail::ErrbackStep<Fn>>(detail::ErrbackStep<Fn>{std::forward<F>(f)}));
    }
  }

  // cb(T) -> U and eb(Failure) -> U; exactly one runs, and eb does not see cb's exceptions.
  template <class CB, class EB>
  auto addCallbacks(CB&& cb, EB&& eb) {
    using C = std::decay_t<CB>;
    using E = std::decay_t<EB>;
    if constexpr (!detail::TakesValue<T, C>::value) {
      detail::callbackCannotTake<T>(typename detail::ParametersOf<C>::type{});
      return *this;
    } else if constexpr (!std::is_invocable_v<E&, Failure&>) {
      detail::errbackCannotTake<T>(typename detail::ParametersOf<E>::type{});
      return *this;
    } else {
      using Out = detail::Unwrapped<typename detail::CallResult<T, C>::type>;
      using ErrOut = detail::Unwrapped<std::invoke_result_t<E&, Failure&>>;
      if constexpr (!std::is_same_v<ErrOut, Out>) {
        detail::callbacksReturnDifferently<Out, ErrOut>();
        return *this;
      } else {
        return add<Out>("addCallbacks", detail::Step::make<detail::PairStep<T, C, E>>(
                                           detail::PairStep<T, C, E>{std::forward<CB>(cb), std::forward<EB>(eb)}));
      }
    }
  }

  // f called with the value (or nothing, for void) or with the Failure; what it returns recovers.
  template <class F>
  auto addBoth(F&& f) {
    using Fn = std::decay_t<F>;
    using Step = detail::BothStep<T, Fn>;
    if constexpr (!detail::TakesValue<T, Fn>::value && !std::is_invocable_v<Fn&>) {
      detail::callbackCannotTake<T>(typename detail::ParametersOf<Fn>::type{});
      return *this;
    } else if constexpr (!std::is_invocable_v<Fn&, Failure&> && !std::is_invocable_v<Fn&>) {
      detail::errbackCannotTake<T>(typename detail::ParametersOf<Fn>::type{});
      return *this;
    } else {
      using OnFailure = detail::Unwrapped<decltype(std::declval<Step&>().onFailure(std::declval<Failure&>()))>;
      using OnValue = detail::Unwrapped<detail::BothValueResult<T, Fn>>;
      if constexpr (!std::is_same_v<OnValue, OnFailure>) {
        detail::bothReturnDifferently<OnValue, OnFailure>();
        return *this;
      } else {
        return add<OnFailure>("addBoth", detail::Step::make<Step>(Step{std::forward<F>(f)}));
      }
    }
  }

  // Fails the chain with TimeoutError unless it has fired within `seconds` on `time`.
  Deferred<T> addTimeout(double seconds, IReactorTime& time);

  // Callbacks run only while the pause count is zero.
  void pause() { live("pause").pause(); }
  void unpause() { live("unpause").unpause(); }
  // Before the fire: runs the canceller, then fails with CancelledError unless
  // the canceller fired it. After: cancels the Deferred this one waits on, if any.
  void cancel() { live("cancel").cancel(); }

  bool called() const { return chain_ && chain_->called; }
  bool paused() const { return chain_ && chain_->paused > 0; }
  // A result is there now: fired, not paused or waiting, every callback has run.
  bool hasResult() const { return chain_ && chain_->hasResult() && chain_->result.state() != detail::Result::State::empty; }
  bool hasFailure() const { return hasResult() && chain_->result.isFailure(); }

 private:
  template <class>
  friend class Deferred;
  template <class>
  friend struct detail::DeferredPromise;
  template <class U>
  friend detail::Chain* chainOf(const Deferred<U>& d);

  explicit Deferred(detail::Chain* adopted) : chain_(adopted) {}  // takes over one reference

  detail::Chain& live(const char* operation) const {
    if (!chain_)
      throw std::logic_error(std::string(operation) + "() on a moved-from Deferred handle: use the handle you moved it to");
    return *chain_;
  }
  // A step that reads no value (an errback) keeps the chain's tail type as it
  // is, which may be ValueGivenToList (see deferred_list.hpp).
  template <class Out, detail::Reads reads = detail::Reads::value>
  Deferred<Out> add(const char* operation, detail::Step step) {
    detail::Chain& c = live(operation);
    c.checkTail<reads>(typeid(T), operation);
    c.ref();
    Deferred<Out> next(&c);
    c.append(std::move(step), reads == detail::Reads::value ? &typeid(Out) : c.tailType);
    return next;
  }

  detail::Chain* chain_;
};

template <class T>
detail::Chain* chainOf(const Deferred<T>& d) {
  return d.chain_;
}

namespace detail {
// Takes the result out (successResultOf, co_await): the value, or throws the failure.
// (co_await skips the type check: its step already marked the chain as taken.)
template <class T>
T takeResult(Chain& c, const char* by, bool checkType = true) {
  if (checkType) c.checkTail(typeid(T), by);
  if (c.result.isFailure()) {
    std::exception_ptr error = c.result.takeFailure();
    c.markTaken(by);
    std::rethrow_exception(error);
  }
  if constexpr (std::is_void_v<T>) {
    c.markTaken(by);
  } else {
    T value = c.result.template take<T>();
    c.markTaken(by);
    return value;
  }
}
}  // namespace detail

// An already-fired Deferred (Twisted: defer.succeed).
template <class V>
Deferred<std::decay_t<V>> succeed(V&& value) {
  Deferred<std::decay_t<V>> d;
  d.callback(std::forward<V>(value));
  return d;
}
inline Deferred<void> succeed() {
  Deferred<void> d;
  d.callback();
  return d;
}
// An already-failed Deferred<T> (Twisted: defer.fail).
template <class T = void>
Deferred<T> fail(const Failure& failure) {
  Deferred<T> d;
  d.errback(failure);
  return d;
}
template <class T = void, class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
Deferred<T> fail(E&& error) {
  return fail<T>(Failure(std::forward<E>(error)));
}

// Calls f now and always gives back a Deferred: f's own, or one fired with
// f's value, or failed with what f threw (Twisted: defer.maybeDeferred).
template <class F>
auto maybeDeferred(F&& f) -> Deferred<detail::Unwrapped<std::invoke_result_t<F&>>> {
  using R = std::invoke_result_t<F&>;
  using U = detail::Unwrapped<R>;
  static_assert(!std::is_same_v<std::decay_t<R>, Failure>,
                "maybeDeferred: f returns a twist::Failure; in twist, throw the exception instead (f.raise())");
  try {
    if constexpr (detail::IsDeferred<R>::value) {
      return f();
    } else if constexpr (std::is_void_v<R>) {
      f();
      return succeed();
    } else {
      return succeed<U>(f());
    }
  } catch (...) {
    return fail<U>(Failure::current());
  }
}

namespace detail {
// addTimeout's untyped work, in libtwist (src/deferred.cpp): starts the timer
// and appends the step that stops it, neither of which depends on T.
void addTimeout(Chain& chain, double seconds, IReactorTime& time);
}  // namespace detail

template <class T>
Deferred<T> Deferred<T>::addTimeout(double seconds, IReactorTime& time) {
  detail::Chain& c = live("addTimeout");
  c.checkTail<detail::Reads::failureOnly>(typeid(T), "addTimeout");
  detail::addTimeout(c, seconds, time);
  c.ref();
  return Deferred<T>(&c);
}

}  // namespace twist

#include "twist/coroutine.hpp"
#include "twist/deferred_list.hpp"
#include "twist/deferred_lock.hpp"
