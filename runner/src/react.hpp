// react.hpp — run one asynchronous main to its end (Twisted: task.react).
//
//   int main() {
//     return twistlings::react([](twist::Reactor& reactor) -> twist::Deferred<int> {
//       auto r = co_await getProcessOutputAndValue(reactor, {"true"});
//       co_return r.ok() ? 0 : 1;
//     });
//   }
//
// react makes a Reactor, calls main once it runs, stops it when main's
// Deferred fires, and returns the exit code: main's value, or 2 after logging
// a failure (an exception is the runner's own error, not the attendee's).
// When the reactor has stopped, children still running (watch's q in the
// middle of a check) are stopped as an interruption would stop them, a build
// gently (stopLiveChildren, subprocess.hpp). Signal handling is left to the
// caller (installChildKillingSignalHandlers).
#pragma once

#include <functional>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

int react(const std::function<twist::Deferred<int>(twist::Reactor&)>& main);

}  // namespace twistlings
