#!/usr/bin/python3
"""twist's JSON logs read by Twisted's own reader (twisted.logger).

Usage: json_log_interop.py PATH/TO/json_log_interop   (the twist side)

The program logs events through twist's jsonFileLogObserver to a file and
says, in a second file, what each event was. This script reads the log with
twisted.logger.eventsFromJSONLogFile and checks, record by record:
  - the file is Twisted's jsonFileLogObserver format: "\\x1e", the JSON, "\\n";
  - formatEvent gives twist's text (LogEvent::text() without the Failure),
    log_level is LogLevel.<name>, log_namespace and log_time are twist's, each
    field is at the top level, and there is no key Twisted does not write;
  - a Failure comes back as a Failure: check(type), getErrorMessage(), and the
    traceback eventAsText shows;
  - where Twisted can write the same event (sameAsTwisted), Twisted's own
    eventAsJSON gives the same bytes as twist.
Text that is not UTF-8 is compared as Python decodes it ("replace").
Exits 0 when all agree, 1 listing the differences, 77 (skipped) without Twisted.
"""

import json
import os
import subprocess
import sys
import tempfile

try:
    from twisted.logger import LogLevel, Logger, eventAsJSON, eventAsText, eventsFromJSONLogFile, formatEvent
    from twisted.python.failure import Failure
except ImportError:  # pragma: no cover
    print("skipped: json_log_interop needs Twisted for /usr/bin/python3 (python3-twisted)")
    sys.exit(77)

LOG_KEYS = {"log_failure", "log_logger", "log_level", "log_namespace", "log_source", "log_format", "log_time",
            "log_flattened"}


def text(numbers):
    return bytes(numbers).decode("utf-8", "replace")


def twistedJSON(expected):
    """What Twisted's Logger and eventAsJSON write for the same event."""
    event = {}
    for name, value in expected["fields"]:
        event.setdefault(text(name), text(value))  # as Logger.info(format, **fields)
    event.update(log_logger=Logger(), log_level=LogLevel.lookupByName(expected["level"]),
                 log_namespace=text(expected["namespace"]), log_source=None, log_format=text(expected["format"]),
                 log_time=expected["time"])
    return eventAsJSON(event)


def check(index, raw, event, expected, problems):
    def problem(what):
        problems.append(f"record {index} ({text(expected['format'])!r}): {what}")

    if not (raw.startswith(b"\x1e") and raw.endswith(b"\n") and raw.count(b"\n") == 1):
        problem(f"not \\x1e JSON \\n: {raw!r}")
    if formatEvent(event) != text(expected["message"]):
        problem(f"formatEvent gives {formatEvent(event)!r}, twist {text(expected['message'])!r}")
    if event.get("log_level") is not LogLevel.lookupByName(expected["level"]):
        problem(f"log_level is {event.get('log_level')!r}, not LogLevel.{expected['level']}")
    if event.get("log_namespace") != text(expected["namespace"]):
        problem(f"log_namespace is {event.get('log_namespace')!r}")
    if event.get("log_time") != expected["time"]:
        problem(f"log_time is {event.get('log_time')!r}, twist {expected['time']!r}")
    fields = {}
    for name, value in expected["fields"]:
        fields.setdefault(text(name), text(value))  # a repeated name: the first value, as LogEvent::field
    for name, value in fields.items():
        if name not in LOG_KEYS and event.get(name) != value:
            problem(f"field {name!r} is {event.get(name)!r}, not {value!r}")
    unexpected = set(event) - LOG_KEYS - set(fields)
    if unexpected:
        problem(f"keys Twisted does not write: {sorted(unexpected)}")
    failure = expected["failure"]
    if failure is None:
        if "log_failure" in event:
            problem("a log_failure without a Failure")
    else:
        f = event.get("log_failure")
        message = text(failure["message"])
        if not isinstance(f, Failure):
            problem(f"log_failure is {f!r}, not a Failure")
        else:
            if f.check(failure["type"]) != failure["type"]:
                problem(f"the Failure does not check() as {failure['type']} (parents {f.parents!r})")
            if f.getErrorMessage() != message:
                problem(f"getErrorMessage() is {f.getErrorMessage()!r}, not {message!r}")
            shown = eventAsText(event)
            if f"Failure: {failure['type']}: {message}" not in shown:
                problem(f"eventAsText does not show the Failure: {shown!r}")
    if expected["sameAsTwisted"]:
        ours = raw.decode("ascii", "replace")
        theirs = "\x1e" + twistedJSON(expected) + "\n"
        if ours != theirs:
            problem(f"bytes differ from Twisted's:\n  twist:   {ours!r}\n  Twisted: {theirs!r}")


def main():
    program = sys.argv[1]
    with tempfile.TemporaryDirectory() as directory:
        logPath = os.path.join(directory, "twist.log")
        expectedPath = os.path.join(directory, "expected.jsonl")
        subprocess.run([program, logPath, expectedPath], check=True, timeout=60)
        with open(expectedPath, "rb") as f:
            expected = [json.loads(line) for line in f]
        with open(logPath, "rb") as f:
            raw = f.read()
        with open(logPath, "rb") as f:
            events = list(eventsFromJSONLogFile(f))
    records = [b"\x1e" + r for r in raw.split(b"\x1e")[1:]] if raw.startswith(b"\x1e") else raw.splitlines(True)
    problems = []
    if not (len(records) == len(events) == len(expected)):
        problems.append(f"{len(expected)} events logged, {len(records)} records written, {len(events)} read by Twisted")
    for index, (record, event, wanted) in enumerate(zip(records, events, expected)):
        check(index, record, event, wanted, problems)
    if problems:
        print("\n".join(problems))
        return 1
    print(f"json_log_interop: {len(events)} records read by Twisted as twist wrote them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
