// toy_loop.cpp — lesson 00, exercise "toy_loop": the reference solution.
#include "toy_loop.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

void ToyLoop::callLater(double delay, Callback fn) {
  if (!(delay >= 0)) throw std::invalid_argument("ToyLoop::callLater: the delay must be 0 or more");
  timers_.emplace(now_ + delay, std::move(fn));  // after the others due at the same time
}

void ToyLoop::advance(double seconds) {
  now_ += seconds;
  runDue();
}

void ToyLoop::runDue() {
  // Take the whole turn's batch out first: what the callbacks schedule while
  // it runs lands in timers_, for the next turn.
  const auto end = timers_.upper_bound(now_);  // the first one due later than now
  std::vector<Callback> due;
  for (auto it = timers_.begin(); it != end; ++it) due.push_back(std::move(it->second));
  timers_.erase(timers_.begin(), end);
  for (auto& fn : due) fn();
}

void ToyLoop::run() {
  stopped_ = false;
  while (!stopped_ && !timers_.empty()) {
    now_ = timers_.begin()->first;  // "wait" for the earliest
    runDue();
  }
}
