// Protocol, Factory, ClientFactory and ReconnectingClientFactory (protocol.hpp),
// without sockets: StringTransport for transports, Clock for time, and a
// counting IConnector (TWISTED-REFERENCE.md §4).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_catch::Approx;
using twist_test::CapturedLog;

namespace {

constexpr double kE = 2.7182818284590451;

struct Echo : twist::Protocol {
  void dataReceived(std::string_view data) override { transport->write(data); }
};

// Checks, from inside connectionMade, what makeConnection had set by then.
struct MadeChecker : twist::Protocol {
  void connectionMade() override {
    ++made;
    transportAtMade = transport;
    connectedAtMade = connected;
  }
  int made = 0;
  twist::ITransport* transportAtMade = nullptr;
  bool connectedAtMade = false;
};

struct Greeter : twist::Protocol {
  Greeter() = default;
  Greeter(std::string greeting, int times) : greeting(std::move(greeting)), times(times) {}
  void connectionMade() override {
    for (int i = 0; i < times; ++i) transport->write(greeting);
  }
  std::string greeting = "hello";
  int times = 1;
};

struct CountingFactory : twist::Factory {
  void startFactory() override { ++starts; }
  void stopFactory() override { ++stops; }
  int starts = 0, stops = 0;
};

// A connector that only counts: stands in for the reactor's, so that
// ReconnectingClientFactory is tested with a Clock alone. Make it with
// std::make_shared (the factory keeps it through shared_from_this).
struct CountingConnector : twist::IConnector {
  explicit CountingConnector(std::shared_ptr<int> connects = std::make_shared<int>(0)) : connects(std::move(connects)) {}
  void stopConnecting() override { ++stops; }
  void disconnect() override { ++disconnects; }
  void connect() override { ++*connects; }
  twist::Address getDestination() const override { return {"TCP", "example.org", 80}; }
  std::shared_ptr<int> connects;  // shared, so a test can count after dropping the connector
  int stops = 0, disconnects = 0;
};

twist::Failure refused() { return twist::Failure(twist::ConnectionRefusedError("connect to example.org:80: refused")); }

// The delay of the one pending call on clock, from now.
double pendingDelay(twist::Clock& clock) {
  auto calls = clock.getDelayedCalls();
  REQUIRE(calls.size() == 1u);
  return calls[0].getTime() - clock.seconds();
}

}  // namespace

// ---------------------------------------------------------------------------
// Protocol

TEST_CASE("The API contract: Echo over a StringTransport") {
  twist::StringTransport tr;
  Echo p;
  p.makeConnection(tr);
  REQUIRE(p.transport == &tr);
  p.dataReceived("hi");
  REQUIRE(tr.value() == "hi");
  p.dataReceived(" there");
  REQUIRE(tr.value() == "hi there");
  REQUIRE_FALSE(tr.disconnecting);
}

TEST_CASE("A protocol starts unconnected, with no transport and no factory") {
  twist::Protocol p;
  REQUIRE(p.transport == nullptr);
  REQUIRE_FALSE(p.connected);
  REQUIRE(p.factory == nullptr);
  REQUIRE_FALSE(p.wantsHalfClose());
  // The default callbacks do nothing, and do not throw.
  p.connectionMade();
  p.dataReceived("ignored");
  p.readConnectionLost();
  p.writeConnectionLost();
  p.connectionLost(twist::Failure(twist::ConnectionDone()));
}

TEST_CASE("makeConnection sets transport and connected, then calls connectionMade") {
  twist::StringTransport tr;
  MadeChecker p;
  p.makeConnection(tr);
  REQUIRE(p.made == 1);
  REQUIRE(p.transportAtMade == &tr);
  REQUIRE(p.connectedAtMade);
  REQUIRE(p.transport == &tr);
  REQUIRE(p.connected);
}

TEST_CASE("connectionMade may write at once: the transport is already set") {
  twist::StringTransport tr;
  Greeter p;
  p.makeConnection(tr);
  REQUIRE(tr.value() == "hello");
}

// ---------------------------------------------------------------------------
// Factory

