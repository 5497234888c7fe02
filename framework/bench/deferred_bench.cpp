// deferred_bench — how fast twist's Deferreds and the reactor's callLater(0) are.
// Prints one JSON line a workload, like libuv's benchmarks print one line each.
// The same workloads in Python are in twisted_bench.py; compare_twisted.sh runs
// both in one go and prints the ratios.
//
//   build/bin/deferred_bench [--quick]
//
// Workloads (identical in twisted_bench.py):
//   chain10          a Deferred with 10 callbacks x -> x + 1, then fired
//   chain10_errback  the same 10 steps, where the 5th callback throws and the
//                    6th step is an errback that recovers with 0
//   calllater0       N callLater(0, f) scheduled up front, the reactor run until
//                    the last one has been called (throughput of the timer path)
//   calllater0_chain each call schedules the next callLater(0): one loop pass each
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void report(const char* workload, double count, double seconds, const char* unit, double perItem = 0, const char* perUnit = nullptr) {
  std::printf("{\"impl\": \"twist\", \"workload\": \"%s\", \"%s\": %.0f", workload, unit, count / seconds);
  if (perUnit) std::printf(", \"%s\": %.0f", perUnit, count * perItem / seconds);
  std::printf(", \"seconds\": %.3f}\n", seconds);
  std::fflush(stdout);
}

long sink = 0;  // keeps the optimiser from dropping the work

void chain10(int chains) {
  auto start = Clock::now();
  for (int i = 0; i < chains; ++i) {
    twist::Deferred<int> d;
    twist::Deferred<int> tail = d;
    for (int k = 0; k < 10; ++k) tail = tail.addCallback([](int x) { return x + 1; });
    d.callback(i);
    sink += twist::detail::takeResult<int>(*twist::chainOf(tail), "bench");
  }
  report("chain10", chains, since(start), "chains_per_s", 10, "callbacks_per_s");
}

void chain10Errback(int chains) {
  auto start = Clock::now();
  for (int i = 0; i < chains; ++i) {
    twist::Deferred<int> d;
    twist::Deferred<int> tail = d;
    for (int k = 0; k < 10; ++k) {
      if (k == 4)
        tail = tail.addCallback([](int) -> int { throw std::runtime_error("boom"); });
      else if (k == 5)
        tail = tail.addErrback([](const twist::Failure&) { return 0; });
      else
        tail = tail.addCallback([](int x) { return x + 1; });
    }
    d.callback(i);
    sink += twist::detail::takeResult<int>(*twist::chainOf(tail), "bench");
  }
  report("chain10_errback", chains, since(start), "chains_per_s", 10, "callbacks_per_s");
}

void callLater0(int calls) {
  twist::Reactor reactor;
  int remaining = calls;
  auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    reactor.callLater(0, [&] {
      if (--remaining == 0) reactor.stop();
    });
  }
  reactor.run(false);
  report("calllater0", calls, since(start), "calls_per_s");
}

void callLater0Chain(int calls) {
  twist::Reactor reactor;
  int remaining = calls;
  std::function<void()> tick = [&] {
    if (--remaining == 0)
      reactor.stop();
    else
      reactor.callLater(0, tick);
  };
  auto start = Clock::now();
  reactor.callLater(0, tick);
  reactor.run(false);
  report("calllater0_chain", calls, since(start), "calls_per_s");
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: deferred_bench [--quick]\n  prints one JSON line per workload\n");
    return 2;
  }
  int scale = quick ? 20 : 1;
  chain10(2'000'000 / scale);
  chain10Errback(400'000 / scale);
  callLater0(2'000'000 / scale);
  callLater0Chain(1'000'000 / scale);
  return sink == 42 ? 1 : 0;
}
