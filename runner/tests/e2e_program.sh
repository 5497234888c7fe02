#!/usr/bin/env bash
# e2e_program.sh — the program form of exercise end to end (lesson.json
# "kind": "program", lesson 01's hello): `twistlings check` on a temporary copy
# of the repository, with the attendee's whole program replaced by one that
# hangs, crashes, exits non-zero, prints the wrong line, does not compile,
# and is right; each must get its own verdict, and no program may be left
# running. Bounded: a hang costs the hidden tests' 3 s timeout, once.
#
# usage: e2e_program.sh SOURCE_DIR RUNNER BUILD_TYPE SANITIZE
# The copy gets its own build directory (configured here, only the one
# exercise built), so nothing in the real repository or build is touched.
set -u
src=$1 runner=$2 build_type=$3 sanitize=$4
exercise=01-install/hello
file=exercises/01-install/hello.cpp
program=exercise_01-install_hello_program

work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e-program.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ([h]: the pattern must not match this very command line.)
none_left() { ! pgrep -f "$repo/build/bin/exercise_01-install_[h]ello_program" >/dev/null; }

# --- the copy -----------------------------------------------------------------
. "$(cd "$(dirname "$0")" && pwd)/repo_copy.sh"
repo=$work/repo
copy_repository "$src" "$repo" || exit 1
export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1
configure_copy "$repo" "$build_type" "$sanitize" "$work/configure.log" || exit 1

run() {  # run ARGS...: the runner's output in $out, its exit code in $code, its time in $took
  local started=$SECONDS
  out=$("$runner" "$@" 2>&1)
  code=$?
  took=$((SECONDS - started))
}

# write_program BODY: the attendee's file becomes a main() with this body.
write_program() {
  cat >"$repo/$file" <<CODE
#include <cstdio>

#include "twist/reactor.hpp"

int main() {
$1
}
CODE
}

# greeter LINE STATUS: the body of a main() that prints LINE 0.2 s after the
# start, stops its reactor, and returns STATUS.
greeter() {
  printf '  twist::Reactor reactor;\n  reactor.callLater(0.2, [&reactor] {\n    std::puts("%s");\n    reactor.stop();\n  });\n  reactor.run();\n  return %s;' "$1" "$2"
}

# --- the starter: fails at once, showing its TODO line ----------------------------
echo "building the starter (twist and Catch once, then the program and its tests)"
run check "$exercise"
expect "starter: exit code 1 (got $code)" [ "$code" = 1 ]
expect "starter: the first failure is the exit status" contains "$out" "First failure: the program exits with status 0"
expect "starter: the verdict shows what the program printed on stderr" contains "$out" "TODO: main() in exercises/01-install/hello.cpp"
expect "starter: the program built as a program of its own" [ -x "$repo/build/bin/$program" ]

# --- a program that never stops its reactor ---------------------------------------
write_program '  twist::Reactor reactor;
  reactor.callLater(0.2, [] { std::puts("Hello from the reactor!"); });
  reactor.run();
  return 0;'
run check "$exercise"
expect "hang: exit code 1 (got $code)" [ "$code" = 1 ]
expect "hang: the first failure is that it did not end" contains "$out" "First failure: the program ends by itself"
expect "hang: the verdict says the reactor was never stopped" contains "$out" "the reactor was never stopped"
expect "hang: the verdict says what to call" contains "$out" "reactor.stop()"
expect "hang: the verdict says it was killed at the timeout" contains "$out" "still running after 3 s"
expect "hang: one timeout, not one per test (took ${took} s, build included)" [ "$took" -lt 30 ]
expect "hang: no program left running" none_left

# The runner's own timeout, shorter than the tests' 3 s: the grader is killed
# while the program runs, and the program must go with it (Linux: the
# program dies with its parent, PR_SET_PDEATHSIG).
if [ "$(uname)" = Linux ]; then
  run check "$exercise" --timeout 1
  expect "hang under a 1 s runner timeout: exit code 1 (got $code)" [ "$code" = 1 ]
  expect "hang under a 1 s runner timeout: the tests were stopped" contains "$out" "stopped after 1 s"
  expect "hang under a 1 s runner timeout: the verdict blames the program's reactor" \
    contains "$out" "Your program was probably still running"
  sleep 0.5
  expect "hang under a 1 s runner timeout: no program left running" none_left
fi

# --- a crash ------------------------------------------------------------------------
write_program '  twist::Reactor reactor;
  reactor.callLater(0.2, [&reactor] {
    volatile int* nowhere = nullptr;
    *nowhere = 1;
    reactor.stop();
  });
  reactor.run();
  return 0;'
run check "$exercise"
expect "crash: exit code 1 (got $code)" [ "$code" = 1 ]
expect "crash: the first failure is the crash" contains "$out" "First failure: the program does not crash"
# Plain builds name the signal; under UBSan the null store is caught first, and its report is in stderr.
crash_named() { contains "$out" "killed by SIGSEGV (segmentation fault)" || contains "$out" "store to null pointer"; }
expect "crash: the signal (or the sanitizer's report) is named" crash_named

# --- an exception out of main: SIGABRT, and the likely reason ----------------------------
write_program '  twist::Reactor reactor;
  reactor.stop();
  reactor.run();
  return 0;'
run check "$exercise"
expect "abort: the signal is named" contains "$out" "killed by SIGABRT"
expect "abort: the verdict names the likely mistake" contains "$out" "reactor.stop() called before reactor.run()"

# --- a status other than 0 ------------------------------------------------------------
write_program "$(greeter 'Hello from the reactor!' 3)"
run check "$exercise"
expect "status 3: exit code 1 (got $code)" [ "$code" = 1 ]
expect "status 3: the first failure is the exit status" contains "$out" "First failure: the program exits with status 0"
expect "status 3: the status it gave is shown" contains "$out" "exited with status 3"
expect "status 3: only that test fails" contains "$out" "1 of 8 tests fail"

# --- the wrong line ---------------------------------------------------------------------
write_program "$(greeter 'Hello, reactor!' 0)"
run check "$exercise"
expect "wrong line: exit code 1 (got $code)" [ "$code" = 1 ]
expect "wrong line: the first failure is the line" contains "$out" "First failure: the program prints the greeting, exactly"
expect "wrong line: what it printed is shown" contains "$out" 'it printed "Hello, reactor!\n" on stdout'

# --- a compile error: at the attendee's file and line -------------------------------------
write_program '  twist::Reactor reactor;
  reactor.callLater(0.2, [] { reactor.stop(); });
  reactor.run();
  return 0;'
run check "$exercise"
expect "compile error: exit code 1 (got $code)" [ "$code" = 1 ]
expect "compile error: shown at $file:7" contains "$out" "$file:7:"

# --- the solution ---------------------------------------------------------------------------
cp "$repo/solutions/01-install/hello.cpp" "$repo/$file"
run check "$exercise"
expect "solution: exit code 0 (got $code)" [ "$code" = 0 ]
expect "solution: all 8 tests pass" contains "$out" "all 8 tests pass"
run list --json
expect "list --json: the exercise's kind is program" contains "$out" '"kind": "program"'
expect "no program left running at the end" none_left

echo
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
