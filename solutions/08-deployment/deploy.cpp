// deploy.cpp — lesson 08, exercises "deploy" and "census": the reference
// solution. The contract is the starter's (exercises/08-deployment/deploy.cpp).
#include <memory>
#include <string>
#include <vector>

#include "chat.hpp"
#include "twist/application.hpp"
#include "twist/launcher.hpp"
#include "twist/logger.hpp"

namespace {

std::string online(const ChatFactory& room) { return std::to_string(room.members.size()); }

// The room as a service: listening while it runs; on stop, no new clients,
// a goodbye to each member, and done once the last one has gone.
class ChatService : public twist::MultiService {
 public:
  ChatService(twist::Reactor& reactor, const twist::LaunchOptions& options, ChatFactory& room) : room_(room) {
    room.onJoin = [log = twist::Logger("chat")](ChatProtocol& member) {
      log.info("{nick} joined ({online} online)",
               {{"event", "join"}, {"nick", member.nick}, {"online", online(member.room())}});
    };
    room.onLeave = [log = twist::Logger("chat")](ChatProtocol& member) {
      log.info("{nick} left ({online} online)",
               {{"event", "leave"}, {"nick", member.nick}, {"online", online(member.room())}});
    };
    for (const std::string& endpoint : options.listen) own(twist::strportsService(reactor, endpoint, room));
    // The stretch, "census": the room's size every --census-interval seconds, the first at once.
    double every = options.seconds("census-interval");
    own(std::make_unique<twist::TimerService>(reactor, every, [&room, log = twist::Logger("chat")] {
      log.info("{online} in the room", {{"event", "census"}, {"online", online(room)}});
    }));
  }

  twist::Deferred<void> stopService() override {
    twist::Deferred<void> stopped = MultiService::stopService();  // no new clients, no more census
    for (ChatProtocol* member : std::vector(room_.members)) {     // a copy: members leave as they close
      member->sendLine("* the server is shutting down, goodbye");
      member->transport->loseConnection();  // sends the goodbye first, then closes
    }
    return stopped.addCallback([this] { return room_.whenEmpty(); });
  }

 private:
  ChatFactory& room_;
};

}  // namespace

int main(int argc, char** argv) {
  ChatFactory room;  // outlives the service tree and every connection: runService ends them first
  twist::ProgramInfo info{"chat", "lesson 06's chat room, deployable", {"tcp:8123:interface=127.0.0.1"}};
  // The stretch, "census": its interval is an option of this program's own.
  info.options.push_back({"census-interval", "1", "Seconds between two census records", twist::OptionType::seconds});
  return twist::runService(argc, argv, info,
                           [&room](twist::Reactor& reactor, const twist::LaunchOptions& options) {
                             return std::make_unique<ChatService>(reactor, options, room);
                           });
}
