// endpoints.hpp — where to listen or connect, as a string (Twisted:
// twisted.internet.endpoints, serverFromString / clientFromString).
//
// A program takes its address as configuration instead of code, so the same
// server listens on a fixed port in production and on port 0 in a test:
//
//   auto endpoint = twist::serverFromString(reactor, "tcp:8080:interface=127.0.0.1");
//   endpoint->listen(*factory).addCallback([](std::shared_ptr<twist::IListeningPort> port) { ... });
//
//   auto client = twist::clientFromString(reactor, "tcp:host=example.org:port=80");
//   client->connect(*factory).addCallback([](twist::Protocol* p) { ... });
//
// The syntax is Twisted's: "type:arg:arg:key=value", where a backslash
// escapes the next character (an IPv6 address: "tcp:8080:interface=\:\:1").
// - server "tcp:PORT[:INTERFACE[:BACKLOG]]", or port=, interface=, backlog=
//   (defaults: backlog 50, interface "" = every IPv4 address);
// - client "tcp:HOST:PORT", or host=, port=, timeout= (default 30 s).
// - server "systemd:DOMAIN:INDEX", or domain=, index= (both required): the
//   listening socket systemd handed over (socket activation, systemd.hpp),
//   index 0 being descriptor 3. DOMAIN is INET or INET6, the socket's
//   address family (Twisted's UNIX has no transport in twist). An index
//   beyond LISTEN_FDS, or no descriptors for this process (LISTEN_FDS unset,
//   LISTEN_PID another process's), is refused by serverFromString with what
//   the environment lacked.
// A malformed string (a bad number, a missing port or host, an unknown
// option) or an unknown type throws std::invalid_argument naming the bad
// part (Twisted: ValueError).
//
// listen(factory) → Deferred of the listening port; it fails with
// CannotListenError. connect(factory) → Deferred of the protocol, fired just
// after its connectionMade; it fails with the connect error
// (ConnectionRefusedError, DNSLookupError, ConnectingTimeoutError, ...), or
// with NoProtocol if buildProtocol returned nullptr. Cancelling it while
// connecting stops the attempt.
//
// Ownership: an endpoint holds a reference to its reactor and may be dropped
// once listen/connect has been called. The factory must outlive the port or
// connection. The Protocol* from connect() belongs to the connection: it is
// valid until its connectionLost has returned (tcp.hpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "twist/deferred.hpp"
#include "twist/protocol.hpp"

namespace twist {

class IStreamServerEndpoint {
 public:
  virtual ~IStreamServerEndpoint() = default;
  virtual Deferred<std::shared_ptr<IListeningPort>> listen(Factory& factory) = 0;
};

class IStreamClientEndpoint {
 public:
  virtual ~IStreamClientEndpoint() = default;
  virtual Deferred<Protocol*> connect(Factory& factory) = 0;
};

// listenTCP(port, factory, backlog, interface) on `reactor`.
class TCP4ServerEndpoint : public IStreamServerEndpoint {
 public:
  TCP4ServerEndpoint(IReactorTCP& reactor, int port, int backlog = 50, std::string interface = "")
      : reactor(&reactor), port(port), backlog(backlog), interface(std::move(interface)) {}
  Deferred<std::shared_ptr<IListeningPort>> listen(Factory& factory) override;

  IReactorTCP* reactor;  // not owned
  int port;
  int backlog;
  std::string interface;
};

// connectTCP(host, port, ..., timeout) on `reactor`; `factory` may be a plain
// Factory: the endpoint wraps it in a ClientFactory of its own.
class TCP4ClientEndpoint : public IStreamClientEndpoint {
 public:
  TCP4ClientEndpoint(IReactorTCP& reactor, std::string host, int port, double timeout = 30)
      : reactor(&reactor), host(std::move(host)), port(port), timeout(timeout) {}
  Deferred<Protocol*> connect(Factory& factory) override;

  IReactorTCP* reactor;  // not owned
  std::string host;
  int port;
  double timeout;
};

// Listens on a socket opened outside twist, e.g. by systemd (Twisted:
// AdoptedStreamServerEndpoint): listen() adopts fileno (tcp.hpp's
// adoptStreamPort, which needs the real Reactor) and then closes fileno, as
// Twisted does; the port keeps its own duplicate. It can listen once: a
// second listen() fails (Twisted: AlreadyListened). Failures (not a socket,
// not SOCK_STREAM, another address family, not a Reactor) name `description`.
class AdoptedStreamServerEndpoint : public IStreamServerEndpoint {
 public:
  AdoptedStreamServerEndpoint(IReactorTCP& reactor, int fileno, int addressFamily, std::string description = "")
      : reactor(&reactor), fileno(fileno), addressFamily(addressFamily), description(std::move(description)) {}
  Deferred<std::shared_ptr<IListeningPort>> listen(Factory& factory) override;

  IReactorTCP* reactor;  // not owned
  int fileno;
  int addressFamily;        // AF_INET or AF_INET6
  std::string description;  // e.g. "systemd:domain=INET:index=0", for errors
  bool used = false;
};

// Throw std::invalid_argument for a malformed description or an unknown type.
std::unique_ptr<IStreamServerEndpoint> serverFromString(IReactorTCP& reactor, std::string_view description);
std::unique_ptr<IStreamClientEndpoint> clientFromString(IReactorTCP& reactor, std::string_view description);

}  // namespace twist
