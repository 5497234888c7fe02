#!/usr/bin/env bash
# e2e_regression.sh — the regression form of exercise end to end (lesson.json
# "kind": "regression", lesson 09's core exercise; runner/src/regression.hpp):
# `twistlings check` on a temporary copy of the repository, with the
# attendee's regression test and helper replaced by: the starter (no test
# yet), a test that does not reproduce the report (it passes on the helper as
# shipped), a test that fails on the fixed helper too, the right test with the helper not fixed yet, and
# the full solution. Each must get its own verdict, naming the step that
# failed. Then list --json and reset on it.
#
# usage: e2e_regression.sh SOURCE_DIR RUNNER BUILD_TYPE SANITIZE
# The copy gets its own build directory (configured here, only the one
# exercise built), so nothing in the real repository or build is touched.
set -u
src=$1 runner=$2 build_type=$3 sanitize=$4
lesson=09-community

. "$(cd "$(dirname "$0")" && pwd)/repo_copy.sh"
prepare_copy regression "$src" "$build_type" "$sanitize" || exit 1

# The lesson's core regression exercise, from lesson.json: "name test helper report".
read -r name test_file helper report < <(python3 - "$repo/lessons/$lesson/lesson.json" <<'PY'
import json, sys
core = next(e for e in json.load(open(sys.argv[1]))["exercises"]
            if e.get("kind") == "regression" and not e.get("stretch"))
helper = next(f for f in core["files"] if f.endswith(".cpp") and f != core["regression_test"])
print(core["name"], core["regression_test"], helper, core["report"])
PY
)
exercise=$lesson/$name
tests=$repo/exercises/$lesson/$test_file
helper_file=$repo/exercises/$lesson/$helper
starter_test=$(cat "$tests") starter_helper=$(cat "$helper_file")
echo "exercise $exercise: the test in $test_file, the helper in $helper, the report in $report"

check() {  # check: the runner's verdict on the exercise in $out, its exit code in $code
  out=$("$runner" check "$exercise" 2>&1)
  code=$?
}

# test_case NAME BODY: the attendee's test file becomes the starter's includes and one TEST_CASE.
test_case() {
  printf '#include <string>\n#include <vector>\n\n#include "records.hpp"\n#include "twist_catch.hpp"\n\n'"\
TEST_CASE(\"%s\") {\n  RecordSplitter splitter;\n%s\n}\n" "$1" "$2" >"$tests"
}

# --- the starter: no test yet, told to read the report --------------------------------
echo "building the starter (twist and Catch once, then the two programs)"
check
expect "starter: exit code 1 (got $code)" [ "$code" = 1 ]
expect "starter: told to write a TEST_CASE" contains "$out" "exercises/$lesson/$test_file has no TEST_CASE yet"
expect "starter: told to read the report" contains "$out" "Read exercises/$lesson/$report"

# --- a test that passes on the helper as shipped: it reproduces nothing -------------------
test_case "a record cut in its middle comes out whole" \
  '  CHECK(splitter.feed("ali").empty());
  CHECK(splitter.feed("ce\r\n") == std::vector<std::string>{"alice"});'
check
expect "not reproducing: exit code 1 (got $code)" [ "$code" = 1 ]
expect "not reproducing: said so" contains "$out" "your test passes on the helper as shipped: it does not reproduce the report"
expect "not reproducing: told what a regression test does" contains "$out" "do what the reporter did"
expect "not reproducing: no mutant words" eval '! contains "$out" "mutant"'

# --- a test that fails on the fixed helper too --------------------------------------------
test_case "the records keep their delimiter" \
  '  CHECK(splitter.feed("alice\r\nbob\r\n") == std::vector<std::string>{"alice\r\n", "bob\r\n"});'
check
expect "wrong claim: exit code 1 (got $code)" [ "$code" = 1 ]
expect "wrong claim: said so" contains "$out" \
  'your test "the records keep their delimiter" fails on the fixed helper too: it asserts something the report does not claim'
expect "wrong claim: its failure is shown" contains "$out" "with expansion:"

# --- the right test, the helper not fixed yet ------------------------------------------------
cp "$src/solutions/$lesson/$test_file" "$tests"
check
expect "no fix: exit code 1 (got $code)" [ "$code" = 1 ]
expect "no fix: the reproduction is acknowledged" contains "$out" "the report is reproduced (your test"
expect "no fix: now the fix, in the helper's file" contains "$out" "tests fail on your $helper"
expect "no fix: a hidden test's failure is shown" contains "$out" "First failure:"

# --- the full solution: both steps pass --------------------------------------------------------
cp "$src/solutions/$lesson/$helper" "$helper_file"
check
expect "solution: exit code 0 (got $code)" [ "$code" = 0 ]
expect "solution: both steps named" contains "$out" "fails on the helper as shipped and passes on the fix, and your fixed helper passes all"
results=$(cat "$repo/.twistlings/results/$lesson/$name.json" 2>/dev/null)
expect "solution: results.json passes" contains "$results" '"status": "pass"'
expect "solution: results.json shows the as-shipped run" contains "$results" '"breaks": "the helper as shipped"'

# --- list, reset -----------------------------------------------------------------------------
out=$("$runner" list --json 2>&1)
expect "list --json: the exercise's kind is regression" contains "$out" '"kind": "regression"'
out=$("$runner" reset "$exercise" --yes </dev/null 2>&1)
expect "reset: the starter test is back" [ "$(cat "$tests")" = "$starter_test" ]
expect "reset: the helper as shipped is back" [ "$(cat "$helper_file")" = "$starter_helper" ]

echo
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
