#!/usr/bin/env bash
# check_listener_probe.sh PROBE — what the runner relies on from the listener,
# checked on listener_probe: with TWISTLINGS_REPORT set, what a test writes to
# stderr arrives on stdout after that test's marker (the runner splits the
# output at the markers, and two pipes keep no order between them), and the
# report's failure shows the compared pairs' values, not {?}; each test's end
# has its wall time, and a test whose twist::Reactor was destroyed with a
# delayed call pending and a port open has them listed ("unclean"), in
# twist::cleanReactor's words, where a test that cleaned up has none.
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
third=$(grep '"event":"end"' "$work/report.jsonl" | grep 'the third leaves')
fourth=$(grep '"event":"end"' "$work/report.jsonl" | grep 'the fourth cancels')
check "each test's end has its wall time" has "$(grep -c '"seconds":' "$work/report.jsonl")" "4"
check "a reactor left with a delayed call is unclean" has "$third" '"unclean":["DelayedCalls: (cancelled)","  a call due at t='
# 60 s less what the test took after scheduling it (a slow, sanitized run takes milliseconds).
check "the call's delay is shown" eval '[[ $third =~ \(in\ (60\.000|59\.[0-9]{3})\ s\) ]]'
check "a reactor left with a listening port is unclean" has "$third" '"Selectables: (closed)","  listening port TCP:127.0.0.1:'
check "a reactor that was cleaned up is not unclean" eval '[ -n "$fourth" ] && ! has "$fourth" unclean'
if [ "$failures" -gt 0 ]; then
  printf -- '--- stdout\n%s\n--- stderr\n%s\n--- report\n%s\n' "$out" "$(cat "$work/err")" "$report"
  exit 1
fi
