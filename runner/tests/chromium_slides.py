#!/usr/bin/python3
"""The HTML slides in a real browser (issue 12 §3): Debian's chromium, headless,
driven through the DevTools protocol over --remote-debugging-pipe (fd 3 in,
fd 4 out, one JSON message per NUL), standard library only.

usage: chromium_slides.py TWISTLINGS OUT_DIR

Exports every deck with `TWISTLINGS slides --html OUT_DIR/html` (TWISTLINGS_ROOT
as the caller set it), then for each deck page checks that it
  - makes no network request (only its own file is loaded) and logs no
    console error, warning of a refused resource or uncaught exception;
  - has as many slides as its Markdown (counted here, apart from the runner's
    parser: '---' lines with blank lines around, outside fenced code);
  - moves with the keys (-> space End <- Home) and never shows the notes;
fits a 1280x720 window; and writes screenshots of its first slide and of its
first code slide to OUT_DIR/screenshots/<lesson>.png and <lesson>-code.png.
One deck is printed to PDF (OUT_DIR/<lesson>.pdf), which must have one page a
slide; its speaker view ('s') must open and follow the deck.
Exit 0, 1 naming what failed, or 77 ("skipped: chromium not found").
"""
import base64
import fcntl
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0  # seconds for any one answer or event


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def markdown_slide_count(text):
    """Slides in a deck, as reveal.js splits them: a '---' line with blank
    lines around, outside fenced code."""
    lines = text.split("\n")
    fence = None
    count = 1
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        match = re.match(r"(`{3,}|~{3,})", stripped)
        if match and len(line) - len(stripped) < 4:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and stripped.strip() == marker:
                fence = None
            continue
        if fence is None and line == "---" and 0 < i < len(lines) - 1:
            if lines[i - 1].strip() == "" and lines[i + 1].strip() == "":
                count += 1
    return count


