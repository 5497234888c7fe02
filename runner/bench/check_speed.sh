#!/usr/bin/env bash
# check_speed.sh — how fast the workshop's core loop is, on this machine:
#   1. the cold first build: `./twistlings` on a fresh copy of the repository
#      (configure and build everything; system packages already installed);
#   2. `twistlings verify` of every exercise, warm (nothing to rebuild);
#   3. after a one-line edit, `twistlings check` until its verdict: ROUNDS
#      edits of each exercise's starter and of its solution (check
#      --solution), and of the starter through the README's `./twistlings
#      check`; a table of the median and worst per exercise, and for a
#      mutants exercise (lesson 07) the part of it its mutant runs took.
# Goal (issue 8): median at most 0.8 s and worst at most 1.2 s, starter and
# solution, on a 2-core machine. Numbers are printed, not asserted.
#
# usage: runner/bench/check_speed.sh [ROUNDS]     (default 5; --smoke: 1 round, one exercise)
#        CHECK_SPEED_ONLY="07-testing/kv_core 07-testing/kv_more" runner/bench/check_speed.sh
#        times those exercises only (and skips the verify of every exercise)
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
  echo "cold first build (./twistlings on a fresh copy: configure, build the runner, start): $(elapsed "$start" | tr -d '\n') s"
fi
runner=$repo/build/bin/twistlings
export TWISTLINGS_BUILD_DIR=$repo/build

if [ -z "$smoke" ] && [ -z "${CHECK_SPEED_ONLY:-}" ]; then
  "$runner" verify >/dev/null 2>&1 || true   # the first verify builds what ./twistlings did not
  start=$(now)
  "$runner" verify >"$work/verify.log" 2>&1 || true
  echo "twistlings verify of every exercise, warm: $(elapsed "$start" | tr -d '\n') s ($(grep -c '' "$work/verify.log") lines; $(grep -E '^(Score|Core)' "$work/verify.log"))"
fi

exercises=$("$runner" list --json | grep -o '"id": "[0-9][0-9]-[^"/]*/[^"]*"' | cut -d'"' -f4)
[ -n "$smoke" ] && exercises=02-reactor/countdown
[ -n "${CHECK_SPEED_ONLY:-}" ] && exercises=$CHECK_SPEED_ONLY
# The exercise's own .cpp under DIR (exercises/ or solutions/): named like it
# when the lesson has several; else the last .cpp of its "files" in
# lesson.json, the one the attendee writes (08's census: deploy.cpp, after
# the given chat.cpp).
source_of() {  # source_of DIR ID
  local lesson=${2%%/*} name=${2#*/} file f
  file=$(awk -v name="$name" '
    index($0, "\"name\": \"" name "\"") { mine = 1 }
    mine && /"files"/ { infiles = 1 }
    infiles && match($0, /"[^"]*\.cpp"/) { last = substr($0, RSTART + 1, RLENGTH - 2) }
    infiles && /\]/ { print last; exit }' "lessons/$lesson/lesson.json")
  file=$1/$lesson/${file:-$(cd "$1/$lesson" && ls *.cpp | head -n1)}
  for f in "$1/$lesson"/*.cpp; do
    case $f in */$name.cpp | */test_$name.cpp) file=$f ;; esac  # test_NAME.cpp: a mutants exercise's tests
  done
  printf '%s\n' "$file"
}

# time_edits FILE OUT CMD...: ROUNDS one-line edits of FILE (it must
# recompile), each followed by CMD until its verdict; the seconds into OUT.
# A mutants exercise's verdict gives its mutant runs' own time ("mutants
# 0.12 s"): those go into OUT.mutants.
time_edits() {
  local file=$1 out=$2 round start
  shift 2
  : >"$out"
  : >"$out.mutants"
  for round in $(seq 1 "$rounds"); do
    echo "// edit $round" >>"$file"
    start=$(now)
    "$@" >"$work/verdict.txt" 2>&1 || true
    elapsed "$start" >>"$out"
    grep -o 'mutants [0-9.]* s)' "$work/verdict.txt" | grep -o '[0-9.]*' >>"$out.mutants" || true
  done
}

# Three ways to a verdict: the runner's binary on the starter (the attendee's
# loop while the tests fail) and on the solution (once they pass: a passing
# run takes longer, every test runs to its end), and the README's
# ./twistlings check (the driver script makes sure the runner is built first).
for kind in starter solution driver; do : >"$work/all-$kind.txt"; done
printf '\n%-26s %16s %16s %16s   (edit -> verdict, %d rounds each, seconds)\n' exercise "starter" "solution" \
  "./twistlings" "$rounds"
printf '%-26s %8s %7s %8s %7s %8s %7s\n' "" median worst median worst median worst
row() {  # row LABEL FILE...: median and worst of each file
  local label=$1 f
  shift
  printf '%-26s' "$label"
  for f in "$@"; do printf ' %8s %7s' "$(median <"$f")" "$(sort -n "$f" | tail -n1)"; done
  printf '\n'
}
for id in $exercises; do
  starter=$(source_of exercises "$id")
  solution=$(source_of solutions "$id")
  "$runner" check "$id" >/dev/null 2>&1 || true   # warm: built once
  "$runner" check --solution "$id" >/dev/null 2>&1 || true
  time_edits "$starter" "$work/starter.txt" "$runner" check "$id"
  time_edits "$solution" "$work/solution.txt" "$runner" check --solution "$id"
  time_edits "$starter" "$work/driver.txt" ./twistlings check "$id"
  for kind in starter solution driver; do cat "$work/$kind.txt" >>"$work/all-$kind.txt"; done
  row "$id" "$work/starter.txt" "$work/solution.txt" "$work/driver.txt"
  if [ -s "$work/starter.txt.mutants" ] || [ -s "$work/solution.txt.mutants" ]; then
    row "  of which mutant runs" "$work/starter.txt.mutants" "$work/solution.txt.mutants" "$work/driver.txt.mutants"
  fi
done
row all "$work/all-starter.txt" "$work/all-solution.txt" "$work/all-driver.txt"
echo "goal (issue 8): median <= 0.8 s and worst <= 1.2 s for starter and solution of every exercise"
echo "goal (issue 10): a mutants exercise's check, which runs the tests once per mutant, under 3 s"
echo "load when done: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
