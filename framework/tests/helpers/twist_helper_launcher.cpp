// A program for test_launcher.py: a trivial service under twist::runService.
//   twist_helper_launcher [--stop-delay SECONDS] [--fail-build] [launcher options...]
// Listens on each --listen endpoint (default tcp:0:interface=127.0.0.1) with
// a protocol that sends "hello\r\n" and echoes lines. At start it logs one
// event at each level ("helper debug event", ... "helper critical event").
// Its stopService logs "helper stop began with {connections} connections",
// then after --stop-delay seconds (default 0) sends "bye\r\n" to each
// connection, loses it, logs "helper stop finished" and fires. --fail-build
// makes the builder throw "helper: asked to fail". --fail-start adds a last
// service whose startService throws "helper: asked to fail at start" (its
// stopService logs "helper failing service stopped"). The helper options
// come first; the rest goes to the launcher as it is.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/application.hpp"
#include "twist/basic.hpp"
#include "twist/launcher.hpp"

namespace {

const twist::Logger helperLog{"helper"};

struct Echo;

// Holds the open connections; its stop is the slow part.
struct Connections : twist::Service {
  Connections(twist::IReactorTime& clock, double stopDelay) : clock(clock), stopDelay(stopDelay) {}

  twist::Deferred<void> stopService() override {
    twist::Service::stopService();
    helperLog.info("helper stop began with {connections} connections",
                   {{"connections", std::to_string(open.size())}});
    twist::Deferred<void> stopped;
    clock.callLater(stopDelay, [this, stopped]() mutable { finish(stopped); });
    return stopped;
  }
  void finish(twist::Deferred<void> stopped);

  twist::IReactorTime& clock;
  double stopDelay;
  std::set<Echo*> open;
};

struct Echo : twist::LineReceiver {
  explicit Echo(Connections& connections) : connections(connections) {}
  void connectionMade() override {
    connections.open.insert(this);
    sendLine("hello");
  }
  void lineReceived(std::string_view line) override { sendLine(line); }
  void connectionLost(twist::Failure) override { connections.open.erase(this); }
  Connections& connections;
};

void Connections::finish(twist::Deferred<void> stopped) {
  for (Echo* echo : open) {
    echo->sendLine("bye");
    echo->transport->loseConnection();
  }
  helperLog.info("helper stop finished");
  stopped.callback();
}

// The last service of the tree: its start fails, after the others started.
struct FailsToStart : twist::Service {
  void startService() override { throw std::runtime_error("helper: asked to fail at start"); }
  twist::Deferred<void> stopService() override {
    twist::Service::stopService();
    helperLog.info("helper failing service stopped");
    return twist::succeed();
  }
};

}  // namespace

int main(int argc, char** argv) {
  alarm(60);  // never outlive a test that crashed
  double stopDelay = 0;
  bool failBuild = false;
  bool failStart = false;
  bool badProgramOption = false;
  std::vector<char*> rest{argv[0]};
  int i = 1;
  for (; i < argc; ++i) {
    if (std::strcmp(argv[i], "--stop-delay") == 0 && i + 1 < argc) {
      stopDelay = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--fail-build") == 0) {
      failBuild = true;
    } else if (std::strcmp(argv[i], "--fail-start") == 0) {
      failStart = true;
    } else if (std::strcmp(argv[i], "--bad-program-option") == 0) {
      badProgramOption = true;
    } else {
      break;
    }
  }
  for (; i < argc; ++i) rest.push_back(argv[i]);
  rest.push_back(nullptr);

  twist::ProgramInfo info{"helper", "a trivial service for the launcher's tests", {"tcp:0:interface=127.0.0.1"}};
  // The program's mistake: an option of its own under a name the launcher has.
  if (badProgramOption) info.options.push_back({"pidfile", "x", "clashes with the launcher's"});
  auto factory = std::make_unique<twist::Factory>();
  return twist::runService(
      static_cast<int>(rest.size()) - 1, rest.data(), info,
      [&](twist::Reactor& reactor, const twist::LaunchOptions& options) -> std::unique_ptr<twist::Service> {
        if (failBuild) throw std::runtime_error("helper: asked to fail");
        auto top = std::make_unique<twist::MultiService>();
        auto& connections = top->own(std::make_unique<Connections>(reactor, stopDelay));
        factory->protocol = [&connections] { return std::make_unique<Echo>(connections); };
        for (const auto& endpoint : options.listen) top->own(twist::strportsService(reactor, endpoint, *factory));
        helperLog.debug("helper debug event");
        helperLog.info("helper info event");
        helperLog.warn("helper warn event");
        helperLog.error("helper error event");
        helperLog.critical("helper critical event");
        if (failStart) top->own(std::make_unique<FailsToStart>());
        return top;
      });
}
