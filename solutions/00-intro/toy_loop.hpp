// toy_loop.hpp — lesson 00, exercise "toy_loop": the heart of an event loop.
//
// A ToyLoop is an event loop with timers only and a virtual clock: now() moves
// only when the loop jumps it (run) or a test does (advance), so nothing ever
// sleeps. What it keeps is a queue of callbacks, each with the time it is due.
// You write the two pieces that make it a loop: one turn (runDue), and the
// loop itself (run), which takes turns until it is stopped or has nothing left.
//
//   ToyLoop loop;
//   loop.callLater(2, [] { std::puts("second"); });
//   loop.callLater(1, [&] { std::puts("first"); loop.callLater(0, [] { std::puts("next turn"); }); });
//   loop.run();      // t = 1: "first"; t = 1, next turn: "next turn"; t = 2: "second"
//
// The rules, those of Twisted's reactor and of libuv's loop (twist's):
// - A turn runs every callback that is due (due time <= now()), earliest
//   first; callbacks due at the same time run in the order they were
//   scheduled (first in, first out: libuv and twist promise it; Twisted's
//   heap orders by time alone and does not).
// - A turn runs only what was due when it began: a callback scheduled during
//   the turn waits for the next turn, even with a delay of 0. (So a callback
//   that keeps scheduling itself with callLater(0) cannot hold the loop in
//   one turn forever.)
// - Each callback runs once, and leaves the queue before it runs.
// - stop() ends run() after the turn it was called in: the callbacks already
//   due in that turn still run (Twisted's reactor does the same), the later
//   ones stay in the queue.
#pragma once

#include <cstddef>
#include <functional>
#include <map>

class ToyLoop {
 public:
  using Callback = std::function<void()>;

  // Given. The virtual time, in seconds; it starts at 0.
  double now() const { return now_; }

  // Given. Schedules fn to run `delay` seconds from now (due at now() + delay).
  // Throws std::invalid_argument for a negative delay. Runs nothing itself.
  void callLater(double delay, Callback fn);

  // Given. Asks run() to return after the current turn.
  void stop() { stopped_ = true; }

  // Given. How many callbacks are waiting in the queue.
  std::size_t pending() const { return timers_.size(); }

  // Given, for tests: moves the clock `seconds` forward, then takes one turn.
  void advance(double seconds);

  // TODO (yours): one turn. Runs the callbacks due at now() by the rules
  // above: in time order, first in first out on ties, only those that were
  // due when the turn began, each removed from the queue before it runs.
  void runDue();

  // TODO (yours): the loop. Takes turns until stop() has been called or the
  // queue is empty; before each turn it "waits" for the earliest callback by
  // moving the clock to its due time. Returns then.
  // Each run() starts afresh: a stop() from an earlier run is forgotten.
  void run();

 private:
  // The queue, given: due time -> callback, sorted by due time. A multimap
  // keeps callbacks with equal due times in the order they were inserted.
  std::multimap<double, Callback> timers_;
  double now_ = 0;
  bool stopped_ = false;
};
