#!/usr/bin/env bash
# echo_compare.sh — twist's echo_server against the raw libuv floor (raw_echo)
# and Twisted's echo (twisted_echo.py), in one run, interleaved: every row runs
# each server in turn, round after round, and reports the median of the rounds.
#
#   framework/bench/echo_compare.sh [--rounds N] [--seconds S] [--build DIR] [--quick]
#                                   [--cpu N | --no-pin] [--no-build]
#
# Rows: ping-pong with echo_load at (1 connection, 64 B), (50, 64 B) and
# (50, 16 KiB): round trips/s, MB/s (echoed bytes, one way) and p99 latency
# of a round trip; then memory per idle connection: VmRSS of a fresh server
# (after a short warm-up) before and after 1,000 idle connections, / 1,000.
# Each row ends with the ratios twist/raw and twist/Twisted. The table goes to
# stdout, one JSON line per measurement and per row to stderr.
# Defaults: 3 rounds, 3 s a measurement (about 2 minutes). --quick: 1 round,
# 0.5 s, 100 idle connections, a smoke run of about 15 s.
# Every server and echo_load run on one CPU (taskset; default the last one,
# --cpu N another, --no-pin lets the scheduler place them): on a small VM a
# wakeup across CPUs is slow and placement changes from run to run, so
# unpinned rows come out bimodal (raw at 50 x 16 KiB: 72k or 132k round
# trips/s; at 1 x 64 B: 12k or 57k). On one CPU, client and server share it,
# so a row measures client + server + kernel per round trip.
# Everything is on 127.0.0.1 with ports the servers pick; every server started
# here is stopped by its pid, on exit too. Needs Debian's python3-twisted
# (installed through `./twistlings deps --twisted` when missing); builds
# echo_server, raw_echo and echo_load in DIR (default: build/) when missing or
# stale. --no-build (for ctest): use DIR's binaries as they are, install
# nothing, and exit 77 (skipped) when python3-twisted is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
seconds=3
idle=1000
build="$root/build"
no_build=0
cpu=$(($(nproc) - 1))
pin=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --build) build=$(cd "${2:?--build needs a directory}" && pwd); shift 2 ;;
    --quick) rounds=1; seconds=0.5; idle=100; shift ;;
    --no-build) no_build=1; shift ;;
    --cpu) cpu=${2:?--cpu needs a CPU number}; shift 2 ;;
    --no-pin) pin=0; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "echo_compare.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
if ! "$python" -c 'import twisted' 2>/dev/null; then
  if [ $no_build = 1 ]; then
    echo "echo_compare.sh: skipped: python3-twisted is missing (./twistlings deps --twisted installs it)" >&2
    exit 77
  fi
  "$root/twistlings" deps --twisted >&2 || {
    echo "echo_compare.sh: could not install python3-twisted; run '$root/twistlings deps --twisted' and try again" >&2
    exit 2
  }
fi

bin="$build/bin"
targets=(echo_server raw_echo echo_load)
stale=()
for target in "${targets[@]}"; do
  if [ ! -x "$bin/$target" ]; then
    if [ $no_build = 1 ]; then
      echo "echo_compare.sh: $bin/$target is missing (--no-build)" >&2
      exit 1
    fi
    stale+=("$target")
  elif [ $no_build = 0 ] && [ -n "$(find "$root/framework" -newer "$bin/$target" -name '*.?pp' -print -quit)" ]; then
    stale+=("$target")
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "+ cmake --build $build --target ${stale[*]}" >&2
  [ -f "$build/CMakeCache.txt" ] || cmake --preset default -S "$root" >&2
  cmake --build "$build" --target "${stale[@]}" >&2
fi

# 1,000 idle connections plus the server's own descriptors pass the usual 1024.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi

on_cpu=()
if [ $pin = 1 ]; then
  if command -v taskset >/dev/null; then
    on_cpu=(taskset -c "$cpu")
  else
    echo "echo_compare.sh: taskset not found (util-linux); running unpinned" >&2
  fi
