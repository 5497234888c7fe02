// serverFromString / clientFromString (TWISTED-REFERENCE §8, endpoints):
// parsing, good and bad strings, then listen and connect through endpoints on
// a real loop, on 127.0.0.1 with port 0, each bounded by a watchdog.
#include "twist/endpoints.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

using twist_test::Watchdog;

namespace {

// A copy of what was parsed (the endpoint itself goes with its unique_ptr).
twist::TCP4ServerEndpoint asServer(const std::unique_ptr<twist::IStreamServerEndpoint>& e) {
  auto* tcp = dynamic_cast<twist::TCP4ServerEndpoint*>(e.get());
  REQUIRE(tcp);
  return *tcp;
}

twist::TCP4ClientEndpoint asClient(const std::unique_ptr<twist::IStreamClientEndpoint>& e) {
  auto* tcp = dynamic_cast<twist::TCP4ClientEndpoint*>(e.get());
  REQUIRE(tcp);
  return *tcp;
}

std::string serverError(twist::Reactor& reactor, const std::string& description) {
  return twist_test::messageOf([&] { twist::serverFromString(reactor, description); });
}

std::string clientError(twist::Reactor& reactor, const std::string& description) {
  return twist_test::messageOf([&] { twist::clientFromString(reactor, description); });
}

struct Echo : twist::Protocol {
  void dataReceived(std::string_view data) override { transport->write(data); }
};

// Sends "ping" once connected; records what comes back and how it ended.
struct Pinger : twist::Protocol {
  static inline std::string received;
  bool made = false;
  void connectionMade() override {
    made = true;
    transport->write("ping");
  }
  void dataReceived(std::string_view data) override { received += data; }
};

}  // namespace

TEST_CASE("endpoints: serverFromString reads Twisted's tcp strings, with backlog 50 and interface '' by default") {
  twist::Reactor reactor;
  auto a = asServer(twist::serverFromString(reactor, "tcp:8080:interface=127.0.0.1"));
  CHECK(a.port == 8080);
  CHECK(a.interface == "127.0.0.1");
  CHECK(a.backlog == 50);
  auto b = asServer(twist::serverFromString(reactor, "tcp:port=8080:backlog=10"));
  CHECK(b.port == 8080);
  CHECK(b.backlog == 10);
  CHECK(b.interface == "");
  auto c = asServer(twist::serverFromString(reactor, "tcp:0"));
  CHECK(c.port == 0);
  auto d = asServer(twist::serverFromString(reactor, "tcp:80:interface=\\:\\:1"));  // escaped colons: IPv6
  CHECK(d.interface == "::1");
  auto e = asServer(twist::serverFromString(reactor, "tcp:81:10.0.0.1:7"));  // positional: port, interface, backlog
  CHECK(e.port == 81);
  CHECK(e.interface == "10.0.0.1");
  CHECK(e.backlog == 7);
}

TEST_CASE("endpoints: clientFromString reads host and port, by position or by name, with timeout 30 by default") {
  twist::Reactor reactor;
  auto a = asClient(twist::clientFromString(reactor, "tcp:host=example.org:port=80"));
  CHECK(a.host == "example.org");
  CHECK(a.port == 80);
  CHECK(a.timeout == 30);
  auto b = asClient(twist::clientFromString(reactor, "tcp:example.org:80"));
  CHECK(b.host == "example.org");
  CHECK(b.port == 80);
  CHECK(b.timeout == 30);
  auto c = asClient(twist::clientFromString(reactor, "tcp:127.0.0.1:8000:timeout=2.5"));
  CHECK(c.timeout == 2.5);
  auto d = asClient(twist::clientFromString(reactor, "tcp:8001:host=localhost"));  // Twisted: the lone argument is the port
  CHECK(d.host == "localhost");
  CHECK(d.port == 8001);
}

