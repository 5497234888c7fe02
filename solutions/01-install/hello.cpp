// hello.cpp — lesson 01, exercise "hello": the reference solution.
// (The contract is at the top of exercises/01-install/hello.cpp.)
#include <cstdio>

#include "twist/reactor.hpp"

int main() {
  twist::Reactor reactor;
  reactor.callLater(0.2, [&reactor] {
    std::puts("Hello from the reactor!");
    reactor.stop();  // or run() never returns
  });
  reactor.run();  // returns once the reactor has stopped
  return 0;
}
