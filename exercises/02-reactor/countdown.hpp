// countdown.hpp — lesson 02, exercise "countdown": count down with callLater.
//
// A Countdown says 3, 2, 1 one second apart and then calls onDone, without
// ever sleeping: each step says one number, schedules the next step with
// time.callLater(1.0, ...) and returns at once, so the loop stays free for
// everything else in between.
//
//   twist::Clock clock;                       // in a test; a twist::Reactor in a program
//   Countdown countdown(clock, [](int n) { std::printf("%d...\n", n); },
//                       [] { std::puts("liftoff!"); });
//   countdown.start(3);    // prints "3..." now (t = 0)
//   clock.advance(1);      // "2..."           (t = 1)
//   clock.advance(1);      // "1..."           (t = 2)
//   clock.advance(1);      // "liftoff!"       (t = 3)
//
// The timetable, for start(from) at time t0 on time:
//   onTick(k) runs at t0 + (from - k), for k = from, from - 1, ..., 1;
//   onDone() runs once, at t0 + from.
// Each step is due one second after the previous step actually ran (a loop
// that was busy makes a step late, and the next one counts from there).
// At most one step is scheduled at any time. Nothing runs before its time,
// and nothing runs twice.
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

  // Cancels the pending step, if any, so that nothing calls into the
  // Countdown once it is gone. (Given: it cancels pending_, so pending_ must
  // hold the DelayedCall of the next step.)
  ~Countdown();

  Countdown(const Countdown&) = delete;
  Countdown& operator=(const Countdown&) = delete;

  // Starts counting down from `from`, following the timetable above:
  // - onTick(from) is called at once, inside start(); the next number comes
  //   one second later (time.callLater(1.0, ...)), never by sleeping.
  // - start(0) says no number and calls onDone() at once, inside start().
  // - from < 0 throws std::invalid_argument.
  // - start() while running() throws std::logic_error; once a countdown has
  //   finished, start() may begin a new one.
  void start(int from);

  // True from start() until onDone() is about to be called.
  // (So inside onDone, running() is already false.)
  bool running() const;

 private:
  // One step: say the next number and schedule the next step a second later,
  // or, when no number is left, stop running and call onDone.
  void step();

  twist::IReactorTime& time_;
  TickFn onTick_;
  DoneFn onDone_;
  twist::DelayedCall pending_;  // the next step, while one is scheduled
  int next_ = 0;                // the next number to say (0: onDone is next)
  bool running_ = false;
};
