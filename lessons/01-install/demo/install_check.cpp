// install_check — lesson 01's demo: the smallest proof that twist is
// installed and works. It says what it was built with (the compiler, and the
// libuv that twist runs on), then asks its reactor for one call 0.2 s later,
// stops the reactor inside that call, and exits 0.
//
// Predict before you run it: will the call come after exactly 0.200 s, a
// little earlier, or a little later? (A timer never fires early: libuv counts
// whole milliseconds and rounds the delay up, and the loop must then get round
// to it.)
#include <uv.h>

#include <cstdio>

#include "twist/reactor.hpp"

int main() {
#if defined(__clang__)
  std::printf("compiler: clang %d.%d.%d, C++ %ld\n", __clang_major__, __clang_minor__, __clang_patchlevel__, __cplusplus);
#elif defined(__GNUC__)
  std::printf("compiler: g++ %d.%d.%d, C++ %ld\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, __cplusplus);
#endif
  // The library it runs with, and the headers it was compiled against: the same, unless an upgrade came between.
  std::printf("libuv:    %s (headers %d.%d.%d)\n", uv_version_string(), UV_VERSION_MAJOR, UV_VERSION_MINOR,
              UV_VERSION_PATCH);

  twist::Reactor reactor;
  const double start = reactor.seconds();
  std::printf("asking the reactor for a call in 0.200 s, then run()\n");
  std::fflush(stdout);
  reactor.callLater(0.2, [&] {
    std::printf("the call came after %.3f s; stopping the reactor\n", reactor.seconds() - start);
    reactor.stop();
  });
  reactor.run();
  std::printf("run() returned after %.3f s; main returns 0: the exit status your shell sees (echo $?)\n",
              reactor.seconds() - start);
  return 0;
}
