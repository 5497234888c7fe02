#!/usr/bin/env bash
# e2e_check.sh — the runner end to end, as an attendee meets it: `twistlings
# check` on a temporary copy of the repository, with the starter (fail, exit
# 1), the solution (pass, exit 0), a compile error (error at file:line), an
# endless loop (killed at the timeout, no process left), a segfault (the crash
# named), and `reset` (the starter back, the attendee's version kept).
#
# usage: e2e_check.sh SOURCE_DIR RUNNER BUILD_TYPE SANITIZE
# The copy gets its own build directory (configured here, only the one
# exercise built), so nothing in the real repository or build is touched.
set -u
src=$1 runner=$2 build_type=$3 sanitize=$4
exercise=02-reactor/countdown
file=exercises/02-reactor/countdown.cpp

work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e.XXXXXX")
cleanup() {
  # Processes we started are stopped by their id (the grader of a hung run is killed by the runner itself).
  [ -n "${watch_pid:-}" ] && kill "$watch_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { printf 'ok   %s\n' "$1"; }
fail() {  # with the runner's last output, so that a CI log says why
  printf 'FAIL %s\n' "$1"
  printf '%s\n' "${out:-}" | head -n 40 | sed 's/^/       | /'
  failures=$((failures + 1))
}
expect() {  # expect NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

# --- the copy -----------------------------------------------------------------
repo=$work/repo
mkdir -p "$repo"
(cd "$src" && tar cf - --exclude='./build*' --exclude=./.twistlings --exclude=./.git --exclude=./compile_commands.json .) \
  | (cd "$repo" && tar xf -) || { echo "cannot copy $src"; exit 1; }
# reset finds the starter in git: the copy is a repository of its own.
git -C "$repo" init -q && git -C "$repo" add -A &&
  git -C "$repo" -c user.name=e2e -c user.email=e2e@localhost commit -qm starter || { echo "git init failed"; exit 1; }

export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "configuring the copy in $repo/build"
cmake -S "$repo" -B "$repo/build" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type" -DTWIST_SANITIZE="$sanitize" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; echo "FAIL configure"; exit 1; }

run() {  # run ARGS...: the runner's output in $out, its exit code in $code
  out=$("$runner" "$@" 2>&1)
  code=$?
}

# --- the starter: fail, exit 1 --------------------------------------------------
echo "building the starter (twist and Catch once, then the exercise)"
run check "$exercise"
expect "starter: exit code 1 (got $code)" [ "$code" = 1 ]
expect "starter: the verdict says which tests fail" contains "$out" "tests fail."
expect "starter: the first failure names a behaviour and shows the check" contains "$out" "First failure:"
results=$repo/.twistlings/results/02-reactor/countdown.json
expect "starter: results.json written with status fail" grep -q '"status": "fail"' "$results"
expect "starter: results.json is version 3" grep -q '"version": 3' "$results"

run hint "$exercise"
expect "hint: the first of three" contains "$out" "Hint 1 of 3"
expect "hint: remembered in progress.json" grep -q '"hints_shown": 1' "$repo/.twistlings/progress.json"

# --- the solution: pass, exit 0 -------------------------------------------------
cp "$repo/$file" "$work/starter.cpp"
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
run check "$exercise"
expect "solution: exit code 0 (got $code)" [ "$code" = 0 ]
expect "solution: all tests pass" contains "$out" "all 12 tests pass"
expect "solution: results.json status pass" grep -q '"status": "pass"' "$results"
expect "solution: progress marks it done" grep -q '"done": true' "$repo/.twistlings/progress.json"
run check "$exercise" --json
expect "check --json prints results.json to stdout" contains "$out" '"version": 3'

# --- a compile error: at the attendee's file and line ----------------------------
line=$(grep -n '^void Countdown::start(int from) {' "$repo/$file" | cut -d: -f1)
sed -i "${line}a\\  this_name_does_not_exist = 1;" "$repo/$file"
run check "$exercise"
expect "compile error: exit code 1 (got $code)" [ "$code" = 1 ]
expect "compile error: shown at $file:$((line + 1))" contains "$out" "$file:$((line + 1)):"
expect "compile error: the compiler's message" contains "$out" "this_name_does_not_exist"
expect "compile error: results.json status error naming file:line" grep -q "countdown.cpp:$((line + 1)):" "$results"

# --- an endless loop: killed at the timeout ----------------------------------------
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
sed -i "${line}a\\  if (from == 2) for (volatile int spin = 0;; spin = spin + 1) {}" "$repo/$file"
started=$(date +%s)
run check "$exercise" --timeout 2
took=$(( $(date +%s) - started ))
expect "endless loop: exit code 1 (got $code)" [ "$code" = 1 ]
expect "endless loop: stopped after the timeout" contains "$out" "stopped after 2 s"
expect "endless loop: the verdict says the loop was probably blocked" contains "$out" "probably blocked the loop"
expect "endless loop: the verdict names the test that hung" contains "$out" "in the test"
sleep 0.2
# ([e]: the pattern must not match this very command line.)
expect "endless loop: no grader process left" bash -c "! pgrep -f '$repo/build/bin/[e]xercise_02-reactor_countdown' >/dev/null"
echo "     (the run took ${took} s, build included)"

# --- a segfault: the crash named ---------------------------------------------------
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
sed -i "${line}a\\  if (from == 2) { volatile int* nowhere = nullptr; *nowhere = from; }" "$repo/$file"
run check "$exercise"
expect "segfault: exit code 1 (got $code)" [ "$code" = 1 ]
expect "segfault: the verdict says it crashed" contains "$out" "crashed"
# Plain builds name the signal; under UBSan the null store is caught first, and its report is shown.
segfault_named() { contains "$out" "SEGV" || contains "$out" "store to null pointer"; }
expect "segfault: the signal (or the sanitizer's report) is named" segfault_named

# --- reset: the starter back, the attendee's version kept ---------------------------
cp "$repo/$file" "$work/mine.cpp"
run reset "$exercise" </dev/null
expect "reset without a terminal and without --yes refuses (exit 2, got $code)" [ "$code" = 2 ]
expect "reset refused: the file is untouched" cmp -s "$repo/$file" "$work/mine.cpp"
run reset "$exercise" --yes
expect "reset --yes: exit code 0 (got $code)" [ "$code" = 0 ]
expect "reset: the starter is back" cmp -s "$repo/$file" "$work/starter.cpp"
backup=$(find "$repo/.twistlings/backups" -path '*exercises/02-reactor/countdown.cpp' | head -n1)
expect "reset: a backup is kept under .twistlings/backups" [ -n "$backup" ]
expect "reset: the backup holds the attendee's version" cmp -s "${backup:-/nonexistent}" "$work/mine.cpp"
run reset "$exercise" --yes
expect "reset again: nothing to reset" contains "$out" "Nothing to reset"

# --- errors of use, and a corrupt progress file ----------------------------------------
run check no-such-exercise
expect "an unknown id: exit code 2 (got $code)" [ "$code" = 2 ]
expect "an unknown id: the valid ids are listed" contains "$out" "02-reactor/countdown"
echo '{ broken' >"$repo/.twistlings/progress.json"
run list
expect "a corrupt progress.json: list still works (exit 0, got $code)" [ "$code" = 0 ]
expect "a corrupt progress.json: a warning says where it went" contains "$out" "progress.json.corrupt-"

# --- watch --poll: a save is noticed and checked --------------------------------------
cp "$work/starter.cpp" "$repo/$file"
"$runner" watch --poll </dev/null >"$work/watch.log" 2>&1 &
watch_pid=$!
for _ in $(seq 1 300); do grep -q "tests fail" "$work/watch.log" && break; sleep 0.1; done
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
for _ in $(seq 1 300); do grep -q "all 12 tests pass" "$work/watch.log" && break; sleep 0.1; done
expect "watch --poll: the first check fails" grep -q "tests fail" "$work/watch.log"
expect "watch --poll: a save is checked again and passes" grep -q "all 12 tests pass" "$work/watch.log"
expect "watch --poll: it moves on to the next exercise" grep -q "checking 02-reactor/heartbeat" "$work/watch.log"
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
watch_pid=

echo
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
