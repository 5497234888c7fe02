// Hidden tests for lesson 06, exercise "chat" (chat.hpp).
//
// Deterministic: each connection is a ChatProtocol built by the factory
// (buildProtocol) and connected by hand (makeConnection) to a
// StringTransportWithDisconnection, which keeps what the server writes in a
// string. Its loseConnection calls connectionLost at once, inside the call
// (a real connection calls it later, on a later turn of the loop). No socket,
// no loop, no time.
// The last test is the one smoke test on real sockets. It first plays its
// script in memory and stops there when that fails, so a starter gets its
// verdict at once; on real sockets it waits on events only, with a 3 s
// watchdog for a server that stops answering.
#include <functional>
#include <initializer_list>
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

#include "room_members.hpp"

TEST_CASE("a newcomer is welcomed with a guest nick and the number of members online") {
  INFO("connectionMade: the nick comes from room().nextGuestName(); the newcomer joins the factory's own "
       "list, room().members (not a list in the protocol, nor a static one), and the count is its size "
       "after the newcomer joined; only the others are told that it joined");
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

TEST_CASE("each factory is a room of its own with its own members and guest numbers") {
  INFO("shared state belongs in the factory's members: a static or global variable is shared by every "
       "factory, so two servers (or two tests) would share one room");
  ChatFactory first, second;
  auto a = connect(first);
  auto b = connect(first);
  clearAll({a, b});
  auto x = connect(second);
  CHECK(x->received() == Lines{"* welcome guest1 (1 online)"});
  CHECK(a->received() == Lines{});
  CHECK(b->received() == Lines{});
  CHECK(first.members.size() == 2);
  CHECK(second.members.size() == 1);
  x->say("hello second room");
  CHECK(a->received() == Lines{});
}

TEST_CASE("the others are told when a member joins but the newcomer is not") {
  INFO("connectionMade: room().broadcast(this, ...) skips `this`; broadcast itself must skip `from` "
       "(and send with sendLine, which adds the \\r\\n)");
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

TEST_CASE("a line goes to every other member and not back to its sender") {
  INFO("lineReceived: a message is room().broadcast(this, \"<\" + nick + \"> \" + std::string(line)); "
       "the sender is `from`, so it is skipped");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  clearAll({a, b, c});
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
  INFO("LineReceiver buffers the bytes and calls lineReceived once per whole line: override lineReceived, "
       "not dataReceived");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
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
  INFO("LineReceiver calls lineReceived once per line of the chunk: lineReceived handles one line only");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  a->protocol->dataReceived("one\r\ntwo\r\nthr");
  CHECK(b->received() == Lines{"<guest1> one", "<guest1> two"});
  a->protocol->dataReceived("ee\r\n");
  CHECK(b->received() == Lines{"<guest1> three"});
}

TEST_CASE("an empty line is ignored and an unknown command is answered only to its sender") {
  INFO("lineReceived: test the empty line first (line.front() on an empty line is undefined), then "
       "\"/quit\" exactly, then any other line starting with '/', which gets sendLine, not broadcast");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  a->say("");
  CHECK(a->received() == Lines{});
  CHECK(b->received() == Lines{});
  for (const char* command : {"/msg guest2 hi", "/nick alice", "/quit now", "/"}) {
    INFO("the line was " << command);
    a->say(command);
    CHECK(a->received() == Lines{"! unknown command, try /quit"});
    CHECK(b->received() == Lines{});
  }
  CHECK(room.members.size() == 2);
  CHECK(a->chat().nick == "guest1");
}

TEST_CASE("a member who leaves is removed and only the others are told") {
  INFO("connectionLost is where a member leaves: take `this` out of room().members "
       "(std::erase), then broadcast \"* NICK left\"");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  clearAll({a, b, c});
  b->leave();
  CHECK(a->received() == Lines{"* guest2 left"});
  CHECK(c->received() == Lines{"* guest2 left"});
  CHECK(b->received() == Lines{});
  REQUIRE(room.members.size() == 2);
  CHECK(room.members[0] == &a->chat());
  CHECK(room.members[1] == &c->chat());
}

TEST_CASE("a member who left receives nothing more") {
  INFO("connectionLost must remove the member before anything else is broadcast; on a real connection twist "
       "destroys the protocol after connectionLost, so a pointer left in members would be a dangling one");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  auto c = connect(room);
  b->leave();
  clearAll({a, b, c});
  a->say("anyone here");
  auto d = connect(room);
  d->leave();
  CHECK(b->received() == Lines{});
  CHECK(c->received() == Lines{"<guest1> anyone here", "* guest4 joined", "* guest4 left"});
  CHECK(a->received() == Lines{"* guest4 joined", "* guest4 left"});
}

TEST_CASE("the room is empty after everyone leaves and a newcomer is alone in it") {
  INFO("every member leaves in its own connectionLost; the guest counter goes on (it names, it does not count)");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  a->leave();
  b->leave();
  CHECK(room.members.empty());
  auto c = connect(room);
  CHECK(c->received() == Lines{"* welcome guest3 (1 online)"});
  REQUIRE(room.members.size() == 1);
  CHECK(room.members[0] == &c->chat());
}

TEST_CASE("quit says bye then closes the connection and the others are told") {
  INFO("\"/quit\": sendLine(\"* bye\") first, then transport->loseConnection(); the leaving itself is "
       "connectionLost's job (doing it in /quit too tells the others twice)");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  a->say("/quit");
  CHECK(a->received() == Lines{"* bye"});
  {
    INFO("StringTransportWithDisconnection calls connectionLost inside loseConnection: was it called?");
    CHECK_FALSE(a->transport.connected);
  }
  CHECK(b->received() == Lines{"* guest1 left"});
  REQUIRE(room.members.size() == 1);
  CHECK(room.members[0] == &b->chat());
}

TEST_CASE("quit closes with loseConnection and nothing after it in the same chunk is handled") {
  INFO("\"/quit\" closes with loseConnection, which sends the bye first and sets `disconnecting`, so "
       "LineReceiver handles no line after it. A real transport calls connectionLost later: until then the "
       "member is still in the room, and only connectionLost takes it out");
  ChatFactory room;
  // A plain StringTransport: loseConnection only sets disconnecting, as a
  // real one does until the bye is sent, so connectionLost comes later.
  auto transportKept = std::make_shared<twist::StringTransport>();
  keptAlive().push_back(transportKept);
  twist::StringTransport& transport = *transportKept;
  std::shared_ptr<twist::Protocol> a = room.buildProtocol(twist::Address{"TCP", "127.0.0.1", 40001});
  keptAlive().push_back(a);
  REQUIRE(a.get() != nullptr);
  a->makeConnection(transport);
  auto b = connect(room);
  transport.clear();
  b->transport.clear();
  a->dataReceived("/quit\r\nlast words\r\n/quit\r\n");
  CHECK(splitLines(transport.value()) == Lines{"* bye"});
  CHECK(transport.disconnecting);
  {
    INFO("abortConnection would drop the bye that is still buffered");
    CHECK_FALSE(transport.disconnected);
  }
  CHECK(b->received() == Lines{});  // no last words, and not left yet
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
  std::function<void()> onLost;
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
    if (log.onLost) log.onLost();
  }
  ClientLog& log;
};

struct LoggingClientFactory : twist::ClientFactory {
  explicit LoggingClientFactory(ClientLog& log) {
    protocol = [&log] { return std::make_unique<Client>(log); };
  }
};

const Lines aliceHears{"* welcome guest1 (1 online)", "* guest2 joined", "<guest2> hello alice", "* bye"};
const Lines bobHears{"* welcome guest2 (2 online)", "* guest1 left", "* bye"};

}  // namespace

