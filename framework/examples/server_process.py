"""The harness the example tests share: start a server program on port 0 of
127.0.0.1 with --print-port, read the port it prints, and stop it by its pid
with SIGTERM (killed if need be), checking that it exits 0."""
import signal
import subprocess
import sys
import threading


def fail(test, why):
    print("%s: FAIL: %s" % (test, why), file=sys.stderr)
    sys.exit(1)


class ServerProcess:
    def __init__(self, test, binary, endpoint="tcp:0:interface=127.0.0.1", stop_timeout=5):
        self.test = test
        self.stop_timeout = stop_timeout
        self.process = subprocess.Popen([binary, endpoint, "--print-port"], stdout=subprocess.PIPE)  # stderr: ours
        timer = threading.Timer(5, self.process.kill)  # a server that never prints its port
        timer.start()
        line = self.process.stdout.readline()
        timer.cancel()
        if not line.strip().isdigit():
            self.stop()
            fail(test, "the server did not print its port (got %r)" % line)
        self.port = int(line)

    def stop(self):
        """SIGTERM, then the exit status; killed (and the test failed) if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                fail(self.test, "the server did not stop within %d s of SIGTERM" % self.stop_timeout)
        return self.process.returncode

    def stop_and_check(self):
        status = self.stop()
        if status != 0:
            fail(self.test, "the server exited with %s after SIGTERM" % status)
