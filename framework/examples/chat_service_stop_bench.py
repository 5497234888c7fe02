"""How long chat_service takes from SIGTERM to its exit with N clients
connected (issue 11's closing note): each run starts it on 127.0.0.1 port 0
with a JSON log file, connects N clients and reads each one's welcome,
sends SIGTERM, and times until the process has exited (waitpid); then checks
that it exited 0 and that every client got "* server shutting down" before
its connection closed. Prints one JSON line:

  {"workload": "sigterm_to_exit", "clients": 100, "runs": 5, "median_ms": ..., "min_ms": ..., "max_ms": ...}

    chat_service_stop_bench.py BUILD/bin/chat_service [--clients N] [--runs R]

Bounded: every read and wait times out; the service is stopped by its pid."""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from test_launcher import Failed, Launched, check, read_until_closed  # noqa: E402


def one_run(binary, clients):
    directory = tempfile.mkdtemp(prefix="chat-stop-bench-")
    try:
        with Launched(binary, directory, args=["--listen", "tcp:0:interface=127.0.0.1"], log="chat.log") as service:
            sockets = []
            for _ in range(clients):
                client = socket.create_connection(("127.0.0.1", service.port), timeout=10)
                welcome = b""
                while b"\r\n" not in welcome:
                    chunk = client.recv(4096)
                    check(chunk, "closed before the welcome")
                    welcome += chunk
                check(welcome.startswith(b"* welcome "), "not a welcome: %r" % welcome)
                sockets.append((client, welcome.split(b"\r\n", 1)[1]))
            began = time.perf_counter()
            service.signal(signal.SIGTERM)
            service.process.wait(timeout=10)
            took = time.perf_counter() - began
            check(service.process.returncode == 0, "exit status %s" % service.process.returncode)
            for client, early in sockets:
                rest = early + read_until_closed(client)
                check(rest.endswith(b"* server shutting down\r\n"), "a client's last bytes: %r" % rest[-60:])
                client.close()
            return took
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    try:
        times = [one_run(options.binary, options.clients) * 1000 for _ in range(options.runs)]
    except (Failed, OSError) as e:
        print("chat_service_stop_bench: FAIL: %s" % e, file=sys.stderr)
        return 1
    print(json.dumps({"workload": "sigterm_to_exit", "clients": options.clients, "runs": options.runs,
                      "median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
                      "max_ms": round(max(times), 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
