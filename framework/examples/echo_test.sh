#!/usr/bin/env bash
# echo_test.sh ECHO_SERVER ECHO_CLIENT — the echo examples against each other:
# starts echo_server on a free port (port 0, --print-port), runs echo_client
# against it, then stops the server with SIGTERM by its pid and checks that it
# exited 0. Every wait is bounded, so a broken build fails instead of hanging.
set -u
server_bin=$1
client_bin=$2
workdir=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
fail() { echo "echo_test: FAIL: $*" >&2; exit 1; }

"$server_bin" tcp:0:interface=127.0.0.1 --print-port >"$workdir/server.out" 2>"$workdir/server.err" &
server_pid=$!

port=
for _ in $(seq 1 100); do  # up to 5 s
  port=$(head -n 1 "$workdir/server.out" 2>/dev/null)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "echo_server exited early: $(cat "$workdir/server.err")"
  sleep 0.05
done
[[ "$port" =~ ^[0-9]+$ ]] || fail "echo_server did not print its port (got '$port')"
echo "echo_server listens on port $port (pid $server_pid)"

output=$(timeout 15 "$client_bin" "tcp:127.0.0.1:$port" "first line" "second line") || fail "echo_client failed: $output"
echo "$output"
[ "$output" = "$(printf 'echo: first line\necho: second line')" ] || fail "unexpected echoes"

kill -TERM "$server_pid"
for _ in $(seq 1 100); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$server_pid" 2>/dev/null && fail "echo_server did not stop within 5 s of SIGTERM"
wait "$server_pid"
status=$?
server_pid=
[ "$status" -eq 0 ] || fail "echo_server exited with $status after SIGTERM"
echo "echo_test: ok"
