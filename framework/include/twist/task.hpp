// task.hpp — Clock, LoopingCall and deferLater (Twisted: twisted.internet.task).
//
// Three tools built on the IReactorTime seam (time.hpp): a Clock whose time
// moves only when a test says so, a LoopingCall that runs a function every
// `interval` seconds, and deferLater, a Deferred that fires after a delay.
// Because all three take an IReactorTime&, the same code runs on the real
// Reactor in production and on a Clock in a test, without sleeping.
//
//   twist::Clock clock;
//   int ticks = 0;
//   twist::LoopingCall loop(clock, [&] { ++ticks; });
//   twist::Deferred<void> done = loop.start(1.0);   // ticks == 1 already (now = true)
//   clock.advance(1.0);                              // ticks == 2
//   loop.stop();                                     // `done` fires
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/time.hpp"

namespace twist {

// Clock: deterministic time for tests (Twisted: task.Clock). Time starts at
// 0.0 and moves only through advance() and pump(), so a test can say exactly
// what happens at t = 2.5 and finish in microseconds.
//
// advance(n) first moves the time forward by n, then runs every call due at
// or before the new time, earliest first and FIFO among equal times. A call
// scheduled by one of those calls counts from the new time; when it is due
// already (callLater(0)) it runs within the same advance. So a LoopingCall
// with interval 0 runs until it is stopped: stop it from its function.
//
// Differences from Twisted's Clock, each so that a test sees what the
// Reactor would do: a negative (or NaN) delay throws std::invalid_argument, as
// the Reactor's callLater does (Twisted's Clock accepts it); advance() with a
// negative amount throws std::invalid_argument (time never runs backwards);
// an exception thrown by a call is logged as "Unhandled error in delayed call"
// and the remaining calls still run (Twisted's Clock lets it escape advance()).
//
// Ownership: a Clock owns its pending calls' functions; it is neither copied
// nor moved, because scheduled DelayedCalls point at it. Destroying it drops
// the pending functions unrun; DelayedCall handles may outlive it and then
// report !active() (see time.hpp).
class Clock : public IReactorTime {
 public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  // The current fake time, in seconds (0.0 at construction).
  double seconds() const override { return now_; }
  // Schedules fn at seconds() + delay; delay >= 0, else std::invalid_argument.
  DelayedCall callLater(double delay, std::function<void()> fn) override;
  // The pending calls, earliest first.
  std::vector<DelayedCall> getDelayedCalls() const override;

  // Moves time forward by `amount` seconds (>= 0, else std::invalid_argument),
  // then runs what is due, as described above.
  void advance(double amount);
  // advance() once per entry: calls see the time step by step, unlike one
  // advance by the sum.
  void pump(const std::vector<double>& timings);

 private:
  double now_ = 0.0;
  detail::TimerQueue queue_{*this};
};

namespace detail {
// What a LoopingCall shares with the calls and callbacks it schedules (private).
struct LoopingCallState;

template <class R>
inline constexpr bool isDeferredVoid = std::is_same_v<std::remove_cvref_t<R>, Deferred<void>>;
}  // namespace detail

// LoopingCall: calls a function every `interval` seconds (Twisted:
// task.LoopingCall). `fn` returns void or a Deferred<void>; a Deferred
// returned delays the next call until it fires.
//
// start(interval, now = true) returns a Deferred<void> that fires when stop()
// is called, and fails with fn's exception (or its Deferred's Failure) when fn
// fails; running() is then false and no further call is made. Twisted fires
// that Deferred with the LoopingCall itself; twist's carries no value, since
// the caller already holds the LoopingCall. With now = true, fn runs
// synchronously inside start(); otherwise first after one interval.
//
// Calls are aligned to starttime + k * interval: when a call comes late (a
// blocked loop, a slow Deferred) the next one is still at the next multiple,
// and the ticks missed meanwhile are skipped, not caught up. withCount() tells
// fn how many intervals passed since its previous call (>= 1), so it can
// catch up itself. Interval 0 means "as often as possible": each call is
// scheduled with callLater(0), so it runs once per reactor iteration.
//
// Errors: start() with interval < 0 throws std::invalid_argument; start()
// while running and stop() while not running throw std::logic_error (Twisted
// asserts). If stop() is called while fn's Deferred is pending, the start
// Deferred fires when that Deferred does; a start() in between begins a new
// run with its own Deferred, and the old run only finishes (Twisted would let
// the late result schedule a second train of calls).
//
// Ownership: the LoopingCall owns fn, and the IReactorTime must outlive it.
// The LoopingCall must outlive its scheduled call: its destructor cancels the
// pending call, so nothing runs after it is gone (a Deferred returned by fn
// that fires later is then ignored), and the start Deferred never fires.
// A LoopingCall can be moved (its state lives on the heap) but not copied.
class LoopingCall {
 public:
  // F: fn() -> void or Deferred<void>.
  template <class F>
    requires std::invocable<F&> &&
             (std::is_void_v<std::invoke_result_t<F&>> || detail::isDeferredVoid<std::invoke_result_t<F&>>)
  LoopingCall(IReactorTime& time, F fn) : LoopingCall(time) {
    setFunction(std::move(fn));
  }

