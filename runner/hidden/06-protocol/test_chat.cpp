// Hidden tests for lesson 06, exercise "chat" (chat.hpp).
//
// Deterministic: each connection is a ChatProtocol built by the factory
// (buildProtocol) and connected by hand (makeConnection) to a
// StringTransportWithDisconnection, which keeps what the server writes in a
// string and, on loseConnection, calls connectionLost as a real connection
// would. No socket, no loop, no time.
// The last test is the one smoke test on real sockets: a Reactor listening on
// 127.0.0.1, two real clients, and a watchdog that ends it within 3 s (0.5 s
// after the last line, when the server stops answering).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chat.hpp"
#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

using Lines = std::vector<std::string>;

// Shows "\r" and "\n" inside a line, so a wrong delimiter is visible in a failure.
std::string visible(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// The lines in `bytes`, each without its "\r\n". Bytes after the last
// "\r\n" are reported as an unfinished line.
Lines splitLines(const std::string& bytes) {
  Lines lines;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back("(a line without its CRLF) " + visible(bytes.substr(start)));
      break;
    }
    lines.push_back(visible(bytes.substr(start, end - start)));
    start = end + 2;
  }
  return lines;
}

// One connection to the room, played by the test.
struct Member {
  std::unique_ptr<twist::Protocol> protocol;  // the test owns it, as a connection would
  twist::StringTransportWithDisconnection transport;

  ChatProtocol& chat() const { return dynamic_cast<ChatProtocol&>(*protocol); }
  // The member types a line, which arrives with its "\r\n".
  void say(std::string_view line) { protocol->dataReceived(std::string(line) + "\r\n"); }
  // The lines the server sent to this member since the last call.
  Lines received() {
    Lines lines = splitLines(transport.value());
    transport.clear();
    return lines;
  }
  // The connection ends (as when the peer closes): connectionLost is called.
  void leave() { transport.loseConnection(); }
};

// A new connection to `room`, made as twist makes one: buildProtocol, then makeConnection.
std::unique_ptr<Member> connect(ChatFactory& room) {
  auto member = std::make_unique<Member>();
  member->protocol = room.buildProtocol(twist::Address{"TCP", "127.0.0.1", 40000});
  REQUIRE(member->protocol.get() != nullptr);
  member->transport.protocol = member->protocol.get();
  member->protocol->makeConnection(member->transport);
  return member;
}

// Everyone's mail so far is read and dropped, so a test checks only what follows.
void clearAll(const std::vector<Member*>& members) {
  for (Member* member : members) member->transport.clear();
}

}  // namespace

TEST_CASE("a newcomer is welcomed with a guest nick and the number of members online") {
  ChatFactory room;
  auto a = connect(room);
  CHECK(a->received() == Lines{"* welcome guest1 (1 online)"});
  CHECK(a->chat().nick == "guest1");
  auto b = connect(room);
  CHECK(b->received() == Lines{"* welcome guest2 (2 online)"});
  CHECK(b->chat().nick == "guest2");
  auto c = connect(room);
  CHECK(c->received() == Lines{"* welcome guest3 (3 online)"});
  REQUIRE(room.members.size() == 3);
  CHECK(room.members[0] == &a->chat());
  CHECK(room.members[1] == &b->chat());
  CHECK(room.members[2] == &c->chat());
}

TEST_CASE("the others are told when a member joins but the newcomer is not") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  CHECK(a->received() == Lines{"* welcome guest1 (1 online)", "* guest2 joined"});
  CHECK(b->received() == Lines{"* welcome guest2 (2 online)"});
  auto c = connect(room);
  CHECK(a->received() == Lines{"* guest3 joined"});
  CHECK(b->received() == Lines{"* guest3 joined"});
  CHECK(c->received() == Lines{"* welcome guest3 (3 online)"});
}

