#!/usr/bin/env bash
# e2e_concurrency.sh — runners that share a build tree take turns, and an
# interrupted one leaves the tree usable (issue 8, §4), on a temporary copy of
# the repository:
#   - the driver, ./twistlings check, twice at once on a fresh build (one
#     builds the runner, the other waits for it, saying whom for): two honest
#     verdicts, and one line of progress instead of the build's log;
#   - two checks of one exercise at once, after an edit each time, ROUNDS times
#     (20): two honest verdicts every time (exit 1 with the tests' failures;
#     never a compile error, "text file busy" or an empty object file);
#   - a check interrupted with SIGINT during the build, during the tests, and at
#     random points: one line says what was stopped, nothing is left running,
#     and the next check works;
#   - a runner killed with SIGKILL while it holds the lock, during the build
#     and during the tests: the next check does not wait for ever, and its
#     verdict is honest.
#
# usage: e2e_concurrency.sh SOURCE_DIR RUNNER BUILD_TYPE SANITIZE [ROUNDS]
# Every process is started here and stopped by its pid; every wait is bounded.
set -u
src=$1 runner=$2 build_type=$3 sanitize=$4 rounds=${5:-20}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=repo_copy.sh
. "$here/repo_copy.sh"
exercise=02-reactor/countdown
file=exercises/02-reactor/countdown.cpp

work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e-concurrency.XXXXXX")
started=''   # pids of what we started and have not waited for
cleanup() {
  # Politely first, so that a runner stops its own build (it waits a few
  # seconds for Ninja to clean up); then for good.
  local pid waited=0
  for pid in $started; do kill -TERM "$pid" 2>/dev/null; done
  for pid in $started; do
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { printf 'ok   %s\n' "$1"; }
fail() {  # fail NAME [OUTPUT-FILE...]: with what the runners said, so that a CI log says why
  local name=$1 f
  shift
  printf 'FAIL %s\n' "$name"
  for f in "$@"; do
    printf '       %s:\n' "${f##*/}"
    head -n 30 "$f" 2>/dev/null | sed 's/^/       | /'
  done
  failures=$((failures + 1))
}
contains() { grep -qF -- "$2" "$1" 2>/dev/null; }

# start NAME CMD...: CMD in the background, its output in $work/NAME.out, its pid in $last_pid.
start() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>&1 </dev/null &
  last_pid=$!
  started="$started $last_pid"
}

