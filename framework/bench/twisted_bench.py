"""The workloads of deferred_bench.cpp, with Twisted, printing the same JSON lines.

Run by compare_twisted.sh with Debian's python3 (python3-twisted).
Usage: python3 twisted_bench.py [--quick]
"""
import json
import sys
import time

from twisted.internet import defer, reactor


def report(workload, count, start, unit, per_item=None, per_unit=None):
    """start is (perf_counter(), process_time()) when the workload began."""
    seconds = time.perf_counter() - start[0]
    cpu_seconds = time.process_time() - start[1]
    line = {"impl": "twisted", "workload": workload, "count": count, unit: round(count / seconds)}
    if per_unit:
        line[per_unit] = round(count * per_item / seconds)
    line["seconds"] = round(seconds, 6)
    line["cpu_seconds"] = round(cpu_seconds, 6)
    print(json.dumps(line), flush=True)


def stopwatch():
    return (time.perf_counter(), time.process_time())


def add_one(x):
    return x + 1


def boom(_):
    raise RuntimeError("boom")


def recover(_failure):
    return 0


def chain10(chains):
    start = stopwatch()
    for i in range(chains):
        d = defer.Deferred()
        for _ in range(10):
            d.addCallback(add_one)
        d.callback(i)
    report("chain10", chains, start, "chains_per_s", 10, "callbacks_per_s")


def chain10_errback(chains):
    start = stopwatch()
    for i in range(chains):
        d = defer.Deferred()
        for k in range(10):
            if k == 4:
                d.addCallback(boom)
            elif k == 5:
                d.addErrback(recover)
            else:
                d.addCallback(add_one)
        d.callback(i)
    report("chain10_errback", chains, start, "chains_per_s", 10, "callbacks_per_s")


def timeout_reset(timeouts, rounds):
    """A timeout per connection, pushed back on every packet (TimeoutMixin.resetTimeout)."""
    start = stopwatch()
    calls = [reactor.callLater(30, lambda: None) for _ in range(timeouts)]
    for _ in range(rounds):
        for call in calls:
            call.reset(30)
    for call in calls:
        call.cancel()
    report("timeout_reset", timeouts * rounds, start, "resets_per_s")


def main():
    quick = "--quick" in sys.argv[1:]
    scale = 20 if quick else 1
    chain10(200_000 // scale)
    chain10_errback(100_000 // scale)

    calls = 200_000 // scale
    state = {"remaining": calls, "start": None}

    def batch_call():
        state["remaining"] -= 1
        if state["remaining"] == 0:
            report("calllater0", calls, state["start"], "calls_per_s")
            start_chain()

    chain_calls = 100_000 // scale

    def chain_call():
        state["remaining"] -= 1
        if state["remaining"] == 0:
            report("calllater0_chain", chain_calls, state["start"], "calls_per_s")
            reactor.stop()
        else:
            reactor.callLater(0, chain_call)

    def start_chain():
        state["remaining"] = chain_calls
        state["start"] = stopwatch()
        reactor.callLater(0, chain_call)

    def start_batch():
        state["start"] = stopwatch()
        for _ in range(calls):
            reactor.callLater(0, batch_call)

    def start():
        timeout_reset(10_000 // scale, 20)
        start_batch()

    reactor.callWhenRunning(start)
    reactor.run(installSignalHandlers=False)


if __name__ == "__main__":
    main()
