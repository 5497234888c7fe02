// application.hpp: Service and MultiService (Twisted: twisted.application.service;
// each rule checked against twisted/application/service.py, 22.4).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/application.hpp"
#include "twist/logger.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

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
