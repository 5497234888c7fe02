"""twist::runService (launcher.hpp) run as a process: twist_helper_launcher,
a trivial service under the launcher, is started with options, connected
to, signalled and its exit status, log and pidfile checked.

    test_launcher.py BUILD/bin/twist_helper_launcher [CASE ...]

Everything is on 127.0.0.1, port 0 (the launcher logs the port it got),
in a temporary directory; every wait is bounded, and every process started
here is stopped by its pid (killed) even when a check fails. Prints one
line per case, PASS or FAIL with the reason; exits 1 if any failed."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HELPER = None
TIMEOUT = 10  # seconds: any single wait here


class Failed(Exception):
    pass


def check(condition, why):
    if not condition:
        raise Failed(why)


def wait_for(predicate, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise Failed("timed out after %s s waiting for %s" % (timeout, what))


def records(path):
    """The JSON log's records: one a line, with Twisted's \\x1e before each
    (or none, as twist wrote them before the Twisted format)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for line in text.split("\n"):
        line = line.lstrip("\x1e")
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            raise Failed("a log line is not JSON: %r" % line)
    return out


def formats(path):
    return [r.get("log_format", "") for r in records(path)]


def text_of(record):
    """The event's text: the log_format with {field} replaced."""
    text = record.get("log_format", "")
    for key, value in record.items():
        if isinstance(value, str):
            text = text.replace("{%s}" % key, value)
    return text


def texts(path):
    return [text_of(r) for r in records(path)]


class Launched:
    """A program under twist::runService, logging JSON to directory/log;
    with wait_listening, started once its first listening port is logged
    (self.port). examples/chat_service_test.py uses it too."""

    def __init__(self, binary, directory, args=(), log="log.json", wait_listening=True, leading=(), env=None):
        self.log = os.path.join(directory, log)
        argv = [binary, *leading, "--logfile", self.log, "--log-format", "json", *args]
        environment = dict(os.environ, **(env or {}))
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        self.port = None
        if wait_listening:
            try:
                record = wait_for(lambda: self.listening() or self.exited(), "the 'listening on' record")
            except Failed:
                self.kill()
                raise
            if record is True:
                raise Failed("the helper exited (%s) before listening: %s" % self.outcome())
            self.port = int(record["port"])

    def listening(self):
        for r in records(self.log):
            if r.get("log_format") == "{service} listening on {address}":
                return r
        return None

    def exited(self):
        return self.process.poll() is not None

    def outcome(self):
        """(status, stderr) once exited."""
        try:
            _, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failed("the helper did not exit within %s s" % TIMEOUT)
        return self.process.returncode, err.decode(errors="replace")

    def signal(self, signum):
        self.process.send_signal(signum)

    def wait_logged(self, fragment):
        return wait_for(lambda: any(fragment in t for t in texts(self.log)), repr(fragment) + " in the log")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()  # whatever happened in the block: the process is stopped by its pid


class Helper(Launched):
    """One twist_helper_launcher; helper_args are its own options."""

    def __init__(self, directory, args=(), helper_args=(), log="log.json", wait_listening=True, env=None):
        super().__init__(HELPER, directory, args, log, wait_listening, leading=helper_args, env=env)


def connect(port):
    client = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return client


def read_until_closed(client):
    data = b""
    while True:
        chunk = client.recv(4096)
        if not chunk:
            return data
        data += chunk