TEST_CASE("each factory is a room of its own with its own members and guest numbers") {
  ChatFactory first, second;
  auto a = connect(first);
  auto b = connect(first);
  clearAll({a.get(), b.get()});
  auto x = connect(second);
  INFO("state kept in a static or global variable is shared by every factory");
  CHECK(x->received() == Lines{"* welcome guest1 (1 online)"});
  CHECK(a->received() == Lines{});
  CHECK(b->received() == Lines{});
  CHECK(first.members.size() == 2);
  CHECK(second.members.size() == 1);
  x->say("hello second room");
  CHECK(a->received() == Lines{});
}

TEST_CASE("a line goes to every other member and not back to its sender") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  clearAll({a.get(), b.get(), c.get()});
  a->say("hi there");
  CHECK(a->received() == Lines{});
  CHECK(b->received() == Lines{"<guest1> hi there"});
  CHECK(c->received() == Lines{"<guest1> hi there"});
  c->say("hello guest1");
  CHECK(a->received() == Lines{"<guest3> hello guest1"});
  CHECK(b->received() == Lines{"<guest3> hello guest1"});
  CHECK(c->received() == Lines{});
}

TEST_CASE("a line split across two dataReceived calls is broadcast once it is complete") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  a->protocol->dataReceived("hel");
  CHECK(b->received() == Lines{});
  a->protocol->dataReceived("lo wor");
  CHECK(b->received() == Lines{});
  a->protocol->dataReceived("ld\r");
  CHECK(b->received() == Lines{});
  a->protocol->dataReceived("\n");
  CHECK(b->received() == Lines{"<guest1> hello world"});
}

TEST_CASE("two lines in one chunk are broadcast as two lines in order") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  a->protocol->dataReceived("one\r\ntwo\r\nthr");
  CHECK(b->received() == Lines{"<guest1> one", "<guest1> two"});
  a->protocol->dataReceived("ee\r\n");
  CHECK(b->received() == Lines{"<guest1> three"});
}

TEST_CASE("an empty line is ignored and an unknown command is answered only to its sender") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  a->say("");
  CHECK(a->received() == Lines{});
  CHECK(b->received() == Lines{});
  for (const char* command : {"/msg guest2 hi", "/nickname alice", "/quit now", "/"}) {
    INFO("the line was " << command);
    a->say(command);
    CHECK(a->received() == Lines{"! unknown command, try /nick NAME or /quit"});
    CHECK(b->received() == Lines{});
  }
  CHECK(room.members.size() == 2);
  CHECK(a->chat().nick == "guest1");
}

TEST_CASE("nick renames the member and tells the others") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  a->say("/nick alice");
  CHECK(a->received() == Lines{"* you are now alice"});
  CHECK(b->received() == Lines{"* guest1 is now alice"});
  CHECK(a->chat().nick == "alice");
  CHECK(room.find("alice") == &a->chat());
  CHECK(room.find("guest1") == nullptr);
  a->say("hi");
  CHECK(b->received() == Lines{"<alice> hi"});
  b->say("/nick guest1");  // alice's old nick is free again
  CHECK(b->received() == Lines{"* you are now guest1"});
  CHECK(a->received() == Lines{"* guest2 is now guest1"});
}

TEST_CASE("nick refuses a name that a member already has and tells no one else") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  a->say("/nick alice");
  clearAll({a.get(), b.get()});
  b->say("/nick alice");
  CHECK(b->received() == Lines{"! nick alice is taken"});
  CHECK(a->received() == Lines{});
  CHECK(b->chat().nick == "guest2");
  CHECK(a->chat().nick == "alice");
  a->say("/nick alice");  // your own nick is in use too
  CHECK(a->received() == Lines{"! nick alice is taken"});
  CHECK(b->received() == Lines{});
  a->say("/nick guest2");
  CHECK(a->received() == Lines{"! nick guest2 is taken"});
  CHECK(a->chat().nick == "alice");
}