fi

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME: starts it on port 0; sets server_pid and server_port.
start_server() {
  local name=$1 out="$work/$1.out"
  : >"$out"
  case "$name" in
    twist) "${on_cpu[@]}" "$bin/echo_server" tcp:0:interface=127.0.0.1 --print-port >"$out" 2>>"$work/$name.err" & ;;
    raw) "${on_cpu[@]}" "$bin/raw_echo" 0 >"$out" 2>>"$work/$name.err" & ;;
    Twisted) "${on_cpu[@]}" "$python" "$here/twisted_echo.py" 0 >"$out" 2>>"$work/$name.err" & ;;
  esac
  server_pid=$!
  pids+=("$server_pid")
  local tries=0
  until server_port=$(head -n 1 "$out" 2>/dev/null) && [[ "$server_port" =~ ^[0-9]+$ ]]; do
    tries=$((tries + 1))
    if [ $tries -gt 200 ] || ! kill -0 "$server_pid" 2>/dev/null; then
      echo "echo_compare.sh: the $name server did not print its port; its stderr:" >&2
      cat "$work/$name.err" >&2
      exit 1
    fi
    sleep 0.05
  done
}

# stop_server PID: SIGTERM, then wait for it (bounded: SIGKILL after 5 s).
stop_server() {
  local pid=$1 tries=0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $tries -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${pids[@]}"; do
    [ "$p" = "$pid" ] || kept+=("$p")
  done
  pids=("${kept[@]+"${kept[@]}"}")
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

servers=(twist raw Twisted)
results="$work/results.jsonl"
: >"$results"
echo "pinned to: ${on_cpu[*]:-nothing}" >&2
echo "twist: $bin/echo_server; raw: $bin/raw_echo; Twisted $("$python" -c 'import twisted; print(twisted.__version__)') on $("$python" --version 2>&1)" >&2

# Ping-pong: one server of each kind for the whole run (ports picked by them).
declare -A port pid
for name in "${servers[@]}"; do
  start_server "$name"
  port[$name]=$server_port
  pid[$name]=$server_pid
done

rows=("1 64" "50 64" "50 16384")
for row in "${rows[@]}"; do
  read -r connections size <<<"$row"
  for round in $(seq 1 "$rounds"); do
    # Rotate the order each round, so no server always runs first.
    for k in 0 1 2; do
      name=${servers[$(((k + round - 1) % 3))]}
      echo "row ${connections}x${size} B, round $round/$rounds: $name" >&2
      line=$("${on_cpu[@]}" "$bin/echo_load" --port "${port[$name]}" --connections "$connections" --size "$size" \
               --seconds "$seconds") || { echo "echo_compare.sh: echo_load against $name failed" >&2; exit 1; }
      line="{\"server\": \"$name\", \"round\": $round, ${line#\{}"
      echo "$line" >>"$results"
      echo "$line" >&2
    done
  done
done
for name in "${servers[@]}"; do stop_server "${pid[$name]}"; done

# Idle memory: a fresh server each time; warm it up (its first connection
# allocates its read buffer and the like), read VmRSS, hold the idle
# connections, read VmRSS again.
for round in $(seq 1 "$rounds"); do
  for k in 0 1 2; do
    name=${servers[$(((k + round - 1) % 3))]}
    echo "idle $idle, round $round/$rounds: $name" >&2
    start_server "$name"
    "${on_cpu[@]}" "$bin/echo_load" --port "$server_port" --connections 1 --size 64 --seconds 0.2 >/dev/null
    sleep 0.2
    before=$(rss_kb "$server_pid")
    ready="$work/idle.out"
    : >"$ready"
    "${on_cpu[@]}" "$bin/echo_load" --port "$server_port" --idle "$idle" --seconds 60 >"$ready" &
    load_pid=$!
    pids+=("$load_pid")
    tries=0
    until grep -q '"ready": true' "$ready"; do
      tries=$((tries + 1))
      if [ $tries -gt 600 ] || ! kill -0 "$load_pid" 2>/dev/null; then
        echo "echo_compare.sh: echo_load --idle $idle against $name did not get ready" >&2
        exit 1
      fi
      sleep 0.05
    done
    sleep 0.2
    after=$(rss_kb "$server_pid")
    stop_server "$load_pid"
    stop_server "$server_pid"
    line="{\"server\": \"$name\", \"round\": $round, \"mode\": \"idle\", \"connections\": $idle, \"rss_before_kb\": $before, \"rss_after_kb\": $after, \"bytes_per_connection\": $(((after - before) * 1024 / idle))}"
    echo "$line" >>"$results"
    echo "$line" >&2
  done
done

pinned="client and servers on CPU $cpu"
[ ${#on_cpu[@]} -gt 0 ] || pinned="unpinned"
"$python" - "$results" "$idle" "$seconds" "$rounds" "$pinned" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
idle, seconds, rounds, pinned = sys.argv[2:6]
servers = ["twist", "raw", "Twisted"]

def median(selected, key):
    values = [r[key] for r in selected]
    return statistics.median(values) if values else None

def ratio(a, b):
    return a / b if a is not None and b else None

def show(x):
    return "  n/a" if x is None else f"{x:5.2f}x"

print(f"echo ping-pong on 127.0.0.1, median of {rounds} round(s) of {seconds} s, interleaved, {pinned}")
print(f"{'row':<18} {'server':<8} {'round trips/s':>14} {'MB/s':>9} {'p99 us':>9}")
for connections, size in [(1, 64), (50, 64), (50, 16384)]:
    label = f"{connections} x {size // 1024} KiB" if size >= 1024 else f"{connections} x {size} B"
    med = {}
    for name in servers:
        sel = [r for r in rows if r.get("mode") == "pingpong" and r["server"] == name
               and r["connections"] == connections and r["size"] == size]
        med[name] = {k: median(sel, k) for k in ("round_trips_per_s", "mb_per_s", "p99_us")}
        m = med[name]
        if m["round_trips_per_s"] is None:
            print(f"{label:<18} {name:<8} {'missing':>14}")
        else:
            print(f"{label:<18} {name:<8} {m['round_trips_per_s']:>14,.0f} {m['mb_per_s']:>9,.1f} {m['p99_us']:>9,.0f}")
        label = ""
    vs_raw = ratio(med["twist"]["round_trips_per_s"], med["raw"]["round_trips_per_s"])
    vs_twisted = ratio(med["twist"]["round_trips_per_s"], med["Twisted"]["round_trips_per_s"])
    print(f"{'':<18} twist/raw {show(vs_raw)}   twist/Twisted {show(vs_twisted)}   (round trips/s)")
    print(json.dumps({"row": f"{connections}x{size}", **{f"{n}_{k}": v for n in servers for k, v in med[n].items()},
                      "twist_vs_raw": vs_raw and round(vs_raw, 3), "twist_vs_twisted": vs_twisted and round(vs_twisted, 3)}),
          file=sys.stderr)
per_conn = {name: median([r for r in rows if r.get("mode") == "idle" and r["server"] == name], "bytes_per_connection")
            for name in servers}
print(f"{'idle ' + idle + ' conns':<18} " + "   ".join(
    f"{name} {'n/a' if per_conn[name] is None else format(per_conn[name], ',.0f')} B/conn" for name in servers))
vs_raw, vs_twisted = ratio(per_conn["twist"], per_conn["raw"]), ratio(per_conn["twist"], per_conn["Twisted"])
print(f"{'':<18} twist/raw {show(vs_raw)}   twist/Twisted {show(vs_twisted)}   (bytes per idle connection)")
print(json.dumps({"row": f"idle{idle}", **{f"{n}_bytes_per_connection": per_conn[n] for n in servers},
                  "twist_vs_raw": vs_raw and round(vs_raw, 3), "twist_vs_twisted": vs_twisted and round(vs_twisted, 3)}),
      file=sys.stderr)
PY