TEST_CASE("endpoints: a malformed string is std::invalid_argument naming the bad part") {
  twist::Reactor reactor;
  CHECK_THROWS_AS(twist::serverFromString(reactor, "tcp:abc"), std::invalid_argument);
  CHECK_THAT(serverError(reactor, "tcp:abc"), twist_catch::Contains("bad port \"abc\""));
  CHECK_THAT(serverError(reactor, "tcp:70000"), twist_catch::Contains("bad port \"70000\""));
  CHECK_THAT(serverError(reactor, "tcp:-1"), twist_catch::Contains("bad port \"-1\""));
  CHECK_THAT(serverError(reactor, "tcp"), twist_catch::Contains("no port"));
  CHECK_THAT(serverError(reactor, "tcp:8080:backlog=lots"), twist_catch::Contains("bad backlog \"lots\""));
  CHECK_THAT(serverError(reactor, "tcp:8080:bogus=1"), twist_catch::Contains("unknown option \"bogus\""));
  CHECK_THAT(serverError(reactor, "tcp:8080:port=8081"), twist_catch::Contains("\"port\" given both"));
  CHECK_THAT(serverError(reactor, "tcp:1:2:3:4"), twist_catch::Contains("\"4\" is one too many"));
  CHECK_THAT(serverError(reactor, ""), twist_catch::Contains("no endpoint type"));
  CHECK_THAT(serverError(reactor, "tcp:80\\"), twist_catch::Contains("backslash"));
  CHECK_THROWS_AS(twist::clientFromString(reactor, "tcp:example.org"), std::invalid_argument);
  CHECK_THAT(clientError(reactor, "tcp:example.org"), twist_catch::Contains("no port"));
  CHECK_THAT(clientError(reactor, "tcp:port=80"), twist_catch::Contains("no host"));
  CHECK_THAT(clientError(reactor, "tcp:h:port"), twist_catch::Contains("bad port \"port\""));
  CHECK_THAT(clientError(reactor, "tcp:h:80:timeout=soon"), twist_catch::Contains("bad timeout \"soon\""));
  // strtod reads these; an infinite connect timeout reached callLater (issue 10, 1.2).
  for (const char* timeout : {"inf", "nan", "1e400", "-1"})
    CHECK_THAT(clientError(reactor, std::string("tcp:h:80:timeout=") + timeout),
               twist_catch::Contains("expected a finite number of seconds >= 0"));
  CHECK_THAT(clientError(reactor, "tcp:h:80:bindAddress=x"), twist_catch::Contains("unknown option \"bindAddress\""));
}

TEST_CASE("endpoints: an unknown endpoint type is std::invalid_argument naming it (Twisted: ValueError)") {
  twist::Reactor reactor;
  CHECK_THROWS_AS(twist::serverFromString(reactor, "carrierpigeon:8080"), std::invalid_argument);
  CHECK_THAT(serverError(reactor, "carrierpigeon:8080"), twist_catch::Contains("unknown endpoint type \"carrierpigeon\""));
  CHECK_THAT(clientError(reactor, "udp:h:80"), twist_catch::Contains("unknown endpoint type \"udp\""));
}

TEST_CASE("endpoints: listen() fires with the port, and connect() with the protocol after its connectionMade") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  auto serverFactory = twist::Factory::forProtocol<Echo>();
  auto clientFactory = twist::Factory::forProtocol<Pinger>();
  Pinger::received.clear();
  std::shared_ptr<twist::IListeningPort> port;
  twist::serverFromString(reactor, "tcp:0:interface=127.0.0.1")->listen(*serverFactory).addCallback(
      [&](std::shared_ptr<twist::IListeningPort> p) { port = p; });
  REQUIRE(port);  // listening is synchronous: the Deferred has fired already
  CHECK(port->getHost().port > 0);
  Pinger* connected = nullptr;
  bool madeWhenFired = false;
  auto client = twist::clientFromString(reactor, "tcp:127.0.0.1:" + std::to_string(port->getHost().port));
  twist::Deferred<twist::Protocol*> d = client->connect(*clientFactory);
  client.reset();  // the endpoint may go; the attempt goes on
  d.addCallback([&](twist::Protocol* p) {
    connected = dynamic_cast<Pinger*>(p);
    madeWhenFired = connected && connected->made && connected->factory == clientFactory.get();
  });
  std::function<void()> poll = [&] {
    if (Pinger::received == "ping") {
      connected->transport->loseConnection();
      reactor.callLater(0.05, [&] { reactor.stop(); });
    } else {
      reactor.callLater(0.01, poll);
    }
  };
  reactor.callLater(0.01, poll);
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(connected);
  CHECK(madeWhenFired);
  CHECK(Pinger::received == "ping");
  CHECK(clientFactory->numPorts == 0);  // the wrapping factory stopped it when the connection ended
}

