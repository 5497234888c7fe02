#!/usr/bin/env python3
"""python_socket_test.py ECHO_SERVER — echo_server against Python's own socket
module (no Twisted): a peer no one here wrote. Sends several messages, among
them one of 1 MiB, and checks that every byte comes back, in order. The server
listens on port 0 of 127.0.0.1 (--print-port), is stopped with SIGTERM by its
pid (killed if need be) and must exit 0. Every wait is bounded."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

server = subprocess.Popen([sys.argv[1], "tcp:0:interface=127.0.0.1", "--print-port"],
                          stdout=subprocess.PIPE)  # stderr: ours


def fail(why):
    print("python_socket_test: FAIL:", why, file=sys.stderr)
    sys.exit(1)


def stop_server():
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            return server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            fail("echo_server did not stop within 5 s of SIGTERM")
    return server.returncode


try:
    timer = threading.Timer(5, server.kill)  # a server that never prints its port
    timer.start()
    line = server.stdout.readline()
    timer.cancel()
    if not line.strip().isdigit():
        fail("echo_server did not print its port (got %r)" % line)
    port = int(line)

    messages = [b"hello\n", b"\x00\x01\x02 binary \xff\xfe", b"x" * 70000,
                os.urandom(1024 * 1024), b"last one\r\n"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.settimeout(10)  # every recv and send is bounded
        for message in messages:
            # Send on a thread while reading here: 1 MiB is more than both
            # socket buffers, so sending it all before reading would deadlock.
            sender = threading.Thread(target=sock.sendall, args=(message,), daemon=True)
            sender.start()
            received = bytearray()
            while len(received) < len(message):
                chunk = sock.recv(65536)
                if not chunk:
                    fail("connection closed after %d of %d bytes" % (len(received), len(message)))
                received += chunk
            sender.join(10)
            if bytes(received) != message:
                fail("a %d-byte message came back different" % len(message))
            print("python_socket_test: %d bytes echoed" % len(message))
        sock.shutdown(socket.SHUT_WR)
        if sock.recv(1) != b"":
            fail("extra bytes after the last echo")
finally:
    status = stop_server()
if status != 0:
    fail("echo_server exited with %s after SIGTERM" % status)
print("python_socket_test: ok")
