#!/bin/sh
# activate-check.sh PROGRAM — runs chat.service's own ExecStart line, with
# PROGRAM (the build's chat_service) in place of /usr/local/bin/chat_service
# and the log in a scratch directory, under systemd's socket activator
# (systemd-socket-activate: it listens, and on the first connection starts
# the program with the socket as descriptor 3, LISTEN_FDS=1 and LISTEN_PID,
# as chat.socket would). Checks that the unit's command line serves that
# connection, logs the join as a JSON record, and stops with status 0 on
# SIGTERM, the signal systemctl stop sends.
# Exit 0: it did; 1: it did not (what happened is printed); 77: skipped
# (no systemd-socket-activate, or no python3 for the client).
set -u
here=$(cd "${0%/*}" && pwd)
program=$1
python=$(command -v /usr/bin/python3 || command -v python3)  # the system's starts faster than a pyenv shim
for tool in systemd-socket-activate "$python"; do
  if [ -z "$tool" ] || ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: ${tool:-python3} is not installed here, so chat.service's command line was not run under socket activation"
    exit 77
  fi
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/activate-check.XXXXXX") || exit 1
activator=
cleanup() {
  if [ -n "$activator" ]; then kill -KILL "$activator" 2>/dev/null; fi
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $1"
  echo "its log:"; cat "$dir/chat.log" 2>/dev/null
  echo "its stderr:"; cat "$dir/stderr" 2>/dev/null
  exit 1
}

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
command=$(sed -n 's/^ExecStart=//p' "$here/chat.service" |
          sed "s|/usr/local/bin/chat_service|$program|; s|/var/log/chat/chat.log|$dir/chat.log|")
echo "systemd-socket-activate -l 127.0.0.1:$port $command"
# shellcheck disable=SC2086  # the command line is split into words, as systemd splits ExecStart
systemd-socket-activate -l "127.0.0.1:$port" $command 2>"$dir/stderr" &
activator=$!  # the activator execs the program: this pid becomes the program's

"$python" - "$port" <<'EOF' || fail "no welcome on a connection to the activated socket"
import socket, sys, time
deadline = time.monotonic() + 10
while True:
    try:
        client = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.05)  # the activator is not listening yet
welcome = client.makefile("rb").readline()
print("the client got:", welcome)
sys.exit(0 if welcome.startswith(b"* welcome guest1") else 1)
EOF

"$python" - "$dir/chat.log" <<'EOF' || fail "no JSON record of the join in the log file"
import json, sys, time
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    try:
        records = [json.loads(r) for r in open(sys.argv[1]).read().split("\x1e") if r.strip()]
    except (OSError, ValueError):
        records = []
    if any(r.get("nick") == "guest1" and "joined" in r.get("log_format", "") for r in records):
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
EOF

kill -TERM "$activator"
wait "$activator"
status=$?
activator=
[ "$status" -eq 0 ] || fail "SIGTERM ended it with status $status, not 0"
echo "chat.service's command line served the activated socket and stopped with status 0 on SIGTERM"
