#!/usr/bin/python3
"""Byte-level interop of twist's basic.hpp with Twisted's twisted.protocols.basic.

Usage: basic_interop.py PATH/TO/basic_interop   (the twist side, a C++ program)

Runs the same cases through Twisted's LineReceiver, LineOnlyReceiver,
NetstringReceiver and Int32/16/8StringReceiver (on Twisted's own
StringTransport) and through twist's (the program, which reads the cases as
JSON on stdin), and compares, event by event:
  - parsing: the same bytes, cut the same way, give the same callbacks
    (lines, raw data, strings, lineLengthExceeded, lengthLimitExceeded,
    loseConnection, brokenPeer) in the same order;
  - sending: the same messages give the same bytes (and the same
    StringTooLongError message);
  - both ways: what Twisted sends, twist parses back to the messages, and
    what twist sends, Twisted parses back to the messages.
Hand-written edge cases come first, then seeded random ones. Exits 0 when
every case agrees, 1 with the differences otherwise, 77 (skipped) without
Twisted. Twisted is the reference: where they differ, twist is wrong.
"""

import json
import random
import subprocess
import sys

try:
    from twisted.internet.testing import StringTransport
    from twisted.protocols import basic
except ImportError:  # pragma: no cover
    print("basic_interop: Twisted is not installed (python3-twisted); skipped")
    sys.exit(77)


class Transport(StringTransport):
    def __init__(self, events):
        StringTransport.__init__(self)
        self.events = events

    def loseConnection(self):
        self.events.append(["lose"])
        StringTransport.loseConnection(self)


# The scripted reactions, the same as basic_interop.cpp's.
class Line(basic.LineReceiver):
    def lineReceived(self, line):
        self.events.append(["line", line.hex()])
        if line == b"quit":
            self.transport.loseConnection()
        if line == b"raw":
            self.setRawMode()

    def rawDataReceived(self, data):
        self.events.append(["raw", data.hex()])
        bar = data.find(b"|")
        if bar >= 0:
            self.setLineMode(data[bar + 1:])

    def lineLengthExceeded(self, line):
        self.events.append(["exceeded", line.hex()])
        return basic.LineReceiver.lineLengthExceeded(self, line)


class LineOnly(basic.LineOnlyReceiver):
    def lineReceived(self, line):
        self.events.append(["line", line.hex()])
        if line == b"quit":
            self.transport.loseConnection()

    def lineLengthExceeded(self, line):
        self.events.append(["exceeded", line.hex()])
        return basic.LineOnlyReceiver.lineLengthExceeded(self, line)


class Netstring(basic.NetstringReceiver):
    def stringReceived(self, s):
        self.events.append(["string", s.hex()])
        if s == b"quit":
            self.transport.loseConnection()


def intN(base):
    class IntN(base):
        def stringReceived(self, s):
            self.events.append(["string", s.hex()])
            if s == b"quit":
                self.transport.loseConnection()

        def lengthLimitExceeded(self, length):
            self.events.append(["limit", length])
            self.sawLimit = True
            base.lengthLimitExceeded(self, length)

    return IntN


KINDS = {
    "line": Line,
    "lineonly": LineOnly,
    "netstring": Netstring,
    "int32": intN(basic.Int32StringReceiver),
    "int16": intN(basic.Int16StringReceiver),
    "int8": intN(basic.Int8StringReceiver),
}
PREFIX = {"int32": 4, "int16": 2, "int8": 1}


def runTwisted(case):
    events = []
    p = KINDS[case["kind"]]()
    p.events = events
    p.sawLimit = False
    if "max" in case:
        p.MAX_LENGTH = case["max"]
    if "delimiter" in case:
        p.delimiter = bytes.fromhex(case["delimiter"])
    t = Transport(events)
    p.makeConnection(t)
    if case["op"] == "send":
        for m in case["messages"]:
            m = bytes.fromhex(m)
            try:
                if hasattr(p, "sendLine"):
                    p.sendLine(m)
                else:
                    p.sendString(m)
            except basic.StringTooLongError as e:
                events.append(["StringTooLongError", str(e)])
    else:
        data = bytes.fromhex(case["data"])
        chunk = case.get("chunk", 0) or max(len(data), 1)
        try:
            for i in range(0, len(data), chunk):
                p.dataReceived(data[i:i + chunk])
                if p.sawLimit:  # Twisted then re-delivers earlier strings: see basic.hpp
                    break
        except Exception:
            events.append(["exception"])
    result = {"events": events, "written": t.value().hex()}
    if case["kind"] == "netstring":
        result["broken"] = bool(p.brokenPeer)
    return result


