// A child for test_systemd, started as systemd starts a socket-activated
// service: a listening socket as descriptor 3, LISTEN_FDS and LISTEN_PID set.
//   twist_helper_systemd ENDPOINT
// Makes ENDPOINT with serverFromString, then prints one line a step to
// stdout and flushes it:
//   "env LISTEN_PID=<value or unset> LISTEN_FDS=<value or unset>"  (after parsing)
//   "listening <host> fd3 <open|closed>"                            (after listen)
// and greets the first client with "hello from twist\n", closes, and exits 0
// once that connection is lost. Any failure: "error: <message>", exit 1.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "twist/endpoints.hpp"
#include "twist/reactor.hpp"

namespace {

int status = 0;

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "unset";
}

struct Greeter : twist::Protocol {
  twist::Reactor* reactor = nullptr;
  void connectionMade() override {
    transport->write("hello from twist\n");
    transport->loseConnection();
  }
  void connectionLost(twist::Failure) override { reactor->stop(); }
};

struct GreeterFactory : twist::Factory {
  twist::Reactor* reactor = nullptr;
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    auto greeter = std::make_unique<Greeter>();
    greeter->reactor = reactor;
    return greeter;
  }
};

}  // namespace

int main(int argc, char** argv) {
  alarm(30);  // never outlive a test that crashed
  if (argc != 2) {
    say("error: usage: twist_helper_systemd ENDPOINT");
    return 1;
  }
  twist::Reactor reactor;
  std::unique_ptr<twist::IStreamServerEndpoint> endpoint;
  try {
    endpoint = twist::serverFromString(reactor, argv[1]);
  } catch (const std::exception& e) {
    say(std::string("error: ") + e.what());
    return 1;
  }
  say("env LISTEN_PID=" + variable("LISTEN_PID") + " LISTEN_FDS=" + variable("LISTEN_FDS"));
  GreeterFactory factory;
  factory.reactor = &reactor;
  std::shared_ptr<twist::IListeningPort> port;
  endpoint->listen(factory)
      .addCallback([&](std::shared_ptr<twist::IListeningPort> listening) {
        port = listening;
        say("listening " + port->getHost().str() + " fd3 " + (fcntl(3, F_GETFD) == -1 ? "closed" : "open"));
      })
      .addErrback([&](twist::Failure failure) {
        say("error: " + failure.getErrorMessage());
        status = 1;
      });
  if (status == 0) reactor.run();
  return status;
}
