#!/usr/bin/python3
"""Loopback interop of twist's basic.hpp with Twisted, over real TCP sockets.

Usage: basic_tcp_interop.py PATH/TO/basic_tcp_interop   (the twist client)

Listens on 127.0.0.1 (port 0) with one Twisted echo server per receiver
(LineReceiver, LineOnlyReceiver, NetstringReceiver, Int32/16/8StringReceiver,
each echoing every message with its own sendLine / sendString), then runs the
twist client against them; the client sends a few hundred messages per kind
and checks every echo. Twisted parses twist's framing and frames what twist
parses. Exits with the client's status (0: all echoed), 1 after a 60 s
watchdog, 77 (skipped) without Twisted.
"""

import sys

try:
    from twisted.internet import protocol, reactor
    from twisted.protocols import basic
except ImportError:  # pragma: no cover
    print("basic_tcp_interop: Twisted is not installed (python3-twisted); skipped")
    sys.exit(77)


def lineEcho(base):
    class Echo(base):
        def lineReceived(self, line):
            self.sendLine(line)

        def lineLengthExceeded(self, line):
            print("Twisted %s: line too long (%d bytes)" % (base.__name__, len(line)))
            base.lineLengthExceeded(self, line)

    return Echo


def stringEcho(base):
    class Echo(base):
        def stringReceived(self, string):
            self.sendString(string)

        def connectionLost(self, reason):
            if getattr(self, "brokenPeer", 0):
                print("Twisted %s: bad input from twist" % base.__name__)

        def lengthLimitExceeded(self, length):
            print("Twisted %s: length %d over the limit" % (base.__name__, length))
            base.lengthLimitExceeded(self, length)

    return Echo


SERVERS = {
    "line": lineEcho(basic.LineReceiver),
    "lineonly": lineEcho(basic.LineOnlyReceiver),
    "netstring": stringEcho(basic.NetstringReceiver),
    "int32": stringEcho(basic.Int32StringReceiver),
    "int16": stringEcho(basic.Int16StringReceiver),
    "int8": stringEcho(basic.Int8StringReceiver),
}


class Client(protocol.ProcessProtocol):
    status = 1

    def outReceived(self, data):
        sys.stdout.write(data.decode(errors="replace"))

    def errReceived(self, data):
        sys.stdout.write(data.decode(errors="replace"))

    def processEnded(self, reason):
        self.status = reason.value.exitCode if reason.value.exitCode is not None else 1
        if reactor.running:
            reactor.stop()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    args = [sys.argv[1]]
    for kind, proto in SERVERS.items():
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(proto), interface="127.0.0.1")
        args.append("%s=%d" % (kind, port.getHost().port))
    client = Client()
    reactor.spawnProcess(client, sys.argv[1], args, env=None)

    def watchdog():
        print("basic_tcp_interop: timed out")
        client.status = 1
        reactor.stop()

    reactor.callLater(60, watchdog)
    reactor.run()
    print("basic_tcp_interop: %s" % ("ok" if client.status == 0 else "FAILED"))
    return client.status


if __name__ == "__main__":
    sys.exit(main())
