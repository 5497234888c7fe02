// hello_reactor — the smallest twist program: a reactor that runs, does a few
// things at the times it was told to, stops itself and exits 0.
//
// Read it top to bottom, then predict the order of the lines it prints
// before you run it: nothing happens while we register, everything happens
// inside run().
#include <cstdio>

#include "twist/reactor.hpp"

int main() {
  twist::Reactor reactor;
  const double start = reactor.seconds();
  auto stamp = [&] { return reactor.seconds() - start; };

  reactor.callWhenRunning([&] { std::printf("[%.2fs] the reactor is running\n", stamp()); });

  // Timers: the order is decided by time, not by the order of these lines.
  reactor.callLater(0.2, [&] {
    std::printf("[%.2fs] goodbye: stopping the reactor\n", stamp());
    reactor.stop();  // only a flag: the shutdown starts at the end of this pass
  });
  reactor.callLater(0.1, [&] { std::printf("[%.2fs] hello, world, from a timer\n", stamp()); });

  // A "before shutdown" trigger: where a real program closes its listeners.
  reactor.addSystemEventTrigger("before", "shutdown", [&] { std::printf("[%.2fs] shutting down\n", stamp()); });

  std::printf("calling run()\n");
  reactor.run();  // blocks until stop() and the shutdown are done
  std::printf("run() returned: bye\n");
  return 0;
}
