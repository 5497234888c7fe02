// heartbeat.cpp — lesson 02, exercise "heartbeat": your code goes here.
//
// Read heartbeat.hpp first: it says what each function must do. Check with
//   ./twistlings check 02-reactor/heartbeat
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
  // TODO: count this run's beats from 0 again, and start loop_ with the
  //       interval: return the Deferred that loop_.start gives you.
  return twist::Deferred<void>();  // TODO: this one never fires
}

void Heartbeat::beat() {
  // TODO: count this beat and call onBeat_ with its number; after the last
  //       beat, stop loop_.
}

bool Heartbeat::running() const {
  // TODO: ask loop_.
  return false;  // TODO: a placeholder
}

int Heartbeat::count() const { return count_; }
