// countdown.cpp — lesson 02, exercise "countdown": your code goes here.
//
// Read countdown.hpp first: it says what each function must do. Check with
//   ./twistlings check 02-reactor/countdown
// or by hand:
//   cmake --build build --target exercise_02-reactor_countdown && build/bin/exercise_02-reactor_countdown
#include "countdown.hpp"

#include <stdexcept>
#include <string>
#include <utility>

Countdown::Countdown(twist::IReactorTime& time, TickFn onTick, DoneFn onDone)
    : time_(time), onTick_(std::move(onTick)), onDone_(std::move(onDone)) {}

Countdown::~Countdown() {
  // TODO: cancel the pending call if there is one (abort() does exactly that).
}

void Countdown::start(int from) {
  // TODO: reject a negative `from` (std::invalid_argument) and a second
  //       start while running (std::logic_error).
  next_ = from;  // the next number to tick
  // TODO: remember that you are running, then take the first step at once.
}

void Countdown::step() {
  // TODO: no number left? Stop running, then call onDone_.
  // TODO: otherwise call onTick_ with the next number, and schedule the next
  //       step one second from now with time_.callLater(1.0, ...), keeping
  //       the DelayedCall in pending_. Never sleep here!
  //       (If onTick_ called abort(), schedule nothing.)
  (void)time_;  // TODO: remove this line once you call time_.callLater
}

bool Countdown::abort() {
  // TODO: if running, stop, cancel pending_ (only when pending_.active()),
  //       and return true; otherwise return false.
  return false;
}

bool Countdown::running() const { return running_; }

int Countdown::remaining() const {
  // TODO: the numbers not yet ticked while running, else 0.
  return 0;
}
