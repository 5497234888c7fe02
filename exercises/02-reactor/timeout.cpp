// timeout.cpp — lesson 02, stretch exercise "timeout": your code goes here.
//
// Read timeout.hpp first: it says what each function must do. Check with
//   ./twistlings check 02-reactor/timeout
#include "timeout.hpp"

#include <stdexcept>
#include <string>
#include <utility>

IdleTimeout::IdleTimeout(twist::IReactorTime& time, TimeoutFn onTimeout)
    : time_(time), onTimeout_(std::move(onTimeout)) {}

// Given. active() first: a call that has run (or is running now) is no longer
// active, and cancelling it would throw twist::AlreadyCalled.
IdleTimeout::~IdleTimeout() {
  if (pending_.active()) pending_.cancel();
}

void IdleTimeout::start(double seconds) {
  if (!(seconds > 0)) throw std::invalid_argument("IdleTimeout::start: seconds must be > 0, got " + std::to_string(seconds));
  if (running_) throw std::logic_error("IdleTimeout::start: already running");
  seconds_ = seconds;  // the period, for resetTimeout()
  // TODO: start running, and schedule timedOut() `seconds` from now with
  //       time_.callLater, keeping the DelayedCall in pending_.
  (void)time_;  // TODO: remove this line once you call time_.callLater
}

void IdleTimeout::timedOut() {
  // TODO: the timeout is over: stop running, then call onTimeout_ (which may
  //       call start() again, or stop(), or resetTimeout()).
}

bool IdleTimeout::resetTimeout() {
  // TODO: when running, move the deadline to seconds_ from now and return
  //       true; otherwise return false.
  return false;  // TODO: a placeholder
}

bool IdleTimeout::stop() {
  // TODO: when running, stop running, cancel the pending call, and return
  //       true; otherwise return false.
  return false;  // TODO: a placeholder
}

bool IdleTimeout::running() const { return running_; }