TEST_CASE("nick refuses an empty or invalid name with a reply and keeps the old nick") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  for (const char* command :
       {"/nick", "/nick ", "/nick two words", "/nick bad!", "/nick seventeen_chars_x", "/nick caf\xc3\xa9"}) {
    INFO("the line was " << command);
    a->say(command);
    CHECK(a->received() == Lines{"! invalid nick, use 1 to 16 letters, digits or _"});
    CHECK(b->received() == Lines{});
    CHECK(a->chat().nick == "guest1");
  }
  a->say("/nick Sixteen_chars_1");  // 16 characters: the longest allowed
  CHECK(a->received() == Lines{"* you are now Sixteen_chars_1"});
  CHECK(b->received() == Lines{"* guest1 is now Sixteen_chars_1"});
}

TEST_CASE("a member who leaves is removed and only the others are told") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  b->say("/nick bob");
  clearAll({a.get(), b.get(), c.get()});
  b->leave();
  CHECK(a->received() == Lines{"* bob left"});
  CHECK(c->received() == Lines{"* bob left"});
  CHECK(b->received() == Lines{});
  REQUIRE(room.members.size() == 2);
  CHECK(room.members[0] == &a->chat());
  CHECK(room.members[1] == &c->chat());
  CHECK(room.find("bob") == nullptr);
}

TEST_CASE("a member who left receives nothing more") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  b->leave();
  clearAll({a.get(), b.get(), c.get()});
  a->say("anyone here");
  c->say("/nick carol");
  auto d = connect(room);
  d->leave();
  CHECK(b->received() == Lines{});
  CHECK(c->received() == Lines{"<guest1> anyone here", "* you are now carol", "* guest4 joined", "* guest4 left"});
  CHECK(a->received() == Lines{"* guest3 is now carol", "* guest4 joined", "* guest4 left"});
}

TEST_CASE("the room is empty after everyone leaves and the nicks are free again") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  a->say("/nick alice");
  a->leave();
  b->leave();
  CHECK(room.members.empty());
  auto c = connect(room);
  CHECK(c->received() == Lines{"* welcome guest3 (1 online)"});
  c->say("/nick alice");
  CHECK(c->received() == Lines{"* you are now alice"});
  REQUIRE(room.members.size() == 1);
  CHECK(room.members[0] == &c->chat());
}

TEST_CASE("quit says bye then closes the connection and the others are told") {
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a.get(), b.get()});
  a->say("/quit");
  CHECK(a->received() == Lines{"* bye"});
  {
    INFO("StringTransportWithDisconnection calls connectionLost when the protocol calls loseConnection");
    CHECK_FALSE(a->transport.connected);
  }
  CHECK(b->received() == Lines{"* guest1 left"});
  REQUIRE(room.members.size() == 1);
  CHECK(room.members[0] == &b->chat());
}

TEST_CASE("quit closes with loseConnection and nothing after it in the same chunk is handled") {
  ChatFactory room;
  // A plain StringTransport: loseConnection only sets disconnecting, as a
  // real one does until the bye is sent, so connectionLost comes later.
  twist::StringTransport transport;
  std::unique_ptr<twist::Protocol> a = room.buildProtocol(twist::Address{"TCP", "127.0.0.1", 40001});
  REQUIRE(a.get() != nullptr);
  a->makeConnection(transport);
  auto b = connect(room);
  transport.clear();
  b->transport.clear();
  a->dataReceived("/quit\r\nlast words\r\n/nick alice\r\n");
  CHECK(splitLines(transport.value()) == Lines{"* bye"});
  CHECK(transport.disconnecting);
  {
    INFO("abortConnection would drop the bye that is still buffered");
    CHECK_FALSE(transport.disconnected);
  }
  CHECK(b->received() == Lines{});  // no last words, and not left yet: that is connectionLost's job
  CHECK(room.members.size() == 2);
  a->connectionLost(twist::Failure(twist::ConnectionDone()));
  CHECK(b->received() == Lines{"* guest1 left"});
  CHECK(room.members.size() == 1);
}

// ---- the smoke test on real sockets ----------------------------------------