TEST_CASE("endpoints: listen() fails with CannotListenError, connect() with the connect error") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  auto factory = twist::Factory::forProtocol<Echo>();
  auto first = twist::successResultOf(twist::serverFromString(reactor, "tcp:0:interface=127.0.0.1")->listen(*factory));
  int taken = first->getHost().port;
  auto endpoint = twist::serverFromString(reactor, "tcp:" + std::to_string(taken) + ":interface=127.0.0.1");
  twist::failureResultOf<twist::CannotListenError>(endpoint->listen(*factory));

  // A port nobody listens on any more: stop the listener first.
  std::optional<twist::Failure> refused;
  first->stopListening().addCallback([&] {
    twist::clientFromString(reactor, "tcp:127.0.0.1:" + std::to_string(taken))
        ->connect(*factory)
        .addErrback([&](twist::Failure f) -> twist::Protocol* {
          refused = f;
          reactor.stop();
          return nullptr;
        });
  });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(refused);
  CHECK(refused->check<twist::ConnectionRefusedError>());
}

TEST_CASE("endpoints: connect() fails with NoProtocol when buildProtocol returns nullptr") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  auto serverFactory = twist::Factory::forProtocol<Echo>();
  auto port = reactor.listenTCP(0, *serverFactory, 50, "127.0.0.1");
  twist::Factory empty;  // no `protocol`: buildProtocol returns nullptr
  std::optional<twist::Failure> failure;
  twist::clientFromString(reactor, "tcp:127.0.0.1:" + std::to_string(port->getHost().port))
      ->connect(empty)
      .addErrback([&](twist::Failure f) -> twist::Protocol* {
        failure = f;
        reactor.callLater(0.05, [&] { reactor.stop(); });
        return nullptr;
      });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(failure);
  CHECK(failure->check<twist::NoProtocol>());
  CHECK(empty.numPorts == 0);
}

TEST_CASE("endpoints: cancelling connect()'s Deferred stops the attempt") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  auto serverFactory = twist::Factory::forProtocol<Echo>();
  auto port = reactor.listenTCP(0, *serverFactory, 50, "127.0.0.1");
  auto clientFactory = twist::Factory::forProtocol<Pinger>();
  auto d = twist::clientFromString(reactor, "tcp:127.0.0.1:" + std::to_string(port->getHost().port))
               ->connect(*clientFactory);
  d.cancel();
  twist::failureResultOf<twist::CancelledError>(d);
  CHECK(clientFactory->numPorts == 0);  // stopped at once: no connection will be made
  reactor.callLater(0.1, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  CHECK(clientFactory->numPorts == 0);
}

TEST_CASE("endpoints: connect() on a MemoryReactor leaves its wrapping factory to the connector, freed with it") {
  // The wrapper owned itself until stopFactory, which a MemoryReactor never
  // calls: it leaked with every connect (issue 10, 1.8; LeakSanitizer saw it).
  std::weak_ptr<void> wrapper;
  twist::Factory factory;
  factory.protocol = [] { return std::make_unique<Echo>(); };
  {
    twist::MemoryReactor reactor;
    twist::TCP4ClientEndpoint endpoint(reactor, "example.org", 80, 30);
    twist::Deferred<twist::Protocol*> d = endpoint.connect(factory);
    REQUIRE(reactor.tcpClients.size() == 1);
    REQUIRE(reactor.connectors.size() == 1);
    wrapper = reactor.connectors[0]->keepAlive;
    CHECK_FALSE(wrapper.expired());  // the factory the reactor recorded is alive while its connector is
    twist::StringTransport transport;
    std::unique_ptr<twist::Protocol> p = reactor.tcpClients[0].factory->buildProtocol({"TCP", "example.org", 80});
    REQUIRE(p);
    p->makeConnection(transport);
    CHECK(twist::successResultOf(d) != nullptr);
  }
  CHECK(wrapper.expired());
}
