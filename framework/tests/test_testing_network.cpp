// The networking test doubles of testing.hpp: StringTransport,
// StringTransportWithDisconnection, MemoryReactor, MemoryReactorClock,
// AccumulatingProtocol (TWISTED-REFERENCE.md §7, twisted.internet.testing).
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_catch::Contains;

namespace {

struct Echo : twist::Protocol {
  void dataReceived(std::string_view data) override { transport->write(data); }
};

// Records the calls a consumer makes to its producer.
struct RecordingProducer : twist::IProducer {
  void pauseProducing() override { ++pauses; }
  void resumeProducing() override { ++resumes; }
  void stopProducing() override { ++stops; }
  int pauses = 0, resumes = 0, stops = 0;
};

// Counts connectionLost calls and keeps the reasons.
struct LossCounter : twist::Protocol {
  void connectionLost(twist::Failure reason) override { reasons.push_back(reason); }
  std::vector<twist::Failure> reasons;
};

// Records every ClientFactory event.
struct RecordingClientFactory : twist::ClientFactory {
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    ++built;
    return nullptr;
  }
  void startedConnecting(twist::IConnector& c) override { started.push_back(&c); }
  void clientConnectionFailed(twist::IConnector&, twist::Failure) override { ++failed; }
  void clientConnectionLost(twist::IConnector&, twist::Failure) override { ++lost; }
  std::vector<twist::IConnector*> started;
  int built = 0, failed = 0, lost = 0;
};

// Code under test that only knows the seam: it must work with a MemoryReactor.
std::shared_ptr<twist::IListeningPort> serveOn(twist::IReactorTCP& reactor, twist::Factory& factory) {
  return reactor.listenTCP(8080, factory, 5, "127.0.0.1");
}

}  // namespace

// ---------------------------------------------------------------------------
// StringTransport

TEST_CASE("StringTransport: value() is every byte written, clear() discards them") {
  twist::StringTransport tr;
  REQUIRE(tr.value().empty());
  tr.write("hello, ");
  tr.write("world");
  REQUIRE(tr.value() == "hello, world");
  tr.clear();
  REQUIRE(tr.value().empty());
  tr.write("again");
  REQUIRE(tr.value() == "again");
}

TEST_CASE("StringTransport keeps binary bytes, NULs included") {
  twist::StringTransport tr;
  tr.write(std::string_view("a\0b\xff", 4));
  REQUIRE(tr.value() == std::string("a\0b\xff", 4));
  REQUIRE(tr.value().size() == 4u);
}

TEST_CASE("StringTransport: writeSequence writes the parts in order, and empty writes are no-ops") {
  twist::StringTransport tr;
  tr.write("<");
  tr.writeSequence({"a", "", "bc", "d"});
  tr.write("");
  tr.writeSequence({});
  tr.write(">");
  REQUIRE(tr.value() == "<abcd>");
}

TEST_CASE("StringTransport: loseConnection only sets disconnecting") {
  twist::StringTransport tr;
  REQUIRE_FALSE(tr.disconnecting);
  REQUIRE(tr.connected);
  tr.loseConnection();
  REQUIRE(tr.disconnecting);
  REQUIRE(tr.connected);  // nothing closes: a test plays the connection's end itself
  REQUIRE_FALSE(tr.disconnected);
  tr.loseConnection();  // idempotent
  REQUIRE(tr.disconnecting);
  // As in Twisted, what is written afterwards is still recorded.
  tr.write("late");
  REQUIRE(tr.value() == "late");
}

TEST_CASE("StringTransport: loseConnection through ITransport& calls the protocol back for nothing") {
  twist::StringTransport tr;
  LossCounter p;
  p.makeConnection(tr);
  p.transport->loseConnection();
  REQUIRE(tr.disconnecting);
  REQUIRE(p.reasons.empty());
}

TEST_CASE("StringTransport: abortConnection sets disconnected and disconnecting") {
  twist::StringTransport tr;
  tr.abortConnection();
  REQUIRE(tr.disconnected);
  REQUIRE(tr.disconnecting);
}

TEST_CASE("StringTransport: loseWriteConnection sets writeDisconnecting only") {
  twist::StringTransport tr;
  tr.loseWriteConnection();
  REQUIRE(tr.writeDisconnecting);
  REQUIRE_FALSE(tr.disconnecting);
  REQUIRE_FALSE(tr.disconnected);
}

