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
// made by the factory, destroyed by twist after its connectionLost. Its
// memory stays bounded against a client that never reads (slow_reader_test.py).
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>

#include "twist/endpoints.hpp"
#include "twist/reactor.hpp"

struct Echo : twist::Protocol {
  // Back-pressure. A client that sends and never reads would make every echoed
  // byte wait in this server's memory (1 GB sent, 1 GB held). The transport is
  // also the producer of the bytes it reads: registered as its own streaming
  // producer, it stops reading while its write buffer is over the high-water
  // mark and reads again once it drains, so a slow reader slows its sender.
  // (Twisted's echoserv.py does not do this, and grows the same way.)
  void connectionMade() override {
    if (auto* reading = dynamic_cast<twist::IProducer*>(transport)) transport->registerProducer(*reading, true);
  }
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