# finish PID SECONDS: wait at most SECONDS for PID; its exit code in $code
# (999 when it had to be killed at the bound).
finish() {
  local pid=$1 bound=$2 waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((bound * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    code=999
  else
    wait "$pid" 2>/dev/null  # (a runner killed on purpose: no "Killed" notice)
    code=$?
  fi
  # shellcheck disable=SC2086  # a list of pids, split on purpose
  started=$(printf '%s\n' $started | grep -vx "$pid" | tr '\n' ' ')
}

# wait_for_process PATTERN SECONDS: until a process whose command line matches
# PATTERN (pgrep -f) runs; its pid in $found. Returns 1 at the bound.
wait_for_process() {
  local pattern=$1 bound=$2 waited=0
  found=''
  while [ "$waited" -lt $((bound * 20)) ]; do
    found=$(pgrep -f -- "$pattern" | head -n 1)
    [ -n "$found" ] && return 0
    sleep 0.05
    waited=$((waited + 1))
  done
  return 1
}

# honest OUTPUT-FILE CODE: the starter's verdict, and nothing else: exit 1, its
# tests fail, and none of the signs of a build disturbed by another.
honest() {
  [ "$2" = 1 ] && contains "$1" "tests fail." &&
    ! grep -qiE 'does not compile|text file busy|ETXTBSY|file truncated|file format not recognized|file not recognized|the build failed|internal error' "$1"
}

# nothing_left: no process of the copy's build is running (compilers, ninja, test programs).
nothing_left() {
  local waited=0
  # ([b]: the pattern must not match pgrep's own command line.)
  while pgrep -f -- "$repo/[b]uild" >/dev/null && [ "$waited" -lt 40 ]; do
    sleep 0.05
    waited=$((waited + 1))
  done
  ! pgrep -f -- "$repo/[b]uild" >/dev/null
}

# --- the copy -----------------------------------------------------------------
repo=$work/repo
copy_repository "$src" "$repo" || exit 1
cp "$repo/$file" "$work/starter.cpp"
# (The driver sets TWISTLINGS_ROOT itself, to the same copy.)
export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1
configure_copy "$repo" "$build_type" "$sanitize" "$work/configure.log" || exit 1

# --- the driver twice at once, on a fresh build ----------------------------------
echo "two drivers at once (the first builds the runner: this takes a while)"
start driver1 "$repo/twistlings" check "$exercise"
pid1=$last_pid
start driver2 "$repo/twistlings" check "$exercise"
pid2=$last_pid
finish "$pid1" 1800
code1=$code
finish "$pid2" 1800
code2=$code
if honest "$work/driver1.out" "$code1"; then pass "driver 1: an honest verdict"; else fail "driver 1: an honest verdict (exit $code1)" "$work/driver1.out"; fi
if honest "$work/driver2.out" "$code2"; then pass "driver 2: an honest verdict"; else fail "driver 2: an honest verdict (exit $code2)" "$work/driver2.out"; fi
if contains "$work/driver1.out" "waiting for another twistlings (pid " || contains "$work/driver2.out" "waiting for another twistlings (pid "; then
  pass "drivers: one waited for the other, naming it"
else
  fail "drivers: one waited for the other, naming it" "$work/driver1.out" "$work/driver2.out"
fi
if ! grep -qE 'Building CXX|-- Configuring|Linking CXX' "$work/driver1.out" "$work/driver2.out" &&
  contains "$repo/build/twistlings-build.log" "Linking CXX executable bin/twistlings"; then
  pass "drivers: the build's log went to build/twistlings-build.log, not to the screen"
else
  fail "drivers: the build's log went to build/twistlings-build.log, not to the screen" "$work/driver1.out" "$work/driver2.out"
fi
start list "$repo/twistlings" list
finish "$last_pid" 120
if [ "$code" = 0 ] && ! contains "$work/list.out" "warning:" && ! contains "$work/list.out" "do not compile"; then
  pass "list: nothing about the build, no warning"
else
  fail "list: nothing about the build, no warning (exit $code)" "$work/list.out"
fi

# --- two checks at once, ROUNDS times ----------------------------------------------
echo "two checks at once, $rounds times, each after an edit"
dishonest=0
for round in $(seq 1 "$rounds"); do
  touch "$repo/$file"  # both must build: that is where two builds collide
  start "pair$round-a" "$runner" check "$exercise"
  pid1=$last_pid
  start "pair$round-b" "$runner" check "$exercise"
  pid2=$last_pid
  finish "$pid1" 600
  code1=$code
  finish "$pid2" 600
  code2=$code
  if ! honest "$work/pair$round-a.out" "$code1" || ! honest "$work/pair$round-b.out" "$code2"; then
    dishonest=$((dishonest + 1))
    fail "round $round: two honest verdicts (exit $code1 and $code2)" "$work/pair$round-a.out" "$work/pair$round-b.out"
  fi
done
[ "$dishonest" -gt 0 ] || pass "two checks at once: $rounds rounds, two honest verdicts every time"

# --- interrupted with SIGINT ---------------------------------------------------------
# check_after SLUG WHAT: the check that follows an interruption works and is honest.
check_after() {
  start "after-$1" "$runner" check "$exercise"
  finish "$last_pid" 600
  if honest "$work/after-$1.out" "$code"; then pass "after $2: the next check works"; else fail "after $2: the next check works (exit $code)" "$work/after-$1.out"; fi
}

# interrupt_when SLUG PATTERN STAGE LINE: a check, sent SIGINT once a process
# matching PATTERN runs (a compiler, the test program); it must end with exit
# 130 and LINE, leaving nothing running. STAGE names the moment.
interrupt_when() {
  local slug=$1 pattern=$2 stage=$3 line=$4 pid
  start "$slug" "$runner" check "$exercise"
  pid=$last_pid
  if wait_for_process "$pattern" 300; then
    kill -INT "$pid"
    finish "$pid" 60
    if [ "$code" = 130 ] && contains "$work/$slug.out" "$line"; then
      pass "interrupted during $stage: one line says so (exit 130)"
    else
      fail "interrupted during $stage: one line says so (exit $code)" "$work/$slug.out"
    fi
    if nothing_left; then pass "interrupted during $stage: nothing of the build is left running"; else fail "interrupted during $stage: nothing of the build is left running"; fi
  else
    finish "$pid" 600
    fail "interrupted during $stage: the process to interrupt ($pattern) was never seen running" "$work/$slug.out"
  fi
}

echo "a check interrupted during the build"
touch "$repo/$file"
interrupt_when int-build "$repo/exercises/02-reactor/[c]ountdown.cpp" "the build" \
  "interrupted: the build of 02-reactor/countdown was stopped; nothing was lost"
check_after int-build "the interruption during the build"

echo "a check interrupted during the tests (a solution made to hang)"
line=$(grep -n '^void Countdown::start(int from) {' "$repo/solutions/02-reactor/countdown.cpp" | cut -d: -f1)
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
sed -i "${line}a\\  if (from == 2) for (volatile unsigned spin = 0;; spin = spin + 1) {}" "$repo/$file"
interrupt_when int-tests "$repo/build/bin/[e]xercise_02-reactor_countdown" "the tests" \
  "interrupted: the tests of 02-reactor/countdown were stopped; nothing was lost"
cp "$work/starter.cpp" "$repo/$file"
check_after int-tests "the interruption during the tests"

echo "checks interrupted at random points"
for n in 1 2 3 4 5; do
  delay=$((RANDOM % 40))
  delay=$((delay / 10)).$((delay % 10))
  touch "$repo/$file"
  start "int-random$n" "$runner" check "$exercise"
  pid=$last_pid
  sleep "$delay"
  kill -INT "$pid" 2>/dev/null
  finish "$pid" 60
  if [ "$code" = 130 ]; then
    what=$(grep -o 'interrupted: .*' "$work/int-random$n.out" | head -n 1)
    echo "     (interrupted after ${delay} s: ${what:-no line})"
  else
    echo "     (after ${delay} s the check had ended: exit $code)"
  fi
  check_after "int-random$n" "an interruption at ${delay} s"
done

# --- killed with SIGKILL while holding the lock ---------------------------------------
echo "a runner killed with SIGKILL during its build"
touch "$repo/$file"
start kill-build "$runner" check "$exercise"
pid=$last_pid
if wait_for_process "$repo/exercises/02-reactor/[c]ountdown.cpp" 300; then
  kill -KILL "$pid"
  finish "$pid" 10
  # Its build goes on, orphaned, and holds the lock until it ends: the next check waits for it, then works.
  start next-build "$runner" check "$exercise"
  finish "$last_pid" 600
  if honest "$work/next-build.out" "$code"; then pass "after a SIGKILL during the build: the next check ends, honest"; else fail "after a SIGKILL during the build: the next check ends, honest (exit $code)" "$work/next-build.out"; fi
  if contains "$work/next-build.out" "waiting for another twistlings (pid $pid: check 02-reactor/countdown)"; then
    pass "after a SIGKILL during the build: the orphaned build kept the lock, and the next check said whom it waited for"
  else
    fail "after a SIGKILL during the build: the orphaned build kept the lock, and the next check said whom it waited for" "$work/next-build.out"
  fi
else
  finish "$pid" 600
  fail "SIGKILL during the build: the compiler was never seen running" "$work/kill-build.out"
fi

echo "a runner killed with SIGKILL during its tests (a solution made to hang)"
cp "$repo/solutions/02-reactor/countdown.cpp" "$repo/$file"
sed -i "${line}a\\  if (from == 2) for (volatile unsigned spin = 0;; spin = spin + 1) {}" "$repo/$file"
start kill-tests "$runner" check "$exercise"
pid=$last_pid
if wait_for_process "$repo/build/bin/[e]xercise_02-reactor_countdown" 300; then
  orphan=$found
  kill -KILL "$pid"
  finish "$pid" 10
  # The hung test program outlives its runner (nobody times it out now), but it never held the lock.
  cp "$work/starter.cpp" "$repo/$file"
  start next-tests "$runner" check "$exercise"
  finish "$last_pid" 600
  if honest "$work/next-tests.out" "$code"; then pass "after a SIGKILL during the tests: the next check ends, honest"; else fail "after a SIGKILL during the tests: the next check ends, honest (exit $code)" "$work/next-tests.out"; fi
  kill -KILL "$orphan" 2>/dev/null
else
  finish "$pid" 60
  fail "SIGKILL during the tests: the test program was never seen running" "$work/kill-tests.out"
fi

echo
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
