// toy_loop.cpp — lesson 00, exercise "toy_loop": your code goes here.
//
// Read toy_loop.hpp first: it says what each function must do. Check with
//   ./twistlings check 00-intro/toy_loop
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
  // TODO: take out of timers_ every callback due at now_ (they come first,
  //       in order), keeping them in a local list, then run that list.
}

void ToyLoop::run() {
  stopped_ = false;
  // TODO: while not stopped and timers_ is not empty: move now_ to the
  //       earliest due time, then take a turn.
}
