// tcp.hpp — TCP on libuv: listenTCP, connectTCP and the TCP transport
// (Twisted: twisted.internet.tcp, IReactorTCP, ITCPTransport).
//
// The Reactor implements IReactorTCP (protocol.hpp); these free functions
// take any IReactorTCP, so the same code runs on a Reactor and, in a test,
// on a MemoryReactor that only records the calls.
//
//   auto factory = twist::Factory::forProtocol<Echo>();
//   auto port = twist::listenTCP(reactor, 0, *factory, 50, "127.0.0.1");
//   std::printf("listening on %d\n", port->getHost().port);
//
// listenTCP: port 0 picks a free port (getHost() says which); interface ""
// means 0.0.0.0, an interface with a ':' is IPv6 ("::" for every one). It
// throws CannotListenError (with libuv's error name, e.g. EADDRINUSE) when it
// cannot listen. The factory's doStart runs once listening, its doStop once
// stopListening() has closed the socket, just before its Deferred fires.
// Accepted connections outlive the port. buildProtocol(peer) returning
// nullptr (or throwing, which is logged) closes the new socket, no callbacks.
//
// connectTCP: resolves host with uv_getaddrinfo (IPv4 first), connects, and
// reports to the ClientFactory in Twisted's order: doStart → startedConnecting
// (before connectTCP returns) → buildProtocol → makeConnection; then, after
// the protocol's connectionLost, clientConnectionLost; or clientConnectionFailed
// with DNSLookupError, ConnectionRefusedError, ConnectingTimeoutError (after
// `timeout` seconds, resolution included), UserError (stopConnecting), or
// ConnectError (anything else, e.g. the reactor shutting down). doStop follows
// unless the factory called connector.connect() again from that callback.
//
// The connection (ITCPTransport): what uv_try_write does not take is kept in
// the transport's own buffer until libuv has written it. Reads go through one
// 64 KiB buffer per thread, so an idle connection holds no read buffer; the
// bytes given to dataReceived are valid only during that call. A peer's EOF
// ends in ConnectionDone (or readConnectionLost for a protocol that wants
// half-close); a reset or error in ConnectionLost naming the libuv error; an
// exception from a protocol callback is logged and closes that connection
// with it (connectionLost(Failure(the exception))); other connections go on.
// abortConnection drops the buffer and closes at once; connectionLost
// (ConnectionAborted) comes from the socket's close callback on a later
// pass, never from inside abortConnection (Twisted: callLater(0)).
// When the reactor shuts down ("during shutdown", Twisted's disconnectAll),
// every connection gets connectionLost with ConnectionLost and every port
// stops listening (doStop) right away, before the "after shutdown" triggers.
//
// Ownership:
// - The reactor owns each connection (and so its protocol, protocol.hpp);
//   it frees it in the close callback of its socket, after connectionLost.
// - listenTCP's port is shared: the reactor holds it until it has stopped
//   listening; dropping the returned pointer does not stop it.
// - connectTCP's connector is shared: the reactor holds it while connecting
//   or connected (see IConnector). The factories must outlive all of these.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "twist/protocol.hpp"
#include "twist/transport.hpp"

namespace twist {

// A TCP connection's transport, beyond ITransport (Twisted: ITCPTransport).
// Reach it with dynamic_cast from a protocol's `transport`. It is also a push
// producer of the bytes it reads, as Twisted's is: pauseProducing stops
// reading (LineReceiver's pauseProducing uses it), resumeProducing reads
// again, stopProducing is loseConnection.
class ITCPTransport : public ITransport, public IProducer {
 public:
  // Bytes accepted by write() and not yet handed to the kernel.
  virtual std::size_t bufferedBytes() const = 0;
  // TCP_NODELAY and SO_KEEPALIVE; both off by default, as in Twisted.
  virtual void setTcpNoDelay(bool enabled) = 0;
  virtual void setTcpKeepAlive(bool enabled, unsigned delaySeconds = 60) = 0;
};

inline std::shared_ptr<IListeningPort> listenTCP(IReactorTCP& reactor, int port, Factory& factory, int backlog = 50,
                                                 const std::string& interface = "") {
  return reactor.listenTCP(port, factory, backlog, interface);
}

class Reactor;  // reactor.hpp

// Listens on a SOCK_STREAM socket opened elsewhere, e.g. handed over by
// systemd (Twisted: IReactorSocket.adoptStreamPort): the port listens on a
// duplicate of fileDescriptor, and the caller still owns (and closes) the
// original. addressFamily is AF_INET or AF_INET6; anything else, or a
// descriptor libuv refuses (not a socket: ENOTSOCK), throws CannotListenError
// naming the descriptor. Otherwise the port is the one listenTCP gives.
std::shared_ptr<IListeningPort> adoptStreamPort(Reactor& reactor, int fileDescriptor, int addressFamily,
                                                Factory& factory, int backlog = 50);

inline std::shared_ptr<IConnector> connectTCP(IReactorTCP& reactor, const std::string& host, int port,
                                              ClientFactory& factory, double timeout = 30) {
  return reactor.connectTCP(host, port, factory, timeout);
}

}  // namespace twist