def parse(kind, data, chunks=(0, 1, 2, 3, 7), **settings):
    return [dict(kind=kind, op="parse", data=data.hex(), chunk=c, **settings) for c in chunks]


def handWritten():
    cases = []
    crlf = b"\r\n"
    for kind in ("line", "lineonly"):
        small = dict(max=8)
        cases += parse(kind, b"hello\r\nworld\r\n\r\nlast")
        cases += parse(kind, b"x" * 8 + crlf + b"y" * 9 + crlf + b"after\r\n", **small)
        cases += parse(kind, b"x" * 9, **small)
        cases += parse(kind, b"x" * 10, **small)
        cases += parse(kind, b"x" * 11 + b"\r", **small)
        cases += parse(kind, b"x" * 16384 + crlf + b"x" * 16385 + crlf + b"z", chunks=(0, 1000))
        cases += parse(kind, b"x" * 16385, chunks=(0, 1000))
        cases += parse(kind, b"x" * 16386, chunks=(0, 1000))
        cases += parse(kind, b"a\r\nquit\r\nb\r\nc\r\nd")
        cases += parse(kind, b"a\nb\r\nc\n", delimiter=b"\n".hex())
        cases += parse(kind, b"one<END>two<EN", delimiter=b"<END>".hex())
        cases += parse(kind, b"xaaaaay", delimiter=b"aa".hex())
        cases += parse(kind, b"abcdefghij", delimiter=b"".hex(), max=4)
        cases.append(dict(kind=kind, op="send", messages=[b"".hex(), b"hello".hex(), b"a\r\nb".hex()]))
        cases.append(dict(kind=kind, op="send", delimiter=b"\n".hex(), messages=[b"x".hex()]))
    cases += parse("line", b"a\r\nraw\r\nbody|b\r\nraw\r\nxy\r\nz|c\r\nd")
    cases += parse("line", b"raw\r\n" + b"x" * 30 + b"|" + b"y" * 20 + b"\r\n", max=8)

    valid = b"".join(b"%d:%s," % (len(s), s) for s in (b"hello", b"", b":,", b"4:1:a,,", b"a" * 515))
    cases += parse("netstring", valid, max=699)
    for bad in (b"9999999999999999999999", b"abc", b"4:abcde", b"2:aaa,", b"0:a,", b":aaa,", b"3aaa,",
                b"aaa,", b"aaa", b"01:a,", b"00:,", b"3:abcX", b"-1:a,", b" 1:a,", b"+1:a,", b"1 :a,",
                b"12\n", b"12\n:", b"12\n\n", b"0", b"99999", b"999999", b"100000:", b"1:a,2:abc,1:b,",
                b"1:a,quit,4:quit,1:b,"):
        cases += parse("netstring", bad)
    cases += parse("netstring", b"12:123456789012,", max=12)
    cases += parse("netstring", b"12:123456789012,", max=11)
    cases += parse("netstring", b"1000:", max=11)
    cases += parse("netstring", b"51:" + b"a" * 51 + b",", max=50)
    cases += parse("netstring", b"0:,", max=0, chunks=(0,))
    cases.append(dict(kind="netstring", op="send", messages=[m.hex() for m in (b"", b"hello", b"a\x00b", b"x" * 12)]))

    for kind, n in PREFIX.items():
        def pack(length):
            return length.to_bytes(n, "big")
        msgs = [b"a", b"b" * 16, b"", b"c" * 200, b"quit", b"after"]
        cases += parse(kind, b"".join(pack(len(m)) + m for m in msgs))
        cases += parse(kind, pack(10) + b"x" * 10 + pack(11) + b"x" * 11, max=10)
        cases += parse(kind, pack(1) + b"a" + pack(11), max=10)
        cases += parse(kind, pack(99999 % (1 << (8 * n))) + b"z", chunks=(0, 1))
        cases += parse(kind, pack(5) + b"abc")
        cases.append(dict(kind=kind, op="send", messages=[m.hex() for m in (b"", b"foo", b"b" * 255, b"b" * 256)]))
    cases.append(dict(kind="int16", op="send", messages=[(b"b" * 65535).hex(), (b"b" * 65536).hex()]))
    return cases


