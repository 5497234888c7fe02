#!/usr/bin/env bash
# demo_check.sh RUNNER BUILD_DIR — `twistlings demo` end to end, on a small
# course of its own (two lessons, the real ones' exercises, demos changed):
# an unknown lesson lists the valid ones, a lesson without a demo says which
# have one, a demo that fails passes its exit status on, and SIGINT to the
# runner stops the demo and the children it started (checked by pid), with
# no waiting for Enter when stdin is not a terminal.
set -u
runner=$1 build=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
course=$(mktemp -d)
trap 'rm -rf "$course"' EXIT
. "$(dirname "$0")/repo_copy.sh"

# lesson NAME DEMO_JSON: the real lesson, with its demo replaced (null: none).
lesson() {
  mkdir -p "$course/lessons/$1"
  python3 - "$src/lessons/$1/lesson.json" "$course/lessons/$1/lesson.json" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
demo = json.loads(sys.argv[3])
if demo is None: doc.pop("demo", None)
else: doc["demo"] = demo
json.dump(doc, open(sys.argv[2], "w"))
EOF
}
lesson 02-reactor null
lesson 06-protocol '{"program":"chat_server","args":["bogus:1"],"predict":"Does it start?"}'
export TWISTLINGS_ROOT=$course TWISTLINGS_BUILD_DIR=$build NO_COLOR=1

out=$("$runner" demo 99 </dev/null 2>&1); code=$?
expect "unknown lesson: exit 2, naming the valid ones (got $code)" \
  eval '[ $code = 2 ] && contains "$out" "02-reactor" && contains "$out" "06-protocol"'

out=$("$runner" demo 02 </dev/null 2>&1); code=$?
expect "lesson without a demo: exit 2, naming the lessons with one (got $code)" \
  eval '[ $code = 2 ] && contains "$out" "has no demo (lessons with one: 06-protocol)"'

out=$("$runner" demo 06 --no-wait </dev/null 2>&1); code=$?
expect "a failing demo: its exit status 2 is the runner's (got $code)" [ "$code" = 2 ]
expect "a failing demo: the question was asked first, and the failure is named" \
  eval 'contains "$out" "Predict first: Does it start?" && contains "$out" "exited with status 2"'

# A server demo: SIGINT to the runner (not a terminal: passed on to the
# demo's group) stops it. That its children go too is test_foreground.cpp's.
lesson 06-protocol '{"program":"chat_server","args":["tcp:0:interface=127.0.0.1"],"predict":"?"}'
"$runner" demo 06 </dev/null >"$course/out" 2>&1 &
runner_pid=$!
server_pid=
for _ in $(seq 1 300); do  # up to 30 s: it may have to build chat_server first
  server_pid=$(pgrep -P "$runner_pid" -x chat_server) && break
  sleep 0.1
done
expect "the server demo runs without waiting for Enter (no terminal)" [ -n "$server_pid" ]
sleep 0.5
kill -INT "$runner_pid"
for _ in $(seq 1 100); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
wait "$runner_pid"; code=$?
expect "SIGINT: the runner ends with the demo's status 0 (got $code)" [ "$code" = 0 ]
expect "SIGINT: the demo's process is gone (pid ${server_pid:-none})" \
  eval '[ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null'
if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi

[ "$failures" = 0 ]
