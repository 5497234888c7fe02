#!/usr/bin/env bash
# check_speed.sh — how fast the workshop's core loop is, on this machine:
#   1. the cold first build: `./twistlings` on a fresh copy of the repository
#      (configure and build everything; system packages already installed);
#   2. `twistlings verify` of every exercise, warm (nothing to rebuild);
#   3. after a one-line edit of an exercise, `twistlings check` until its
#      verdict: ROUNDS edits of each exercise, median and worst reported, for
#      the runner's binary and for the README's `./twistlings check`.
# Goal (issue 4): the edit-to-verdict median at most 1.5 s on a 2-core
# machine, aiming under 1 s. Numbers are printed, not asserted.
#
# usage: runner/bench/check_speed.sh [ROUNDS]     (default 5; --smoke: 1 round, one exercise)
# It works on a copy in a temporary directory, removed at the end: the
# repository's own exercises and build are not touched.
set -eu
rounds=${1:-5}
smoke=
if [ "$rounds" = --smoke ]; then smoke=1 rounds=1; fi
case $rounds in ''|*[!0-9]*|0) echo "usage: $0 [ROUNDS|--smoke]" >&2; exit 2 ;; esac

src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-speed.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"
(cd "$src" && tar cf - --exclude='./build*' --exclude=./.twistlings --exclude=./.git --exclude=./compile_commands.json .) \
  | (cd "$repo" && tar xf -)

now() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

export TWISTLINGS_ROOT=$repo NO_COLOR=1
cd "$repo"
echo "machine: $(nproc) cores, $(uname -sr); compiler: $(${CXX:-c++} --version | head -n1)"

if [ -n "$smoke" ]; then
  # Smoke: configure and build one exercise only (ctest runs this; it must stay short).
  start=$(now)
  cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$repo/build" --target twistlings exercise_02-reactor_countdown >/dev/null
  echo "cold build of the runner and one exercise: $(elapsed "$start" | tr -d '\n') s"
else
  start=$(now)
  ./twistlings </dev/null >"$work/first-run.log" 2>&1 || { cat "$work/first-run.log"; exit 1; }
  echo "cold first build (./twistlings on a fresh copy: configure, build the runner and the exercises, start): $(elapsed "$start" | tr -d '\n') s"
fi
runner=$repo/build/bin/twistlings
export TWISTLINGS_BUILD_DIR=$repo/build

if [ -z "$smoke" ]; then
  "$runner" verify >/dev/null 2>&1 || true   # the first verify builds what ./twistlings did not
  start=$(now)
  "$runner" verify >"$work/verify.log" 2>&1 || true
  echo "twistlings verify of every exercise, warm: $(elapsed "$start" | tr -d '\n') s ($(grep -c '' "$work/verify.log") lines; $(grep '^Score' "$work/verify.log"))"
fi

exercises=$("$runner" list --json | grep -o '"id": "[0-9][0-9]-[^"/]*/[^"]*"' | cut -d'"' -f4)
[ -n "$smoke" ] && exercises=02-reactor/countdown
all_direct=$work/all-direct.txt all_driver=$work/all-driver.txt
: >"$all_direct"
: >"$all_driver"
# Two ways in: the runner's binary, and the README's ./twistlings (the driver
# script first makes sure the runner and the exercises are built).
printf '\n%-26s %16s %16s   (edit -> verdict, %d rounds each, seconds)\n' exercise "twistlings" "./twistlings" "$rounds"
printf '%-26s %8s %7s %8s %7s\n' "" median worst median worst
for id in $exercises; do
  lesson=${id%%/*}
  file=$(ls "exercises/$lesson"/*.cpp | head -n1)
  for f in exercises/$lesson/*.cpp; do  # the exercise's own .cpp: named like it when there are several
    case $f in */${id#*/}.cpp) file=$f ;; esac
  done
  "$runner" check "$id" >/dev/null 2>&1 || true   # warm: built once
  direct=$work/direct.txt driver=$work/driver.txt
  : >"$direct"
  : >"$driver"
  for round in $(seq 1 "$rounds"); do
    echo "// edit $round" >>"$file"            # a one-line edit: the file must recompile
    start=$(now)
    "$runner" check "$id" >/dev/null 2>&1 || true
    elapsed "$start" >>"$direct"
    echo "// edit $round again" >>"$file"
    start=$(now)
    ./twistlings check "$id" >/dev/null 2>&1 || true
    elapsed "$start" >>"$driver"
  done
  cat "$direct" >>"$all_direct"
  cat "$driver" >>"$all_driver"
  printf '%-26s %8s %7s %8s %7s\n' "$id" "$(median <"$direct")" "$(sort -n "$direct" | tail -n1)" \
    "$(median <"$driver")" "$(sort -n "$driver" | tail -n1)"
done
printf '%-26s %8s %7s %8s %7s\n' "all" "$(median <"$all_direct")" "$(sort -n "$all_direct" | tail -n1)" \
  "$(median <"$all_driver")" "$(sort -n "$all_driver" | tail -n1)"
