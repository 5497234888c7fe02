// cancel.cpp — lesson 00, exercise "cancel" (stretch): the reference solution.
#include "cancel.hpp"

#include <memory>
#include <utility>

bool Call::active() const { return !state_->called && !state_->cancelled; }

void Call::cancel() {
  if (state_->called) throw AlreadyDone("Call::cancel: the callback has been called already");
  if (state_->cancelled) throw AlreadyDone("Call::cancel: cancelled already");
  state_->cancelled = true;
}

Call callLaterCancellable(ToyLoop& loop, double delay, std::function<void()> fn) {
  auto state = std::make_shared<CallState>();
  // The callback holds the state too, so the Call may be dropped early.
  loop.callLater(delay, [state, fn = std::move(fn)] {
    if (state->cancelled) return;
    state->called = true;
    fn();
  });
  return Call(state);
}
