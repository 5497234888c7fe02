// countdown — a LoopingCall on the real reactor: prints 3, 2, 1, liftoff,
// then stops the reactor. The same LoopingCall runs on a twist::Clock in a
// test (see tests/test_task.cpp); only the IReactorTime passed in changes.
#include <cstdio>

#include "twist/reactor.hpp"
#include "twist/task.hpp"

int main() {
  twist::Reactor reactor;
  int remaining = 3;
  int exitCode = 0;

  twist::LoopingCall countdown(reactor, [&] {
    if (remaining > 0) {
      std::printf("%d\n", remaining--);
    } else {
      std::puts("liftoff");
      countdown.stop();  // the Deferred from start() fires once this call returns
    }
    std::fflush(stdout);
  });

  // start() calls the function once right away (now = true), then every 0.5 s.
  countdown.start(0.5).addCallbacks([&] { reactor.stop(); },
                                    [&](twist::Failure failure) {
                                      std::fprintf(stderr, "countdown failed: %s\n", failure.describe().c_str());
                                      exitCode = 1;
                                      reactor.stop();
                                    });
  reactor.run();
  return exitCode;
}
