// timeout.cpp — lesson 02, stretch exercise "timeout" (reference solution).
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
  running_ = true;
  pending_ = time_.callLater(seconds, [this] { timedOut(); });
}

void IdleTimeout::timedOut() {
  // Before onTimeout, and nothing after it: onTimeout may start() a new timeout,
  // which a later `running_ = false` would undo.
  running_ = false;
  onTimeout_();
}

bool IdleTimeout::resetTimeout() {
  if (!running_) return false;  // inside onTimeout too: the call has run, reset() would throw
  pending_.reset(seconds_);     // from now, unlike delay(), which adds to the old deadline
  return true;
}

bool IdleTimeout::stop() {
  if (!running_) return false;
  running_ = false;
  pending_.cancel();  // running_ was true, so pending_ has not run: it is active
  return true;
}

bool IdleTimeout::running() const { return running_; }
