// application.hpp: Service and MultiService (Twisted: twisted.application.service;
// each rule checked against twisted/application/service.py, 22.4).
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/application.hpp"
#include "twist/logger.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"

using twist::Deferred;
using twist::MultiService;
using twist::Service;
using twist_catch::Contains;

namespace {

// Records what happened to it in a shared journal; its stop can be held open.
struct Recorder : Service {
  Recorder(std::vector<std::string>& journal, std::string label) : journal(journal), label(std::move(label)) {}
  void privilegedStartService() override { journal.push_back("privileged " + label); }
  void startService() override {
    Service::startService();
    journal.push_back("start " + label);
  }
  Deferred<void> stopService() override {
    Service::stopService();
    journal.push_back("stop " + label);
    if (holdStop) return pending;
    if (throwOnStop) throw std::runtime_error("cannot stop " + label);
    return twist::succeed();
  }
  std::vector<std::string>& journal;
  std::string label;
  bool holdStop = false;
  bool throwOnStop = false;
  Deferred<void> pending;
};

struct LogCapture {
  LogCapture() {
    id = twist::globalLogPublisher().addObserver([this](const twist::LogEvent& e) { lines.push_back(e.text()); });
  }
  ~LogCapture() { twist::globalLogPublisher().removeObserver(id); }
  std::vector<std::string> lines;
  twist::LogPublisher::ObserverId id{};
};

}  // namespace

TEST_CASE("Service: startService sets running and stopService clears it with a fired Deferred") {
  Service s;
  CHECK_FALSE(s.running);
  s.startService();
  CHECK(s.running);
  Deferred<void> d = s.stopService();
  twist::successResultOf(d);
  CHECK_FALSE(s.running);
}

TEST_CASE("Service: setName works without a parent and throws once a parent exists") {
  MultiService parent;
  Service s;
  s.setName("web");
  CHECK(s.name() == "web");
  s.setServiceParent(parent);
  CHECK_THROWS_WITH(s.setName("other"), "cannot change name when parent exists");
  CHECK(s.name() == "web");
}

TEST_CASE("Service: setServiceParent adds the service to the parent and sets parent()") {
  MultiService parent;
  Service s;
  s.setServiceParent(parent);
  CHECK(s.parent() == &parent);
  REQUIRE(parent.services().size() == 1);
  CHECK(parent.services()[0] == &s);
}

TEST_CASE("Service: setServiceParent to a second parent leaves the first") {
  MultiService first, second;
  Service s;
  s.setName("s");
  s.setServiceParent(first);
  s.setServiceParent(second);
  CHECK(first.services().empty());
  CHECK_THROWS_AS(first.getServiceNamed("s"), twist::ServiceNotFound);
  CHECK(&second.getServiceNamed("s") == &s);
  CHECK(s.parent() == &second);
}

TEST_CASE("Service: disownServiceParent of a stopped parent does not stop the child and fires at once") {
  std::vector<std::string> journal;
  MultiService parent;
  Recorder r(journal, "r");
  r.setServiceParent(parent);
  Deferred<void> d = r.disownServiceParent();
  twist::successResultOf(d);
  CHECK(journal.empty());
  CHECK(r.parent() == nullptr);
  CHECK(parent.services().empty());
}

TEST_CASE("Service: disownServiceParent of a running parent returns the child's stop Deferred") {
  std::vector<std::string> journal;
  MultiService parent;
  Recorder r(journal, "r");
  r.holdStop = true;
  r.setServiceParent(parent);
  parent.startService();
  Deferred<void> d = r.disownServiceParent();
  CHECK(journal.back() == "stop r");
  twist::assertNoResult(d);
  r.pending.callback();
  twist::successResultOf(d);
  CHECK(r.parent() == nullptr);
}

TEST_CASE("Service: disownServiceParent without a parent throws logic_error") {
  Service s;
  CHECK_THROWS_AS(s.disownServiceParent(), std::logic_error);
}

TEST_CASE("MultiService: starts its children in the order they were added, privileged first") {
  std::vector<std::string> journal;
  MultiService parent;
  Recorder a(journal, "a"), b(journal, "b");
  a.setServiceParent(parent);
  b.setServiceParent(parent);
  parent.privilegedStartService();
  parent.startService();
  CHECK(journal == std::vector<std::string>{"privileged a", "privileged b", "start a", "start b"});
  CHECK(parent.running);
  CHECK(a.running);
  CHECK(b.running);
}

TEST_CASE("MultiService: stops its children in reverse order, all before any has finished") {
  std::vector<std::string> journal;
  MultiService parent;
  Recorder a(journal, "a"), b(journal, "b"), c(journal, "c");
  for (Recorder* r : {&a, &b, &c}) {
    r->holdStop = true;
    r->setServiceParent(parent);
  }
  parent.startService();
  journal.clear();
  Deferred<void> d = parent.stopService();
  CHECK(journal == std::vector<std::string>{"stop c", "stop b", "stop a"});
  CHECK_FALSE(parent.running);
  twist::assertNoResult(d);
  c.pending.callback();
  a.pending.callback();
  twist::assertNoResult(d);
  b.pending.callback();
  twist::successResultOf(d);
}

