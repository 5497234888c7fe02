// echo_client — connects to an echo server, sends a few lines, prints what
// comes back, and exits 0 once every byte has returned (1 on any error).
//
//   build/bin/echo_client tcp:127.0.0.1:8000
//   build/bin/echo_client tcp:host=127.0.0.1:port=8000 "one line" "another"
//
// connect() gives a Deferred that fires with our protocol once it is
// connected (endpoints.hpp); the protocol itself decides when it is done.
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "twist/endpoints.hpp"
#include "twist/reactor.hpp"

namespace {

int exitCode = 1;

struct EchoClient : twist::Protocol {
  twist::Reactor* reactor = nullptr;
  std::vector<std::string> lines;
  std::string expected, received;

  void connectionMade() override {
    for (const std::string& line : lines) {
      transport->write(line + "\n");
      expected += line + "\n";
    }
  }
  void dataReceived(std::string_view data) override {
    received += data;
    // Print whole lines as they come back; the bytes may arrive in any pieces.
    std::string::size_type end;
    while ((end = received.find('\n', printed_)) != std::string::npos) {
      std::printf("echo: %s\n", received.substr(printed_, end - printed_).c_str());
      printed_ = end + 1;
    }
    if (received.size() >= expected.size()) {
      exitCode = received == expected ? 0 : 1;
      transport->loseConnection();
    }
  }
  void connectionLost(twist::Failure reason) override {
    if (received.size() < expected.size())
      std::fprintf(stderr, "echo_client: connection lost early: %s\n", reason.getErrorMessage().c_str());
    if (reactor->running()) reactor->stop();
  }

 private:
  std::size_t printed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ENDPOINT [LINE...]   e.g. %s tcp:127.0.0.1:8000\n", argv[0], argv[0]);
    return 2;
  }
  std::vector<std::string> lines(argv + 2, argv + argc);
  if (lines.empty()) lines = {"hello", "twist", "goodbye"};

  twist::Reactor reactor;
  twist::Factory factory;
  factory.protocol = [&]() -> std::unique_ptr<twist::Protocol> {
    auto p = std::make_unique<EchoClient>();
    p->reactor = &reactor;
    p->lines = lines;
    return p;
  };
  try {
    twist::clientFromString(reactor, argv[1])->connect(factory).addErrback([&](twist::Failure failure) -> twist::Protocol* {
      std::fprintf(stderr, "echo_client: cannot connect: %s\n", failure.getErrorMessage().c_str());
      reactor.callWhenRunning([&] { reactor.stop(); });
      return nullptr;
    });
  } catch (const std::exception& e) {  // a malformed endpoint string
    std::fprintf(stderr, "echo_client: %s\n", e.what());
    return 2;
  }
  // A server that never answers must not keep us forever.
  reactor.callLater(10, [&] {
    std::fprintf(stderr, "echo_client: no complete echo after 10 s\n");
    reactor.stop();
  });
  reactor.run();
  return exitCode;
}
