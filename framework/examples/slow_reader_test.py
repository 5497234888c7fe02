#!/usr/bin/env python3
"""slow_reader_test.py echo ECHO_SERVER [MIB]
   slow_reader_test.py chat CHAT_SERVER [MIB]

How much a server grows against a client that never reads (issue 10, 1.4).
echo: one client sends MIB MiB (default 1024) and reads nothing back.
chat: one member joins and never reads; another sends MIB MiB of lines, reading
what comes back to it. The server's resident memory (VmRSS, from /proc) is read
before and at the end; the test fails if it grew by 64 MiB or more. A sender
that can send nothing for 2 s is being held back (back-pressure, or the
server dropped the slow member): that ends the sending early, and is fine.
Prints the growth in MiB and per GiB sent. 127.0.0.1, port 0; every wait is
bounded; the server is stopped by its pid."""
import select
import socket
import sys
import time

import server_process
from server_process import ServerProcess

LIMIT_MIB = 64
TEST = "slow_reader_test"


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    server_process.fail(TEST, "no VmRSS for pid %d" % pid)


def send_until(sock, total, drain=None, marker=None):
    """Sends up to `total` bytes without blocking; stops when 2 s pass with no
    progress. Reads `drain` meanwhile; returns (bytes sent, whether `marker` came)."""
    chunk = (b"x" * 1023 + b"\n") * 64  # 64 KiB of 1 KiB lines
    sent, stalled_since, deadline = 0, None, time.monotonic() + 120
    seen, tail = False, b""
    sock.setblocking(False)
    while sent < total and time.monotonic() < deadline:
        readers = [drain] if drain else []
        readable, writable, _ = select.select(readers, [sock], [], 0.2)
        if drain in readable:
            try:
                data = drain.recv(1 << 20)
                seen = seen or (marker is not None and marker in tail + data)
                tail = data[-256:]
            except BlockingIOError:
                pass
        if sock in writable:
            try:
                n = sock.send(chunk)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (BrokenPipeError, ConnectionResetError):
                break
            if n:
                sent += n
                stalled_since = None
                continue
        stalled_since = stalled_since or time.monotonic()
        if time.monotonic() - stalled_since > 2:
            break
    return sent, seen


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("echo", "chat") or not sys.platform.startswith("linux"):
        if not sys.platform.startswith("linux"):
            print("%s: skipped: reads /proc (Linux only)" % TEST)
            return 77
        print(__doc__, file=sys.stderr)
        return 2
    mode, binary = sys.argv[1], sys.argv[2]
    total = (int(sys.argv[3]) if len(sys.argv) == 4 else 1024) << 20
    server = ServerProcess(TEST, binary)
    try:
        before = rss_kib(server.process.pid)
        if mode == "echo":
            sender = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sent, told = send_until(sender, total)
        else:
            silent = socket.create_connection(("127.0.0.1", server.port), timeout=10)  # never reads
            silent.sendall(b"/nick silent\r\n")
            sender = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sender.sendall(b"/nick loud\r\n")
            sent, told = send_until(sender, total, drain=sender, marker=b"* silent was disconnected")
        time.sleep(0.5)  # what the server was still handling when the sender stopped
        after = rss_kib(server.process.pid)
    finally:
        status = server.stop()
    grown = max(0, after - before) / 1024
    held_back = " (then held back: the server stopped taking more)" if sent < total else ""
    print("%s %s: sent %.0f of %.0f MiB%s; the server grew %.1f MiB; limit %d MiB"
          % (TEST, mode, sent / (1 << 20), total / (1 << 20), held_back, grown, LIMIT_MIB))
    if status != 0:
        server_process.fail(TEST, "the server exited with %s after SIGTERM" % status)
    if mode == "chat" and not told:
        server_process.fail(TEST, "the room was never told that the silent member was disconnected")
    if grown >= LIMIT_MIB:
        server_process.fail(TEST, "the server grew by %.1f MiB against a client that never reads" % grown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