TEST_CASE("MultiService: a child's failing stop is logged with its name, the others stop, the parent's Deferred succeeds") {
  std::vector<std::string> journal;
  LogCapture logs;
  MultiService parent;
  Recorder a(journal, "a"), b(journal, "b"), c(journal, "c");
  a.setName("first");
  b.setName("second");
  b.holdStop = true;
  c.throwOnStop = true;
  c.setName("third");
  for (Recorder* r : {&a, &b, &c}) r->setServiceParent(parent);
  parent.startService();
  Deferred<void> d = parent.stopService();
  CHECK(journal.back() == "stop a");
  b.pending.errback(std::runtime_error("disk full"));
  twist::successResultOf(d);
  std::string all;
  for (const std::string& line : logs.lines) all += line + "\n";
  CHECK_THAT(all, Contains("'second' failed") && Contains("disk full"));
  CHECK_THAT(all, Contains("'third' failed") && Contains("cannot stop c"));
}

TEST_CASE("MultiService: a child whose startService throws stops the start there, and stopService still asks every child") {
  std::vector<std::string> journal;
  MultiService parent;
  Recorder a(journal, "a"), c(journal, "c");
  struct Failing : Recorder {
    using Recorder::Recorder;
    void startService() override {
      journal.push_back("start " + label);
      throw std::runtime_error("no database");
    }
  } b(journal, "b");
  for (Recorder* r : {static_cast<Recorder*>(&a), static_cast<Recorder*>(&b), &c}) r->setServiceParent(parent);
  CHECK_THROWS_WITH(parent.startService(), "no database");
  CHECK(journal == std::vector<std::string>{"start a", "start b"});
  CHECK(parent.running);
  CHECK(a.running);
  CHECK_FALSE(c.running);
  journal.clear();
  twist::successResultOf(parent.stopService());
  CHECK(journal == std::vector<std::string>{"stop c", "stop b", "stop a"});
}

TEST_CASE("MultiService: a child added while running is privileged-started then started at once") {
  std::vector<std::string> journal;
  MultiService parent;
  parent.startService();
  Recorder r(journal, "late");
  r.setServiceParent(parent);
  CHECK(journal == std::vector<std::string>{"privileged late", "start late"});
  CHECK(r.running);
}

TEST_CASE("MultiService: a second child with the same name is refused and left without a parent") {
  MultiService parent;
  Service one, two;
  one.setName("web");
  two.setName("web");
  one.setServiceParent(parent);
  CHECK_THROWS_WITH(two.setServiceParent(parent), "cannot have two services with same name 'web'");
  CHECK(two.parent() == nullptr);
  CHECK(parent.services().size() == 1);
}

TEST_CASE("MultiService: unnamed children are never refused as duplicates") {
  MultiService parent;
  Service one, two;
  one.setServiceParent(parent);
  two.setServiceParent(parent);
  CHECK(parent.services().size() == 2);
}

TEST_CASE("MultiService: getServiceNamed finds a child, and an unknown name throws ServiceNotFound naming it") {
  MultiService parent;
  Service s;
  s.setName("db");
  s.setServiceParent(parent);
  CHECK(&parent.getServiceNamed("db") == &s);
  CHECK(&parent.namedService<Service>("db") == &s);
  CHECK_THROWS_AS(parent.getServiceNamed("cache"), twist::ServiceNotFound);
  CHECK_THROWS_WITH(parent.getServiceNamed("cache"), Contains("'cache'"));
}

TEST_CASE("MultiService: namedService of the wrong type throws bad_cast") {
  MultiService parent;
  Service s;
  s.setName("plain");
  s.setServiceParent(parent);
  CHECK_THROWS_AS(parent.namedService<MultiService>("plain"), std::bad_cast);
}

TEST_CASE("MultiService: removeService of a service that is not a child throws invalid_argument") {
  MultiService parent;
  Service s;
  CHECK_THROWS_AS(parent.removeService(s), std::invalid_argument);
}

TEST_CASE("MultiService: nested MultiServices start and stop their whole tree") {
  std::vector<std::string> journal;
  MultiService top, inner;
  Recorder a(journal, "a"), b(journal, "b");
  a.setServiceParent(inner);
  inner.setServiceParent(top);
  b.setServiceParent(top);
  top.startService();
  CHECK(journal == std::vector<std::string>{"start a", "start b"});
  journal.clear();
  twist::successResultOf(top.stopService());
  CHECK(journal == std::vector<std::string>{"stop b", "stop a"});
  CHECK_FALSE(inner.running);
}

namespace {
struct Mortal : Service {
  explicit Mortal(bool& destroyed) : destroyed(destroyed) {}
  ~Mortal() override { destroyed = true; }
  bool& destroyed;
};
}  // namespace

TEST_CASE("MultiService: own() adds the child and destroys it with the parent") {
  bool destroyed = false;
  auto parent = std::make_unique<MultiService>();
  Mortal& m = parent->own(std::make_unique<Mortal>(destroyed));
  CHECK(m.parent() == parent.get());
  parent->startService();
  CHECK(m.running);
  parent.reset();
  CHECK(destroyed);
}

TEST_CASE("MultiService: an owned child removed while stopping stays alive until the parent is destroyed") {
  bool destroyed = false;
  auto parent = std::make_unique<MultiService>();
  Mortal& m = parent->own(std::make_unique<Mortal>(destroyed));
  parent->startService();
  twist::successResultOf(m.disownServiceParent());
  CHECK_FALSE(destroyed);
  CHECK(parent->services().empty());
  parent.reset();
  CHECK(destroyed);
}

