#!/usr/bin/env bash
# check_listener_probe.sh PROBE — what the runner relies on from the listener,
# checked on listener_probe: with TWISTLINGS_REPORT set, what a test writes to
# stderr arrives on stdout after that test's marker (the runner splits the
# output at the markers, and two pipes keep no order between them), and the
# report's failure shows the compared pairs' values, not {?}.
set -u
probe=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-listener.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then printf 'ok   %s\n' "$name"; else printf 'FAIL %s\n' "$name"; failures=$((failures + 1)); fi
}
has() { [[ $1 == *"$2"* ]]; }

# Separate files for stdout and stderr, as the runner's two pipes are.
TWISTLINGS_REPORT=$work/report.jsonl "$probe" --order decl --out "$work/catch.txt" >"$work/out" 2>"$work/err"
out=$(cat "$work/out")
first=${out#*$'\x1etwistlings-test 0\x1e'}
first=${first%%$'\x1etwistlings-test 1\x1e'*}
second=${out#*$'\x1etwistlings-test 1\x1e'}
check "stderr is empty: the listener sent it into stdout" [ ! -s "$work/err" ]
check "the first test's stdout and stderr follow its marker" has "$first" $'stdout of the first\nstderr of the first'
check "the second test's stderr follows its own marker" has "$second" "stderr of the second"
check "the first test's output is not in the second's" eval '! has "$second" "of the first"'
report=$(cat "$work/report.jsonl" 2>/dev/null)
check "the report's failure shows the pairs' values" has "$report" "{ 1, 2 } == { 1, 3 }"
check "the report shows no {?}" eval '! has "$report" "{?}"'
if [ "$failures" -gt 0 ]; then
  printf -- '--- stdout\n%s\n--- stderr\n%s\n--- report\n%s\n' "$out" "$(cat "$work/err")" "$report"
  exit 1
fi
