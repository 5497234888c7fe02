#!/usr/bin/env bash
# nc_test.sh ECHO_SERVER CHAT_SERVER — the examples against netcat (Debian's
# netcat-openbsd), a peer no one here wrote:
#  1. echo_server: a line sent with nc comes back byte for byte;
#  2. chat_server: two nc clients; each is greeted, a line one sends reaches
#     the other as "<name>: <line>", /nick renames, /quit ends the connection
#     and the other hears the leave message.
# Servers listen on port 0 of 127.0.0.1 (--print-port) and are killed by pid
# on exit. Exit 77 (skipped) when nc is missing. Every wait is bounded.
set -u
echo_bin=$1
chat_bin=$2
nc_bin=$(command -v nc || true)
[ -x /usr/bin/nc ] && nc_bin=/usr/bin/nc
if [ -z "$nc_bin" ]; then echo "nc_test: SKIP: nc (netcat-openbsd) is not installed"; exit 77; fi

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$workdir"
}
trap cleanup EXIT
fail() {
  echo "nc_test: FAIL: $*" >&2
  for f in "$workdir"/*; do echo "--- $f"; cat "$f"; done >&2
  exit 1
}

# start_server NAME BINARY: runs it on a free port; sets $port.
server_pids=()
start_server() {
  "$2" tcp:0:interface=127.0.0.1 --print-port >"$workdir/$1.out" 2>"$workdir/$1.err" &
  local pid=$!
  pids+=("$pid")
  server_pids+=("$pid")
  port=
  for _ in $(seq 1 100); do  # up to 5 s
    port=$(head -n 1 "$workdir/$1.out" 2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "$1 exited early"
    sleep 0.05
  done
  [[ "$port" =~ ^[0-9]+$ ]] || fail "$1 did not print its port (got '$port')"
}

# wait_for FILE TEXT: until FILE contains TEXT (up to 5 s).
wait_for() {
  for _ in $(seq 1 100); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "$(basename "$1") never got '$2'"
}

# 1. echo: nc -N closes its side after stdin's EOF; -q 2 waits at most 2 s more.
start_server echo_server "$echo_bin"
printf 'hello from nc\nsecond line\n' >"$workdir/echo.in"
timeout 10 "$nc_bin" -N -q 2 127.0.0.1 "$port" <"$workdir/echo.in" >"$workdir/echo.got" 2>&1 ||
  true  # nc's status differs between versions; the bytes decide
cmp -s "$workdir/echo.in" "$workdir/echo.got" || fail "echo_server did not echo the lines back"
echo "nc_test: echo ok"

# 2. chat: each client reads its input from a fifo the script writes to.
start_server chat_server "$chat_bin"
for c in a b; do
  mkfifo "$workdir/$c.fifo"
  timeout 20 "$nc_bin" 127.0.0.1 "$port" <"$workdir/$c.fifo" >"$workdir/$c.got" 2>&1 &
  pids+=($!)
  exec {fd}>"$workdir/$c.fifo"
  eval "fd_$c=$fd"
  wait_for "$workdir/$c.got" "Welcome!"
done
grep -qF "0 others here" "$workdir/a.got" || fail "the first client was not told it is alone"
grep -qF "1 other here" "$workdir/b.got" || fail "the second client was not told about the first"
wait_for "$workdir/a.got" "* guest2 joined"

echo "hello, b" >&"$fd_a"
wait_for "$workdir/b.got" "guest1: hello, b"
echo "/nick bob" >&"$fd_b"
wait_for "$workdir/a.got" "* guest2 is now bob"
echo "hi a, I am bob" >&"$fd_b"
wait_for "$workdir/a.got" "bob: hi a, I am bob"
echo "/quit" >&"$fd_b"
wait_for "$workdir/b.got" "Bye!"
wait_for "$workdir/a.got" "* bob left"
grep -qF "hello, b" "$workdir/a.got" && fail "a line was sent back to its sender"
exec {fd_a}>&- {fd_b}>&-
echo "nc_test: chat ok"
# Both servers stop cleanly on SIGTERM (under ASan, this is where leaks show).
for pid in "${server_pids[@]}"; do
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$pid" 2>/dev/null && fail "a server did not stop within 5 s of SIGTERM"
  wait "$pid" || fail "a server exited with $? after SIGTERM"
done
echo "nc_test: ok"