TEST_CASE("Factory's default buildProtocol makes a new protocol each time and sets its factory") {
  twist::Factory factory;
  factory.protocol = [] { return std::make_unique<Echo>(); };
  auto a = factory.buildProtocol({"TCP", "127.0.0.1", 1});
  auto b = factory.buildProtocol({"TCP", "127.0.0.1", 2});
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  REQUIRE(a != b);
  REQUIRE(dynamic_cast<Echo*>(a.get()) != nullptr);
  REQUIRE(a->factory == &factory);
  REQUIRE(b->factory == &factory);
  REQUIRE_FALSE(a->connected);  // built, not yet connected
}

TEST_CASE("Factory::forProtocol<P>() makes a factory for P, passing the arguments on") {
  auto plain = twist::Factory::forProtocol<Echo>();
  auto echo = plain->buildProtocol({"TCP", "127.0.0.1", 1});
  REQUIRE(dynamic_cast<Echo*>(echo.get()) != nullptr);
  REQUIRE(echo->factory == plain.get());

  auto greeters = twist::Factory::forProtocol<Greeter>(std::string("hey "), 2);
  auto g = greeters->buildProtocol({"TCP", "127.0.0.1", 1});
  twist::StringTransport tr;
  g->makeConnection(tr);
  REQUIRE(tr.value() == "hey hey ");
  REQUIRE(g->factory == greeters.get());
}

TEST_CASE("A factory with no protocol builds nothing: nullptr, which refuses the connection") {
  twist::Factory factory;
  REQUIRE(factory.buildProtocol({"TCP", "127.0.0.1", 1}) == nullptr);

  // A protocol function may refuse, too; the factory does not touch a null result.
  twist::Factory picky;
  picky.protocol = []() -> std::unique_ptr<twist::Protocol> { return nullptr; };
  REQUIRE(picky.buildProtocol({"TCP", "127.0.0.1", 1}) == nullptr);
}

TEST_CASE("buildProtocol may be overridden to refuse some peers with nullptr") {
  struct LocalOnly : twist::Factory {
    std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address& addr) override {
      if (addr.host != "127.0.0.1") return nullptr;
      return Factory::buildProtocol(addr);
    }
  } factory;
  factory.protocol = [] { return std::make_unique<Echo>(); };
  REQUIRE(factory.buildProtocol({"TCP", "192.168.1.1", 54321}) == nullptr);
  auto p = factory.buildProtocol({"TCP", "127.0.0.1", 54321});
  REQUIRE(p != nullptr);
  REQUIRE(p->factory == &factory);
}

TEST_CASE("startFactory runs on the first doStart only, stopFactory on the last doStop only") {
  CountingFactory factory;
  REQUIRE(factory.numPorts == 0);
  factory.doStart();
  REQUIRE(factory.starts == 1);
  REQUIRE(factory.numPorts == 1);
  factory.doStart();
  factory.doStart();
  REQUIRE(factory.starts == 1);
  REQUIRE(factory.numPorts == 3);

  factory.doStop();
  factory.doStop();
  REQUIRE(factory.stops == 0);
  REQUIRE(factory.numPorts == 1);
  factory.doStop();
  REQUIRE(factory.stops == 1);
  REQUIRE(factory.numPorts == 0);

  // Again from zero: a new 0 → 1 transition starts it again.
  factory.doStart();
  REQUIRE(factory.starts == 2);
  factory.doStop();
  REQUIRE(factory.stops == 2);
}

TEST_CASE("doStop with no port started does nothing (as Twisted: no negative count, no stopFactory)") {
  CountingFactory factory;
  factory.doStop();
  REQUIRE(factory.numPorts == 0);
  REQUIRE(factory.stops == 0);
  factory.doStart();
  REQUIRE(factory.starts == 1);
  REQUIRE(factory.numPorts == 1);
}

TEST_CASE("ClientFactory's callbacks do nothing by default, and it builds protocols like Factory") {
  twist::ClientFactory factory;
  factory.protocol = [] { return std::make_unique<Echo>(); };
  auto connector = std::make_shared<CountingConnector>();
  factory.startedConnecting(*connector);
  factory.clientConnectionFailed(*connector, refused());
  factory.clientConnectionLost(*connector, twist::Failure(twist::ConnectionDone()));
  REQUIRE(*connector->connects == 0);
  REQUIRE(connector->stops == 0);
  auto p = factory.buildProtocol({"TCP", "example.org", 80});
  REQUIRE(p->factory == &factory);
}

// ---------------------------------------------------------------------------
// ReconnectingClientFactory

