// stdio.hpp — a protocol on this process's standard input and output
// (Twisted: twisted.internet.stdio.StandardIO).
//
// A command-line program is a connection too: bytes arrive on stdin and leave
// on stdout. StandardIO is the transport that connects a Protocol to them, so
// the LineReceiver written for a socket reads what is typed, unchanged:
//
//   struct Echo : twist::LineReceiver {            class Echo(LineReceiver):
//     Echo() { delimiter = "\n"; }                     delimiter = b"\n"
//     void lineReceived(std::string_view line) override {
//       sendLine(line);                                def lineReceived(self, line):
//     }                                                    self.sendLine(line)
//   };
//   twist::StandardIO::open(reactor, std::make_unique<Echo>());    stdio.StandardIO(Echo())
//   reactor.run();                                                 reactor.run()
//
// What stdin and stdout may be:
// - a terminal: read as the terminal hands it over, a line at a time as it
//   is typed (the terminal stays in its normal mode: editing, Ctrl-D, Ctrl-C);
// - a pipe or a socket: read and written by the loop, like a TCP connection;
// - a file or a device such as /dev/null, which the loop cannot watch (epoll
//   refuses regular files, so Twisted's StandardIO fails on `< file`): read
//   and written with plain blocking calls on libuv's thread pool, one at a time.
//
// Events, in Twisted's order: makeConnection (connectionMade) from inside
// open(); dataReceived for what is read, in chunks of any size; at the end of
// the input (Ctrl-D, the end of a pipe or file), readConnectionLost() for a
// protocol that wantsHalfClose (it may go on writing, then loseConnection),
// otherwise the transport loses the connection itself; connectionLost(reason)
// once, last, when both sides are closed: ConnectionDone after
// loseConnection or the end of the input, ConnectionLost naming the libuv
// error when reading or writing failed (EPIPE: whoever read our stdout is gone),
// or when the reactor shuts down ("during shutdown", as for TCP).
// An exception from a protocol callback is logged and closes both sides with it.
//
// Writing is TCP's (transport.hpp): write() never blocks, what the other side
// does not take at once is buffered, a registered producer is paused above
// kBufferSize and resumed when the buffer drains, so stdout cannot grow
// without bound behind a slow reader. loseWriteConnection() sends what is
// buffered, then closes stdout (writeConnectionLost() for a half-close
// protocol); loseConnection() also stops reading. StandardIO is itself a push
// producer of what it reads: pauseProducing stops reading stdin.
//
// How twist differs from Twisted, and why:
// - At the end of the input, a protocol that does not want half-close loses
//   the connection politely: what it wrote is sent first. Twisted calls
//   connectionLost at once and drops what was still buffered.
// - StandardIO reads and writes duplicates of stdinFd and stdoutFd (dup) and
//   closes only those: the process's own descriptors stay open, so printf
//   and std::cerr go on working afterwards (a reader of our stdout sees its
//   end when the process exits). Do not mix printf into stdout while
//   StandardIO writes there: the two are not ordered.
// - libuv makes a pipe non-blocking, and that mode is shared with every
//   process holding the same pipe (the shell, a sibling in `(a; b) | c`);
//   StandardIO puts each descriptor's mode back when it closes it. A terminal
//   is reopened by libuv, so its mode is never touched.
// - getPeer() and getHost() are Address{"PIPE", "", 0} (Twisted: PipeAddress).
//
// Ownership and lifetime:
// - open() returns the transport; the Reactor owns it (a LoopResource), and
//   it owns the protocol. The reference is valid until the protocol's
//   connectionLost has returned; the transport then frees itself, with the
//   protocol, in the close callbacks of its libuv handles (and after its last
//   thread-pool read or write has come back: a read from a device that never
//   answers holds ~Reactor, which waits for the pool, until it does).
// - A producer registered on it is not owned, and must be unregistered (or
//   stopped, which StandardIO does when it goes) before it is destroyed.
#pragma once

#include <cstddef>
#include <memory>

#include "twist/protocol.hpp"
#include "twist/transport.hpp"

namespace twist {

class Reactor;

class StandardIO : public ITransport, public IProducer {
 public:
  // Connects protocol to stdinFd and stdoutFd (duplicates of them, see above)
  // and calls its makeConnection. Throws std::runtime_error naming the
  // descriptor and the error when one of them is not open (EBADF).
  static StandardIO& open(Reactor& reactor, std::unique_ptr<Protocol> protocol, int stdinFd = 0,
                          int stdoutFd = 1);

  // Bytes accepted by write() and not yet handed to the kernel.
  virtual std::size_t bufferedBytes() const = 0;
  // True when stdin is a terminal (a program may prompt, or say how to end the input).
  virtual bool readsTerminal() const = 0;
};

}  // namespace twist
