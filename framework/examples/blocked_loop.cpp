// blocked_loop — lesson 02's live demo: what one blocking callback does to
// every other timer, and what a second run() does.
//
// A LoopingCall ticks every 0.25 s. At 0.6 s one callback sleeps for a whole
// second, the mistake the lesson warns against. Predict before you run it:
// which ticks print while it sleeps, and are the missed ones caught up later?
// (No: LoopingCall keeps to its grid and skips the ticks it missed, as
// Twisted's does.) Then the program calls run() a second time.
//
//   build/bin/blocked_loop
#include <chrono>
#include <cstdio>
#include <thread>

#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist/task.hpp"

int main() {
  twist::Reactor reactor;
  const double start = reactor.seconds();
  auto say = [&](const char* what) {
    std::printf("[%.2fs] %s\n", reactor.seconds() - start, what);
    std::fflush(stdout);  // line by line, even into a pipe: the timing is the point
  };

  twist::LoopingCall ticker(reactor, [&] { say("tick"); });
  ticker.start(0.25);  // ticks at 0.00, 0.25, 0.50, ... (the first one inside start)

  reactor.callLater(0.6, [&] {
    say("a callback sleeps for 1 s: nothing else can run");
    std::this_thread::sleep_for(std::chrono::seconds(1));  // never do this in a reactor
    say("the callback returns");
  });

  reactor.callLater(2.1, [&] {
    ticker.stop();
    say("stop()");
    reactor.stop();
  });

  reactor.run();
  say("run() returned");

  try {
    reactor.run();  // a reactor runs once
  } catch (const twist::ReactorNotRestartable& e) {
    std::printf("second run(): ReactorNotRestartable: %s\n", e.what());
  }
  return 0;
}