TEST_CASE("ReconnectingClientFactory has Twisted's defaults exactly") {
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  REQUIRE(factory.maxDelay == 3600);
  REQUIRE(factory.initialDelay == 1.0);
  REQUIRE(factory.factor == 2.7182818284590451);
  REQUIRE(factory.jitter == 0.119626565582);
  REQUIRE_FALSE(factory.maxRetries.has_value());
  REQUIRE(factory.delay == 1.0);
  REQUIRE(factory.retries == 0);
  REQUIRE(factory.continueTrying);
  REQUIRE(factory.clock == &clock);
  REQUIRE_FALSE(factory.callID.active());
  REQUIRE(factory.connector == nullptr);
}

TEST_CASE("ReconnectingClientFactory: with jitter 0 the first retry waits exactly initialDelay * factor") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionFailed(*connector, refused());
  REQUIRE(factory.retries == 1);
  REQUIRE(factory.delay == kE);
  REQUIRE(pendingDelay(clock) == kE);
  REQUIRE(factory.callID.active());

  clock.advance(2.718);
  REQUIRE(*connector->connects == 0);
  clock.advance(kE - 2.718);
  REQUIRE(*connector->connects == 1);
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE_FALSE(factory.callID.active());
  REQUIRE(log.contains("Will retry TCP:example.org:80"));
}

TEST_CASE("ReconnectingClientFactory: clientConnectionLost also schedules connector.connect() on the clock") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionLost(*connector, twist::Failure(twist::ConnectionLost()));
  REQUIRE(factory.retries == 1);
  REQUIRE(pendingDelay(clock) == kE);
  clock.advance(kE);
  REQUIRE(*connector->connects == 1);
}

TEST_CASE("ReconnectingClientFactory: delay = min(delay * factor, maxDelay) on each retry") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  factory.maxDelay = 20;
  auto connector = std::make_shared<CountingConnector>();
  std::vector<double> expected = {kE, kE * kE, 20, 20};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    factory.clientConnectionFailed(*connector, refused());
    REQUIRE(factory.retries == static_cast<int>(i) + 1);
    REQUIRE(factory.delay == Approx(expected[i]).epsilon(1e-12));
    REQUIRE(pendingDelay(clock) == Approx(expected[i]).epsilon(1e-12));
    clock.advance(expected[i]);
    REQUIRE(*connector->connects == static_cast<int>(i) + 1);
  }
}

TEST_CASE("ReconnectingClientFactory: the default maxDelay caps the delay at 3600 seconds") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  auto connector = std::make_shared<CountingConnector>();
  for (int i = 0; i < 12; ++i) {  // e^9 > 3600: capped from the ninth retry on
    factory.clientConnectionFailed(*connector, refused());
    clock.advance(factory.delay);
  }
  REQUIRE(factory.delay == 3600);
  REQUIRE(*connector->connects == 12);
}

TEST_CASE("ReconnectingClientFactory: jitter draws the delay from normal(delay, delay * jitter)") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.random.seed(12345);
  auto connector = std::make_shared<CountingConnector>();

  const int n = 2000;
  double sum = 0, sumSquares = 0;
  bool anyDiffers = false;
  for (int i = 0; i < n; ++i) {
    factory.resetDelay();
    factory.clientConnectionFailed(*connector, refused());
    double d = pendingDelay(clock);
    REQUIRE(d == factory.delay);  // the delay drawn is the one scheduled
    // Loose bounds: 6 standard deviations either side of e.
    REQUIRE(d > kE * (1 - 6 * factory.jitter));
    REQUIRE(d < kE * (1 + 6 * factory.jitter));
    if (d != kE) anyDiffers = true;
    sum += d;
    sumSquares += d * d;
    factory.callID.cancel();
  }
  REQUIRE(anyDiffers);
  double mean = sum / n;
  double stddev = std::sqrt(sumSquares / n - mean * mean);
  REQUIRE(mean == Approx(kE).epsilon(0.02));
  REQUIRE(stddev == Approx(kE * 0.119626565582).epsilon(0.15));
}

TEST_CASE("ReconnectingClientFactory: the same seed gives the same jittered delays") {
  CapturedLog log;
  twist::Clock clockA, clockB;
  twist::ReconnectingClientFactory a(clockA), b(clockB);
  a.random.seed(7);
  b.random.seed(7);
  auto connector = std::make_shared<CountingConnector>();
  for (int i = 0; i < 5; ++i) {
    a.clientConnectionFailed(*connector, refused());
    b.clientConnectionFailed(*connector, refused());
    REQUIRE(a.delay == b.delay);
    clockA.advance(a.delay);
    clockB.advance(b.delay);
  }
}

