#!/usr/bin/python3
"""twistlings slides in real pseudo-terminals (issue 12 §2): the presenter and
a notes window started first, over the real loopback link; keys on either move
the deck; a resize redraws; q, SIGTERM and SIGHUP give the terminal back (the
alternate screen left, the cursor shown) and exit 0; the session file follows
the deck and loses its "pid" at exit; not in a terminal, the deck is text.

Run on a copy of lessons/ and slides/ in a temporary folder (TWISTLINGS_ROOT),
so the repository's .twistlings/ is never touched. Bounded: every wait has a
deadline, every process started is killed by its pid at the end.

  test_presenter_pty.py TWISTLINGS_BINARY REPOSITORY
"""
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

binary, repository = sys.argv[1], sys.argv[2]
failures = 0
children = []


def check(name, condition):
    global failures
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures += 1


def resize(fd, rows, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def spawn(args, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, ["twistlings", *args], env)
    resize(fd, 24, 80)
    children.append(pid)
    return pid, fd


class Screen:
    """What a pseudo-terminal has shown, read as it comes."""

    def __init__(self, fd):
        self.fd = fd
        self.out = b""

    def take(self):
        out, self.out = self.out, b""
        return out


def pump(screens, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([s.fd for s in screens], [], [], 0.02)
        for s in screens:
            if s.fd in ready:
                try:
                    s.out += os.read(s.fd, 65536)
                except OSError:
                    pass


def wait_for(screens, screen, text, seconds=5.0):
    """Reads until `text` has shown on `screen` (True) or the deadline (False)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if text in screen.out:
            return True
        pump(screens, 0.05)
    return text in screen.out


def exited(pid, seconds=5.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.remove(pid)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    return None


def session(root):
    with open(os.path.join(root, ".twistlings", "slides-session.json")) as f:
        return json.load(f)


LEAVE = b"\x1b[?1049l"
CURSOR = b"\x1b[?25h"

root = tempfile.mkdtemp(prefix="twistlings-slides-")
try:
    for folder in ("lessons", "slides"):
        shutil.copytree(os.path.join(repository, folder), os.path.join(root, folder))
    env = dict(os.environ, TWISTLINGS_ROOT=root, TERM="xterm")
    env.pop("NO_COLOR", None)

    # A notes window started first waits for the presenter.
    notes_pid, notes_fd = spawn(["slides", "--notes"], env)
    notes = Screen(notes_fd)
    check("a notes window started first waits for the presenter",
          wait_for([notes], notes, b"Waiting for the presenter"))

    presenter_pid, presenter_fd = spawn(["slides", "02"], env)
    presenter = Screen(presenter_fd)
    both = [notes, presenter]
    check("the presenter enters the alternate screen and shows slide 1/N",
          wait_for(both, presenter, b"\x1b[?1049h") and wait_for(both, presenter, b"slide 1/"))
    check("the notes window follows: slide 1 and the next slide's title", wait_for(both, notes, b"Next: "))
    slides = session(root)["slides"]
    check("the session file names the lesson, the slide and a live pid",
          session(root)["lesson"] == "02-reactor" and session(root)["slide"] == 1
          and session(root)["pid"] == presenter_pid and "port" in session(root))

    notes.take()
    os.write(presenter_fd, b"\x1b[C")
    check("the right arrow on the presenter moves the notes window to slide 2",
          wait_for(both, notes, ("Slide 2/%d" % slides).encode()))
    presenter.take()
    os.write(notes_fd, b"g5\r")
    check("g 5 Enter in the notes window moves the presenter to slide 5",
          wait_for(both, presenter, ("slide 5/%d" % slides).encode()))
    check("the session file says slide 5", session(root)["slide"] == 5)

    presenter.take()
    resize(presenter_fd, 30, 100)
    os.kill(presenter_pid, signal.SIGWINCH)
    pump(both, 0.5)
    lines = presenter.out.split(b"\r\n")
    check("a resize redraws the slide for the new size (30 rows)",
          b"slide 5/" in presenter.out and len(lines) >= 30)

    notes.take()
    os.write(presenter_fd, b"q")
    code = exited(presenter_pid)
    pump(both, 0.3)
    check("q quits the presenter with exit code 0", code == 0)
    check("q gives the terminal back: the alternate screen left, the cursor shown",
          LEAVE in presenter.out and CURSOR in presenter.out)
    check("the session file stays, without its pid", "pid" not in session(root) and session(root)["slide"] == 5)
    check("the notes window goes on, waiting again", wait_for(both, notes, b"Waiting for the presenter"))

    os.kill(notes_pid, signal.SIGHUP)
    code = exited(notes_pid)
    pump([notes], 0.2)
    check("SIGHUP ends the notes window with exit code 0, the terminal given back",
          code == 0 and LEAVE in notes.out and CURSOR in notes.out)

    presenter_pid, presenter_fd = spawn(["slides", "02", "--theme", "light"], env)
    presenter = Screen(presenter_fd)
    check("--theme light draws on the light background",
          wait_for([presenter], presenter, b"\x1b[0;30;107m"))
    os.kill(presenter_pid, signal.SIGTERM)
    code = exited(presenter_pid)
    pump([presenter], 0.2)
    check("SIGTERM ends the presenter with exit code 0, the terminal given back",
          code == 0 and LEAVE in presenter.out and CURSOR in presenter.out)

    text = subprocess.run([binary, "slides", "02"], env=env, capture_output=True, timeout=30)
    printed = text.stdout.decode()
    check("not in a terminal, the deck is printed as text, every slide with its number, and exit 0",
          text.returncode == 0 and ("slide %d/%d" % (slides, slides)) in printed and "\x1b" not in printed)
finally:
    for pid in list(children):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    shutil.rmtree(root, ignore_errors=True)

sys.exit(1 if failures else 0)
