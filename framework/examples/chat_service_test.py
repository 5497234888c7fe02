"""chat_service as the lesson 08 tests will use it: started on 127.0.0.1
port 0 with a pidfile and a JSON log; two clients join and chat, one quits,
a second start on the same pidfile is refused, SIGTERM: the other gets the
goodbye, the service exits 0 and its pidfile is gone; the log holds one
record per join and per leave, with the nick and the peer.

    chat_service_test.py BUILD/bin/chat_service

Bounded (every read times out), processes stopped by pid (the harness is
framework/tests/test_launcher.py's Launched)."""
import os
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from test_launcher import Failed, Launched, check, connect, read_until_closed, records, run  # noqa: E402


class Client:
    def __init__(self, port):
        self.socket = connect(port)
        self.buffer = b""
        self.address = "TCP:127.0.0.1:%d" % self.socket.getsockname()[1]

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.socket.recv(4096)
            check(chunk, "the server closed while %r waited for a line (got %r)" % (self.address, self.buffer))
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode()

    def expect(self, wanted):
        got = self.line()
        check(got == wanted, "%s got %r, expected %r" % (self.address, got, wanted))

    def send(self, line):
        self.socket.sendall(line.encode() + b"\r\n")


def test(binary, directory):
    pidfile = os.path.join(directory, "chat.pid")
    args = ["--listen", "tcp:0:interface=127.0.0.1", "--pidfile", pidfile]
    with Launched(binary, directory, args=args, log="chat.log") as service:
        with open(pidfile) as f:
            check(f.read() == "%d\n" % service.process.pid, "the pidfile does not hold the service's pid")
        status, out, err = run([binary, "--pidfile", pidfile, "--listen", "tcp:0:interface=127.0.0.1"])
        check(status == 1 and str(service.process.pid) in err,
              "a second start on the live pidfile: exit %s, stderr %r" % (status, err))

        alice = Client(service.port)
        alice.expect("* welcome guest1 (1 online)")
        bob = Client(service.port)
        bob.expect("* welcome guest2 (2 online)")
        alice.expect("* guest2 joined")
        alice.send("hello bob")
        bob.expect("<guest1> hello bob")
        bob.send("/quit")
        bob.expect("* bye")
        check(read_until_closed(bob.socket) == b"", "bob's connection stayed open after /quit")
        alice.expect("* guest2 left")

        service.signal(signal.SIGTERM)
        alice.expect("* server shutting down")
        check(alice.buffer == b"" and read_until_closed(alice.socket) == b"",
              "more than the goodbye, or no close, after SIGTERM")
        status, err = service.outcome()
        check(status == 0, "exit status %s after SIGTERM (stderr %r)" % (status, err))
        check(not os.path.exists(pidfile), "the pidfile is left after the stop")

        log = records(service.log)
        joins = [(r["nick"], r["peer"]) for r in log if r.get("log_format") == "{nick} joined from {peer}"]
        leaves = [(r["nick"], r["peer"]) for r in log if r.get("log_format") == "{nick} left ({peer})"]
        check(joins == [("guest1", alice.address), ("guest2", bob.address)], "join records: %r" % joins)
        check(leaves == [("guest2", bob.address), ("guest1", alice.address)], "leave records: %r" % leaves)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    directory = tempfile.mkdtemp(prefix="chat-service-")
    try:
        test(sys.argv[1], directory)
    except (Failed, OSError) as e:
        print("chat_service: FAIL: %s" % e, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print("chat_service: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
