#!/usr/bin/env bash
# e2e_mutants.sh — the mutants form of exercise end to end (lesson.json
# "kind": "mutants", lesson 07's core exercise): `twistlings check` on a
# temporary copy of the repository, with the attendee's test file replaced by
# one with no test, one with a test that fails on the correct implementation,
# the starter (every mutant survives), a test that sleeps, a test that leaves
# its reactor dirty, one that does not compile, and the reference tests; each
# must get its own verdict. Then list --json, hint and reset on it.
#
# usage: e2e_mutants.sh SOURCE_DIR RUNNER BUILD_TYPE SANITIZE
# The copy gets its own build directory (configured here, only the one
# exercise built), so nothing in the real repository or build is touched.
set -u
src=$1 runner=$2 build_type=$3 sanitize=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e-mutants.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$(cd "$(dirname "$0")" && pwd)/repo_copy.sh"
repo=$work/repo
copy_repository "$src" "$repo" || exit 1
export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1
configure_copy "$repo" "$build_type" "$sanitize" "$work/configure.log" || exit 1

# The lesson's core mutants exercise, its test file and what each mutant breaks, from lesson.json.
read_manifest() {
  python3 - "$repo/lessons/07-testing/lesson.json" "$1" <<'PY'
import json, sys
lesson = json.load(open(sys.argv[1]))
core = next(e for e in lesson["exercises"] if e.get("kind") == "mutants" and not e.get("stretch"))
if sys.argv[2] == "name": print(core["name"])
elif sys.argv[2] == "test": print(next(f for f in core["files"] if f.endswith(".cpp")))
elif sys.argv[2] == "header": print(next(f for f in core["files"] if f.endswith(".hpp")))
else: print("\n".join(m["breaks"] for m in core["mutants"]))
PY
}
name=$(read_manifest name) test_file=$(read_manifest test) header=$(read_manifest header)
exercise=07-testing/$name
file=exercises/07-testing/$test_file
starter=$(cat "$repo/$file")
mapfile -t breaks < <(read_manifest breaks)
echo "exercise $exercise: $file, ${#breaks[@]} mutants"

run() {  # run ARGS...: the runner's output in $out, its exit code in $code
  out=$("$runner" "$@" 2>&1)
  code=$?
}

# write_tests TEXT: the attendee's test file becomes the contract's include, Catch, and TEXT.
write_tests() {
  printf '#include "%s"\n#include "twist_catch.hpp"\n%s\n' "$header" "$1" >"$repo/$file"
}

# --- the starter: every mutant survives, each named by what it breaks --------------
echo "building the starter (twist and Catch once, then the tests and the reference)"
run check "$exercise"
expect "starter: exit code 1 (got $code)" [ "$code" = 1 ]
expect "starter: its tests pass on the correct implementation" contains "$out" "on the correct implementation, but ${#breaks[@]} of ${#breaks[@]} wrong versions pass"
for b in "${breaks[@]}"; do
  expect "starter: \"$b\" passed all your tests" contains "$out" "$b passed all your tests"
done
results=$(cat "$repo/.twistlings/results/07-testing/$name.json" 2>/dev/null)
expect "starter: results.json lists the survivors" contains "$results" '"status": "survived"'

# --- no test at all ------------------------------------------------------------------
write_tests '// nothing yet'
run check "$exercise"
expect "no test: exit code 1 (got $code)" [ "$code" = 1 ]
expect "no test: told to write a TEST_CASE" contains "$out" "$file has no TEST_CASE yet"

# --- a test that fails on the correct implementation -------------------------------
printf '%s\n\nTEST_CASE("one and one make three") { CHECK(1 + 1 == 3); }\n' "$starter" >"$repo/$file"
run check "$exercise"
expect "wrong test: exit code 1 (got $code)" [ "$code" = 1 ]
expect "wrong test: named as failing on the correct implementation" \
  contains "$out" 'your test "one and one make three" fails on the correct implementation'
expect "wrong test: its failure is shown" contains "$out" "with expansion:"
expect "wrong test: no mutant is named" eval '! contains "$out" "passed all your tests"'

# --- a test that sleeps --------------------------------------------------------------
printf '%s\n\n#include <chrono>\n#include <thread>\nTEST_CASE("waits for real") { std::this_thread::sleep_for(std::chrono::milliseconds(700)); }\n' \
  "$starter" >"$repo/$file"
run check "$exercise"
expect "sleep: exit code 1 (got $code)" [ "$code" = 1 ]
expect "sleep: reported as taking real time" \
  contains "$out" 'your test "waits for real" takes 0.7 s of real time: tests never sleep; advance a twist::Clock'

# --- a test that leaves its reactor dirty ---------------------------------------------
printf '%s\n\n#include "twist/reactor.hpp"\nTEST_CASE("leaves a call behind") { twist::Reactor reactor; reactor.callLater(60, [] {}); }\n' \
  "$starter" >"$repo/$file"
run check "$exercise"
expect "dirty: exit code 1 (got $code)" [ "$code" = 1 ]
expect "dirty: reported as leaving the reactor unclean" contains "$out" 'your test "leaves a call behind" left its reactor unclean:'
expect "dirty: the leftover is named, as cleanReactor words it" contains "$out" "DelayedCalls: (cancelled)"
expect "dirty: with its delay" contains "$out" "(in 60.000 s)"

# --- a compile error: at the attendee's file and line ---------------------------------
write_tests 'TEST_CASE("does not compile") { int x = ; }'
run check "$exercise"
expect "compile error: exit code 1 (got $code)" [ "$code" = 1 ]
expect "compile error: shown at $file:3" contains "$out" "$file:3:"

# --- the reference tests: every mutant caught, quickly ------------------------------------
cp "$repo/solutions/07-testing/$test_file" "$repo/$file"
run check "$exercise"
expect "solution: exit code 0 (got $code)" [ "$code" = 0 ]
expect "solution: every wrong version caught" contains "$out" "catch all ${#breaks[@]} wrong versions"
for b in "${breaks[@]}"; do
  expect "solution: \"$b\" caught, by a test named" contains "$out" "caught: $b (your test \""
done
mutant_seconds=$(grep -o 'mutants [0-9.]* s)' <<<"$out" | grep -o '[0-9.]*' | head -n 1)
echo "the mutant runs took ${mutant_seconds:-?} s"
expect "solution: the mutant runs take under 3 s (${mutant_seconds:-?} s)" \
  awk -v s="${mutant_seconds:-99}" 'BEGIN { exit !(s < 3) }'

# --- list, hint, reset -------------------------------------------------------------------
run list --json
expect "list --json: the exercise's kind is mutants" contains "$out" '"kind": "mutants"'
run hint "$exercise"
expect "hint: exit code 0 (got $code)" [ "$code" = 0 ]
expect "hint: the first hint is shown" contains "$out" "1 of 3"
run reset "$exercise" --yes </dev/null
expect "reset --yes: exit code 0 (got $code)" [ "$code" = 0 ]
expect "reset: the starter is back" [ "$(cat "$repo/$file")" = "$starter" ]
backup=$(find "$repo/.twistlings/backups" -path "*$file" 2>/dev/null | head -n 1)
expect "reset: the attendee's tests are kept in a backup" cmp -s "${backup:-/nonexistent}" "$repo/solutions/07-testing/$test_file"

echo
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