  // F: fn(int count) -> void or Deferred<void>, where count is the number of
  // intervals that elapsed since the previous call (1 when on time). With
  // interval 0.5 and calls at t = 0, 0.51 and 2.02, the counts are 1, 1, 3.
  // With interval 0 the count is always 1.
  template <class F>
    requires std::invocable<F&, int> &&
             (std::is_void_v<std::invoke_result_t<F&, int>> || detail::isDeferredVoid<std::invoke_result_t<F&, int>>)
  static LoopingCall withCount(IReactorTime& time, F countFn);

  LoopingCall(LoopingCall&&) noexcept;
  LoopingCall& operator=(LoopingCall&&) noexcept;
  LoopingCall(const LoopingCall&) = delete;
  LoopingCall& operator=(const LoopingCall&) = delete;
  ~LoopingCall();

  // Starts calling fn every `interval` seconds; see above for the Deferred.
  Deferred<void> start(double interval, bool now = true);
  // Stops: cancels the pending call and fires the start Deferred.
  void stop();
  // True from start() until stop() or a failure.
  bool running() const;
  // The interval given to the last start() (0 before any).
  double interval() const;

 private:
  explicit LoopingCall(IReactorTime& time);
  // The function is stored type-erased as "returns an optional Deferred":
  // empty for a synchronous fn, so the common case allocates no Deferred.
  using Function = std::function<std::optional<Deferred<void>>()>;
  template <class F>
  void setFunction(F fn) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      setFunctionErased([fn = std::move(fn)]() mutable -> std::optional<Deferred<void>> {
        fn();
        return std::nullopt;
      });
    } else {
      setFunctionErased([fn = std::move(fn)]() mutable -> std::optional<Deferred<void>> { return fn(); });
    }
  }
  void setFunctionErased(Function fn);
  // withCount's bookkeeping: how many intervals since the last counted call,
  // or 0 when fn must not be called this time (Twisted's counter skips it).
  static int countSinceLastCall(detail::LoopingCallState& state);
  // What the destructor does: cancel the pending call, ignore what is in flight.
  void release() noexcept;

  std::shared_ptr<detail::LoopingCallState> state_;
};

template <class F>
  requires std::invocable<F&, int> &&
           (std::is_void_v<std::invoke_result_t<F&, int>> || detail::isDeferredVoid<std::invoke_result_t<F&, int>>)
LoopingCall LoopingCall::withCount(IReactorTime& time, F countFn) {
  LoopingCall loop(time);
  // The counter lives inside the state it reads, so the raw pointer cannot dangle.
  auto counter = [state = loop.state_.get(), countFn = std::move(countFn)]() mutable -> std::optional<Deferred<void>> {
    int count = countSinceLastCall(*state);
    if (count <= 0) return std::nullopt;
    if constexpr (std::is_void_v<std::invoke_result_t<F&, int>>) {
      countFn(count);
      return std::nullopt;
    } else {
      return countFn(count);
    }
  };
  loop.setFunctionErased(std::move(counter));
  return loop;
}

// deferLater: a Deferred that fires after `delay` seconds (Twisted:
// task.deferLater). Without fn it fires with no value; with fn it fires with
// fn's result (waiting for it when fn returns a Deferred), or fails with what
// fn throws. Cancelling the Deferred cancels the delayed call, so fn never
// runs, and the Deferred fails with CancelledError. A negative delay throws
// std::invalid_argument.
//
// Ownership: until the delay passes, the scheduler holds fn and a handle on
// the Deferred's chain, so the caller may drop its handles; the IReactorTime
// must outlive the delay (or be destroyed, which drops the call unrun).
Deferred<void> deferLater(IReactorTime& time, double delay);

template <class F>
  requires std::invocable<F&>
auto deferLater(IReactorTime& time, double delay, F fn) {
  return deferLater(time, delay).addCallback(std::move(fn));
}

}  // namespace twist
