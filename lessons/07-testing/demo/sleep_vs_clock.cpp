// sleep_vs_clock — lesson 07's demo: one test, written twice.
//
//   build/bin/sleep_vs_clock           # the Pinger pings every 5 s
//   build/bin/sleep_vs_clock --quick   # every 0.2 s (ctest's smoke run)
//
// The test: "a connected Pinger pings once its interval has passed". The
// Pinger writes PING to its transport every interval, from a LoopingCall on
// the IReactorTime it is given.
//   1. On the real Reactor, the way a test that waits is written: it runs
//      the loop for the interval and a margin, then checks. It takes the
//      interval in real time, passes only if the machine kept up, and then
//      trial's clean-reactor check (twist::cleanReactor) finds the Pinger's
//      next ping still scheduled: the test forgot to end the connection.
//   2. On a twist::Clock: advance() moves time, nothing waits. The same check,
//      a check just before the interval that the real run cannot make
//      exactly, and after connectionLost nothing is left on the Clock.
// Each run prints its verdict and its wall-clock time. Exits 0 when both
// runs behaved as described (the first one's dirty reactor included).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"

namespace {

// Sends PING every `interval` seconds while connected.
struct Pinger : twist::Protocol {
  Pinger(twist::IReactorTime& clock, double interval)
      : interval(interval), loop(clock, [this] { transport->write("PING\r\n"); }) {}
  void connectionMade() override { loop.start(interval, /*now=*/false); }
  void connectionLost(twist::Failure) override { loop.stop(); }

  double interval;
  twist::LoopingCall loop;
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const char* yesNo(bool b) { return b ? "yes" : "no"; }

// Run 1: the real loop and real time, as a test that sleeps would.
bool onTheRealReactor(double interval) {
  std::printf("1. On the real Reactor: run the loop for %.1f s, then check\n", interval + 0.1);
  auto start = std::chrono::steady_clock::now();
  twist::Reactor reactor;
  twist::StringTransport transport;
  Pinger pinger(reactor, interval);
  pinger.makeConnection(transport);
  reactor.callLater(interval + 0.1, [&] { reactor.stop(); });  // the margin: is 0.1 s enough?
  reactor.run(/*installSignalHandlers=*/false);
  bool pinged = transport.value() == "PING\r\n";
  double took = secondsSince(start);
  std::printf("   PING arrived: %s   took %.3f s\n", yesNo(pinged), took);
  // The test ends here, as most do: the connection was never closed.
  std::vector<std::string> leftovers = twist::cleanReactor(reactor);
  std::printf("   the clean-reactor check: %s\n", leftovers.empty() ? "clean" : "Reactor was unclean.");
  for (const std::string& line : leftovers) std::printf("     %s\n", line.c_str());
  return pinged && !leftovers.empty();
}

// Run 2: the same test on a Clock.
bool onAClock(double interval) {
  std::printf("2. On a twist::Clock: advance it, nothing waits\n");
  auto start = std::chrono::steady_clock::now();
  twist::Clock clock;
  twist::StringTransport transport;
  Pinger pinger(clock, interval);
  pinger.makeConnection(transport);
  clock.advance(interval - 0.001);
  bool notYet = transport.value().empty();  // exactly before the interval: a real loop cannot check this
  clock.advance(0.001);
  bool pinged = transport.value() == "PING\r\n";
  pinger.connectionLost(twist::Failure(twist::ConnectionDone()));
  bool clean = clock.getDelayedCalls().empty();
  double took = secondsSince(start);
  std::printf("   nothing 0.001 s before: %s   PING arrived: %s   took %.6f s\n", yesNo(notYet), yesNo(pinged), took);
  std::printf("   after connectionLost, calls left on the Clock: %zu\n", clock.getDelayedCalls().size());
  return notYet && pinged && clean;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  double interval = quick ? 0.2 : 5.0;
  std::printf("The test: a connected Pinger pings once %.1f s have passed.\n\n", interval);
  bool real = onTheRealReactor(interval);
  std::printf("\n");
  bool fake = onAClock(interval);
  return real && fake ? 0 : 1;
}
