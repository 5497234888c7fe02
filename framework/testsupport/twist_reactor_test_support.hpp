// twist_reactor_test_support.hpp — helpers for twist's tests that run a real
// Reactor; apart from twist_test_support.hpp so that only they include reactor.hpp.
#pragma once

#include "twist/reactor.hpp"

namespace twist_test {

// Ends run() after `seconds` of real time, so a stuck test fails instead of
// hanging; the test then checks !fired.
struct Watchdog {
  bool fired = false;
  explicit Watchdog(twist::Reactor& reactor, double seconds = 5) {
    reactor.callLater(seconds, [this, &reactor] {
      fired = true;
      reactor.crash();  // not stop(): it must end run() even when a shutdown is stuck
    });
  }
  Watchdog(const Watchdog&) = delete;  // the timer holds this
  Watchdog& operator=(const Watchdog&) = delete;
};

}  // namespace twist_test
