// The clean-reactor check (testing.hpp, TWISTED-REFERENCE §7): trial fails a
// test that leaves delayed calls, ports or connections behind with "Reactor
// was unclean.", names each leftover, and cleans it up for the next test.
// Real sockets on 127.0.0.1, port 0; loops bounded by a watchdog.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>

#include "twist/reactor.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

// Counts connectionLost calls, which the check must not make.
struct LostCounter : twist::AccumulatingProtocol {
  explicit LostCounter(int& lost) : lost_(lost) {}
  void connectionLost(twist::Failure reason) override {
    ++lost_;
    AccumulatingProtocol::connectionLost(reason);
  }
  int& lost_;
};

struct CountingClientFactory : twist::AccumulatingFactory {
  void clientConnectionLost(twist::IConnector&, twist::Failure) override { ++lost; }
  int lost = 0;
};

// Ends run() after `seconds` (a test that never gets there fails); cancel()
// before the check, so the watchdog itself is not a leftover.
struct Watchdog {
  bool fired = false;
  twist::DelayedCall call;
  Watchdog(twist::Reactor& reactor, double seconds) {
    call = reactor.callLater(seconds, [this, &reactor] {
      fired = true;
      reactor.crash();
    });
  }
  void cancel() {
    if (call.active()) call.cancel();
  }
};

std::string failureOf(twist::Reactor& reactor) {
  try {
    twist::assertReactorClean(reactor);
  } catch (const twist::FailTest& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a clean reactor passes the check") {
  twist::Reactor reactor;
  twist::assertReactorClean(reactor);
  REQUIRE(twist::cleanReactor(reactor).empty());

  // A call that ran, and one that was cancelled, are not leftovers.
  bool ran = false;
  reactor.callLater(0, [&] { ran = true; });
  reactor.callLater(10, [] {}).cancel();
  twist::assertReactorClean(reactor);  // its two iterations run the due call
  REQUIRE(ran);
}

TEST_CASE("a leftover callLater fails the check, is named with its due time, and is cancelled") {
  twist::Reactor reactor;
  bool ran = false;
  twist::DelayedCall call = reactor.callLater(5, [&] { ran = true; });
  double due = call.getTime();

  std::string message = failureOf(reactor);
  REQUIRE_THAT(message, twist_catch::Contains("Reactor was unclean."));
  REQUIRE(message.rfind("Reactor was unclean.", 0) == 0);
  REQUIRE_THAT(message, twist_catch::Contains("DelayedCalls: (cancelled)"));
  char dueText[32];
  std::snprintf(dueText, sizeof dueText, "%.3f", due);
  REQUIRE_THAT(message, twist_catch::Contains(std::string("a call due at t=") + dueText + " s"));
  double in = std::stod(message.substr(message.find("(in ") + 4));
  REQUIRE(in > 4.0);  // about 5 s from now
  REQUIRE(in <= 5.0);

  REQUIRE(call.cancelled());
  REQUIRE(reactor.getDelayedCalls().empty());
  twist::assertReactorClean(reactor);  // clean now
  REQUIRE_FALSE(ran);
}

TEST_CASE("a leftover listening port fails the check, is named by its address, and is closed") {
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  auto port = reactor.listenTCP(0, *factory, 50, "127.0.0.1");
  int number = port->getHost().port;
  REQUIRE(factory->numPorts == 1);

  std::string message = failureOf(reactor);
  REQUIRE(message.rfind("Reactor was unclean.", 0) == 0);
  REQUIRE_THAT(message, twist_catch::Contains("Selectables: (closed)"));
  REQUIRE_THAT(message, twist_catch::Contains("listening port TCP:127.0.0.1:" + std::to_string(number)));
  REQUIRE_THAT(message, !twist_catch::Contains("DelayedCalls"));

  REQUIRE(reactor.describeResources().empty());
  REQUIRE(factory->numPorts == 1);  // closed silently: no doStop, as trial's removeAll
  twist::assertReactorClean(reactor);
  // The socket is really closed: the same port can be bound again.
  auto again = reactor.listenTCP(number, *factory, 50, "127.0.0.1");
  REQUIRE(again->getHost().port == number);
  again->stopListening();
  twist::assertReactorClean(reactor);
}

TEST_CASE("leftover connections fail the check, are named by their peers, and are closed without callbacks") {
  twist::Reactor reactor;
  int protocolsLost = 0;
  twist::AccumulatingFactory serverFactory;
  CountingClientFactory clientFactory;
  serverFactory.protocol = [&] { return std::make_unique<LostCounter>(protocolsLost); };
  clientFactory.protocol = [&] { return std::make_unique<LostCounter>(protocolsLost); };
  serverFactory.protocolConnectionMade = twist::Deferred<twist::AccumulatingProtocol*>();
  twist::AccumulatingProtocol* server = nullptr;
  serverFactory.protocolConnectionMade->addCallback([&](twist::AccumulatingProtocol* p) {
    server = p;
    reactor.crash();  // trial's way out of a test: the reactor is left as it is
  });
  auto port = reactor.listenTCP(0, serverFactory, 50, "127.0.0.1");
  int serverPort = port->getHost().port;
  reactor.connectTCP("127.0.0.1", serverPort, clientFactory, 5);
  Watchdog watchdog(reactor, 5);
  reactor.run(false);
  REQUIRE_FALSE(watchdog.fired);
  watchdog.cancel();
  REQUIRE(server != nullptr);
  int clientPort = server->transport->getPeer().port;
  port->stopListening();  // only the two connections are left

  std::string message = failureOf(reactor);
  REQUIRE(message.rfind("Reactor was unclean.", 0) == 0);
  REQUIRE_THAT(message, twist_catch::Contains("Selectables: (closed)"));
  REQUIRE_THAT(message, twist_catch::Contains("connection to TCP:127.0.0.1:" + std::to_string(serverPort)));
  REQUIRE_THAT(message, twist_catch::Contains("connection to TCP:127.0.0.1:" + std::to_string(clientPort)));
  REQUIRE_THAT(message, !twist_catch::Contains("listening port"));

  REQUIRE(reactor.describeResources().empty());
  REQUIRE(protocolsLost == 0);  // closed silently: no connectionLost, no clientConnectionLost
  REQUIRE(clientFactory.lost == 0);
  twist::assertReactorClean(reactor);
}

TEST_CASE("every leftover is listed in one failure") {
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  auto port = reactor.listenTCP(0, *factory, 50, "127.0.0.1");
  reactor.callLater(1, [] {});
  reactor.callLater(2, [] {});
  std::string message = failureOf(reactor);
  REQUIRE(message.rfind("Reactor was unclean.\nDelayedCalls: (cancelled)\n  a call due at", 0) == 0);
  REQUIRE(message.find("a call due at") != message.rfind("a call due at"));  // both calls
  REQUIRE_THAT(message, twist_catch::Contains("\nSelectables: (closed)\n  listening port TCP:127.0.0.1:" +
                                              std::to_string(port->getHost().port)));
  twist::assertReactorClean(reactor);
}

TEST_CASE("iterate refuses to run inside run()") {
  twist::Reactor reactor;
  bool threw = false;
  reactor.callWhenRunning([&] {
    try {
      reactor.iterate();
    } catch (const std::logic_error&) {
      threw = true;
    }
    reactor.stop();
  });
  Watchdog watchdog(reactor, 5);
  reactor.run(false);
  watchdog.cancel();
  REQUIRE(threw);
  twist::assertReactorClean(reactor);
}
