#!/usr/bin/env python3
"""python_socket_test.py ECHO_SERVER — echo_server against Python's own socket
module (no Twisted): a peer no one here wrote. Sends several messages, among
them one of 1 MiB, and checks that every byte comes back, in order. The server
listens on port 0 of 127.0.0.1 (--print-port), is stopped with SIGTERM by its
pid (killed if need be) and must exit 0. Every wait is bounded."""
import os
import socket
import sys
import threading

import server_process
from server_process import ServerProcess

server = ServerProcess("python_socket_test", sys.argv[1])


def fail(why):
    server_process.fail("python_socket_test", why)


try:
    port = server.port

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
    server.stop_and_check()
print("python_socket_test: ok")