TEST_CASE("StringTransport: Twisted's default peer 192.168.1.1:54321 and host 10.0.0.1:12345") {
  twist::StringTransport tr;
  REQUIRE(tr.getPeer() == twist::Address{"TCP", "192.168.1.1", 54321});
  REQUIRE(tr.getHost() == twist::Address{"TCP", "10.0.0.1", 12345});
  const twist::ITransport& seam = tr;
  REQUIRE(seam.getPeer().str() == "TCP:192.168.1.1:54321");
  REQUIRE(seam.getHost().str() == "TCP:10.0.0.1:12345");
}

TEST_CASE("StringTransport: host and peer addresses can be given to the constructor") {
  twist::StringTransport both(twist::Address{"TCP", "127.0.0.1", 8000}, twist::Address{"TCP", "::1", 4242});
  REQUIRE(both.getHost() == twist::Address{"TCP", "127.0.0.1", 8000});
  REQUIRE(both.getPeer() == twist::Address{"TCP", "::1", 4242});

  twist::StringTransport peerOnly(std::nullopt, twist::Address{"TCP", "1.2.3.4", 5});
  REQUIRE(peerOnly.getHost() == twist::Address{"TCP", "10.0.0.1", 12345});
  REQUIRE(peerOnly.getPeer() == twist::Address{"TCP", "1.2.3.4", 5});
}

TEST_CASE("StringTransport records the registered producer and its streaming flag") {
  twist::StringTransport tr;
  RecordingProducer producer;
  REQUIRE(tr.producer == nullptr);
  tr.registerProducer(producer, true);
  REQUIRE(tr.producer == &producer);
  REQUIRE(tr.streaming);
  tr.unregisterProducer();
  REQUIRE(tr.producer == nullptr);
  REQUIRE_FALSE(tr.streaming);
  tr.registerProducer(producer, false);  // again, after unregistering: allowed
  REQUIRE(tr.producer == &producer);
  REQUIRE_FALSE(tr.streaming);
  // The double only records: it neither pauses nor resumes the producer.
  REQUIRE(producer.pauses + producer.resumes + producer.stops == 0);
}

TEST_CASE("StringTransport: a second registerProducer throws std::logic_error and keeps the first") {
  twist::StringTransport tr;
  RecordingProducer first, second;
  tr.registerProducer(first, true);
  REQUIRE_THROWS_AS(tr.registerProducer(second, false), std::logic_error);
  REQUIRE_THROWS_WITH(tr.registerProducer(second, false), Contains("Cannot register two producers"));
  REQUIRE(tr.producer == &first);
  REQUIRE(tr.streaming);
}

TEST_CASE("StringTransport: unregisterProducer with none registered throws std::logic_error") {
  twist::StringTransport tr;
  REQUIRE_THROWS_AS(tr.unregisterProducer(), std::logic_error);
  REQUIRE_THROWS_WITH(tr.unregisterProducer(), Contains("Cannot unregister a producer unless one is registered"));
}

TEST_CASE("StringTransport as a producer: producerState follows pause, resume and stop") {
  twist::StringTransport tr;
  REQUIRE(tr.producerState == "producing");
  tr.pauseProducing();
  REQUIRE(tr.producerState == "paused");
  tr.resumeProducing();
  REQUIRE(tr.producerState == "producing");
  tr.stopProducing();
  REQUIRE(tr.producerState == "stopped");
  REQUIRE_THROWS_WITH(tr.resumeProducing(), Contains("Cannot resume a stopped producer"));
  REQUIRE_THROWS_AS(tr.pauseProducing(), std::logic_error);
  REQUIRE(tr.producerState == "stopped");
}

TEST_CASE("StringTransport: pausing or resuming after loseConnection throws, unless lenient") {
  twist::StringTransport strict;
  strict.loseConnection();
  REQUIRE_THROWS_WITH(strict.resumeProducing(), Contains("Cannot resume producing after loseConnection"));
  REQUIRE_THROWS_AS(strict.pauseProducing(), std::logic_error);
  REQUIRE(strict.producerState == "producing");

  twist::StringTransport lenient(std::nullopt, std::nullopt, true);
  lenient.loseConnection();
  lenient.pauseProducing();
  REQUIRE(lenient.producerState == "paused");
  lenient.resumeProducing();
  REQUIRE(lenient.producerState == "producing");
}

TEST_CASE("StringTransport carries an Echo protocol: the issue's API contract") {
  twist::StringTransport tr;
  Echo p;
  p.makeConnection(tr);
  REQUIRE(p.transport == &tr);
  p.dataReceived("hi");
  REQUIRE(tr.value() == "hi");
  REQUIRE_FALSE(tr.disconnecting);
}

