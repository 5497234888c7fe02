// countdown.cpp — lesson 02, exercise "countdown" (reference solution).
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
  running_ = true;
  step();  // the first number (or onDone, for 0) runs now, inside start()
}

void Countdown::step() {
  if (next_ == 0) {
    running_ = false;  // before onDone, so that onDone sees a finished countdown
    onDone_();
    return;
  }
  onTick_(next_);
  --next_;
  // The loop variable lives in the object; the "wait" is a call scheduled for later.
  pending_ = time_.callLater(1.0, [this] { step(); });
}

bool Countdown::running() const { return running_; }