def run(argv, timeout=TIMEOUT):
    done = subprocess.run(argv, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def dead_pid():
    """A pid that names no process: a child that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


# ---- the cases -----------------------------------------------------------------------


def case_bad_options_exit_2_naming_the_option(d):
    for args, named in [
        (["--bogus"], "--bogus"),
        (["--log-format", "xml"], "--log-format"),
        (["--log-level", "loud"], "--log-level"),
        (["--shutdown-timeout", "0"], "--shutdown-timeout"),
        (["--shutdown-timeout", "-1"], "--shutdown-timeout"),
        (["--shutdown-timeout", "nan"], "--shutdown-timeout"),
        (["--shutdown-timeout", "inf"], "--shutdown-timeout"),
        (["--shutdown-timeout", "soon"], "--shutdown-timeout"),
        (["--listen"], "--listen"),
        (["--listen", "tcp:notaport"], "--listen"),
        (["--listen", "udp:53"], "--listen"),
        (["--listen", "tcp:0:interface=127.0.0.1:backlog=x"], "--listen"),
        (["--pidfile"], "--pidfile"),
        (["stray"], "stray"),
    ]:
        status, out, err = run([HELPER, *args])
        check(status == 2, "%s: exit status %s, expected 2 (stderr: %r)" % (args, status, err))
        check(named in err, "%s: stderr does not name %s: %r" % (args, named, err))
        check("--help" in err, "%s: stderr does not point at --help: %r" % (args, err))


def case_a_program_option_under_a_launcher_name_exits_1_naming_it(d):
    status, out, err = run([HELPER, "--bad-program-option"])
    check(status == 1, "exit status %s, expected 1 (stderr: %r)" % (status, err))
    check("helper's ProgramOption \"pidfile\": --pidfile is the launcher's own" in err, "stderr: %r" % err)
    check(out == "", "stdout: %r" % out)


def case_help_lists_options_signals_and_exit_statuses(d):
    status, out, err = run([HELPER, "--help"])
    check(status == 0, "--help exited %s" % status)
    for word in ["--listen", "--logfile", "--log-format", "--log-level", "--pidfile", "--shutdown-timeout",
                 "SIGTERM", "SIGHUP", "Exit status", "tcp:0:interface=127.0.0.1"]:
        check(word in out, "--help does not mention %s: %r" % (word, out))


def case_sigterm_with_a_connection_open_stops_the_service_and_exits_0(d):
    with Helper(d) as helper:
        client = connect(helper.port)
        check(client.recv(100) == b"hello\r\n", "no hello from the helper")
        helper.signal(signal.SIGTERM)
        rest = read_until_closed(client)
        check(rest == b"bye\r\n", "the client got %r before the close, expected the service's bye" % rest)
        status, err = helper.outcome()
        check(status == 0, "exit status %s after SIGTERM, expected 0 (stderr %r)" % (status, err))
        said = texts(helper.log)
        for fragment in ["Received SIGTERM, shutting down.", "helper stop began with 1 connections",
                         "The services stopped in", "helper stopped"]:
            check(any(fragment in t for t in said), "the log lacks %r: %r" % (fragment, said))


def case_sigint_stops_like_sigterm(d):
    with Helper(d) as helper:
        helper.signal(signal.SIGINT)
        status, err = helper.outcome()
        check(status == 0, "exit status %s after SIGINT, expected 0" % status)
        check(any("Received SIGINT" in t for t in texts(helper.log)), "SIGINT not logged")


def case_a_stop_slower_than_the_grace_period_exits_after_it_saying_so(d):
    with Helper(d, args=["--shutdown-timeout", "1"], helper_args=["--stop-delay", "30"]) as helper:
        client = connect(helper.port)
        client.recv(100)
        began = time.monotonic()
        helper.signal(signal.SIGTERM)
        status, err = helper.outcome()
        took = time.monotonic() - began
        check(status == 0, "exit status %s, expected 0 after the grace period" % status)
        check(0.9 <= took <= 4, "exited %.2f s after SIGTERM; the grace period was 1 s" % took)
        check(any("did not stop within the grace period (1 s)" in t for t in texts(helper.log)),
              "the log does not say the stop outlasted the grace period: %r" % texts(helper.log))
        check(read_until_closed(client) == b"", "the slow service's bye came, yet it was still waiting")


def second_signal(d, signum):
    pidfile = os.path.join(d, "second.pid")
    args = ["--shutdown-timeout", "20", "--pidfile", pidfile]
    with Helper(d, args=args, helper_args=["--stop-delay", "30"]) as helper:
        helper.signal(signum)
        helper.wait_logged("helper stop began")
        helper.signal(signum)
        status, err = helper.outcome()
        check(status == 128 + signum, "exit status %s after a second signal %d, expected %d" %
              (status, signum, 128 + signum))
        check(not os.path.exists(pidfile), "the pidfile is left after the second signal")
        check(any("again while stopping" in t for t in texts(helper.log)), "the second signal is not logged")


def case_a_second_sigterm_exits_at_once_with_143(d):
    second_signal(d, signal.SIGTERM)


def case_a_second_sigint_exits_at_once_with_130(d):
    second_signal(d, signal.SIGINT)


def case_pidfile_holds_the_pid_written_whole_and_is_removed_at_exit(d):
    piddir = os.path.join(d, "run")
    os.mkdir(piddir)
    pidfile = os.path.join(piddir, "helper.pid")
    with Helper(d, args=["--pidfile", pidfile]) as helper:
        with open(pidfile) as f:
            content = f.read()
        check(content == "%d\n" % helper.process.pid, "the pidfile holds %r, the pid is %d" %
              (content, helper.process.pid))
        check(os.listdir(piddir) == ["helper.pid"], "beside the pidfile: %r (a temporary file left?)" %
              os.listdir(piddir))
        helper.signal(signal.SIGTERM)
        status, err = helper.outcome()
        check(status == 0, "exit status %s" % status)
        check(os.listdir(piddir) == [], "left after exit: %r" % os.listdir(piddir))


def case_a_pidfile_naming_a_live_process_refuses_the_start(d):
    pidfile = os.path.join(d, "live.pid")
    live = os.getpid()  # this test: alive for sure
    with open(pidfile, "w") as f:
        f.write("%d\n" % live)
    with Helper(d, args=["--pidfile", pidfile], wait_listening=False) as helper:
        status, err = helper.outcome()
        check(status == 1, "exit status %s with a live pidfile, expected 1" % status)
        check(str(live) in err and pidfile in err, "stderr does not name the pidfile and pid %d: %r" % (live, err))
        check(any(str(live) in t for t in texts(helper.log)), "the log does not name pid %d" % live)
        with open(pidfile) as f:
            check(f.read() == "%d\n" % live, "the live instance's pidfile was changed")


def case_a_stale_pidfile_is_removed_with_a_warning(d):
    pidfile = os.path.join(d, "stale.pid")
    stale = dead_pid()
    with open(pidfile, "w") as f:
        f.write("%d\n" % stale)
    with Helper(d, args=["--pidfile", pidfile]) as helper:
        warnings = [r for r in records(helper.log) if "stale" in text_of(r)]
        check(len(warnings) == 1 and warnings[0].get("pid") == str(stale),
              "no warning naming the stale pid %d: %r" % (stale, texts(helper.log)))
        level = warnings[0].get("log_level")
        check("warn" in json.dumps(level), "the stale pidfile is logged at %r, not as a warning" % level)
        with open(pidfile) as f:
            check(f.read() == "%d\n" % helper.process.pid, "the pidfile does not hold the new pid")
        helper.signal(signal.SIGTERM)
        check(helper.outcome()[0] == 0, "no clean exit")


def case_a_pidfile_that_holds_no_pid_refuses_the_start(d):
    pidfile = os.path.join(d, "garbage.pid")
    with open(pidfile, "w") as f:
        f.write("not a pid\n")
    with Helper(d, args=["--pidfile", pidfile], wait_listening=False) as helper:
        status, err = helper.outcome()
        check(status == 1 and "holds no pid" in err, "exit %s, stderr %r" % (status, err))
        check(os.path.exists(pidfile), "a pidfile it could not read was removed")


def case_a_pidfile_that_cannot_be_written_fails_naming_path_and_error(d):
    pidfile = os.path.join(d, "missing", "helper.pid")
    status, out, err = run([HELPER, "--pidfile", pidfile])
    check(status == 1, "exit status %s, expected 1" % status)
    check(pidfile in err and "ENOENT" in err, "stderr does not name the path and ENOENT: %r" % err)


def case_a_log_file_that_cannot_be_opened_fails_naming_path_and_error(d):
    logfile = os.path.join(d, "missing", "log.json")
    status, out, err = run([HELPER, "--logfile", logfile])
    check(status == 1, "exit status %s, expected 1" % status)
    check(logfile in err and "ENOENT" in err, "stderr does not name the path and ENOENT: %r" % err)


def case_a_port_in_use_fails_the_start_and_removes_the_pidfile(d):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    pidfile = os.path.join(d, "inuse.pid")
    try:
        with Helper(d, args=["--pidfile", pidfile, "--listen", "tcp:%d:interface=127.0.0.1" % port],
                    wait_listening=False) as helper:
            status, err = helper.outcome()
            check(status == 1, "exit status %s with the port in use, expected 1" % status)
            check("EADDRINUSE" in err and str(port) in err, "stderr does not name the port and EADDRINUSE: %r" % err)
            check(not os.path.exists(pidfile), "the pidfile is left after a failed start")
    finally:
        holder.close()


def case_a_builder_that_throws_fails_the_start_with_status_1(d):
    with Helper(d, helper_args=["--fail-build"], wait_listening=False) as helper:
        status, err = helper.outcome()
        check(status == 1 and "asked to fail" in err, "exit %s, stderr %r" % (status, err))
        check(any("asked to fail" in t for t in texts(helper.log)), "the failure is not logged")


def case_a_start_failure_stops_what_started_in_reverse_order_then_exits_1_without_pidfile(d):
    pidfile = os.path.join(d, "failstart.pid")
    with Helper(d, args=["--pidfile", pidfile], helper_args=["--fail-start", "--stop-delay", "0.2"],
                wait_listening=False) as helper:
        status, err = helper.outcome()
        check(status == 1, "exit status %s after a failed start, expected 1" % status)
        got = texts(helper.log)

        def at(fragment):
            found = [i for i, t in enumerate(got) if fragment in t]
            check(found, "%r is not in the log: %r" % (fragment, got))
            return found[0]

        # The failing service is the last child: stopped first, the first child (its stop is slow) last.
        order = [at("could not start"), at("helper failing service stopped"), at("helper stop began"),
                 at("helper stop finished"), at("The services stopped in")]
        check(order == sorted(order), "not failure, then the stop in reverse order: %r" % got)
        check("startService failed" in err and "asked to fail at start" in err,
              "stderr does not say what failed and why: %r" % err)
        check(not os.path.exists(pidfile), "the pidfile is left after a failed start")


def case_a_start_failure_whose_stop_outlasts_the_shutdown_timeout_exits_1_after_it(d):
    began = time.monotonic()
    with Helper(d, args=["--shutdown-timeout", "0.3"], helper_args=["--fail-start", "--stop-delay", "30"],
                wait_listening=False) as helper:
        status, _ = helper.outcome()
        took = time.monotonic() - began
        check(status == 1, "exit status %s, expected 1" % status)
        check(took < 5, "took %.1f s with a 0.3 s grace period" % took)
        check(any("did not stop within the grace period" in t for t in texts(helper.log)),
              "the timeout is not logged: %r" % texts(helper.log))


def case_two_listen_options_listen_on_both(d):
    twice = ["--listen", "tcp:0:interface=127.0.0.1"] * 2
    with Helper(d, args=twice) as helper:
        ports = [int(r["port"]) for r in records(helper.log)
                 if r.get("log_format") == "{service} listening on {address}"]
        check(len(ports) == 2 and ports[0] != ports[1], "listening records: %r" % ports)
        for port in ports:
            client = connect(port)
            check(client.recv(100) == b"hello\r\n", "no hello on port %d" % port)
            client.close()
        helper.signal(signal.SIGTERM)
        check(helper.outcome()[0] == 0, "no clean exit")


def case_sighup_reopens_the_log_file_after_a_rename(d):
    with Helper(d, log="rotating.json") as helper:
        rotated = helper.log + ".1"
        os.rename(helper.log, rotated)
        helper.signal(signal.SIGHUP)
        wait_for(lambda: os.path.exists(helper.log), "a new log file at the path after SIGHUP")
        helper.signal(signal.SIGTERM)
        status, err = helper.outcome()
        check(status == 0, "exit status %s" % status)
        old, new = texts(rotated), texts(helper.log)
        check(any("listening on" in t for t in old), "the renamed file lost the old records")
        check(not any("SIGTERM" in t for t in old), "records after SIGHUP still went to the renamed file")
        check(any("reopened the log file" in t for t in new) and any("Received SIGTERM" in t for t in new),
              "the new file lacks the reopen and the stop: %r" % new)


def case_json_records_parse_and_carry_twisted_keys_and_fields(d):
    with Helper(d) as helper:
        helper.signal(signal.SIGTERM)
        check(helper.outcome()[0] == 0, "no clean exit")
        with open(helper.log, encoding="utf-8") as f:
            raw = f.read()
        all_records = records(helper.log)  # raises if a line is not JSON
        check(len(all_records) >= 5 and raw.count("\n") == len(all_records), "not one record a line: %r" % raw)
        for r in all_records:
            for key in ["log_format", "log_namespace", "log_level", "log_time"]:
                check(key in r, "a record lacks %s: %r" % (key, r))
        listening = helper.listening()
        check(listening["host"] == "127.0.0.1" and listening["port"].isdigit(), "fields: %r" % listening)


def case_ready_and_stopping_go_to_notify_socket(d):
    path = os.path.join(d, "notify.sock")
    systemd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    systemd.bind(path)
    systemd.settimeout(TIMEOUT)
    try:
        with Helper(d, env={"NOTIFY_SOCKET": path}) as helper:
            check(systemd.recv(100) == b"READY=1", "the first datagram is not READY=1")
            helper.signal(signal.SIGTERM)
            check(systemd.recv(100) == b"STOPPING=1", "no STOPPING=1 after SIGTERM")
            check(helper.outcome()[0] == 0, "no clean exit")
    finally:
        systemd.close()


def case_a_notify_socket_nobody_listens_on_is_logged_and_the_service_runs(d):
    path = os.path.join(d, "nobody.sock")
    with Helper(d, env={"NOTIFY_SOCKET": path}) as helper:
        helper.wait_logged("Could not tell systemd that helper is ready")
        client = connect(helper.port)
        check(client.recv(100) == b"hello\r\n", "the service does not answer")
        helper.signal(signal.SIGTERM)
        check(helper.outcome()[0] == 0, "no clean exit")


def levels_logged(d, level):
    # The helper's own critical event says it is up, at every level.
    with Helper(d, args=["--log-level", level], log="level-%s.json" % level, wait_listening=False) as helper:
        helper.wait_logged("helper critical event")
        helper.signal(signal.SIGTERM)
        check(helper.outcome()[0] == 0, "no clean exit")
        return [n for n in ["debug", "info", "warn", "error", "critical"]
                if ("helper %s event" % n) in formats(helper.log)]


def case_log_level_drops_the_events_below_it(d):
    got = levels_logged(d, "warn")
    check(got == ["warn", "error", "critical"], "--log-level warn logged %r" % got)
    got = levels_logged(d, "debug")
    check(got == ["debug", "info", "warn", "error", "critical"], "--log-level debug logged %r" % got)
    got = levels_logged(d, "info")
    check(got == ["info", "warn", "error", "critical"], "--log-level info logged %r" % got)


def case_the_listening_record_is_written_at_every_log_level(d):
    for level in ["warn", "error", "critical"]:
        # Waits for the "listening on" record, as a program started on port 0 would.
        with Helper(d, args=["--log-level", level], log="listening-%s.json" % level) as helper:
            client = connect(helper.port)
            try:
                check(client.recv(100).startswith(b"hello"), "the logged port %d is not the helper's" % helper.port)
            finally:
                client.close()
            helper.signal(signal.SIGTERM)
            check(helper.outcome()[0] == 0, "no clean exit at --log-level %s" % level)
            check("helper info event" not in formats(helper.log), "--log-level %s let an info event through" % level)


def case_text_log_on_stdout_with_logfile_dash(d):
    process = subprocess.Popen([HELPER, "--logfile", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = b""
        deadline = time.monotonic() + TIMEOUT
        while b" started (pid " not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
            check(line, "stdout closed before the start was logged")
        check(b"[helper#info]" in line, "not a text record: %r" % line)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=TIMEOUT)
        check(process.returncode == 0, "exit status %s" % process.returncode)
        check(b"Received SIGTERM" in out and err == b"", "stdout %r, stderr %r" % (out, err))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main():
    global HELPER
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    HELPER = sys.argv[1]
    wanted = sys.argv[2:]
    cases = [(name, fn) for name, fn in globals().items() if name.startswith("case_") and callable(fn)]
    failed = 0
    for name, fn in cases:
        if wanted and name[5:] not in wanted and name not in wanted:
            continue
        directory = tempfile.mkdtemp(prefix="twist-launcher-")
        began = time.monotonic()
        try:
            fn(directory)
            print("PASS %s (%.2f s)" % (name[5:], time.monotonic() - began))
        except Exception as e:  # Failed, or anything unexpected: reported the same way
            failed += 1
            print("FAIL %s: %s: %s" % (name[5:], type(e).__name__, e))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        sys.stdout.flush()
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