// ---------------------------------------------------------------------------
// StringTransportWithDisconnection

TEST_CASE("StringTransportWithDisconnection: loseConnection calls connectionLost(ConnectionDone(\"Bye.\")) once") {
  twist::StringTransportWithDisconnection tr;
  LossCounter p;
  p.makeConnection(tr);
  tr.protocol = &p;
  tr.loseConnection();
  REQUIRE(p.reasons.size() == 1u);
  REQUIRE(p.reasons[0].check<twist::ConnectionDone>());
  REQUIRE(p.reasons[0].getErrorMessage() == "Bye.");
  REQUIRE_FALSE(tr.connected);
  // As Twisted's, it does not set disconnecting.
  REQUIRE_FALSE(tr.disconnecting);

  tr.loseConnection();
  p.transport->loseConnection();
  REQUIRE(p.reasons.size() == 1u);
}

TEST_CASE("StringTransportWithDisconnection: abortConnection also ends in one connectionLost") {
  twist::StringTransportWithDisconnection tr;
  LossCounter p;
  tr.protocol = &p;
  tr.abortConnection();
  REQUIRE(tr.disconnected);
  REQUIRE(p.reasons.size() == 1u);
  REQUIRE(p.reasons[0].check<twist::ConnectionDone>());
  tr.loseConnection();
  REQUIRE(p.reasons.size() == 1u);
}

// A LineReceiver that closes after its second line and records what it saw,
// as lesson 06's README shows (Twisted 22.4 prints the same).
struct ClosesAfterTwo : twist::LineReceiver {
  void lineReceived(std::string_view line) override {
    events.push_back("line " + std::string(line));
    if (events.size() == 2) transport->loseConnection();
  }
  void connectionLost(twist::Failure) override { events.push_back("lost"); }
  std::vector<std::string> events;
};

TEST_CASE("StringTransportWithDisconnection: connectionLost comes inside loseConnection, and a LineReceiver "
          "goes on with its chunk, as in Twisted") {
  twist::StringTransportWithDisconnection tr;
  ClosesAfterTwo p;
  tr.protocol = &p;
  p.makeConnection(tr);
  p.dataReceived("one\r\ntwo\r\nthree\r\n");
  // Twisted 22.4: connectionLost inside loseConnection, disconnecting stays
  // False, and LineReceiver handles "three" after it.
  REQUIRE(p.events == std::vector<std::string>{"line one", "line two", "lost", "line three"});
  REQUIRE_FALSE(tr.disconnecting);
}

TEST_CASE("StringTransport: loseConnection sets disconnecting, which stops a LineReceiver before its next line") {
  twist::StringTransport tr;
  ClosesAfterTwo p;
  p.makeConnection(tr);
  p.dataReceived("one\r\ntwo\r\nthree\r\n");
  REQUIRE(p.events == std::vector<std::string>{"line one", "line two"});  // no connectionLost: the test calls it
  REQUIRE(tr.disconnecting);
}

TEST_CASE("StringTransportWithDisconnection without its protocol set throws std::logic_error") {
  twist::StringTransportWithDisconnection tr;
  REQUIRE_THROWS_AS(tr.loseConnection(), std::logic_error);
  REQUIRE_THROWS_WITH(tr.loseConnection(), Contains("protocol"));
  REQUIRE(tr.connected);  // still connected: a later loseConnection with a protocol works
  LossCounter p;
  tr.protocol = &p;
  tr.loseConnection();
  REQUIRE(p.reasons.size() == 1u);
}

TEST_CASE("StringTransportWithDisconnection is still a StringTransport: writes, addresses") {
  twist::StringTransportWithDisconnection tr(twist::Address{"TCP", "127.0.0.1", 1});
  Echo p;
  p.makeConnection(tr);
  p.dataReceived("ping");
  REQUIRE(tr.value() == "ping");
  REQUIRE(tr.getHost() == twist::Address{"TCP", "127.0.0.1", 1});
  REQUIRE(tr.getPeer() == twist::Address{"TCP", "192.168.1.1", 54321});
}

// ---------------------------------------------------------------------------
// MemoryReactor