class Browser:
    """One headless chromium and its DevTools pipe."""

    def __init__(self, binary, profile, sandbox=True):
        to_browser = os.pipe()
        from_browser = os.pipe()
        # The child's fds 3 and 4, moved out of the way first so that dup2 cannot clobber one.
        child_in = fcntl.fcntl(to_browser[0], fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser[1], fcntl.F_DUPFD, 10)
        os.close(to_browser[0])
        os.close(from_browser[1])

        def plumb():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [binary, "--headless=new", "--remote-debugging-pipe", "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--no-proxy-server", "--window-size=1280,720", "about:blank"]
        if not sandbox:
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=plumb)
        os.close(child_in)
        os.close(child_out)
        self.write_fd = to_browser[1]
        self.read_fd = from_browser[0]
        self.buffer = b""
        self.next_id = 0
        self.events = []   # (sessionId, method, params), in arrival order

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.write_fd)
        os.close(self.read_fd)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in %.0f s" % TIMEOUT)
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed its DevTools pipe (exit %s)" % self.proc.poll())
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.write_fd, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self.events.append((message.get("sessionId"), message["method"], message.get("params", {})))

    def wait_for(self, predicate, what):
        """The first event (recorded or arriving) for which predicate holds."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self.events:
                if predicate(*event):
                    self.events.remove(event)
                    return event
            message = self._read_message(deadline)
            if "method" in message:
                self.events.append((message.get("sessionId"), message["method"], message.get("params", {})))
            elif time.monotonic() > deadline:
                raise TimeoutError("no " + what)

    def evaluate(self, session, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session)
        if "exceptionDetails" in result:
            raise RuntimeError("evaluating %s: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def key(self, session, key, code, keycode):
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": keycode,
                      "nativeVirtualKeyCode": keycode}
            if kind == "keyDown" and len(key) == 1:
                params["text"] = key
            self.send("Input.dispatchKeyEvent", params, session)

    def open_page(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable", {}, session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Page.navigate", {"url": url}, session)
        self.wait_for(lambda s, m, p: s == session and m == "Page.loadEventFired", "load event for " + url)
        return target, session


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            self.failures.append(what)


def trouble(browser, session, page_url):
    """What the page did that it must not: requests other than its own file,
    console errors and warnings, log entries, uncaught exceptions."""
    own = page_url.split("#")[0]
    found = []
    for s, method, params in browser.events:
        if s != session:
            continue
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.split("#")[0] != own and not url.startswith("data:"):
                found.append("a request for " + url)
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            found.append("console %s: %s" % (params["type"], text))
        elif method == "Runtime.exceptionThrown":
            found.append("an exception: %s" % params["exceptionDetails"].get("text"))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            found.append("log %s: %s" % (params["entry"]["level"], params["entry"].get("text")))
    return found


def check_deck(browser, checks, html_file, markdown_file, shots, print_pdf_to=None):
    lesson = html_file.stem
    url = html_file.resolve().as_uri()
    expected = markdown_slide_count(markdown_file.read_text(encoding="utf-8"))
    target, session = browser.open_page(url)

    count = browser.evaluate(session, "document.querySelectorAll('main > section.slide').length")
    checks.expect(count == expected, "%s: %s slides in the page, %d in the Markdown" % (lesson, count, expected))
    shown = "document.body.getAttribute('data-slide') + ' ' + " \
            "Array.from(document.querySelectorAll('main > section.slide'))" \
            ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.id).join(',')"
    checks.expect(browser.evaluate(session, shown) == "1 slide-1", "%s: opens on slide 1 alone" % lesson)
    notes_shown = browser.evaluate(
        session, "Array.from(document.querySelectorAll('aside.notes')).filter(a => a.offsetParent !== null).length")
    notes_count = browser.evaluate(session, "document.querySelectorAll('aside.notes').length")
    checks.expect(notes_shown == 0 and notes_count == expected,
                  "%s: each slide's notes are in the page (%s) and none is shown (%s)" % (lesson, notes_count, notes_shown))

    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
    (shots / (lesson + ".png")).write_bytes(base64.b64decode(shot["data"]))

    # Every slide fits the 1280x720 window: nothing cut off at the bottom or the right.
    overflowing = browser.evaluate(session, """
        Array.from(document.querySelectorAll('main > section.slide')).filter(s => {
          s.classList.add('current');
          const over = s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1 ||
            Array.from(s.querySelectorAll('pre')).some(p => p.scrollWidth > p.clientWidth + 1);
          s.classList.toggle('current', s.id === 'slide-1');
          return over;
        }).map(s => s.id + ' ' + s.getAttribute('data-title')).join('; ')""")
    checks.expect(not overflowing, "%s: every slide fits 1280x720%s" % (lesson, ": not " + overflowing if overflowing else ""))
    code_slide = browser.evaluate(
        session, "(Array.from(document.querySelectorAll('main > section.slide')).find(s => s.querySelector('pre')) || {}).id")
    if code_slide:
        browser.evaluate(session, "location.hash = '#%s'" % code_slide.split("-")[1])
        browser.evaluate(session, "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
        (shots / (lesson + "-code.png")).write_bytes(base64.b64decode(shot["data"]))
        browser.key(session, "Home", "Home", 36)

    moves = [("ArrowRight", "ArrowRight", 39, min(2, expected)), (" ", "Space", 32, min(3, expected)),
             ("ArrowLeft", "ArrowLeft", 37, min(2, expected)), ("End", "End", 35, expected),
             ("ArrowRight", "ArrowRight", 39, expected), ("Home", "Home", 36, 1), ("ArrowLeft", "ArrowLeft", 37, 1)]
    for key, code, keycode, want in moves:
        browser.key(session, key, code, keycode)
        got = browser.evaluate(session, shown)
        checks.expect(got == "%d slide-%d" % (want, want), "%s: %s moves to slide %d (%s)" % (lesson, code, want, got))
    checks.expect(browser.evaluate(session, "location.hash") == "#1", "%s: the address keeps the slide (#1)" % lesson)

    if print_pdf_to is not None:
        pdf = base64.b64decode(browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                                            session)["data"])
        print_pdf_to.write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
        checks.expect(pages == expected, "%s: printed to PDF, %d pages for %d slides (%s)"
                      % (lesson, pages, expected, print_pdf_to))
        check_speaker(browser, checks, target, session, lesson, expected)

    problems = trouble(browser, session, url)
    checks.expect(not problems, "%s: no request leaves the file and nothing is logged%s"
                  % (lesson, ": " + "; ".join(problems) if problems else ""))
    browser.send("Target.closeTarget", {"targetId": target})


def check_speaker(browser, checks, target, session, lesson, expected):
    """'s' opens the speaker view in a second window; it shows the current
    slide and the next one's title, and follows the deck (and the deck it)."""
    browser.send("Target.setDiscoverTargets", {"discover": True})
    browser.key(session, "s", "KeyS", 83)
    _, _, created = browser.wait_for(
        lambda s, m, p: m == "Target.targetCreated" and p["targetInfo"].get("openerId") == target,
        "speaker window")
    speaker = browser.send("Target.attachToTarget", {"targetId": created["targetInfo"]["targetId"],
                                                     "flatten": True})["sessionId"]
    browser.send("Runtime.enable", {}, speaker)
    now = "document.readyState === 'complete' ? document.getElementById('speaker-now').textContent : ''"

    def speaker_shows(prefix):
        deadline = time.monotonic() + 10
        text = ""
        while time.monotonic() < deadline:
            text = browser.evaluate(speaker, now) or ""
            if text.startswith(prefix):
                return text
            time.sleep(0.05)
        return text

    text = speaker_shows("1/%d" % expected)
    checks.expect(text.startswith("1/%d" % expected), "%s: the speaker view opens on slide 1 (%r)" % (lesson, text))
    notes = browser.evaluate(speaker, "document.getElementById('speaker-notes').textContent.trim().length")
    checks.expect(bool(notes), "%s: the speaker view shows the slide's notes" % lesson)
    browser.key(session, "ArrowRight", "ArrowRight", 39)
    text = speaker_shows("2/%d" % expected)
    checks.expect(text.startswith("2/%d" % expected), "%s: the speaker view follows the deck to 2 (%r)" % (lesson, text))
    browser.key(speaker, "ArrowRight", "ArrowRight", 39)
    deadline = time.monotonic() + 10
    slide = None
    while time.monotonic() < deadline:
        slide = browser.evaluate(session, "document.body.getAttribute('data-slide')")
        if slide == "3":
            break
        time.sleep(0.05)
    checks.expect(slide == str(min(3, expected)), "%s: a key in the speaker view moves the deck (%s)" % (lesson, slide))
    problems = trouble(browser, speaker, "")
    problems = [p for p in problems if not p.startswith("a request for file:")]
    checks.expect(not problems, "%s: the speaker view logs nothing%s" % (lesson, ": " + "; ".join(problems) if problems else ""))
    browser.send("Target.closeTarget", {"targetId": created["targetInfo"]["targetId"]})
    browser.send("Target.setDiscoverTargets", {"discover": False})


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    twistlings, out = sys.argv[1], pathlib.Path(sys.argv[2])
    chromium = find_chromium()
    if chromium is None:
        print("skipped: chromium not found (./twistlings selftest installs it where it can)")
        return 77
    root = pathlib.Path(os.environ.get("TWISTLINGS_ROOT") or pathlib.Path(__file__).resolve().parents[2])
    html = out / "html"
    shots = out / "screenshots"
    shutil.rmtree(out, ignore_errors=True)
    shots.mkdir(parents=True)
    subprocess.run([twistlings, "slides", "--html", str(html)], check=True, timeout=120)
    decks = sorted(p for p in html.glob("*.html") if p.name != "index.html")
    checks = Checks()
    checks.expect(len(decks) > 0, "the export wrote deck pages into %s" % html)
    with tempfile.TemporaryDirectory(prefix="twistlings-chromium-") as profile:
        # Chromium refuses its sandbox as root, and cannot have it in a container without user
        # namespaces: then it runs without (it loads only the pages this test wrote).
        browser = Browser(chromium, profile, sandbox=os.geteuid() != 0)
        try:
            browser.send("Target.setDiscoverTargets", {"discover": False})
        except (RuntimeError, TimeoutError) as e:
            print("chromium with its sandbox: %s; again without it" % e)
            browser.close()
            browser = Browser(chromium, profile, sandbox=False)
        try:
            browser.send("Target.setDiscoverTargets", {"discover": False})
            for i, deck in enumerate(decks):
                pdf = out / (deck.stem + ".pdf") if i == 0 else None
                check_deck(browser, checks, deck, root / "slides" / (deck.stem + ".md"), shots, pdf)
            target, session = browser.open_page((html / "index.html").resolve().as_uri())
            links = browser.evaluate(session, "document.querySelectorAll('td a').length")
            checks.expect(links == len(decks), "the index links every deck (%s of %d)" % (links, len(decks)))
            problems = trouble(browser, session, (html / "index.html").resolve().as_uri())
            checks.expect(not problems, "the index loads nothing else and logs nothing")
        finally:
            browser.close()
    print("screenshots: %s" % shots)
    if checks.failures:
        print("%d checks failed" % len(checks.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
