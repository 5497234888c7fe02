// countdown.cpp — lesson 02, exercise "countdown" (reference solution).
#include "countdown.hpp"

#include <stdexcept>
#include <string>
#include <utility>

Countdown::Countdown(twist::IReactorTime& time, TickFn onTick, DoneFn onDone)
    : time_(time), onTick_(std::move(onTick)), onDone_(std::move(onDone)) {}

Countdown::~Countdown() { abort(); }

void Countdown::start(int from) {
  if (from < 0) throw std::invalid_argument("Countdown::start: from must be >= 0, got " + std::to_string(from));
  if (running_) throw std::logic_error("Countdown::start: already running; abort() it first");
  running_ = true;
  next_ = from;
  step();  // the first number (or onDone, for 0) runs now, inside start()
}

void Countdown::step() {
  if (next_ == 0) {
    running_ = false;  // before onDone, so that onDone may start() again
    if (onDone_) onDone_();
    return;
  }
  onTick_(next_--);
  if (!running_) return;  // onTick called abort()
  pending_ = time_.callLater(1.0, [this] { step(); });
}

bool Countdown::abort() {
  if (!running_) return false;
  running_ = false;
  // From inside onTick the current call is running, so no longer active:
  // cancelling it would throw AlreadyCalled.
  if (pending_.active()) pending_.cancel();
  return true;
}

bool Countdown::running() const { return running_; }

int Countdown::remaining() const { return running_ ? next_ : 0; }
