"""Twisted's echo server (its echoserv.py), the Python side of echo_compare.sh.

Listens on 127.0.0.1 only, prints its port on the first line of stdout, and
serves until SIGINT or SIGTERM (Twisted's reactor stops on both).
Usage: /usr/bin/python3 twisted_echo.py [PORT]      (0 or nothing: a free port)
Needs Debian's python3-twisted; its default reactor on Linux is epoll.
"""
import sys

from twisted.internet import protocol, reactor


class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    factory = protocol.Factory.forProtocol(Echo)
    listening = reactor.listenTCP(port, factory, backlog=50, interface="127.0.0.1")
    print(listening.getHost().port, flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
