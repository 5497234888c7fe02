#!/usr/bin/env bash
# run.sh — every fuzz target for longer than ctest's smoke run, one after the
# other, then a table: target, executions, time, exec/s, crashes found,
# corpus size as libFuzzer counts it (inputs/bytes) (issue 10, §2).
#
#   framework/fuzz/run.sh [SECONDS] [TARGET...] [-- LIBFUZZER-OPTIONS...]
#   framework/fuzz/run.sh 300                     # 5 minutes each, all targets
#   framework/fuzz/run.sh 60 deferred -- -detect_leaks=0
#
# SECONDS defaults to 300. It builds the `fuzz` preset first (build-fuzz/,
# clang). Targets: twist's (framework/fuzz) and the runner's (runner/fuzz). Each
# starts from its seed corpus (corpus/NAME/ beside its source, read only)
# and from what earlier runs found (build-fuzz/fuzz-run/NAME/corpus/, kept
# between runs, where new inputs go). libFuzzer stops at the first crash
# (a crash, a leak, a timeout of 10 s, more than 2 GB): its input is in
# build-fuzz/fuzz-run/NAME/, with the log; "crashes" counts those files, and
# the time column shows how early the run stopped. Reduce one with
#   build-fuzz/bin/fuzz_NAME -minimize_crash=1 -runs=100000 FILE
# and keep the result in corpus/NAME/ so that ctest replays it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build-fuzz

seconds=300
targets=()
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*) targets+=("$1") ;;
    *) seconds=$1 ;;
  esac
  shift
done
# twist's targets (here) and the runner's (runner/fuzz): NAME's seed corpus
# is corpus/NAME/ beside its source.
seed_dirs=("$here" "$root/runner/fuzz")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in "${seed_dirs[@]}"; do
    for source in "$dir"/fuzz_*.cpp; do
      name=$(basename "$source" .cpp)
      targets+=("${name#fuzz_}")
    done
  done
fi
seeds_of() {  # seeds_of NAME: the corpus directory beside fuzz_NAME.cpp
  local dir
  for dir in "${seed_dirs[@]}"; do
    if [ -f "$dir/fuzz_$1.cpp" ]; then printf '%s\n' "$dir/corpus/$1"; return; fi
  done
  printf '%s\n' "$here/corpus/$1"
}

command -v clang++ >/dev/null || { echo "run.sh: no clang++: the fuzz targets need clang (libFuzzer)" >&2; exit 2; }
cd "$root" || exit 2
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset fuzz >/dev/null || exit 2
fi
cmake --build "$build" --target twist_fuzz --parallel 2 >/dev/null || { echo "run.sh: the build failed" >&2; exit 2; }

rows=()
for name in "${targets[@]}"; do
  binary=$build/bin/fuzz_$name
  [ -x "$binary" ] || { echo "run.sh: no target fuzz_$name" >&2; exit 2; }
  work=$build/fuzz-run/$name
  mkdir -p "$work/corpus"
  log=$work/log.txt
  echo "fuzz_$name: ${seconds}s, log in $log" >&2
  touch "$work/.start"
  start=$(date +%s.%N)
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "${extra[@]}" "$work/corpus" "$(seeds_of "$name")" >"$log" 2>&1
  status=$?
  end=$(date +%s.%N)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ -z "$runs" ]; then  # a crash: the last status line has the count
    runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  fi
  runs=${runs:-0}
  crashes=$(find "$work" -maxdepth 1 -type f -newer "$work/.start" \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  # libFuzzer's own count (inputs that add coverage, and their bytes); the
  # directory also keeps inputs that smaller ones have since replaced.
  corpus=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | sed 's/corp: //')
  corpus=${corpus:-$(find "$work/corpus" -type f | wc -l)}
  rows+=("$(awk -v n="fuzz_$name" -v r="$runs" -v s="$start" -v e="$end" -v c="$crashes" -v k="$corpus" -v x="$status" \
    'BEGIN { t = e - s; printf "%-20s %12d %8.0fs %9.0f %8d %10s%s", n, r, t, (t > 0 ? r / t : 0), c, k, (x ? "  (stopped: exit " x ")" : "") }')")
done

printf '%-20s %12s %9s %9s %8s %10s\n' target executions time exec/s crashes corpus
printf '%s\n' "${rows[@]}"
