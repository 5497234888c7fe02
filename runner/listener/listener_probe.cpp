// listener_probe.cpp — a program linked with the listener, as an exercise is,
// for check_listener_probe.sh to run: each test prints on stdout and stderr,
// and one check fails on purpose comparing pairs; two make a real Reactor,
// one leaving a delayed call and a listening port behind, one cleaning up.
// Not a test of twist.
#include <cstdio>
#include <utility>

#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist_catch.hpp"

TEST_CASE("the first prints on both streams and fails comparing pairs") {
  std::printf("stdout of the first\n");
  std::fprintf(stderr, "stderr of the first\n");
  CHECK(std::pair{1, 2} == std::pair{1, 3});
}

TEST_CASE("the second prints on stderr only") { std::fprintf(stderr, "stderr of the second\n"); }

TEST_CASE("the third leaves a delayed call and a listening port in its reactor") {
  twist::Reactor reactor;
  twist::Factory factory;
  factory.protocol = [] { return std::make_unique<twist::Protocol>(); };
  reactor.callLater(60, [] {});
  auto port = reactor.listenTCP(0, factory, 50, "127.0.0.1");
  CHECK(port != nullptr);
}

TEST_CASE("the fourth cancels its call and stops listening") {
  twist::Reactor reactor;
  twist::Factory factory;
  factory.protocol = [] { return std::make_unique<twist::Protocol>(); };
  twist::DelayedCall call = reactor.callLater(60, [] {});
  auto port = reactor.listenTCP(0, factory, 50, "127.0.0.1");
  call.cancel();
  port->stopListening();
}
