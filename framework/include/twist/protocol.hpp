// protocol.hpp — Protocol, Factory, ClientFactory, ReconnectingClientFactory
// (Twisted: twisted.internet.protocol).
//
// A Protocol is what your code is made of: one object per connection, whose
// methods the reactor calls when something happens on it.
//
//   struct Echo : twist::Protocol {
//     void dataReceived(std::string_view data) override { transport->write(data); }
//   };
//   auto factory = twist::Factory::forProtocol<Echo>();
//   twist::listenTCP(reactor, 8000, *factory);           // tcp.hpp
//
// Events, in order: makeConnection(transport) sets `transport` and
// `connected`, then calls connectionMade(); dataReceived(bytes) any number of
// times, in chunks of any size (a message may arrive in two pieces, two in
// one); connectionLost(reason) once, last, with ConnectionDone (a clean close)
// or ConnectionLost / ConnectionAborted (error.hpp). An exception thrown by
// one of them is logged, and the connection closes with that Failure.
//
// A Factory makes the protocol for each connection (buildProtocol) and holds
// what the connections share (a chat room, a counter, configuration).
//
// Ownership, in three lines:
// - A connection owns its protocol (the unique_ptr buildProtocol returned).
// - It destroys the protocol after connectionLost has returned, from the loop, never during a callback of it.
// - A protocol is never called after connectionLost; its factory must outlive every connection it built.
// (A protocol connected by hand, makeConnection(aStringTransport), belongs to whoever made it.)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "twist/deferred.hpp"
#include "twist/failure.hpp"
#include "twist/time.hpp"
#include "twist/transport.hpp"

namespace twist {

class Factory;

class Protocol {
 public:
  virtual ~Protocol() = default;

  // Sets transport and connected, then calls connectionMade().
  void makeConnection(ITransport& t) {
    connected = true;
    transport = &t;
    connectionMade();
  }
  virtual void connectionMade() {}
  virtual void dataReceived(std::string_view data) { (void)data; }
  virtual void connectionLost(Failure reason) { (void)reason; }

  // Half-close (Twisted: IHalfCloseableProtocol). A protocol that returns true
  // from wantsHalfClose gets readConnectionLost() when the peer closes its
  // side, instead of connectionLost; it may still write, then loseConnection.
  virtual bool wantsHalfClose() const { return false; }
  virtual void readConnectionLost() {}
  virtual void writeConnectionLost() {}

  ITransport* transport = nullptr;  // not owned: the connection owns us
  bool connected = false;
  Factory* factory = nullptr;  // set by Factory::buildProtocol
};

class Factory {
 public:
  virtual ~Factory() = default;

  // A factory that builds a P for every connection (Twisted: Factory.forProtocol).
  template <class P, class... Args>
  static std::unique_ptr<Factory> forProtocol(Args... args) {
    auto factory = std::make_unique<Factory>();
    factory->protocol = [=]() -> std::unique_ptr<Protocol> { return std::make_unique<P>(args...); };
    return factory;
  }

  // Builds the protocol for a new connection from addr; returning nullptr
  // refuses it (the socket is closed, no callbacks run). The default uses
  // `protocol` and sets the protocol's `factory` to this.
  virtual std::unique_ptr<Protocol> buildProtocol(const Address& addr);
  // Called when the first port or connector starts using this factory, and
  // when the last one stops (Twisted: numPorts 0 → 1 and 1 → 0).
  virtual void startFactory() {}
  virtual void stopFactory() {}
  void doStart();
  void doStop();

  std::function<std::unique_ptr<Protocol>()> protocol;  // Twisted: factory.protocol = Echo
  int numPorts = 0;
};

// What connectTCP returns: the attempt in progress (Twisted: IConnector).
// Shared: the reactor holds it while connecting or connected, and so may a
// factory that will retry later (ReconnectingClientFactory keeps it through
// shared_from_this), so connect() can be called again at any time.
class IConnector : public std::enable_shared_from_this<IConnector> {
 public:
  virtual ~IConnector() = default;
  virtual void stopConnecting() = 0;  // fails the attempt with UserError
  virtual void disconnect() = 0;      // stopConnecting, or loseConnection once connected
  virtual void connect() = 0;         // tries again (ReconnectingClientFactory does)
  virtual Address getDestination() const = 0;