TEST_CASE("MultiService: a child destroyed while in its parent leaves it") {
  MultiService parent;
  {
    Service s;
    s.setName("brief");
    s.setServiceParent(parent);
  }
  CHECK(parent.services().empty());
  CHECK_THROWS_AS(parent.getServiceNamed("brief"), twist::ServiceNotFound);
}

TEST_CASE("MultiService: a parent destroyed first lets its non-owned children go") {
  Service s;
  {
    MultiService parent;
    s.setServiceParent(parent);
  }
  CHECK(s.parent() == nullptr);
  s.setName("free again");
  CHECK(s.name() == "free again");
}

// ---- TimerService -------------------------------------------------------------

TEST_CASE("TimerService: startService calls at once, then every step on the clock") {
  twist::Clock clock;
  int calls = 0;
  twist::TimerService timer(clock, 2.0, [&] { ++calls; });
  timer.startService();
  CHECK(calls == 1);
  CHECK(timer.running);
  clock.advance(1.9);
  CHECK(calls == 1);
  clock.advance(0.1);
  CHECK(calls == 2);
  clock.advance(2.0);
  CHECK(calls == 3);
}

TEST_CASE("TimerService: stopService stops the calls, fires and clears running") {
  twist::Clock clock;
  int calls = 0;
  twist::TimerService timer(clock, 1.0, [&] { ++calls; });
  timer.startService();
  twist::successResultOf(timer.stopService());
  CHECK_FALSE(timer.running);
  clock.advance(5.0);
  CHECK(calls == 1);
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("TimerService: stopService during a call's Deferred fires only when that Deferred does") {
  twist::Clock clock;
  Deferred<void> inProgress;
  twist::TimerService timer(clock, 1.0, [&] { return inProgress; });
  timer.startService();
  Deferred<void> stopped = timer.stopService();
  twist::assertNoResult(stopped);
  CHECK(timer.running);  // Twisted: running until the call is done
  inProgress.callback();
  twist::successResultOf(stopped);
  CHECK_FALSE(timer.running);
}

TEST_CASE("TimerService: a failing call is logged and not repeated, and stopService still succeeds") {
  twist::Clock clock;
  LogCapture logs;
  int calls = 0;
  twist::TimerService timer(clock, 1.0, [&] {
    ++calls;
    if (calls == 2) throw std::runtime_error("sensor unplugged");
  });
  timer.setName("poller");
  timer.startService();
  clock.advance(1.0);
  clock.advance(3.0);
  CHECK(calls == 2);
  std::string all;
  for (const std::string& line : logs.lines) all += line + "\n";
  CHECK_THAT(all, Contains("'poller'") && Contains("sensor unplugged"));
  twist::successResultOf(timer.stopService());
  CHECK_FALSE(timer.running);
}

TEST_CASE("TimerService: stopService before any start fires at once") {
  twist::Clock clock;
  twist::TimerService timer(clock, 1.0, [] {});
  twist::successResultOf(timer.stopService());
  CHECK_FALSE(timer.running);
}

TEST_CASE("TimerService: a stopped TimerService started again calls again") {
  twist::Clock clock;
  int calls = 0;
  twist::TimerService timer(clock, 1.0, [&] { ++calls; });
  timer.startService();
  twist::successResultOf(timer.stopService());
  timer.startService();
  CHECK(calls == 2);
  clock.advance(1.0);
  CHECK(calls == 3);
}

// ---- StreamServerEndpointService ----------------------------------------------

namespace {

// A server endpoint whose listen() the test answers.
struct FakeServerEndpoint : twist::IStreamServerEndpoint {
  explicit FakeServerEndpoint(int& listens, std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>>& answer)
      : listens(listens), answer(answer) {}
  Deferred<std::shared_ptr<twist::IListeningPort>> listen(twist::Factory&) override {
    ++listens;
    return *answer;
  }
  int& listens;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>>& answer;
};

twist::CannotListenError portInUse() { return twist::CannotListenError("127.0.0.1", 8080, "EADDRINUSE: address already in use"); }

}  // namespace

TEST_CASE("StreamServerEndpointService: privilegedStartService listens, and startService does not listen again") {
  twist::MemoryReactor reactor;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  auto service = twist::strportsService(reactor, "tcp:8080:interface=127.0.0.1", *factory);
  service->privilegedStartService();
  REQUIRE(reactor.tcpServers.size() == 1);
  CHECK(reactor.tcpServers[0].port == 8080);
  CHECK(reactor.tcpServers[0].interface == "127.0.0.1");
  CHECK(reactor.tcpServers[0].factory == factory.get());
  CHECK(service->port() == reactor.ports[0]);
  service->startService();
  CHECK(reactor.tcpServers.size() == 1);
  CHECK(service->running);
}

TEST_CASE("StreamServerEndpointService: startService listens when privilegedStartService was not called") {
  twist::MemoryReactor reactor;
  auto service = twist::strportsService(reactor, "tcp:0", twist::Factory::forProtocol<twist::Protocol>());
  service->startService();
  CHECK(reactor.tcpServers.size() == 1);
  CHECK(service->port());
}

TEST_CASE("StreamServerEndpointService: stopService stops listening, fires, and forgets the port") {
  twist::MemoryReactor reactor;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  auto service = twist::strportsService(reactor, "tcp:0", *factory);
  service->startService();
  twist::successResultOf(service->stopService());
  CHECK(reactor.ports[0]->stopped);
  CHECK_FALSE(service->running);
  CHECK_FALSE(service->port());
}

TEST_CASE("StreamServerEndpointService: stopService waits until the port is closed") {
  int listens = 0;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>> answer{std::in_place};
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  twist::StreamServerEndpointService service(std::make_unique<FakeServerEndpoint>(listens, answer), *factory);
  struct SlowPort : twist::IListeningPort {
    Deferred<void> stopListening() override { return closed; }
    twist::Address getHost() const override { return {"TCP", "127.0.0.1", 1}; }
    Deferred<void> closed;
  };
  auto port = std::make_shared<SlowPort>();
  service.startService();
  answer->callback(std::shared_ptr<twist::IListeningPort>(port));
  Deferred<void> stopped = service.stopService();
  twist::assertNoResult(stopped);
  CHECK(service.running);
  port->closed.callback();
  twist::successResultOf(stopped);
  CHECK_FALSE(service.running);
}

TEST_CASE("StreamServerEndpointService: a listen failure is logged with the service and endpoint, and the service runs without a port") {
  int listens = 0;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>> answer{
      twist::fail<std::shared_ptr<twist::IListeningPort>>(portInUse())};
  LogCapture logs;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  twist::StreamServerEndpointService service(std::make_unique<FakeServerEndpoint>(listens, answer), *factory,
                                             "tcp:8080:interface=127.0.0.1");
  service.setName("web");
  service.startService();
  CHECK(service.running);
  CHECK_FALSE(service.port());
  std::string all;
  for (const std::string& line : logs.lines) all += line + "\n";
  CHECK_THAT(all, Contains("'web' could not listen on tcp:8080:interface=127.0.0.1") && Contains("EADDRINUSE"));
  twist::successResultOf(service.stopService());
}

TEST_CASE("StreamServerEndpointService: with raiseSynchronously, a listen failure throws from privilegedStartService") {
  int listens = 0;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>> answer{
      twist::fail<std::shared_ptr<twist::IListeningPort>>(portInUse())};
  LogCapture logs;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  twist::StreamServerEndpointService service(std::make_unique<FakeServerEndpoint>(listens, answer), *factory);
  service.raiseSynchronously = true;
  CHECK_THROWS_AS(service.privilegedStartService(), twist::CannotListenError);
  CHECK(logs.lines.empty());
}

TEST_CASE("StreamServerEndpointService: stopService during a listen in progress cancels it, quietly") {
  int listens = 0;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>> answer{std::in_place};
  LogCapture logs;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  twist::StreamServerEndpointService service(std::make_unique<FakeServerEndpoint>(listens, answer), *factory);
  service.startService();
  twist::successResultOf(service.stopService());
  CHECK(answer->called());
  CHECK(logs.lines.empty());
  CHECK_FALSE(service.running);
}

TEST_CASE("StreamServerEndpointService: stopped and started again, it listens again") {
  twist::MemoryReactor reactor;
  auto service = twist::strportsService(reactor, "tcp:0", twist::Factory::forProtocol<twist::Protocol>());
  service->startService();
  twist::successResultOf(service->stopService());
  service->startService();
  CHECK(reactor.tcpServers.size() == 2);
  CHECK(service->port() == reactor.ports[1]);
}

TEST_CASE("StreamServerEndpointService: raiseSynchronously is cleared by a start that succeeds, so a later failure is logged") {
  int listens = 0;
  std::optional<Deferred<std::shared_ptr<twist::IListeningPort>>> answer{std::in_place};
  LogCapture logs;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  twist::StreamServerEndpointService service(std::make_unique<FakeServerEndpoint>(listens, answer), *factory, "tcp:80");
  service.raiseSynchronously = true;
  service.privilegedStartService();
  CHECK_FALSE(service.raiseSynchronously);
  answer->errback(portInUse());
  std::string all;
  for (const std::string& line : logs.lines) all += line + "\n";
  CHECK_THAT(all, Contains("could not listen on tcp:80"));
}

TEST_CASE("StreamServerEndpointService: a malformed description is refused by strportsService") {
  twist::MemoryReactor reactor;
  auto factory = twist::Factory::forProtocol<twist::Protocol>();
  CHECK_THROWS_AS(twist::strportsService(reactor, "tcp:notaport", *factory), std::invalid_argument);
}

// ---- ClientService ------------------------------------------------------------

namespace {

// The protocol the user's factory builds.
struct Probe : twist::Protocol {
  void connectionMade() override { made = true; }
  void dataReceived(std::string_view bytes) override { data += bytes; }
  void connectionLost(twist::Failure) override { lost = true; }
  bool made = false;
  bool lost = false;
  std::string data;
};

struct Attempt {
  twist::Factory* factory;
  Deferred<twist::Protocol*> d;
};

// A client endpoint whose connect() the test answers.
struct FakeClientEndpoint : twist::IStreamClientEndpoint {
  explicit FakeClientEndpoint(std::vector<Attempt>& attempts) : attempts(attempts) {}
  Deferred<twist::Protocol*> connect(twist::Factory& factory) override {
    attempts.push_back({&factory, Deferred<twist::Protocol*>()});
    return attempts.back().d;
  }
  std::vector<Attempt>& attempts;
};

// A ClientService on a Clock, retrying after 10 * failed attempts seconds, and
// what a connection would own (the protocol the endpoint's factory built, a
// transport).
struct ClientHarness {
  twist::Clock clock;
  std::vector<Attempt> attempts;
  std::unique_ptr<twist::Factory> factory = twist::Factory::forProtocol<Probe>();
  std::vector<std::unique_ptr<twist::Protocol>> connections;
  std::vector<std::unique_ptr<twist::StringTransport>> transports;
  twist::ClientService service{clock, std::make_unique<FakeClientEndpoint>(attempts), *factory,
                               [](int failed) { return 10.0 * failed; }, "tcp:127.0.0.1:4000"};

  // Completes attempt i; returns the protocol the connection holds (the service's wrapper).
  twist::Protocol* connect(std::size_t i) {
    std::unique_ptr<twist::Protocol> p = attempts.at(i).factory->buildProtocol(twist::Address{"TCP", "127.0.0.1", 4000});
    transports.push_back(std::make_unique<twist::StringTransport>());
    p->makeConnection(*transports.back());
    twist::Protocol* held = p.get();
    connections.push_back(std::move(p));
    attempts[i].d.callback(held);
    return held;
  }
  void refuse(std::size_t i) {
    attempts.at(i).d.errback(twist::ConnectionRefusedError("connecting to 127.0.0.1:4000: ECONNREFUSED"));
  }
  static void lose(twist::Protocol* held) { held->connectionLost(twist::Failure(twist::ConnectionDone())); }
};

}  // namespace

TEST_CASE("ClientService: startService connects, and whenConnected fires with the factory's protocol, connected") {
  ClientHarness h;
  Deferred<twist::Protocol*> when = h.service.whenConnected();
  h.service.startService();
  REQUIRE(h.attempts.size() == 1);
  twist::assertNoResult(when);
  twist::Protocol* held = h.connect(0);
  auto* probe = dynamic_cast<Probe*>(twist::successResultOf(when));
  REQUIRE(probe);
  CHECK(probe->made);
  CHECK(probe->transport == h.transports[0].get());
  CHECK(probe->factory == h.factory.get());
  held->dataReceived("hello");
  CHECK(probe->data == "hello");
}

TEST_CASE("ClientService: whenConnected while connected fires at once with the same protocol") {
  ClientHarness h;
  h.service.startService();
  h.connect(0);
  twist::Protocol* first = twist::successResultOf(h.service.whenConnected());
  CHECK(twist::successResultOf(h.service.whenConnected()) == first);
}

TEST_CASE("ClientService: a failed attempt is retried after retryPolicy(1), then retryPolicy(2)") {
  ClientHarness h;
  h.service.startService();
  h.refuse(0);
  h.clock.advance(9.9);
  CHECK(h.attempts.size() == 1);
  h.clock.advance(0.1);
  REQUIRE(h.attempts.size() == 2);
  h.refuse(1);
  h.clock.advance(19.9);
  CHECK(h.attempts.size() == 2);
  h.clock.advance(0.1);
  CHECK(h.attempts.size() == 3);
}

TEST_CASE("ClientService: a lost connection is retried after retryPolicy(1), the connection having reset the count") {
  ClientHarness h;
  h.service.startService();
  h.refuse(0);
  h.clock.advance(10);
  REQUIRE(h.attempts.size() == 2);
  twist::Protocol* held = h.connect(1);
  auto* probe = dynamic_cast<Probe*>(twist::successResultOf(h.service.whenConnected()));
  REQUIRE(probe);
  ClientHarness::lose(held);
  CHECK(probe->lost);  // relayed to the user's protocol
  Deferred<twist::Protocol*> next = h.service.whenConnected();
  twist::assertNoResult(next);
  h.clock.advance(9.9);
  CHECK(h.attempts.size() == 2);
  h.clock.advance(0.1);
  REQUIRE(h.attempts.size() == 3);
  h.connect(2);
  CHECK(twist::successResultOf(next) != probe);
}

TEST_CASE("ClientService: whenConnected(failAfterFailures) fails with the connect error after that many failures, without it waits") {
  ClientHarness h;
  Deferred<twist::Protocol*> afterTwo = h.service.whenConnected(2);
  Deferred<twist::Protocol*> afterOne = h.service.whenConnected(1);
  Deferred<twist::Protocol*> patient = h.service.whenConnected();
  h.service.startService();
  h.refuse(0);
  twist::failureResultOf<twist::ConnectionRefusedError>(afterOne);
  twist::assertNoResult(afterTwo);
  h.clock.advance(10);
  h.refuse(1);
  twist::Failure f = twist::failureResultOf<twist::ConnectionRefusedError>(afterTwo);
  CHECK_THAT(f.getErrorMessage(), Contains("ECONNREFUSED"));
  twist::assertNoResult(patient);
  h.clock.advance(20);
  h.connect(2);
  CHECK(twist::successResultOf(patient) != nullptr);
}

TEST_CASE("ClientService: stopService while connected loses the connection and fires once it is lost") {
  ClientHarness h;
  h.service.startService();
  twist::Protocol* held = h.connect(0);
  Deferred<void> stopped = h.service.stopService();
  CHECK_FALSE(h.service.running);
  CHECK(h.transports[0]->disconnecting);
  twist::assertNoResult(stopped);
  ClientHarness::lose(held);
  twist::successResultOf(stopped);
  h.clock.advance(1000);
  CHECK(h.attempts.size() == 1);
  twist::failureResultOf<twist::CancelledError>(h.service.whenConnected());
}

TEST_CASE("ClientService: stopService while waiting to retry cancels the retry, and a pending whenConnected fails with CancelledError") {
  ClientHarness h;
  Deferred<twist::Protocol*> when = h.service.whenConnected();
  h.service.startService();
  h.refuse(0);
  twist::successResultOf(h.service.stopService());
  twist::failureResultOf<twist::CancelledError>(when);
  CHECK(h.clock.getDelayedCalls().empty());
  h.clock.advance(1000);
  CHECK(h.attempts.size() == 1);
}

TEST_CASE("ClientService: stopService while connecting cancels the attempt and fires") {
  ClientHarness h;
  Deferred<twist::Protocol*> when = h.service.whenConnected();
  h.service.startService();
  twist::successResultOf(h.service.stopService());
  CHECK(h.attempts[0].d.called());  // cancelled
  twist::failureResultOf<twist::CancelledError>(when);
  h.clock.advance(1000);
  CHECK(h.attempts.size() == 1);
}

TEST_CASE("ClientService: startService while disconnecting reconnects at once when the connection is lost") {
  ClientHarness h;
  h.service.startService();
  twist::Protocol* held = h.connect(0);
  Deferred<void> stopped = h.service.stopService();
  h.service.startService();
  CHECK(h.attempts.size() == 1);
  ClientHarness::lose(held);
  twist::successResultOf(stopped);
  CHECK(h.attempts.size() == 2);
}

TEST_CASE("ClientService: a second startService is a logged warning and makes no second attempt") {
  ClientHarness h;
  LogCapture logs;
  h.service.setName("upstream");
  h.service.startService();
  h.service.startService();
  CHECK(h.attempts.size() == 1);
  std::string all;
  for (const std::string& line : logs.lines) all += line + "\n";
  CHECK_THAT(all, Contains("Duplicate ClientService.startService") && Contains("upstream"));
}

TEST_CASE("ClientService: each retry is logged with its number, the endpoint and the delay") {
  ClientHarness h;
  LogCapture logs;
  h.service.startService();
  h.refuse(0);
  REQUIRE_FALSE(logs.lines.empty());
  CHECK_THAT(logs.lines.back(), Contains("retry 1") && Contains("tcp:127.0.0.1:4000") && Contains("in 10 seconds"));
}

TEST_CASE("backoffPolicy: Twisted's defaults give 1.5 then 2.25 seconds, at most 60, plus the jitter") {
  twist::RetryPolicy noJitter = twist::backoffPolicy(1.0, 60.0, 1.5, [] { return 0.0; });
  CHECK(std::abs(noJitter(1) - 1.5) < 1e-9);
  CHECK(std::abs(noJitter(2) - 2.25) < 1e-9);
  CHECK(std::abs(noJitter(10) - 57.6650390625) < 1e-9);
  CHECK(noJitter(11) == 60.0);
  CHECK(noJitter(100000) == 60.0);
  CHECK(std::abs(twist::backoffPolicy(1.0, 60.0, 1.5, [] { return 0.25; })(1) - 1.75) < 1e-9);
  twist::RetryPolicy standard = twist::backoffPolicy();
  for (int i = 0; i < 100; ++i) {
    double d = standard(1);
    CHECK(d >= 1.5);
    CHECK(d < 2.5);
  }
}

TEST_CASE("ClientService: without a retryPolicy the first retry comes within Twisted's 1.5 to 2.5 seconds") {
  twist::Clock clock;
  std::vector<Attempt> attempts;
  auto factory = twist::Factory::forProtocol<Probe>();
  twist::ClientService service(clock, std::make_unique<FakeClientEndpoint>(attempts), *factory);
  service.startService();
  attempts[0].d.errback(twist::ConnectionRefusedError("refused"));
  clock.advance(1.49);
  CHECK(attempts.size() == 1);
  clock.advance(1.01);
  CHECK(attempts.size() == 2);
  twist::successResultOf(service.stopService());
}

TEST_CASE("ClientService: an endpoint whose connect() throws counts as a failed attempt and is retried") {
  struct ThrowingEndpoint : twist::IStreamClientEndpoint {
    explicit ThrowingEndpoint(int& calls) : calls(calls) {}
    Deferred<twist::Protocol*> connect(twist::Factory&) override {
      ++calls;
      throw twist::DNSLookupError("resolving nowhere.invalid: EAI_NONAME");
    }
    int& calls;
  };
  twist::Clock clock;
  int calls = 0;
  auto factory = twist::Factory::forProtocol<Probe>();
  twist::ClientService service(clock, std::make_unique<ThrowingEndpoint>(calls), *factory, [](int) { return 5.0; });
  Deferred<twist::Protocol*> when = service.whenConnected(1);
  service.startService();
  CHECK(calls == 1);
  twist::failureResultOf<twist::DNSLookupError>(when);
  clock.advance(5);
  CHECK(calls == 2);
  twist::successResultOf(service.stopService());
}

TEST_CASE("ClientService: destroyed while waiting to retry, it cancels the retry, and destroyed while connecting, the attempt") {
  twist::Clock clock;
  std::vector<Attempt> attempts;
  auto factory = twist::Factory::forProtocol<Probe>();
  auto service = std::make_unique<twist::ClientService>(clock, std::make_unique<FakeClientEndpoint>(attempts), *factory,
                                                        [](int) { return 5.0; });
  service->startService();
  attempts[0].d.errback(twist::ConnectionRefusedError("refused"));
  CHECK(clock.getDelayedCalls().size() == 1);
  service.reset();
  CHECK(clock.getDelayedCalls().empty());
  clock.advance(10);
  CHECK(attempts.size() == 1);

  service = std::make_unique<twist::ClientService>(clock, std::make_unique<FakeClientEndpoint>(attempts), *factory);
  service->startService();
  REQUIRE(attempts.size() == 2);
  service.reset();
  CHECK(attempts[1].d.called());  // cancelled: nothing else fires it
  CHECK(clock.getDelayedCalls().empty());
}

// ---- on the real Reactor ------------------------------------------------------

TEST_CASE("services on a real Reactor: a listening service and a ClientService in one MultiService connect on 127.0.0.1 and stop cleanly") {
  twist::Reactor reactor;
  twist_test::Watchdog dog(reactor);
  MultiService top;
  auto serverFactory = twist::Factory::forProtocol<Probe>();
  auto clientFactory = twist::Factory::forProtocol<Probe>();
  auto& server = top.own(twist::strportsService(reactor, "tcp:0:interface=127.0.0.1", *serverFactory));
  top.privilegedStartService();  // listening is synchronous on the Reactor
  REQUIRE(server.port());
  int port = server.port()->getHost().port;
  auto& client = top.own(std::make_unique<twist::ClientService>(reactor, reactor, "tcp:127.0.0.1:" + std::to_string(port),
                                                                *clientFactory));
  top.startService();
  Probe* connected = nullptr;
  bool stopped = false;
  client.whenConnected().addCallback([&](twist::Protocol* p) {
    connected = dynamic_cast<Probe*>(p);
    top.stopService().addCallback([&] {
      stopped = true;
      CHECK(connected->lost);  // the client stopped only once its connection was gone
      CHECK_FALSE(server.port());
      reactor.callLater(0.05, [&] { reactor.stop(); });  // the server side sees the close
    });
  });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(connected);
  CHECK(stopped);
  CHECK_FALSE(client.running);
  CHECK_FALSE(server.running);
}

TEST_CASE("services on a real Reactor: a port in use makes a strportsService's privilegedStartService throw CannotListenError") {
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<Probe>();
  auto first = twist::strportsService(reactor, "tcp:0:interface=127.0.0.1", *factory);
  first->privilegedStartService();
  REQUIRE(first->port());
  int taken = first->port()->getHost().port;
  auto second = twist::strportsService(reactor, "tcp:" + std::to_string(taken) + ":interface=127.0.0.1", *factory);
  CHECK(second->raiseSynchronously);  // Twisted's strports.service sets it too
  CHECK_THROWS_WITH(second->privilegedStartService(), Contains("127.0.0.1:" + std::to_string(taken)) && Contains("EADDRINUSE"));
  bool stopped = false;
  first->stopService().addCallback([&] {
    stopped = true;
    reactor.stop();
  });
  twist_test::Watchdog dog(reactor);
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  CHECK(stopped);
}

namespace {
// Server side: closes the first connection it gets, keeps the others.
struct CloseFirst : twist::Protocol {
  static inline int seen = 0;
  void connectionMade() override {
    if (++seen == 1) transport->loseConnection();
  }
};
// Client side: tells the test when its connection is lost.
struct Notifying : twist::Protocol {
  static inline std::function<void()> onLost;
  static inline int built = 0;
  int id = ++built;  // addresses are reused, so a new connection is told by its number
  void connectionLost(twist::Failure) override {
    if (onLost) onLost();
  }
};
}  // namespace

TEST_CASE("services on a real Reactor: ClientService retries a refused port until a server listens, and reconnects when the server closes") {
  twist::Reactor reactor;
  twist_test::Watchdog dog(reactor);
  auto serverFactory = twist::Factory::forProtocol<CloseFirst>();
  auto clientFactory = twist::Factory::forProtocol<Notifying>();
  CloseFirst::seen = 0;
  // A free port: listen on port 0, then stop listening.
  auto probe = twist::strportsService(reactor, "tcp:0:interface=127.0.0.1", *serverFactory);
  probe->startService();
  REQUIRE(probe->port());
  const std::string port = std::to_string(probe->port()->getHost().port);
  MultiService top;
  twist::ClientService* client = nullptr;
  twist::StreamServerEndpointService* server = nullptr;
  std::vector<std::string> events;
  bool stopping = false;
  Notifying::built = 0;
  Notifying::onLost = [&] {
    events.push_back("lost");
    // The loss the stop causes: a whenConnected now would only be cancelled by it.
    if (stopping) return;
    reactor.callLater(0, [&] {
      client->whenConnected().addCallback([&](twist::Protocol* second) {
        auto* n = dynamic_cast<Notifying*>(second);
        events.push_back(n && n->id == 2 ? "reconnected" : "not a second protocol");
        stopping = true;
        top.stopService().addCallback([&] { reactor.stop(); });
      });
    });
  };
  probe->stopService().addCallback([&] {
    client = &top.own(std::make_unique<twist::ClientService>(reactor, reactor, "tcp:127.0.0.1:" + port, *clientFactory,
                                                              [](int) { return 0.02; }));
    top.startService();
    client->whenConnected(1).addErrback([&](twist::Failure f) -> twist::Protocol* {
      events.push_back(f.check<twist::ConnectionRefusedError>() ? "refused" : f.getErrorMessage());
      server = &top.own(twist::strportsService(reactor, "tcp:" + port + ":interface=127.0.0.1", *serverFactory));  // started: top runs
      client->whenConnected().addCallback([&](twist::Protocol* p) {
        auto* n = dynamic_cast<Notifying*>(p);
        events.push_back(n && n->id == 1 ? "connected" : "not the first protocol");
      });
      return nullptr;
    });
  });
  reactor.run();
  Notifying::onLost = nullptr;
  REQUIRE_FALSE(dog.fired);
  CHECK(events == std::vector<std::string>{"refused", "connected", "lost", "reconnected", "lost"});
  REQUIRE(server);
  CHECK_FALSE(server->port());
  CHECK(CloseFirst::seen == 2);
}

namespace {
// Journals what happens to one client connection, and to its factory.
struct Journaled : twist::Protocol {
  static inline std::vector<std::string>* journal = nullptr;
  void connectionMade() override { journal->push_back("made"); }
  void connectionLost(twist::Failure why) override {
    journal->push_back(why.check<twist::ConnectionAborted>() ? "lost: aborted" : "lost: " + why.getErrorMessage());
  }
};
struct JournaledFactory : twist::Factory {
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    return std::make_unique<Journaled>();
  }
  void startFactory() override { Journaled::journal->push_back("factory started"); }
  void stopFactory() override { Journaled::journal->push_back("factory stopped"); }
};
// A TCP client endpoint that counts its connect() calls.
struct CountingEndpoint : twist::TCP4ClientEndpoint {
  CountingEndpoint(twist::IReactorTCP& reactor, int port, int& calls)
      : TCP4ClientEndpoint(reactor, "127.0.0.1", port), calls(calls) {}
  Deferred<twist::Protocol*> connect(twist::Factory& factory) override {
    ++calls;
    return TCP4ClientEndpoint::connect(factory);
  }
  int& calls;
};
}  // namespace

