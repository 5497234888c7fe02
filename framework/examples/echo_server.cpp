// echo_server — sends back every byte it receives, on every connection, until
// SIGINT or SIGTERM (Twisted's echoserv.py, with an endpoint string).
//
//   build/bin/echo_server tcp:8000:interface=127.0.0.1
//   nc 127.0.0.1 8000          # type a line: it comes back
//
// The endpoint says where to listen (endpoints.hpp); port 0 picks a free
// port, and --print-port prints only its number on the first line, so a
// script can start the server and learn where it is (examples/echo_test.sh).
// Everything a connection needs is in Echo: one object per connection,
// made by the factory, destroyed by twist after its connectionLost.
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>

#include "twist/endpoints.hpp"
#include "twist/reactor.hpp"

struct Echo : twist::Protocol {
  void dataReceived(std::string_view data) override { transport->write(data); }
};

int main(int argc, char** argv) {
  bool printPort = argc == 3 && std::strcmp(argv[2], "--print-port") == 0;
  if (argc < 2 || (argc == 3 && !printPort) || argc > 3) {
    std::fprintf(stderr, "usage: %s ENDPOINT [--print-port]   e.g. %s tcp:8000:interface=127.0.0.1\n", argv[0],
                 argv[0]);
    return 2;
  }
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<Echo>();
  std::shared_ptr<twist::IListeningPort> port;
  try {
    twist::serverFromString(reactor, argv[1])
        ->listen(*factory)
        .addCallback([&](std::shared_ptr<twist::IListeningPort> listening) { port = listening; })
        .addErrback([](twist::Failure failure) { std::fprintf(stderr, "echo_server: %s\n", failure.getErrorMessage().c_str()); });
  } catch (const std::exception& e) {  // a malformed endpoint string
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 2;
  }
  if (!port) return 1;
  if (printPort)
    std::printf("%d\n", port->getHost().port);
  else
    std::printf("echo_server: listening on %s (Ctrl-C stops it)\n", port->getHost().str().c_str());
  std::fflush(stdout);
  reactor.run();  // until SIGINT / SIGTERM: the shutdown closes the port and every connection
  return 0;
}