  // Lives as long as this connector: what its factory needs and nobody else
  // owns (an endpoint's wrapping factory, which the connector only refers to).
  std::shared_ptr<void> keepAlive;
};

// What listenTCP returns (Twisted: IListeningPort). The reactor holds it
// while it listens; stopListening() closes the socket (connections already
// accepted go on) and its Deferred fires once it is closed.
class IListeningPort {
 public:
  virtual ~IListeningPort() = default;
  virtual Deferred<void> stopListening() = 0;
  virtual Address getHost() const = 0;
};

class ClientFactory;

// TCP, as a seam (Twisted: IReactorTCP): the Reactor implements it with
// libuv, MemoryReactor (testing.hpp) records the calls, so code that takes an
// IReactorTCP& is tested without a network.
class IReactorTCP {
 public:
  virtual ~IReactorTCP() = default;
  // Port 0 picks a free port (getHost() says which). interface "" listens on
  // every IPv4 address; "::" on every IPv6 one. Throws CannotListenError.
  virtual std::shared_ptr<IListeningPort> listenTCP(int port, Factory& factory, int backlog = 50,
                                                    const std::string& interface = "") = 0;
  // Resolves host through libuv, connects, and reports to factory.
  virtual std::shared_ptr<IConnector> connectTCP(const std::string& host, int port, ClientFactory& factory,
                                                 double timeout = 30) = 0;
};

// A factory for the client side (Twisted: ClientFactory). Its events, in
// order: startedConnecting → buildProtocol → makeConnection, then, after the
// protocol's connectionLost, clientConnectionLost; or clientConnectionFailed
// when no connection was made (ConnectionRefusedError, ConnectingTimeoutError
// after the timeout, UserError after stopConnecting, DNSLookupError).
class ClientFactory : public Factory {
 public:
  virtual void startedConnecting(IConnector& connector) { (void)connector; }
  virtual void clientConnectionFailed(IConnector& connector, Failure reason) { (void)connector, (void)reason; }
  virtual void clientConnectionLost(IConnector& connector, Failure reason) { (void)connector, (void)reason; }
};

// The random source of ReconnectingClientFactory's jitter: a std::mt19937,
// seeded from std::random_device, held behind a pointer so that this header
// does without <random> (13 MB of the precompiled header every exercise
// loads, a twentieth of a second on each edit -> verdict).
class JitterSource {
 public:
  JitterSource();
  ~JitterSource();
  JitterSource(JitterSource&&) noexcept;
  JitterSource& operator=(JitterSource&&) noexcept;
  // Seed it in tests for a fixed jitter.
  void seed(std::uint32_t value);
  // A draw from normal(mean, stddev).
  double normal(double mean, double stddev);

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;  // owned
};

// Reconnects after each failed or lost connection, waiting longer each time
// (Twisted: ReconnectingClientFactory, same defaults and formula):
//   delay = min(delay * factor, maxDelay), then drawn from normal(delay, delay * jitter)
// so the first retry waits about initialDelay * factor = 2.718 s. A successful
// connection should call resetDelay() (in buildProtocol or connectionMade).
// Time goes through an IReactorTime, so a Clock tests it.
class ReconnectingClientFactory : public ClientFactory {
 public:
  explicit ReconnectingClientFactory(IReactorTime& clock) : clock(&clock) {}

  void clientConnectionFailed(IConnector& connector, Failure reason) override;
  void clientConnectionLost(IConnector& connector, Failure reason) override;
  // Schedules connector.connect() after the next delay, unless stopTrying was
  // called or retries > maxRetries.
  void retry(IConnector& connector);
  // Back to initialDelay, retries = 0, and trying again.
  void resetDelay();
  // Cancels the pending retry and stops the connector; no more attempts.
  void stopTrying();

  double maxDelay = 3600;
  double initialDelay = 1.0;
  double factor = 2.7182818284590451;  // e
  double jitter = 0.119626565582;
  std::optional<int> maxRetries;  // none: retry forever
  double delay = initialDelay;
  int retries = 0;
  bool continueTrying = true;
  IReactorTime* clock;                   // not owned
  DelayedCall callID;                    // the pending retry
  std::shared_ptr<IConnector> connector;  // the last one retried: kept for the retry
  JitterSource random;                    // seed it in tests for a fixed jitter
};

}  // namespace twist