// Before, the closing connection called the service's factory after the
// service was freed (a heap-use-after-free under ASan); the factory is freed
// here too, so a call into it after the destructor would be one as well.
TEST_CASE("services on a real Reactor: a ClientService destroyed while connected aborts the connection, and the loop runs on without calling it, its factory or its protocol") {
  twist::Reactor reactor;
  twist_test::Watchdog dog(reactor);
  std::vector<std::string> journal;
  Journaled::journal = &journal;
  auto serverFactory = twist::Factory::forProtocol<Probe>();
  auto server = twist::strportsService(reactor, "tcp:0:interface=127.0.0.1", *serverFactory);
  server->startService();
  REQUIRE(server->port());
  auto clientFactory = std::make_unique<JournaledFactory>();
  auto client = std::make_unique<twist::ClientService>(
      reactor, reactor, "tcp:127.0.0.1:" + std::to_string(server->port()->getHost().port), *clientFactory);
  client->startService();
  client->whenConnected().addCallback([&](twist::Protocol*) {
    journal.push_back("destroying");
    client.reset();
    clientFactory.reset();
    journal.push_back("destroyed");
    reactor.callLater(0.1, [&] { server->stopService().addCallback([&] { reactor.stop(); }); });
  });
  reactor.run();
  Journaled::journal = nullptr;
  REQUIRE_FALSE(dog.fired);
  CHECK(journal == std::vector<std::string>{"factory started", "made", "destroying", "lost: aborted", "factory stopped",
                                            "destroyed"});
}

