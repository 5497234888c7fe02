// transport.hpp — ITransport, Address and producers (Twisted:
// twisted.internet.interfaces ITransport / ITCPTransport / IProducer,
// twisted.internet.address).
//
// A transport is the connection as a protocol sees it: bytes go out with
// write(), and the connection ends with loseConnection(). A protocol never
// touches a socket; it talks to the transport its makeConnection was given,
// which is why the same protocol runs over TCP, over a process's pipes, or
// over a StringTransport in a test (testing.hpp).
//
//   transport->write("hello\r\n");
//   transport->loseConnection();   // after what is buffered has been sent
//
// Writing: write() never blocks. What the kernel does not take at once is
// buffered by the transport (it owns those bytes until they are sent); empty
// writes and writes after the connection is gone are dropped silently.
// Flow control: a producer registered with registerProducer is paused when the
// buffer passes 64 KiB and resumed when it drains (a streaming producer), or
// asked for more each time it drains (a pull producer), so the buffer stays
// bounded. Twisted's write() rejects str with TypeError; C++'s types do that.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twist {

// An endpoint of a connection: type "TCP" (or "UDP"), host, port. Equal by
// value, like Twisted's IPv4Address / IPv6Address (an IPv6 host has a ':';
// twist has no flowInfo or scopeID).
struct Address {
  std::string type = "TCP";
  std::string host;
  int port = 0;

  bool operator==(const Address&) const = default;
  bool isIPv6() const { return host.find(':') != std::string::npos; }
  // "TCP:127.0.0.1:8080", "TCP:[::1]:8080"
  std::string str() const {
    return type + ":" + (isIPv6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

// Something that produces data to write, and can be told to wait (Twisted:
// IPushProducer / IPullProducer). A streaming (push) producer writes on its
// own and is paused and resumed; a pull producer writes only when asked with
// resumeProducing.
class IProducer {
 public:
  virtual ~IProducer() = default;
  virtual void pauseProducing() {}  // streaming producers only
  virtual void resumeProducing() = 0;
  virtual void stopProducing() = 0;  // the connection is gone: produce no more
};

class ITransport {
 public:
  virtual ~ITransport() = default;

  virtual void write(std::string_view data) = 0;
  virtual void writeSequence(const std::vector<std::string_view>& parts) {
    for (std::string_view part : parts) write(part);
  }
  // Stops reading, sends what is buffered, then closes; the protocol's
  // connectionLost gets ConnectionDone. Calling it again does nothing.
  // A registered producer keeps the connection open until it is unregistered.
  virtual void loseConnection() = 0;
  // Closes now, dropping what is buffered; connectionLost gets ConnectionAborted.
  virtual void abortConnection() = 0;
  // Half-close: sends what is buffered, then shuts down our side for writing.
  // The peer reads end-of-file; we can still read.
  virtual void loseWriteConnection() = 0;

  virtual Address getPeer() const = 0;
  virtual Address getHost() const = 0;

  // Throws std::logic_error when a producer is already registered (Twisted: RuntimeError).
  virtual void registerProducer(IProducer& producer, bool streaming) = 0;
  virtual void unregisterProducer() = 0;

  // Set once loseConnection has been called (Twisted: transport.disconnecting);
  // LineReceiver stops parsing when it sees it.
  bool disconnecting = false;

  // The high-water mark: a streaming producer is paused above it (Twisted: 64 KiB).
  static constexpr std::size_t kBufferSize = 65536;
};

}  // namespace twist
