// cancel.cpp — lesson 00, exercise "cancel" (stretch): your code goes here.
//
// Read cancel.hpp first: it says what each function must do. Check with
//   ./twistlings check 00-intro/cancel
#include "cancel.hpp"

#include <memory>
#include <utility>

bool Call::active() const {
  // TODO: pending means neither called nor cancelled.
  return true;
}

void Call::cancel() {
  // TODO: throw AlreadyDone if the callback was called or cancelled already,
  //       otherwise mark it cancelled.
}

Call callLaterCancellable(ToyLoop& loop, double delay, std::function<void()> fn) {
  auto state = std::make_shared<CallState>();
  // TODO: schedule a callback that checks state->cancelled first: if set,
  //       it does nothing; otherwise it sets state->called and calls fn.
  loop.callLater(delay, std::move(fn));
  return Call(state);
}
