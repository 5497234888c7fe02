// cut_records — lesson 09's demo: from "it fails under load" to a minimal
// reproducer.
//
//   build/bin/cut_records      # about a tenth of a second; exits 0
//
// 1. The reporter's set-up, cut down: a twist server on 127.0.0.1 (port 0)
//    and a client that writes "alice\r\nbob\r\n" in two writes, 50 ms apart,
//    cut between the \r and the \n: on a loaded network the kernel cuts a
//    stream anywhere; on localhost only a pause between writes does. The
//    server prints each dataReceived chunk and what two splitters make of
//    the chunks so far: one that searches only the bytes that just arrived
//    for "\r\n" (the bug in lesson 09's report), and one that searches all
//    it holds (what Twisted's LineOnlyReceiver does: its dataReceived splits
//    self._buffer + data).
// 2. The same bytes fed by hand, no socket, no time: the same records. That
//    is the reproducer a report can carry: a few lines anyone can run.
// A 3 s watchdog stops the loop if the connection never ends.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

namespace {

// "alice\r" as the C++ literal it is, so the \r shows.
std::string shown(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) out += c == '\r' ? "\\r" : c == '\n' ? "\\n" : std::string(1, c);
  return out + "\"";
}

std::string shown(const std::vector<std::string>& records) {
  std::string out = "{";
  for (size_t i = 0; i < records.size(); ++i) out += (i ? ", " : "") + shown(records[i]);
  return out + "}";
}

// Two ways to cut records out of a stream; each keeps the unfinished record.
struct Splitters {
  std::string held, heldToo;
  size_t searchedUpTo = 0;  // the bug: the next search starts after every byte held
  std::vector<std::string> newBytesOnly, everything;

  void feed(std::string_view chunk) {
    held += chunk;
    for (size_t at; (at = held.find("\r\n", searchedUpTo)) != std::string::npos; searchedUpTo = 0) {
      newBytesOnly.push_back(held.substr(0, at));
      held.erase(0, at + 2);
    }
    searchedUpTo = held.size();
    heldToo += chunk;
    for (size_t at; (at = heldToo.find("\r\n")) != std::string::npos; heldToo.erase(0, at + 2))
      everything.push_back(heldToo.substr(0, at));
  }
  void print() const {
    std::printf("    searching the new bytes only: %s\n", shown(newBytesOnly).c_str());
    std::printf("    searching all it holds:       %s\n", shown(everything).c_str());
  }
};

struct Server : twist::Protocol {
  Splitters splitters;
  int chunks = 0;
  void dataReceived(std::string_view data) override {
    std::printf("  dataReceived #%d: %s\n", ++chunks, shown(data).c_str());
    splitters.feed(data);
    splitters.print();
  }
  void connectionLost(twist::Failure) override { reactorToStop->stop(); }
  twist::Reactor* reactorToStop = nullptr;
};

struct Client : twist::Protocol {
  twist::Reactor* reactor = nullptr;
  void connectionMade() override {
    transport->write("alice\r");
    reactor->callLater(0.05, [this] {
      transport->write("\nbob\r\n");
      transport->loseConnection();
    });
  }
};

struct ClientFactory : twist::ClientFactory {
  twist::Reactor* reactor = nullptr;
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    auto client = std::make_unique<Client>();
    client->reactor = reactor;
    return client;
  }
};

}  // namespace

int main() {
  twist::Reactor reactor;
  std::printf("1. A server on 127.0.0.1; the client writes \"alice\\r\", then 50 ms later \"\\nbob\\r\\n\":\n");
  twist::Factory serverFactory;
  serverFactory.protocol = [&reactor]() -> std::unique_ptr<twist::Protocol> {
    auto server = std::make_unique<Server>();
    server->reactorToStop = &reactor;
    return server;
  };
  auto port = twist::listenTCP(reactor, 0, serverFactory, 50, "127.0.0.1");
  ClientFactory clientFactory;
  clientFactory.reactor = &reactor;
  twist::connectTCP(reactor, "127.0.0.1", port->getHost().port, clientFactory);
  bool finished = true;
  auto watchdog = reactor.callLater(3.0, [&] {
    std::printf("  (no end of connection after 3 s: stopped)\n");
    finished = false;
    reactor.stop();
  });
  reactor.run();
  if (watchdog.active()) watchdog.cancel();

  std::printf("\n2. The minimal reproducer: the same two chunks, fed by hand (no socket, no time):\n");
  Splitters byHand;
  byHand.feed("alice\r");
  byHand.feed("\nbob\r\n");
  byHand.print();
  return finished ? 0 : 1;
}
