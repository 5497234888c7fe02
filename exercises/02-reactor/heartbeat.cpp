// heartbeat.cpp — lesson 02, exercise "heartbeat": your code goes here.
//
// Read heartbeat.hpp first: it says what each function must do. Check with
//   ./twistlings check 02-reactor/heartbeat
// or by hand:
//   cmake --build build --target exercise_02-reactor_heartbeat && build/bin/exercise_02-reactor_heartbeat
#include "heartbeat.hpp"

#include <stdexcept>
#include <utility>

// Given: the LoopingCall calls beat() each time it fires.
Heartbeat::Heartbeat(twist::IReactorTime& time, BeatFn onBeat)
    : onBeat_(std::move(onBeat)), loop_(time, [this] { beat(); }) {}

twist::Deferred<void> Heartbeat::start(double interval, int beats) {
  // TODO: reject interval <= 0 and beats < 1 (std::invalid_argument), and a
  //       start while loop_ is running (std::logic_error).
  beats_ = beats;  // how many beats this run wants
  // TODO: reset the count, and start loop_ with the interval: return the
  //       Deferred that loop_.start gives you.
  (void)interval;  // TODO: remove this line once you use `interval`
  return twist::Deferred<void>();  // TODO: this one never fires
}

void Heartbeat::beat() {
  // TODO: count this beat, call onBeat_ with its number, and after the last
  //       beat stop loop_ (unless onBeat_ stopped it already).
}

bool Heartbeat::stop() {
  // TODO: stop loop_ if it is running and return true; otherwise return false.
  return false;
}

bool Heartbeat::running() const {
  // TODO: ask loop_.
  return false;
}

int Heartbeat::count() const { return count_; }
