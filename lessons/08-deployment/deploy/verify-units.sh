#!/bin/sh
# verify-units.sh [PROGRAM] — lesson 08's systemd units, checked with
# `systemd-analyze verify` (syntax, known options, the dependencies between
# chat.service and chat.socket, an ExecStart that can run). The units start
# /usr/local/bin/chat_service; the copies checked here start PROGRAM instead
# (the build's chat_service, say; `true` when not given), since verify
# requires the program to exist.
# Exit 0: clean; 1: verify complained (its words are printed); 77: skipped
# (no systemd-analyze: macOS, a container without systemd).
set -u
here=$(cd "${0%/*}" && pwd)
program=${1:-$(command -v true)}
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "skipped: systemd-analyze is not installed here (no systemd), so the units were not verified"
  exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/verify-units.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/chat_service|$program|" "$here/chat.service" >"$dir/chat.service"
cp "$here/chat.socket" "$dir/chat.socket"
output=$(systemd-analyze verify "$dir/chat.socket" "$dir/chat.service" 2>&1)
status=$?
if [ $status -ne 0 ] || [ -n "$output" ]; then
  echo "systemd-analyze verify (status $status) on chat.socket and chat.service:"
  echo "$output"
  exit 1
fi
echo "chat.socket and chat.service: systemd-analyze verify has nothing to say"