namespace {

// What one real client saw; the test owns it, because twist destroys a
// client protocol after its connectionLost.
struct ClientLog {
  Lines lines;
  bool lost = false;
  twist::LineReceiver* protocol = nullptr;  // set while connected
  std::function<void(const std::string&)> onLine;
};

struct Client : twist::LineReceiver {
  explicit Client(ClientLog& log) : log(log) {}
  void connectionMade() override { log.protocol = this; }
  void lineReceived(std::string_view line) override {
    log.lines.emplace_back(line);
    if (log.onLine) log.onLine(log.lines.back());
  }
  void connectionLost(twist::Failure /*reason*/) override {
    log.protocol = nullptr;
    log.lost = true;
  }
  ClientLog& log;
};

struct LoggingClientFactory : twist::ClientFactory {
  explicit LoggingClientFactory(ClientLog& log) {
    protocol = [&log] { return std::make_unique<Client>(log); };
  }
};

}  // namespace

TEST_CASE("over real TCP two clients are welcomed and one hears the line the other sends") {
  // Declared before the reactor, so they outlive every connection it holds.
  ChatFactory room;
  ClientLog alice, bob;
  LoggingClientFactory aliceFactory(alice), bobFactory(bob);
  twist::Reactor reactor;

  auto port = twist::listenTCP(reactor, 0, room, 50, "127.0.0.1");
  const int portNumber = port->getHost().port;

  // Each line comes within milliseconds on loopback; half a second of
  // silence means the server stopped answering (a starter sends nothing):
  // end there rather than at the 3 s watchdog, so a failing check stays quick.
  bool silenceFired = false;
  twist::DelayedCall silence = reactor.callLater(0.5, [&] {
    silenceFired = true;
    reactor.crash();
  });
  auto heard = [&] {
    if (silence.active()) silence.reset(0.5);
  };

  // The script: alice connects. Once welcomed, bob connects. Once welcomed,
  // bob says hello. Once alice has heard it, she quits, and once bob hears
  // that she left, he quits too.
  alice.onLine = [&](const std::string& line) {
    heard();
    if (line == "* welcome guest1 (1 online)") twist::connectTCP(reactor, "127.0.0.1", portNumber, bobFactory);
    if (line == "<guest2> hello alice") alice.protocol->sendLine("/quit");
  };
  bob.onLine = [&](const std::string& line) {
    heard();
    if (line == "* welcome guest2 (2 online)") bob.protocol->sendLine("hello alice");
    if (line == "* guest1 left") bob.protocol->sendLine("/quit");
  };
  // The end: both clients closed and the server's room empty (the server
  // sees each close in its own time, so look every 10 ms), then stop.
  std::function<void()> finishWhenAllClosed = [&] {
    if (alice.lost && bob.lost && room.members.empty()) {
      port->stopListening().addCallback([&] { reactor.stop(); });
    } else {
      reactor.callLater(0.01, finishWhenAllClosed);
    }
  };
  reactor.callLater(0.01, finishWhenAllClosed);

  // The watchdog: whatever goes wrong, run() ends within 3 s and the test fails.
  bool watchdogFired = false;
  twist::DelayedCall watchdog = reactor.callLater(3.0, [&] {
    watchdogFired = true;
    reactor.crash();
  });

  twist::connectTCP(reactor, "127.0.0.1", portNumber, aliceFactory);
  reactor.run(false);
  if (watchdog.active()) watchdog.cancel();
  if (silence.active()) silence.cancel();

  CHECK(alice.lines == Lines{"* welcome guest1 (1 online)", "* guest2 joined", "<guest2> hello alice", "* bye"});
  CHECK(bob.lines == Lines{"* welcome guest2 (2 online)", "* guest1 left", "* bye"});
  CHECK(room.members.empty());
  CHECK_FALSE(watchdogFired);
  {
    INFO("no line arrived for half a second: the server stopped answering");
    CHECK_FALSE(silenceFired);
  }
  // Everything was closed by the script itself (on a timeout, this closes what is left).
  CHECK(twist::cleanReactor(reactor) == std::vector<std::string>{});
}
