#!/usr/bin/env bash
# compare_twisted.sh — runs deferred_bench (twist) and twisted_bench.py (Twisted)
# on the same workloads, alternating, several rounds, in one run; prints the
# median of each and the ratio twist / Twisted, by wall clock and by CPU time,
# and for the one-pass-per-call workload the cost of a pass beside a raw
# libuv loop's (the floor: deferred_bench measures it in the same run).
#
#   framework/bench/compare_twisted.sh [--rounds N] [--quick] [--build DIR] [--no-build]
#
# DIR is the build directory whose deferred_bench runs (default: build/); it is
# rebuilt first when a framework source is newer, unless --no-build (to time a
# binary kept from an older commit, say). The load average is printed
# before and after, and how far apart the rounds are (fastest / slowest): on a
# machine shared with other work the wall-clock figures count time spent
# waiting for a CPU and spread widely, the CPU-time figures do not.
#
# Needs Debian's python3-twisted; installs it through `./twistlings deps
# --twisted` when missing (the command is printed first). Uses /usr/bin/python3, the interpreter Debian's
# package installs into, whatever python3 comes first on PATH.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
quick=()
build="$root/build"
no_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    --build) build=$(cd "${2:?--build needs a directory}" && pwd); shift 2 ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare_twisted.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
if ! "$python" -c 'import twisted' 2>/dev/null; then
  "$root/twistlings" deps --twisted >&2 || {
    echo "compare_twisted.sh: could not install python3-twisted; run '$root/twistlings deps --twisted' and try again" >&2
    exit 2
  }
fi

bench="$build/bin/deferred_bench"
if [ $no_build = 1 ]; then
  [ -x "$bench" ] || { echo "compare_twisted.sh: $bench is missing (--no-build)" >&2; exit 2; }
elif [ ! -x "$bench" ] || [ -n "$(find "$root/framework" -newer "$bench" -name '*.?pp' -print -quit)" ]; then
  echo "+ cmake --build $build --target deferred_bench" >&2
  if [ ! -f "$build/CMakeCache.txt" ]; then
    if [ "$build" = "$root/build" ]; then cmake --preset default -S "$root" >&2; else cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2; fi
  fi
  cmake --build "$build" --target deferred_bench >&2
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
load_before=$(load)
echo "twist: $bench, Twisted $("$python" -c 'import twisted; print(twisted.__version__)') on $("$python" --version 2>&1)" >&2
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: twist" >&2
  "$bench" "${quick[@]}" >>"$results"
  echo "round $round/$rounds: Twisted" >&2
  "$python" "$here/twisted_bench.py" "${quick[@]}" >>"$results"
done

load_after=$(load)
"$python" - "$results" "$load_before" "$load_after" "$(nproc)" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
load_before, load_after, cpus = sys.argv[2], sys.argv[3], sys.argv[4]
metrics = {"chain10": ("callbacks_per_s", 10), "chain10_errback": ("callbacks_per_s", 10),
           "calllater0": ("calls_per_s", 1), "calllater0_chain": ("calls_per_s", 1),
           "timeout_reset": ("resets_per_s", 1)}

def medians(impl, workload, per_item):
    mine = [r for r in rows if r["impl"] == impl and r["workload"] == workload]
    if not mine:
        return None, None
    wall = statistics.median(r["count"] * per_item / r["seconds"] for r in mine)
    cpu = statistics.median(r["count"] * per_item / r["cpu_seconds"] for r in mine if r["cpu_seconds"] > 0)
    return wall, cpu

print(f"load average (1, 5, 15 min) on {cpus} CPUs: {load_before} before, {load_after} after")
print(f"{'':<35} {'--- wall clock ---':^36}   {'--- CPU time ---':^36}")
print(f"{'workload':<18} {'metric':<16} {'twist':>12} {'Twisted':>12} {'ratio':>8}   {'twist':>12} {'Twisted':>12} {'ratio':>8}")
for workload, (metric, per_item) in metrics.items():
    ours, ours_cpu = medians("twist", workload, per_item)
    theirs, theirs_cpu = medians("twisted", workload, per_item)
    if ours is None or theirs is None:
        print(f"{workload:<18} {metric:<16} {'missing':>12}")
        continue
    print(f"{workload:<18} {metric:<16} {ours:>12,.0f} {theirs:>12,.0f} {ours / theirs:>7.1f}x"
          f"   {ours_cpu:>12,.0f} {theirs_cpu:>12,.0f} {ours_cpu / theirs_cpu:>7.1f}x")
    print(json.dumps({"workload": workload, "metric": metric, "twist": round(ours), "twisted": round(theirs),
                      "ratio": round(ours / theirs, 1), "twist_cpu": round(ours_cpu), "twisted_cpu": round(theirs_cpu),
                      "ratio_cpu": round(ours_cpu / theirs_cpu, 1)}), file=sys.stderr)

# How much the rounds disagree: on a busy machine the wall clock spreads far
# more than the CPU time (the time spent waiting for a CPU comes and goes).
def spread(impl, workload, key):
    values = [r["count"] / r[key] for r in rows if r["impl"] == impl and r["workload"] == workload and r[key] > 0]
    return max(values) / min(values) if len(values) > 1 else None
spreads = []
for workload in metrics:
    for impl in ("twist", "twisted"):
        wall, cpu = spread(impl, workload, "seconds"), spread(impl, workload, "cpu_seconds")
        if wall and cpu:
            spreads.append(f"  {workload + ' ' + impl:<28} {wall:>6.2f} {cpu:>6.2f}")
if spreads:
    print(f"fastest round / slowest round: {'wall':>5} {'CPU':>6}")
    print("\n".join(spreads))

# One loop pass per call: what a pass costs, beside a bare libuv loop's.
floor, floor_cpu = medians("libuv", "calllater0_chain", 1)
ours, ours_cpu = medians("twist", "calllater0_chain", 1)
theirs, theirs_cpu = medians("twisted", "calllater0_chain", 1)
if floor and ours and theirs:
    us = lambda rate: 1e6 / rate
    print(f"calllater0_chain, one loop pass a call, in microseconds a pass:")
    for label, a, b, c in (("wall clock", ours, floor, theirs), ("CPU time", ours_cpu, floor_cpu, theirs_cpu)):
        print(f"  {label:<10}  twist {us(a):.3f}   raw libuv {us(b):.3f}   twist above the floor {us(a) - us(b):+.3f}"
              f"   Twisted {us(c):.3f}")
PY