TEST_CASE("over real TCP two clients are welcomed and one hears the line the other sends") {
  INFO("the same room over real sockets: connectionLost comes on a later turn of the loop, and twist "
       "destroys each protocol after it, so the room must hold no pointer to a member that left");
  {
    // The script in memory first: if it fails here, the tests above say why,
    // and the real sockets would only wait for lines that never come.
    ChatFactory room;
    auto alice = connect(room);
    auto bob = connect(room);
    bob->say("hello alice");
    alice->say("/quit");
    bob->say("/quit");
    INFO("played in memory first (StringTransportWithDisconnection): fix the tests above, then this one");
    REQUIRE(alice->received() == aliceHears);
    REQUIRE(bob->received() == bobHears);
    REQUIRE(room.members.empty());
  }

  // Declared before the reactor, so they outlive every connection it holds.
  ChatFactory room;
  ClientLog alice, bob;
  LoggingClientFactory aliceFactory(alice), bobFactory(bob);
  twist::Reactor reactor;

  auto port = twist::listenTCP(reactor, 0, room, 50, "127.0.0.1");
  const int portNumber = port->getHost().port;

  // The script: alice connects. Once welcomed, bob connects. Once welcomed,
  // bob says hello. Once alice has heard it, she quits, and once bob hears
  // that she left, he quits too.
  alice.onLine = [&](const std::string& line) {
    if (line == aliceHears[0]) twist::connectTCP(reactor, "127.0.0.1", portNumber, bobFactory);
    if (line == aliceHears[2]) alice.protocol->sendLine("/quit");
  };
  bob.onLine = [&](const std::string& line) {
    if (line == bobHears[0]) bob.protocol->sendLine("hello alice");
    if (line == bobHears[1]) bob.protocol->sendLine("/quit");
  };
  // The end: both clients closed and the server's room empty. The server sees
  // each close on a turn of its own, so after the clients have closed, look
  // once per turn (callLater(0)) until its connectionLost has run.
  std::function<void()> finishWhenRoomEmpty = [&] {
    if (room.members.empty()) {
      port->stopListening().addCallback([&] { reactor.stop(); });
    } else {
      reactor.callLater(0, finishWhenRoomEmpty);
    }
  };
  auto clientClosed = [&] {
    if (alice.lost && bob.lost) reactor.callLater(0, finishWhenRoomEmpty);
  };
  alice.onLost = clientClosed;
  bob.onLost = clientClosed;

  // The watchdog: whatever goes wrong, run() ends within 3 s and the test fails.
  bool watchdogFired = false;
  twist::DelayedCall watchdog = reactor.callLater(3.0, [&] {
    watchdogFired = true;
    reactor.crash();
  });

  twist::connectTCP(reactor, "127.0.0.1", portNumber, aliceFactory);
  reactor.run(false);
  if (watchdog.active()) watchdog.cancel();

  CHECK(alice.lines == aliceHears);
  CHECK(bob.lines == bobHears);
  CHECK(room.members.empty());
  {
    INFO("the script did not finish within 3 s: a line it waited for never came");
    CHECK_FALSE(watchdogFired);
  }
  // Everything was closed by the script itself (on a timeout, this closes what is left).
  CHECK(twist::cleanReactor(reactor) == std::vector<std::string>{});
}