TEST_CASE("services on a real Reactor: a ClientService destroyed while a retry is pending makes no further attempt, and the loop runs on past the retry") {
  twist::Reactor reactor;
  twist_test::Watchdog dog(reactor);
  auto factory = twist::Factory::forProtocol<Probe>();
  // A free port: listen on port 0, then stop listening.
  auto probe = twist::strportsService(reactor, "tcp:0:interface=127.0.0.1", *factory);
  probe->startService();
  REQUIRE(probe->port());
  int port = probe->port()->getHost().port;
  int calls = 0;
  std::unique_ptr<twist::ClientService> client;
  std::string refused;
  probe->stopService().addCallback([&] {
    client = std::make_unique<twist::ClientService>(reactor, std::make_unique<CountingEndpoint>(reactor, port, calls),
                                                    *factory, [](int) { return 0.02; });
    client->startService();
    client->whenConnected(1).addErrback([&](twist::Failure f) -> twist::Protocol* {
      refused = f.getErrorMessage();
      client.reset();  // the retry is pending: it fires in 0.02 s unless cancelled
      reactor.callLater(0.1, [&] { reactor.stop(); });
      return nullptr;
    });
  });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  CHECK_THAT(refused, Contains("ECONNREFUSED"));
  CHECK(calls == 1);
}
