// countdown.hpp — lesson 02, exercise "countdown": count down with callLater.
//
// A Countdown says 3, 2, 1 one second apart and then calls onDone: the
// "countdown.py" of Twisted's introductions, without ever sleeping. Each
// number schedules the next one with time.callLater(1.0, ...) and returns at
// once, so the loop stays free for everything else in between.
//
//   twist::Clock clock;                       // in a test; a twist::Reactor in a program
//   Countdown countdown(clock, [](int n) { std::printf("%d...\n", n); },
//                       [] { std::puts("liftoff!"); });
//   countdown.start(3);    // prints "3..." now (t = 0)
//   clock.advance(1);      // "2..."           (t = 1)
//   clock.advance(1);      // "1..."           (t = 2)
//   clock.advance(1);      // "liftoff!"       (t = 3)
//
// The timetable, for start(from) at time t0:
//   onTick(k) runs at t0 + (from - k), for k = from, from - 1, ..., 1;
//   onDone() runs once, at t0 + from.
// Nothing runs before its time, and nothing runs twice.
#pragma once

#include <functional>

#include "twist/time.hpp"

class Countdown {
 public:
  using TickFn = std::function<void(int)>;
  using DoneFn = std::function<void()>;

  // Remembers where to schedule (`time`, which must outlive the Countdown)
  // and whom to call. Schedules nothing yet.
  Countdown(twist::IReactorTime& time, TickFn onTick, DoneFn onDone);

  // Cancels the pending call, if any, so that nothing runs after the
  // Countdown is gone (the DelayedCall would otherwise call into a dead object).
  ~Countdown();

  Countdown(const Countdown&) = delete;
  Countdown& operator=(const Countdown&) = delete;

  // Starts counting down from `from`, following the timetable above:
  // - onTick(from) is called at once, inside start(); the next number comes
  //   one second later (time.callLater(1.0, ...)), never by sleeping.
  // - start(0) ticks nothing and calls onDone() at once, inside start().
  // - from < 0 throws std::invalid_argument.
  // - start() while running() throws std::logic_error; once a countdown has
  //   finished or been aborted, start() may begin a new one.
  // onTick and onDone may call abort(); onDone may call start() again.
  void start(int from);

  // Stops the countdown: the pending call is cancelled (DelayedCall::cancel),
  // so no further onTick and no onDone. Returns true when it stopped a running
  // countdown, false when there was none (not started, finished, or aborted
  // already); that is not an error. It may be called from inside onTick.
  bool abort();

  // True from start() until onDone() is about to be called, or until abort().
  // (So inside onDone, running() is already false.)
  bool running() const;

  // The numbers not yet ticked: after start(3), 2 (3 was ticked at once),
  // then 1, then 0. 0 when not running.
  int remaining() const;

 private:
  // One step of the countdown: tick the next number and schedule the next
  // step a second later, or call onDone when there is no number left.
  void step();

  twist::IReactorTime& time_;
  TickFn onTick_;
  DoneFn onDone_;
  twist::DelayedCall pending_;  // the next step, while running
  int next_ = 0;                // the next number to tick (0: onDone is next)
  bool running_ = false;
};
