// cancel.hpp — lesson 00, exercise "cancel" (stretch): a handle that cancels
// a pending callback, built on your ToyLoop (toy_loop.hpp; do toy_loop first).
//
// ToyLoop::callLater returns nothing, so a callback, once scheduled, will
// run. Twisted's callLater returns a DelayedCall, and twist's too: a handle
// whose cancel() makes sure the callback never runs (a timeout that is no
// longer needed, say). This is that handle, for the ToyLoop:
//
//   ToyLoop loop;
//   Call call = callLaterCancellable(loop, 5, [] { std::puts("timed out"); });
//   call.active();   // true: pending
//   call.cancel();   // it will never run
//   loop.run();      // prints nothing
//
// The way Twisted's reactor does it: cancel() does not search the queue. It
// marks the call cancelled, and the callback left in the queue checks the
// mark when its turn comes and does nothing. (The reactor also removes
// cancelled calls in bulk when they are many; the ToyLoop does not bother.)
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>

#include "toy_loop.hpp"

// What a Call and the callback it scheduled share.
struct CallState {
  bool called = false;     // the callback has started to run
  bool cancelled = false;  // cancel() was called in time
};

// Thrown by Call::cancel when there is nothing left to cancel (Twisted:
// error.AlreadyCalled and error.AlreadyCancelled).
struct AlreadyDone : std::logic_error {
  using std::logic_error::logic_error;
};

class Call {
 public:
  explicit Call(std::shared_ptr<CallState> state) : state_(std::move(state)) {}

  // True while the callback is pending: neither called nor cancelled.
  // (Inside the callback itself, active() is already false.)
  bool active() const;

  // Makes sure the callback never runs. Throws AlreadyDone when it has been
  // called already (also from inside the callback itself) or was cancelled.
  void cancel();

 private:
  std::shared_ptr<CallState> state_;
};

// Schedules fn on `loop` `delay` seconds from now, as loop.callLater does,
// and returns the Call that can cancel it. A cancelled callback stays in the
// loop's queue but does nothing when its turn comes (fn is never called).
Call callLaterCancellable(ToyLoop& loop, double delay, std::function<void()> fn);
