// error.hpp — the errors of the reactor and of time (Twisted: twisted.internet.error).
// The errors of Deferreds (CancelledError, TimeoutError, AlreadyCalledError,
// FirstError) live in deferred.hpp, beside what raises them.
#pragma once

#include <stdexcept>
#include <string>

namespace twist {

// Reactor start and stop (all three are RuntimeErrors in Twisted too).
struct ReactorNotRunning : std::runtime_error {
  ReactorNotRunning() : std::runtime_error("Can't stop reactor that isn't running.") {}
};
struct ReactorAlreadyRunning : std::runtime_error {
  ReactorAlreadyRunning() : std::runtime_error("reactor.run() called while the reactor is already running") {}
};
struct ReactorNotRestartable : std::runtime_error {
  ReactorNotRestartable()
      : std::runtime_error("reactor.run() called after the reactor stopped: a reactor runs once; make a new one") {}
};

// DelayedCall misuse (ValueErrors in Twisted).
struct AlreadyCalled : std::invalid_argument {
  AlreadyCalled() : std::invalid_argument("Tried to cancel or change a delayed call that has already been called") {}
};
struct AlreadyCancelled : std::invalid_argument {
  AlreadyCancelled() : std::invalid_argument("Tried to cancel or change a delayed call that has already been cancelled") {}
};

}  // namespace twist
