// deferred_bench — how fast twist's Deferreds and the reactor's callLater(0) are.
// Prints one JSON line a workload, like libuv's benchmarks print one line each.
// The same workloads in Python are in twisted_bench.py; compare_twisted.sh runs
// both in one go and prints the ratios.
//
//   build/bin/deferred_bench [--quick] [--only WORKLOAD]   (WORKLOAD: a name below, or libuv_floor)
//
// Workloads (identical in twisted_bench.py, same counts):
//   chain10          a Deferred with 10 callbacks x -> x + 1, then fired
//   chain10_errback  the same 10 steps, where the 5th callback throws and the
//                    6th step is an errback that recovers with 0
//   calllater0       N callLater(0, f) scheduled once the reactor runs, timed
//                    until the last one has been called (the timer path's
//                    throughput; all N are pending at once)
//   calllater0_chain each call schedules the next callLater(0): one loop pass each
//   timeout_reset    10,000 callLater(30) (a timeout per connection), each reset
//                    to 30 s 20 times over (a packet came: TimeoutMixin's
//                    resetTimeout), then all cancelled; rate in resets
// and one that only this file has, the floor under calllater0_chain:
//   calllater0_chain, impl "libuv": a raw libuv loop whose idle callback counts
//                    down, one pass each. It has an async handle as the
//                    Reactor has (callFromThread), so every pass polls the
//                    kernel (epoll_wait) as twist's and Twisted's passes do.
//
// Each line gives the wall-clock time ("seconds") and the process's CPU time
// ("cpu_seconds"). On a machine shared with other work the wall clock counts
// the time this process waited for a CPU; the CPU time does not.
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace {

// Wall-clock and CPU time together, from one start.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpuNow();
  static double cpuNow() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  double wallSeconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count(); }
  double cpuSeconds() const { return cpuNow() - cpu; }
};

void report(const char* impl, const char* workload, double count, const Stopwatch& watch, const char* unit,
            double perItem = 0, const char* perUnit = nullptr) {
  double seconds = watch.wallSeconds(), cpuSeconds = watch.cpuSeconds();
  std::printf("{\"impl\": \"%s\", \"workload\": \"%s\", \"count\": %.0f, \"%s\": %.0f", impl, workload, count, unit,
              count / seconds);
  if (perUnit) std::printf(", \"%s\": %.0f", perUnit, count * perItem / seconds);
  std::printf(", \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n", seconds, cpuSeconds);
  std::fflush(stdout);
}

long sink = 0;  // keeps the optimiser from dropping the work

void chain10(int chains) {
  Stopwatch watch;
  for (int i = 0; i < chains; ++i) {
    twist::Deferred<int> d;
    twist::Deferred<int> tail = d;
    for (int k = 0; k < 10; ++k) tail = tail.addCallback([](int x) { return x + 1; });
    d.callback(i);
    sink += twist::detail::takeResult<int>(*twist::chainOf(tail), "bench");
  }
  report("twist", "chain10", chains, watch, "chains_per_s", 10, "callbacks_per_s");
}

void chain10Errback(int chains) {
  Stopwatch watch;
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
  report("twist", "chain10_errback", chains, watch, "chains_per_s", 10, "callbacks_per_s");
}

// As twisted_bench.py: scheduled from callWhenRunning, reported from the last
// call. The calls capture one pointer, as a method bound to an object would.
void callLater0(int calls) {
  struct Batch {
    twist::Reactor reactor;
    int calls, remaining;
    Stopwatch watch;
  } batch{{}, calls, calls, {}};
  batch.reactor.callWhenRunning([&batch] {
    batch.watch = Stopwatch{};
    for (int i = 0; i < batch.calls; ++i) {
      batch.reactor.callLater(0, [b = &batch] {
        if (--b->remaining > 0) return;
        report("twist", "calllater0", b->calls, b->watch, "calls_per_s");
        b->reactor.stop();
      });
    }
  });
  batch.reactor.run(false);
}

void callLater0Chain(int calls) {
  twist::Reactor reactor;
  int remaining = calls;
  Stopwatch watch;
  std::function<void()> tick = [&] {
    if (--remaining > 0) {
      reactor.callLater(0, tick);
      return;
    }
    report("twist", "calllater0_chain", calls, watch, "calls_per_s");
    reactor.stop();
  };
  reactor.callWhenRunning([&] {
    watch = Stopwatch{};
    reactor.callLater(0, tick);
  });
  reactor.run(false);
}

void timeoutReset(int timeouts, int rounds) {
  twist::Reactor reactor;
  reactor.callWhenRunning([&] {
    Stopwatch watch;
    std::vector<twist::DelayedCall> calls;
    calls.reserve(static_cast<std::size_t>(timeouts));
    for (int i = 0; i < timeouts; ++i) calls.push_back(reactor.callLater(30, [] {}));
    for (int round = 0; round < rounds; ++round)
      for (auto& call : calls) call.reset(30);
    for (auto& call : calls) call.cancel();
    report("twist", "timeout_reset", static_cast<double>(timeouts) * rounds, watch, "resets_per_s");
    reactor.stop();
  });
  reactor.run(false);
}

// The floor: what one pass of a bare libuv loop costs, with the same kind of
// fd in the poll set as the Reactor's (its callFromThread wake-up).
void rawLoopPasses(int passes) {
  struct Floor {
    uv_loop_t loop;
    uv_idle_t idle;
    uv_async_t async;
    int passes, remaining;
    Stopwatch watch;
  } floor{};
  floor.passes = floor.remaining = passes;
  uv_loop_init(&floor.loop);
  uv_async_init(&floor.loop, &floor.async, [](uv_async_t*) {});
  uv_idle_init(&floor.loop, &floor.idle);
  floor.idle.data = &floor;
  floor.watch = Stopwatch{};
  uv_idle_start(&floor.idle, [](uv_idle_t* handle) {
    auto* f = static_cast<Floor*>(handle->data);
    if (--f->remaining > 0) return;
    report("libuv", "calllater0_chain", f->passes, f->watch, "calls_per_s");
    uv_close(reinterpret_cast<uv_handle_t*>(&f->idle), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&f->async), nullptr);
  });
  uv_run(&floor.loop, UV_RUN_DEFAULT);
  uv_loop_close(&floor.loop);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: deferred_bench [--quick] [--only WORKLOAD]\n"
                   "  prints one JSON line per workload: chain10, chain10_errback, calllater0,\n"
                   "  calllater0_chain, libuv_floor (the raw libuv loop, as calllater0_chain),\n"
                   "  timeout_reset\n");
      return 2;
    }
  }
  auto wanted = [&](const char* name) { return only.empty() || only == name; };
  int scale = quick ? 20 : 1;
  if (wanted("chain10")) chain10(2'000'000 / scale);
  if (wanted("chain10_errback")) chain10Errback(400'000 / scale);
  // The same counts as twisted_bench.py: Twisted's timer heap makes its cost
  // per call grow with the number pending, so unequal counts skew the ratio.
  if (wanted("calllater0")) callLater0(200'000 / scale);
  if (wanted("calllater0_chain")) callLater0Chain(100'000 / scale);
  if (wanted("libuv_floor")) rawLoopPasses(100'000 / scale);
  if (wanted("timeout_reset")) timeoutReset(10'000 / scale, 20);
  return sink == 42 ? 1 : 0;
}
