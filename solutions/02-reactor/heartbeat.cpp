// heartbeat.cpp — lesson 02, exercise "heartbeat" (reference solution).
#include "heartbeat.hpp"

#include <stdexcept>
#include <utility>

// Given: the LoopingCall calls beat() each time it fires.
Heartbeat::Heartbeat(twist::IReactorTime& time, BeatFn onBeat)
    : onBeat_(std::move(onBeat)), loop_(time, [this] { beat(); }) {}

twist::Deferred<void> Heartbeat::start(double interval, int beats) {
  if (!(interval > 0)) throw std::invalid_argument("Heartbeat::start: interval must be > 0");
  if (beats < 1) throw std::invalid_argument("Heartbeat::start: beats must be >= 1");
  if (loop_.running()) throw std::logic_error("Heartbeat::start: already running");
  beats_ = beats;  // how many beats this run wants
  count_ = 0;
  return loop_.start(interval);  // now = true: the first beat runs inside start()
}

void Heartbeat::beat() {
  ++count_;
  onBeat_(count_);  // if it throws, LoopingCall stops and fails the start Deferred
  if (count_ == beats_) loop_.stop();  // stopping from inside its own call is allowed
}

bool Heartbeat::running() const { return loop_.running(); }

int Heartbeat::count() const { return count_; }