TEST_CASE("MemoryReactor records listenTCP calls: port, factory, backlog, interface") {
  twist::MemoryReactor reactor;
  twist::Factory factory;
  twist::Factory other;
  reactor.listenTCP(8000, factory);
  auto port = serveOn(reactor, other);
  REQUIRE(reactor.tcpServers.size() == 2u);
  const auto& [p0, f0, b0, i0] = reactor.tcpServers[0];
  REQUIRE(p0 == 8000);
  REQUIRE(f0 == &factory);
  REQUIRE(b0 == 50);  // the default backlog
  REQUIRE(i0.empty());
  REQUIRE(reactor.tcpServers[1].port == 8080);
  REQUIRE(reactor.tcpServers[1].factory == &other);
  REQUIRE(reactor.tcpServers[1].backlog == 5);
  REQUIRE(reactor.tcpServers[1].interface == "127.0.0.1");
  REQUIRE(reactor.tcpClients.empty());
  // listenTCP does not start the factory: nothing listens.
  REQUIRE(factory.numPorts == 0);
}

TEST_CASE("MemoryReactor: a port's getHost is 0.0.0.0:port, or the IPv6 interface given") {
  twist::MemoryReactor reactor;
  twist::Factory factory;
  REQUIRE(reactor.listenTCP(8000, factory)->getHost() == twist::Address{"TCP", "0.0.0.0", 8000});
  REQUIRE(reactor.listenTCP(8001, factory, 50, "127.0.0.1")->getHost() == twist::Address{"TCP", "0.0.0.0", 8001});
  REQUIRE(reactor.listenTCP(8002, factory, 50, "::1")->getHost() == twist::Address{"TCP", "::1", 8002});
}

TEST_CASE("MemoryReactor: stopListening fires at once and is recorded") {
  twist::MemoryReactor reactor;
  twist::Factory factory;
  auto port = reactor.listenTCP(8000, factory);
  REQUIRE(reactor.ports.size() == 1u);
  REQUIRE(reactor.ports[0] == port);
  REQUIRE_FALSE(reactor.ports[0]->stopped);
  twist::Deferred<void> d = port->stopListening();
  twist::successResultOf(d);
  REQUIRE(reactor.ports[0]->stopped);
}

TEST_CASE("MemoryReactor records connectTCP calls and calls startedConnecting with the connector") {
  twist::MemoryReactor reactor;
  RecordingClientFactory factory;
  auto connector = reactor.connectTCP("example.org", 80, factory);
  reactor.connectTCP("::1", 81, factory, 2.5);
  REQUIRE(reactor.tcpClients.size() == 2u);
  const auto& [host, port, f, timeout] = reactor.tcpClients[0];
  REQUIRE(host == "example.org");
  REQUIRE(port == 80);
  REQUIRE(f == &factory);
  REQUIRE(timeout == 30);  // the default timeout
  REQUIRE(reactor.tcpClients[1].host == "::1");
  REQUIRE(reactor.tcpClients[1].timeout == 2.5);
  REQUIRE(reactor.tcpServers.empty());

  REQUIRE(factory.started.size() == 2u);
  REQUIRE(factory.started[0] == connector.get());
  REQUIRE(reactor.connectors.size() == 2u);
  REQUIRE(reactor.connectors[0] == connector);
  REQUIRE(connector->getDestination() == twist::Address{"TCP", "example.org", 80});
  REQUIRE(reactor.connectors[1]->getDestination() == twist::Address{"TCP", "::1", 81});
}

TEST_CASE("MemoryReactor: connections never complete, and the connector only records what it is told") {
  twist::MemoryReactor reactor;
  RecordingClientFactory factory;
  auto connector = reactor.connectTCP("example.org", 80, factory);
  auto& fake = *reactor.connectors[0];
  REQUIRE(factory.built == 0);

  connector->stopConnecting();
  REQUIRE(fake.stoppedConnecting);
  REQUIRE_FALSE(fake.disconnected);
  connector->disconnect();
  REQUIRE(fake.disconnected);
  connector->connect();
  connector->connect();
  REQUIRE(fake.connectCalls == 2);
  // As Twisted's fake connector: no factory callback for any of these.
  REQUIRE(factory.built == 0);
  REQUIRE(factory.failed == 0);
  REQUIRE(factory.lost == 0);
  REQUIRE(factory.started.size() == 1u);
}

TEST_CASE("MemoryReactor's connector is shared: shared_from_this works, as ReconnectingClientFactory needs") {
  twist::MemoryReactor reactor;
  twist::ClientFactory factory;
  auto connector = reactor.connectTCP("h", 1, factory);
  REQUIRE(connector->shared_from_this() == connector);
}

// ---------------------------------------------------------------------------
// MemoryReactorClock

