// chat_server — a chat room over TCP, one line per message (Twisted's
// classic chat example, with an endpoint string).
//
//   build/bin/chat_server tcp:8000:interface=127.0.0.1
//   nc 127.0.0.1 8000          # in two terminals: what one types, the other sees
//
// Commands: "/nick NAME" changes your name (guest<n> at first), "/quit" leaves.
// Same conventions as echo_server: port 0 picks a free port, and
// --print-port prints only its number on the first line (examples/nc_test.sh).
//
// Who holds what: ChatFactory holds the room (the set of connected Chatters),
// because it is the one object that outlives every connection; a Chatter is
// one connection, made by the factory, destroyed by twist after its
// connectionLost, which is where it leaves the room.
//
// A member who never reads would make the room's lines wait in this server's
// memory without end (one such member: 304 MB held before this rule). A
// member with more than kMostUnsent bytes not yet sent is disconnected, and
// the room is told why. (Twisted's chat example has no such rule.)
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "twist/basic.hpp"
#include "twist/endpoints.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

constexpr std::size_t kMostUnsent = 1 << 20;  // 1 MiB: thousands of lines behind

struct Chatter;

struct ChatFactory : twist::Factory {
  ChatFactory();
  // Sends line to everyone in the room except `from`.
  void broadcast(const Chatter* from, const std::string& line);

  std::set<Chatter*> room;
  int guests = 0;  // numbers the guests: guest1, guest2, ...
};

struct Chatter : twist::LineReceiver {
  Chatter() { delimiter = "\n"; }  // nc sends "\n"; a "\r" before it is dropped below

  ChatFactory& chat() { return static_cast<ChatFactory&>(*factory); }

  void connectionMade() override {
    name = "guest" + std::to_string(++chat().guests);
    std::size_t others = chat().room.size();
    sendLine("Welcome! You are " + name + "; " + std::to_string(others) + (others == 1 ? " other" : " others") +
             " here. /nick NAME renames you, /quit leaves.");
    chat().broadcast(this, "* " + name + " joined");
    chat().room.insert(this);
  }

  void lineReceived(std::string_view line) override {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "/quit") {
      sendLine("Bye!");
      transport->loseConnection();  // connectionLost follows, once the "Bye!" is sent
    } else if (line.substr(0, 6) == "/nick ") {
      std::string old = std::exchange(name, std::string(line.substr(6)));
      chat().broadcast(this, "* " + old + " is now " + name);
    } else if (!line.empty()) {
      chat().broadcast(this, name + ": " + std::string(line));
    }
  }

  void connectionLost(twist::Failure) override {
    chat().room.erase(this);
    chat().broadcast(this, "* " + name + (tooSlow ? " was disconnected: not reading what the room sends" : " left"));
  }

  // Bytes written to this member and not yet taken by its socket.
  std::size_t unsent() const {
    auto* tcp = dynamic_cast<const twist::ITCPTransport*>(transport);
    return tcp ? tcp->bufferedBytes() : 0;
  }

  std::string name;
  bool tooSlow = false;
};

ChatFactory::ChatFactory() {
  protocol = [] { return std::make_unique<Chatter>(); };
}

void ChatFactory::broadcast(const Chatter* from, const std::string& line) {
  for (Chatter* other : room) {
    if (other == from || other->tooSlow) continue;
    other->sendLine(line);
    if (other->unsent() > kMostUnsent) {
      other->tooSlow = true;
      other->transport->abortConnection();  // its connectionLost (and room.erase) comes on a later pass
    }
  }
}

int main(int argc, char** argv) {
  bool printPort = argc == 3 && std::strcmp(argv[2], "--print-port") == 0;
  if (argc < 2 || (argc == 3 && !printPort) || argc > 3) {
    std::fprintf(stderr, "usage: %s ENDPOINT [--print-port]   e.g. %s tcp:8000:interface=127.0.0.1\n", argv[0],
                 argv[0]);
    return 2;
  }
  twist::Reactor reactor;
  ChatFactory factory;
  std::shared_ptr<twist::IListeningPort> port;
  try {
    twist::serverFromString(reactor, argv[1])
        ->listen(factory)
        .addCallback([&](std::shared_ptr<twist::IListeningPort> listening) { port = listening; })
        .addErrback([](twist::Failure failure) {
          std::fprintf(stderr, "chat_server: %s\n", failure.getErrorMessage().c_str());
        });
  } catch (const std::exception& e) {  // a malformed endpoint string
    std::fprintf(stderr, "chat_server: %s\n", e.what());
    return 2;
  }
  if (!port) return 1;
  if (printPort)
    std::printf("%d\n", port->getHost().port);
  else
    std::printf("chat_server: listening on %s (Ctrl-C stops it)\n", port->getHost().str().c_str());
  std::fflush(stdout);
  reactor.run();  // until SIGINT / SIGTERM: the shutdown closes the port and every connection
  return 0;
}
