#!/usr/bin/python3
"""systemd's own socket activation starting a twist server (systemd.hpp).

Usage: systemd_socket_activate.py PATH/TO/twist_helper_systemd

test_systemd plays systemd's part itself; here systemd's tool does it:
systemd-socket-activate listens on 127.0.0.1, and on the first connection
starts twist_helper_systemd "systemd:domain=INET:index=0" with the socket as
descriptor 3 and LISTEN_FDS / LISTEN_PID (and LISTEN_FDNAMES, which twist,
like Twisted 22.4, does not read) set for it. Checks that the helper took the
variables, listened on that socket, and greeted the connection that woke it,
then exited 0. The tool takes no port 0: a port is picked by binding 0 and
closing, and picked again if someone took it meanwhile; the connection waits
for the tool's "Listening on" line. Exits 0 on success,
1 on a failure (or after 30 s), 77 (skipped) without systemd-socket-activate.
"""

import os
import shutil
import socket
import subprocess
import sys

GREETING = b"hello from twist\n"


def freePort():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attempt(tool, helper):
    """One run: (True, "") on success, (False, why) on a failure, None when the port was taken."""
    port = freePort()
    endpoint = "systemd:domain=INET:index=0"
    child = subprocess.Popen([tool, "-l", "127.0.0.1:%d" % port, helper, endpoint],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = child.stderr.readline()  # "Listening on 127.0.0.1:PORT as 3." once it listens
        if not first.startswith(b"Listening on"):
            out, err = child.communicate(timeout=10)
            if b"Address already in use" in first + err:
                return None
            return False, "systemd-socket-activate never listened: %r" % (first + err)
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        received = b""
        with client:
            try:
                while True:
                    data = client.recv(4096)
                    if not data:
                        break
                    received += data
            except OSError as e:
                out, err = child.communicate(timeout=10)
                return False, "the connection ended with %s after %r (stderr %r)" % (e, received, err)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    expected = ("env LISTEN_PID=unset LISTEN_FDS=unset\n"
                "listening TCP:127.0.0.1:%d fd3 closed\n" % port).encode()
    if received != GREETING:
        return False, "the connection got %r, not %r" % (received, GREETING)
    if out != expected:
        return False, "the helper printed %r, not %r (stderr %r)" % (out, expected, err)
    if child.returncode != 0:
        return False, "the helper exited %d (stderr %r)" % (child.returncode, err)
    return True, ""


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tool = shutil.which("systemd-socket-activate")
    if not tool:
        print("systemd_socket_activate: no systemd-socket-activate (package systemd); skipped")
        return 77
    helper = os.path.abspath(sys.argv[1])
    for _ in range(5):
        result = attempt(tool, helper)
        if result is None:
            continue  # the port went to someone else between the pick and the tool's bind
        ok, why = result
        if not ok:
            print("systemd_socket_activate: " + why)
            return 1
        print("systemd_socket_activate: systemd-socket-activate started twist_helper_systemd, which served on its socket")
        return 0
    print("systemd_socket_activate: five ports in a row were taken before the tool could bind them")
    return 1


if __name__ == "__main__":
    import signal
    signal.alarm(30)  # SIGALRM ends the test: never hang ctest
    sys.exit(main())