TEST_CASE("ReconnectingClientFactory gives up once retries > maxRetries") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  factory.maxRetries = 2;
  auto connector = std::make_shared<CountingConnector>();
  for (int i = 1; i <= 2; ++i) {
    factory.clientConnectionFailed(*connector, refused());
    REQUIRE(clock.getDelayedCalls().size() == 1u);
    clock.advance(factory.delay);
    REQUIRE(*connector->connects == i);
  }
  double delayBefore = factory.delay;
  factory.clientConnectionFailed(*connector, refused());  // retries becomes 3 > 2
  REQUIRE(factory.retries == 3);
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(factory.delay == delayBefore);
  clock.advance(1e6);
  REQUIRE(*connector->connects == 2);
  REQUIRE(log.contains("Abandoning TCP:example.org:80 after"));
}

TEST_CASE("ReconnectingClientFactory with maxRetries 0 never retries") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.maxRetries = 0;
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionFailed(*connector, refused());
  REQUIRE(clock.getDelayedCalls().empty());
  clock.advance(1e6);
  REQUIRE(*connector->connects == 0);
}

TEST_CASE("resetDelay restores delay and retries, and trying again") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.jitter = 0;
  factory.initialDelay = 0.5;
  factory.delay = 0.5;
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionFailed(*connector, refused());
  clock.advance(factory.delay);
  factory.clientConnectionFailed(*connector, refused());
  REQUIRE(factory.retries == 2);
  REQUIRE(factory.delay == Approx(0.5 * kE * kE).epsilon(1e-12));
  factory.stopTrying();
  REQUIRE_FALSE(factory.continueTrying);

  factory.resetDelay();
  REQUIRE(factory.delay == 0.5);
  REQUIRE(factory.retries == 0);
  REQUIRE(factory.continueTrying);
  // The next failure starts over from initialDelay.
  factory.clientConnectionFailed(*connector, refused());
  REQUIRE(pendingDelay(clock) == Approx(0.5 * kE).epsilon(1e-12));
}

TEST_CASE("stopTrying cancels the pending retry and calls stopConnecting") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionFailed(*connector, refused());
  REQUIRE(clock.getDelayedCalls().size() == 1u);
  twist::DelayedCall pending = factory.callID;

  factory.stopTrying();
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(pending.cancelled());
  REQUIRE(connector->stops == 1);
  REQUIRE_FALSE(factory.continueTrying);
  clock.advance(1e6);
  REQUIRE(*connector->connects == 0);

  // No more attempts after it, whatever fails or is lost.
  factory.clientConnectionFailed(*connector, refused());
  factory.clientConnectionLost(*connector, twist::Failure(twist::ConnectionLost()));
  factory.retry(*connector);
  REQUIRE(clock.getDelayedCalls().empty());
  REQUIRE(factory.retries == 1);
}

TEST_CASE("stopTrying before any connection failed just stops trying") {
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  factory.stopTrying();
  REQUIRE_FALSE(factory.continueTrying);
  REQUIRE(clock.getDelayedCalls().empty());
}

TEST_CASE("stopTrying after the retry has run calls stopConnecting, and cancels nothing") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  auto connector = std::make_shared<CountingConnector>();
  factory.clientConnectionFailed(*connector, refused());
  clock.advance(factory.delay);
  REQUIRE(*connector->connects == 1);
  factory.stopTrying();  // the retry already ran: nothing to cancel, no AlreadyCalled
  REQUIRE(connector->stops == 1);
  REQUIRE_FALSE(factory.continueTrying);
}

TEST_CASE("The factory keeps the connector alive until its retry has run") {
  CapturedLog log;
  twist::Clock clock;
  twist::ReconnectingClientFactory factory(clock);
  auto connects = std::make_shared<int>(0);
  std::weak_ptr<CountingConnector> weak;
  {
    auto connector = std::make_shared<CountingConnector>(connects);
    weak = connector;
    factory.clientConnectionFailed(*connector, refused());
  }  // the test's handle is gone; the factory's is not
  REQUIRE_FALSE(weak.expired());
  clock.advance(factory.delay);
  REQUIRE(*connects == 1);
  REQUIRE(factory.connector == weak.lock());
}
