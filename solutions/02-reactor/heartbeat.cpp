// heartbeat.cpp — lesson 02, exercise "heartbeat" (reference solution).
#include "heartbeat.hpp"

#include <stdexcept>
#include <utility>

Heartbeat::Heartbeat(twist::IReactorTime& time, BeatFn onBeat)
    : onBeat_(std::move(onBeat)), loop_(time, [this] { beat(); }) {}

twist::Deferred<void> Heartbeat::start(double interval, int beats) {
  if (!(interval > 0)) throw std::invalid_argument("Heartbeat::start: interval must be > 0");
  if (beats < 1) throw std::invalid_argument("Heartbeat::start: beats must be >= 1");
  if (loop_.running()) throw std::logic_error("Heartbeat::start: already running; stop() it first");
  count_ = 0;
  beats_ = beats;
  return loop_.start(interval);  // now = true: the first beat runs inside start()
}

void Heartbeat::beat() {
  ++count_;
  onBeat_(count_);  // if it throws, LoopingCall stops and fails the start Deferred
  if (count_ >= beats_ && loop_.running()) loop_.stop();  // onBeat may have stopped it already
}

bool Heartbeat::stop() {
  if (!loop_.running()) return false;
  loop_.stop();
  return true;
}

bool Heartbeat::running() const { return loop_.running(); }

int Heartbeat::count() const { return count_; }