TEST_CASE("MemoryReactorClock is an IReactorTCP and a Clock at once") {
  twist::MemoryReactorClock reactor;
  twist::IReactorTCP& tcp = reactor;
  twist::IReactorTime& time = reactor;
  twist::Factory factory;
  tcp.listenTCP(1234, factory);
  REQUIRE(reactor.tcpServers.size() == 1u);

  int fired = 0;
  time.callLater(2, [&] { ++fired; });
  REQUIRE(reactor.seconds() == 0.0);
  reactor.advance(1.5);
  REQUIRE(fired == 0);
  reactor.advance(0.5);
  REQUIRE(fired == 1);
  REQUIRE(time.seconds() == 2.0);
  REQUIRE(reactor.getDelayedCalls().empty());
}

TEST_CASE("MemoryReactorClock drives a ReconnectingClientFactory: the retry calls connect() on the fake connector") {
  twist_test::CapturedLog log;  // keeps the "Will retry" line off stderr
  twist::MemoryReactorClock reactor;
  twist::ReconnectingClientFactory factory(reactor);
  factory.jitter = 0;
  auto connector = reactor.connectTCP("example.org", 80, factory);
  factory.clientConnectionFailed(*connector, twist::Failure(twist::ConnectionRefusedError("refused")));
  REQUIRE(reactor.getDelayedCalls().size() == 1u);
  reactor.advance(2.7);
  REQUIRE(reactor.connectors[0]->connectCalls == 0);
  reactor.advance(0.1);
  REQUIRE(reactor.connectors[0]->connectCalls == 1);
}

// ---------------------------------------------------------------------------
// AccumulatingProtocol

TEST_CASE("AccumulatingProtocol records made, data, closed and closedReason") {
  twist::AccumulatingProtocol p;
  REQUIRE_FALSE(p.made);
  REQUIRE(p.data.empty());
  REQUIRE_FALSE(p.closed);
  REQUIRE_FALSE(p.closedReason.has_value());

  twist::StringTransport tr;
  p.makeConnection(tr);
  REQUIRE(p.made);
  REQUIRE(p.connected);
  p.dataReceived("ab");
  p.dataReceived(std::string_view("\0c", 2));
  REQUIRE(p.data == std::string("ab\0c", 4));
  REQUIRE_FALSE(p.closed);

  p.connectionLost(twist::Failure(twist::ConnectionLost()));
  REQUIRE(p.closed);
  REQUIRE(p.closedReason.has_value());
  REQUIRE(p.closedReason->check<twist::ConnectionLost>());
  REQUIRE_FALSE(p.closedReason->check<twist::ConnectionAborted>());
}

TEST_CASE("AccumulatingProtocol fires closedDeferred on connectionLost, once, then forgets it") {
  twist::AccumulatingProtocol p;
  twist::Deferred<void> closed;
  p.closedDeferred = closed;
  twist::StringTransportWithDisconnection tr;
  tr.protocol = &p;
  p.makeConnection(tr);
  twist::assertNoResult(closed);
  tr.loseConnection();
  twist::successResultOf(closed);
  REQUIRE_FALSE(p.closedDeferred.has_value());
  REQUIRE(p.closedReason->check<twist::ConnectionDone>());
  // A second connectionLost (not one a real transport makes) does not fire it again.
  p.connectionLost(twist::Failure(twist::ConnectionDone()));
  REQUIRE(p.closed);
}

TEST_CASE("AccumulatingProtocol without closedDeferred: connectionLost just records") {
  twist::AccumulatingProtocol p;
  p.connectionLost(twist::Failure(twist::ConnectionDone()));
  REQUIRE(p.closed);
  REQUIRE_FALSE(p.closedDeferred.has_value());
}

TEST_CASE("AccumulatingFactory builds AccumulatingProtocols and fires protocolConnectionMade with the first one") {
  twist::AccumulatingFactory factory;
  twist::Deferred<twist::AccumulatingProtocol*> made;
  factory.protocolConnectionMade = made;

  auto first = factory.buildProtocol(twist::Address{"TCP", "127.0.0.1", 1});
  auto* p1 = dynamic_cast<twist::AccumulatingProtocol*>(first.get());
  REQUIRE(p1 != nullptr);
  REQUIRE(p1->factory == &factory);
  twist::assertNoResult(made);  // building is not connecting

  twist::StringTransport tr1;
  first->makeConnection(tr1);
  REQUIRE(twist::successResultOf(made) == p1);
  REQUIRE_FALSE(factory.protocolConnectionMade.has_value());

  auto second = factory.buildProtocol(twist::Address{"TCP", "127.0.0.1", 2});
  twist::StringTransport tr2;
  second->makeConnection(tr2);  // nothing left to fire: no AlreadyCalledError
  REQUIRE(static_cast<twist::AccumulatingProtocol*>(second.get())->made);
}
