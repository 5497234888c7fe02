// heartbeat.hpp — lesson 02, exercise "heartbeat": a LoopingCall that stops itself.
//
// A Heartbeat calls onBeat(1), onBeat(2), ... every `interval` seconds and,
// after the last beat, stops itself. It is built on twist::LoopingCall
// (Twisted: task.LoopingCall), which does the rescheduling for you: you give
// it a function and an interval, it gives you back a Deferred<void> that fires
// when the loop is stopped.
//
//   twist::Clock clock;                       // in a test; a twist::Reactor in a program
//   Heartbeat heart(clock, [](int n) { std::printf("beat %d\n", n); });
//   twist::Deferred<void> done = heart.start(0.5, 3);   // "beat 1" now (t = 0)
//   clock.advance(0.5);                                  // "beat 2"   (t = 0.5)
//   clock.advance(0.5);                                  // "beat 3"   (t = 1.0), and `done` fires
//
// The timetable, for start(interval, beats) at time t0, when the loop is on time:
//   onBeat(k) runs at t0 + (k - 1) * interval, for k = 1, 2, ..., beats;
//   right after onBeat(beats) returns, the heartbeat stops and the Deferred
//   returned by start() fires (at the same time t0 + (beats - 1) * interval).
#pragma once

#include <functional>

#include "twist/deferred.hpp"
#include "twist/task.hpp"
#include "twist/time.hpp"

class Heartbeat {
 public:
  using BeatFn = std::function<void(int)>;

  // `time` must outlive the Heartbeat. Starts nothing yet. The LoopingCall is
  // made here, around beat(); destroying the Heartbeat destroys it, which
  // cancels its pending call.
  Heartbeat(twist::IReactorTime& time, BeatFn onBeat);

  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Starts beating, following the timetable above; the first beat runs at
  // once, inside start(). Returns the Deferred that fires (with no value)
  // when the heartbeat stops itself after the last beat. With beats == 1 it
  // has fired already when start() returns.
  // - interval <= 0 or beats < 1 throws std::invalid_argument (a heartbeat
  //   needs a positive interval and at least one beat).
  // - start() while running() throws std::logic_error; after it has stopped,
  //   start() begins a new run, counting from 1 again.
  // - A late beat does not catch up: when the loop was busy past several
  //   beats, the missed ones are skipped (LoopingCall keeps to the grid
  //   t0 + k * interval), so the run lasts longer; every beat still gets the
  //   next number (1, 2, 3, ...), and the run still ends after `beats` beats.
  // - If onBeat throws, the heartbeat stops and the Deferred fails with that
  //   exception; no further beat is made.
  twist::Deferred<void> start(double interval, int beats);

  // True from start() until the heartbeat stops.
  bool running() const;

  // The beats made in the current run (or in the last one, once stopped);
  // 0 before the first start().
  int count() const;

 private:
  // The LoopingCall's function: one beat, and stop after the last one.
  void beat();

  BeatFn onBeat_;
  int count_ = 0;   // beats made in this run
  int beats_ = 0;   // beats wanted in this run
  twist::LoopingCall loop_;  // last: destroyed first, so no beat runs on a half-destroyed Heartbeat
};