def randomCases(seed, count):
    rng = random.Random(seed)
    alphabet = {
        "line": b"ab\r\n|q",
        "lineonly": b"ab\r\n",
        "netstring": b"0123456789:,a\n",
        "int32": b"\x00\x01\x02a",
        "int16": b"\x00\x01\x03a",
        "int8": b"\x00\x01\x02\x05\x09a",
    }
    cases = []
    for i in range(count):
        kind = rng.choice(list(alphabet))
        data = bytes(rng.choice(alphabet[kind]) for _ in range(rng.randrange(0, 60)))
        if kind == "line" and rng.random() < 0.3:
            data = data.replace(b"q", b"raw\r\n", 1)
        settings = {}
        if rng.random() < 0.7:
            settings["max"] = rng.randrange(1, 12)
        if kind in ("line", "lineonly") and rng.random() < 0.3:
            settings["delimiter"] = rng.choice([b"\n", b"ab", b"aa", b"\r\n\r\n"]).hex()
        cases.append(dict(kind=kind, op="parse", data=data.hex(), chunk=rng.randrange(0, 6), **settings))
    return cases


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    program = sys.argv[1]
    cases = handWritten() + randomCases(20261127, 3000)

    # Both ways, part 1: what Twisted sends, twist must parse back.
    roundTrip = {}
    messages = [b"hello", b"", b"with\x00nul", b"x" * 250, b"\xff\xfe"]
    for kind in KINDS:
        msgs = [m for m in messages if not (kind in ("line", "lineonly") and b"\r\n" in m)]
        sent = runTwisted(dict(kind=kind, op="send", messages=[m.hex() for m in msgs], max=1000))["written"]
        for chunk in (0, 1, 5):
            cid = "fromTwisted-%s-%d" % (kind, chunk)
            roundTrip[cid] = [m.hex() for m in msgs]
            cases.append(dict(id=cid, kind=kind, op="parse", data=sent, chunk=chunk, max=1000))
        cases.append(dict(id="toTwisted-" + kind, kind=kind, op="send", messages=[m.hex() for m in msgs], max=1000))
        roundTrip["toTwisted-" + kind] = [m.hex() for m in msgs]

    for i, case in enumerate(cases):
        case.setdefault("id", "case%d" % i)
    proc = subprocess.run([program], input=json.dumps(cases).encode(), stdout=subprocess.PIPE, check=True)
    twist = json.loads(proc.stdout)

    failures = []
    for case in cases:
        expected = runTwisted(case)
        got = twist.get(case["id"])
        if got != expected:
            failures.append((case, expected, got))
        cid = case["id"]
        if cid.startswith("fromTwisted-"):
            delivered = [e[1] for e in got["events"] if e[0] in ("line", "string")]
            if delivered != roundTrip[cid]:
                failures.append((case, {"delivered": roundTrip[cid]}, {"delivered": delivered}))
        if cid.startswith("toTwisted-"):
            # Both ways, part 2: what twist sends, Twisted must parse back.
            back = runTwisted(dict(kind=case["kind"], op="parse", data=got["written"], max=1000))
            delivered = [e[1] for e in back["events"] if e[0] in ("line", "string")]
            if delivered != roundTrip[cid]:
                failures.append((case, {"delivered": roundTrip[cid]}, {"delivered": delivered}))

    for case, expected, got in failures[:20]:
        print("MISMATCH", json.dumps(case)[:300])
        print("  Twisted:", json.dumps(expected)[:600])
        print("  twist:  ", json.dumps(got)[:600])
    print("basic_interop: %d cases, %d mismatches" % (len(cases), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
