#!/usr/bin/env bash
# e2e_catch_up.sh — `twistlings catch-up 03` as an attendee who fell behind
# meets it, on a temporary copy of the repository: a fresh workspace where
# the attendee edited one exercise (02-reactor/countdown) and passed another
# (01-install/hello, recorded in progress.json). Without a terminal and
# without --yes it refuses; answered "n" it changes nothing; answered "y" the
# references are in place of the core exercises of 00 to 02 not passed, the
# backups hold the attendee's exact bytes, and every other file (the passed
# exercise, the stretch ones, lesson 03 on) is as it was; list shows them
# caught up; a second catch-up has nothing to do. Then the same workspace
# without any progress.json (edited before a first check): every core
# exercise before 03 is caught up, the edited ones kept. Nothing is built:
# catch-up reads progress, it does not grade.
#
# usage: e2e_catch_up.sh SOURCE_DIR RUNNER
set -u
src=$1 runner=$2

. "$(cd "$(dirname "$0")" && pwd)/repo_copy.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e-catch-up.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
copy_repository "$src" "$repo" || exit 1
export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1

run() {  # run ARGS...: the runner's output in $out, its exit code in $code (stdin: /dev/null, not a terminal)
  out=$("$runner" "$@" </dev/null 2>&1)
  code=$?
}
# answer TEXT ARGS...: the runner with a terminal on its stdin, TEXT typed at its question.
answer() {
  local typed=$1; shift
  out=$(/usr/bin/python3 -c '
import os, pty, subprocess, sys
master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
os.close(slave)
os.write(master, (sys.argv[1] + "\n").encode())
out, _ = child.communicate(timeout=60)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(child.returncode)
' "$typed" "$runner" "$@" 2>&1)
  code=$?
}

# --- the attendee's workspace ----------------------------------------------------
printf 'int countdown_attempt = 1;\r\n// half done \xe2\x80\x94 \xff no newline at the end' >>"$repo/exercises/02-reactor/countdown.cpp"
printf '// my hello, which passed\n' >>"$repo/exercises/01-install/hello.cpp"
mkdir -p "$repo/.twistlings"
cat >"$repo/.twistlings/progress.json" <<'JSON'
{"version": 1, "exercises": {"01-install/hello": {"checked": true, "done": true, "hints_shown": 0, "last_status": "pass"}}}
JSON
cp -a "$repo/exercises" "$work/before"
# The files of the core exercises before 03 that are not passed (from the
# manifests) and differ from the reference: their headers are the contract,
# the same in the starter and the reference, so only the .cpp files change.
replaced="exercises/00-intro/toy_loop.cpp exercises/02-reactor/countdown.cpp exercises/02-reactor/heartbeat.cpp"
unchanged_except() {  # every file of exercises/ as it was, but the replaced ones
  local f rel
  while IFS= read -r f; do
    rel=exercises/${f#"$work/before/"}
    grep -qxF "$rel" <<<"$(tr ' ' '\n' <<<"$replaced")" && continue
    cmp -s "$f" "$repo/$rel" || { echo "changed: $rel"; return 1; }
  done < <(find "$work/before" -type f)
}

# --- no terminal, no --yes: refused --------------------------------------------------
run catch-up 03
expect "no terminal and no --yes: exit code 2 (got $code)" [ "$code" = 2 ]
expect "no terminal and no --yes: the message says --yes" contains "$out" "add --yes"
expect "refused: it listed what it would replace" contains "$out" "02-reactor/countdown"
unchanged_except_none() { diff -r "$work/before" "$repo/exercises" >/dev/null; }
expect "refused: nothing changed in exercises/" unchanged_except_none
expect "refused: no backup made" [ ! -e "$repo/.twistlings/backups" ]

# --- answered n: nothing changed -----------------------------------------------------
answer n catch-up 03
expect "answered n: exit code 0 (got $code)" [ "$code" = 0 ]
expect "answered n: it asked" contains "$out" "Catch up? [y/N]"
expect "answered n: it says nothing changed" contains "$out" "Nothing changed."
expect "answered n: nothing changed in exercises/" unchanged_except_none
expect "answered n: no backup made" [ ! -e "$repo/.twistlings/backups" ]
expect "answered n: progress has nothing caught up" bash -c "! grep -q caught_up '$repo/.twistlings/progress.json'"

# --- answered y: the references in place, the attendee's files in the backups ----------
answer y catch-up 03
expect "answered y: exit code 0 (got $code)" [ "$code" = 0 ]
expect "answered y: 00-intro/toy_loop, 02-reactor/countdown and heartbeat caught up" contains "$out" "Caught up 3 exercises"
expect "answered y: the passed exercise is said to be left" contains "$out" "Left as they are, passed: 01-install/hello"
backup=$(find "$repo/.twistlings/backups" -mindepth 1 -maxdepth 1 -type d | head -n1)
expect "answered y: one backup folder" [ -n "$backup" ]
for rel in $replaced; do
  solution=solutions/${rel#exercises/}
  expect "answered y: $rel is the reference" cmp -s "$repo/$rel" "$repo/$solution"
  expect "answered y: the backup of $rel holds the attendee's exact bytes" cmp -s "${backup:-/none}/$rel" "$work/before/${rel#exercises/}"
done
expect "answered y: every other file (passed, stretch, lesson 03 on) is untouched" unchanged_except
expect "answered y: nothing else is in the backup" [ "$(find "${backup:-/none}" -type f | wc -l)" = 3 ]
caught_up_not_done() {
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["exercises"]
for e in ("00-intro/toy_loop", "02-reactor/countdown", "02-reactor/heartbeat"):
    assert d[e]["caught_up"] is True and d[e]["done"] is False, e
assert d["01-install/hello"]["done"] is True and "caught_up" not in d["01-install/hello"]
' "$repo/.twistlings/progress.json"
}
out=$(cat "$repo/.twistlings/progress.json")
expect "answered y: progress marks them caught up, not done; hello still done" caught_up_not_done

# --- list shows the difference -----------------------------------------------------------
run list
expect "list: exit code 0 (got $code)" [ "$code" = 0 ]
expect "list: countdown caught up" contains "$out" "↷ caught  02-reactor/countdown"
expect "list: hello done" contains "$out" "✓ done    01-install/hello"
expect "list: the count of caught up" contains "$out" "caught up: 3"
expect "list: the current exercise is lesson 03's" contains "$out" "→ current 03-callbacks/session"
run list --json
expect "list --json: state caught_up" contains "$out" '"state": "caught_up"'

# --- again: nothing to do; and errors of use -----------------------------------------------
run catch-up 03 --yes
expect "again: nothing to catch up" contains "$out" "Nothing to catch up"
expect "again: no second backup" [ "$(find "$repo/.twistlings/backups" -mindepth 1 -maxdepth 1 | wc -l)" = 1 ]
run catch-up 42
expect "an unknown lesson: exit code 2 (got $code)" [ "$code" = 2 ]
expect "an unknown lesson: the lessons are listed" contains "$out" "03-callbacks"

# --- a fresh workspace edited before any check: no progress.json at all ----------------------
rm -rf "$repo/.twistlings" "$repo/exercises" && cp -a "$work/before" "$repo/exercises"
run catch-up 03 --yes
expect "no progress.json: exit code 0 (got $code)" [ "$code" = 0 ]
expect "no progress.json: it says nothing is recorded as passed" contains "$out" "is recorded as passed"
expect "no progress.json: hello, edited but never checked, is caught up too" contains "$out" "Caught up 4 exercises"
backup=$(find "$repo/.twistlings/backups" -mindepth 1 -maxdepth 1 -type d | head -n1)
expect "no progress.json: the backup of countdown holds the attendee's exact bytes" \
  cmp -s "${backup:-/none}/exercises/02-reactor/countdown.cpp" "$work/before/02-reactor/countdown.cpp"
expect "no progress.json: the backup of hello holds the attendee's exact bytes" \
  cmp -s "${backup:-/none}/exercises/01-install/hello.cpp" "$work/before/01-install/hello.cpp"

echo "$failures failure(s)"
[ "$failures" = 0 ]
