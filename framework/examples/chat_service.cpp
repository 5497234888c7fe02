// chat_service — lesson 06's chat room as a deployable program: the same
// protocol (solutions/06-protocol/chat.hpp: "* welcome guest1 (1 online)",
// "<guest1> hi", "/quit"), run by twist::runService (launcher.hpp).
//
//   build/bin/chat_service --listen tcp:8123:interface=127.0.0.1 --pidfile chat.pid
//                          --logfile chat.log --log-format json       (one line)
//   ./twistlings connect 127.0.0.1:8123        # in two terminals
//   kill -TERM $(cat chat.pid)                 # both are told "* server shutting down"
//
// What the launcher adds to lesson 06, and where it lives here:
// - Each join and leave is one structured log event (namespace "chat"):
//   "{nick} joined from {peer}" and "{nick} left ({peer})", with the fields
//   nick, peer ("TCP:127.0.0.1:50312") and online (members after the event).
// - ChatService is the room as a service. Its stopService says
//   "* server shutting down" to every member, loses their connections (what
//   is buffered is sent first) and fires once the last has gone; the
//   launcher waits for that, at most --shutdown-timeout seconds. A client
//   that connects while it stops is told the same and closed.
// - The tree: a MultiService holding the ChatService first, then one
//   listening service per --listen. Children stop in reverse order, so the
//   ports close as the room says goodbye.
// Limits, as framework/examples/chat_server.cpp: a line longer than
// LineReceiver's MAX_LENGTH (16384) drops its sender (LineReceiver's
// default); a member with more than 1 MiB not yet sent (one who never
// reads) is disconnected, and the room is told why.
//
// Who holds what: main's ChatRoom (the factory) outlives runService, so the
// connections it built and the listening services that point at it are gone
// before it is; ChatService and the ports belong to the tree.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chat.hpp"  // lesson 06's reference solution: ChatProtocol, ChatFactory
#include "twist/application.hpp"
#include "twist/launcher.hpp"
#include "twist/tcp.hpp"

namespace {

constexpr std::size_t kMostUnsent = 1 << 20;  // 1 MiB, as chat_server's: thousands of lines behind
constexpr const char* kGoodbye = "* server shutting down";

const twist::Logger chatLog{"chat"};

class ChatRoom;

// Lesson 06's ChatProtocol, with its joins and leaves logged.
class Member : public ChatProtocol {
 public:
  void connectionMade() override;
  void lineReceived(std::string_view line) override;
  void connectionLost(twist::Failure reason) override;

  ChatRoom& chatRoom() const;
  std::size_t unsent() const {
    auto* tcp = dynamic_cast<const twist::ITCPTransport*>(transport);
    return tcp ? tcp->bufferedBytes() : 0;
  }

  bool joined = false;   // false for a client turned away while the room closes
  bool tooSlow = false;  // disconnected for not reading
  std::string peer;
};

class ChatRoom : public ChatFactory {
 public:
  ChatRoom() {
    protocol = [] { return std::make_unique<Member>(); };
  }

  // Disconnects each member with more than kMostUnsent bytes waiting: called
  // after anything that may have broadcast.
  void dropSlowReaders() {
    for (ChatProtocol* member : members) {
      auto* m = static_cast<Member*>(member);
      if (!m->tooSlow && m->unsent() > kMostUnsent) {
        m->tooSlow = true;
        m->transport->abortConnection();  // connectionLost (and the leave) comes on a later pass
      }
    }
  }

  // While ChatService stops: fired when the last of the `departing` members
  // (taken out of `members` at once, so that nobody is told who left after
  // the goodbye) has gone.
  std::optional<twist::Deferred<void>> closing;
  std::size_t departing = 0;
};

ChatRoom& Member::chatRoom() const { return static_cast<ChatRoom&>(room()); }

void Member::connectionMade() {
  peer = transport->getPeer().str();
  if (chatRoom().closing) {
    sendLine(kGoodbye);
    transport->loseConnection();
    return;
  }
  joined = true;
  ChatProtocol::connectionMade();
  chatLog.info("{nick} joined from {peer}",
               {{"nick", nick}, {"peer", peer}, {"online", std::to_string(room().members.size())}});
  chatRoom().dropSlowReaders();
}

void Member::lineReceived(std::string_view line) {
  ChatProtocol::lineReceived(line);
  chatRoom().dropSlowReaders();
}

void Member::connectionLost(twist::Failure reason) {
  if (!joined) return;
  ChatProtocol::connectionLost(std::move(reason));
  if (tooSlow) room().broadcast(nullptr, "* " + nick + " was disconnected: not reading what the room sends");
  ChatRoom& chat = chatRoom();
  if (chat.closing) --chat.departing;
  chatLog.info("{nick} left ({peer})",
               {{"nick", nick},
                {"peer", peer},
                {"online", std::to_string(chat.members.size() + chat.departing)},
                {"why", chat.closing ? "server shutting down" : tooSlow ? "not reading" : "connection closed"}});
  chat.dropSlowReaders();
  if (chat.closing && chat.departing == 0) std::exchange(chat.closing, std::nullopt)->callback();
}

// The room as a service: its stop says goodbye and waits for everyone to go.
class ChatService : public twist::Service {
 public:
  explicit ChatService(ChatRoom& room) : room_(room) {}

  twist::Deferred<void> stopService() override {
    twist::Service::stopService();
    if (room_.members.empty()) return twist::succeed();
    chatLog.info("Saying goodbye to {count} members", {{"count", std::to_string(room_.members.size())}});
    room_.closing.emplace();
    twist::Deferred<void> allGone = *room_.closing;
    std::vector<ChatProtocol*> everyone = std::exchange(room_.members, {});
    room_.departing = everyone.size();
    for (ChatProtocol* member : everyone) {
      member->sendLine(kGoodbye);
      member->transport->loseConnection();  // sends the goodbye, then connectionLost
    }
    return allGone;
  }

 private:
  ChatRoom& room_;
};

}  // namespace

int main(int argc, char** argv) {
  ChatRoom room;  // outlives the service tree and every connection
  return twist::runService(argc, argv,
                           {"chat_service", "lesson 06's chat room, as a service (SIGTERM says goodbye to everyone)",
                            {"tcp:8123:interface=127.0.0.1"}},
                           [&room](twist::Reactor& reactor, const twist::LaunchOptions& options) {
                             auto top = std::make_unique<twist::MultiService>();
                             auto chat = std::make_unique<ChatService>(room);
                             chat->setName("chat");
                             top->own(std::move(chat));
                             for (const auto& endpoint : options.listen)
                               top->own(twist::strportsService(reactor, endpoint, room));
                             return top;
                           });
}
