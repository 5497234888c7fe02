// react.cpp — see react.hpp.
#include "react.hpp"

#include <cstdio>

#include "course.hpp"
#include "subprocess.hpp"

namespace twistlings {

namespace {

int runUntilMainEnds(const std::function<twist::Deferred<int>(twist::Reactor&)>& main) {
  twist::Reactor reactor;
  int code = 2;
  reactor.callWhenRunning([&] {
    twist::Deferred<int> d;
    try {
      d = main(reactor);
    } catch (...) {
      d = twist::fail<int>(twist::Failure::current());
    }
    d.addCallbacks(
        [&](int value) {
          code = value;
          reactor.stop();
        },
        [&](twist::Failure failure) {
          // A bad id or a broken manifest is the user's to fix: say it plainly.
          if (failure.check<UsageError, CourseError>()) {
            std::fprintf(stderr, "twistlings: %s\n", failure.getErrorMessage().c_str());
          } else {
            std::fprintf(stderr, "twistlings: internal error: %s\n", failure.describe().c_str());
          }
          code = 2;
          reactor.stop();
        });
  });
  reactor.run(/*installSignalHandlers=*/false);
  stopLiveChildren();  // a check still running when main ended (watch's q): stopped, a build gently
  return code;
}

}  // namespace

int react(const std::function<twist::Deferred<int>(twist::Reactor&)>& main) {
  int code = runUntilMainEnds(main);
  releaseUnfinishedProcesses();  // the reactor is gone: nothing refers to them now
  return code;
}

}  // namespace twistlings
