#!/usr/bin/env bash
# compare_twisted.sh — runs deferred_bench (twist) and twisted_bench.py (Twisted)
# on the same workloads, alternating, several rounds, in one run; prints the
# median of each and the ratio twist / Twisted.
#
#   framework/bench/compare_twisted.sh [--rounds N] [--quick]
#
# Needs Debian's python3-twisted; installs it through `./twistlings deps
# --twisted` when missing (the command is printed first). Uses /usr/bin/python3, the interpreter Debian's
# package installs into, whatever python3 comes first on PATH.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
quick=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

bench="$root/build/bin/deferred_bench"
if [ ! -x "$bench" ] || [ -n "$(find "$root/framework" -newer "$bench" -name '*.?pp' -print -quit)" ]; then
  echo "+ cmake --build $root/build --target deferred_bench" >&2
  [ -f "$root/build/CMakeCache.txt" ] || cmake --preset default -S "$root" >&2
  cmake --build "$root/build" --target deferred_bench >&2
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "twist: $bench, Twisted $("$python" -c 'import twisted; print(twisted.__version__)') on $("$python" --version 2>&1)" >&2
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: twist" >&2
  "$bench" "${quick[@]}" >>"$results"
  echo "round $round/$rounds: Twisted" >&2
  "$python" "$here/twisted_bench.py" "${quick[@]}" >>"$results"
done

"$python" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
metrics = {"chain10": "callbacks_per_s", "chain10_errback": "callbacks_per_s",
           "calllater0": "calls_per_s", "calllater0_chain": "calls_per_s"}
print(f"{'workload':<18} {'metric':<16} {'twist':>14} {'Twisted':>12} {'ratio':>8}")
for workload, metric in metrics.items():
    def median(impl):
        values = [r[metric] for r in rows if r["impl"] == impl and r["workload"] == workload]
        return statistics.median(values) if values else None
    ours, theirs = median("twist"), median("twisted")
    if ours is None or theirs is None:
        print(f"{workload:<18} {metric:<16} {'missing':>14}")
        continue
    print(f"{workload:<18} {metric:<16} {ours:>14,.0f} {theirs:>12,.0f} {ours / theirs:>7.1f}x")
    print(json.dumps({"workload": workload, "metric": metric, "twist": ours, "twisted": theirs,
                      "ratio": round(ours / theirs, 1)}), file=sys.stderr)
PY
