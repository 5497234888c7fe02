// countdown.cpp — lesson 02, exercise "countdown": your code goes here.
//
// Read countdown.hpp first: it says what each function must do. Check with
//   ./twistlings check 02-reactor/countdown
#include "countdown.hpp"

#include <stdexcept>
#include <string>
#include <utility>

Countdown::Countdown(twist::IReactorTime& time, TickFn onTick, DoneFn onDone)
    : time_(time), onTick_(std::move(onTick)), onDone_(std::move(onDone)) {}

// Given. active() first: a step that has already run (or is running now) is
// no longer active, and cancelling it would throw twist::AlreadyCalled.
Countdown::~Countdown() {
  if (pending_.active()) pending_.cancel();
}

void Countdown::start(int from) {
  if (from < 0) throw std::invalid_argument("Countdown::start: from must be >= 0, got " + std::to_string(from));
  if (running_) throw std::logic_error("Countdown::start: already running");
  next_ = from;  // the first number to say
  // TODO: remember that you are running, then take the first step at once,
  //       here, inside start().
}

void Countdown::step() {
  // TODO: no number left? Stop running, then call onDone_.
  // TODO: otherwise say the next number with onTick_, and schedule the next
  //       step one second from now with time_.callLater, keeping the
  //       DelayedCall it returns in pending_. Never sleep here!
  (void)time_;  // TODO: remove this line once you call time_.callLater
}

bool Countdown::running() const { return running_; }
