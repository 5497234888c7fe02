// timeout.hpp — lesson 02, stretch exercise "timeout": an idle timeout that
// activity pushes back (Twisted: policies.TimeoutMixin's setTimeout and
// resetTimeout).
//
// A server gives up on a client that has said nothing for a while: every
// message moves the deadline to `seconds` from now, and only when the
// deadline passes in silence does onTimeout run. One DelayedCall does it all:
// start() schedules it, resetTimeout() moves it (DelayedCall::reset), stop()
// cancels it.
//
//   twist::Clock clock;                        // in a test; a twist::Reactor in a program
//   IdleTimeout idle(clock, [] { std::puts("idle: hanging up"); });
//   idle.start(30);         // due at t = 30
//   clock.advance(20);
//   idle.resetTimeout();    // a message came: now due at t = 50
//   clock.advance(30);      // "idle: hanging up" at t = 50
//
// The subtle part is re-entrancy: onTimeout runs inside the very call that
// the timeout scheduled. By then that call has run (it is no longer
// active()), so cancelling or resetting it would throw twist::AlreadyCalled;
// and onTimeout may call stop(), resetTimeout() or start() on this object.
#pragma once

#include <functional>

#include "twist/time.hpp"

class IdleTimeout {
 public:
  using TimeoutFn = std::function<void()>;

  // `time` must outlive the IdleTimeout. Schedules nothing yet.
  IdleTimeout(twist::IReactorTime& time, TimeoutFn onTimeout);

  // Cancels the pending call, if any (given), so that onTimeout never runs
  // on a destroyed IdleTimeout.
  ~IdleTimeout();

  IdleTimeout(const IdleTimeout&) = delete;
  IdleTimeout& operator=(const IdleTimeout&) = delete;

  // Arms the timeout: unless resetTimeout() or stop() comes first, onTimeout
  // runs once, `seconds` from now. From then on the timeout is no longer
  // running (inside onTimeout, running() is already false), and onTimeout may
  // call start() again to arm a new one.
  // - seconds <= 0 throws std::invalid_argument.
  // - start() while running() throws std::logic_error.
  void start(double seconds);

  // Activity: while running, the deadline moves to `seconds` (as given to
  // start) from now, and it returns true. When not running (never started,
  // stopped, or timed out already: inside onTimeout too) it does nothing and
  // returns false; that is not an error.
  bool resetTimeout();

  // Disarms: the pending call is cancelled, so onTimeout does not run.
  // Returns true when it stopped a running timeout, false when there was none
  // (not started, stopped already, or timed out: inside onTimeout too); that
  // is not an error.
  bool stop();

  // True from start() until onTimeout is about to be called, or until stop().
  bool running() const;

 private:
  // What the scheduled call runs: the timeout has passed in silence.
  void timedOut();

  twist::IReactorTime& time_;
  TimeoutFn onTimeout_;
  twist::DelayedCall pending_;  // the scheduled timedOut(), while running
  double seconds_ = 0;          // the period given to start()
  bool running_ = false;
};
