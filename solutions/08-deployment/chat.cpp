// chat.cpp — lesson 08: lesson 06's chat room, solved and given (chat.hpp
// says what it does). You do not edit it. Apart from deploy.cpp, so that an
// edit of deploy.cpp recompiles deploy.cpp alone.
#include "chat.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

void ChatProtocol::connectionMade() {
  ChatFactory& chat = room();
  nick = "guest" + std::to_string(++chat.guestsNamed);
  chat.members.push_back(this);
  sendLine("* welcome " + nick + " (" + std::to_string(chat.members.size()) + " online)");
  chat.broadcast(this, "* " + nick + " joined");
  if (chat.onJoin) chat.onJoin(*this);
}

void ChatProtocol::lineReceived(std::string_view line) {
  if (line == "/quit") {
    sendLine("* bye");
    transport->loseConnection();  // connectionLost follows, once the bye is sent
    return;
  }
  if (!line.empty() && line.front() == '/') return sendLine("! unknown command, try /quit");
  if (!line.empty()) room().broadcast(this, "<" + nick + "> " + std::string(line));
}

void ChatProtocol::connectionLost(twist::Failure /*reason*/) { room().left(*this); }

ChatFactory::ChatFactory() {
  protocol = [] { return std::make_unique<ChatProtocol>(); };
}

void ChatFactory::broadcast(const ChatProtocol* from, std::string_view line) {
  for (ChatProtocol* member : members) {
    if (member != from) member->sendLine(line);
  }
}

twist::Deferred<void> ChatFactory::whenEmpty() {
  if (members.empty()) return twist::succeed();
  waitingForEmpty_.emplace_back();
  return waitingForEmpty_.back();
}

void ChatFactory::left(ChatProtocol& member) {
  std::erase(members, &member);  // first: a member that left is sent nothing more
  broadcast(&member, "* " + member.nick + " left");
  if (onLeave) onLeave(member);
  if (!members.empty()) return;
  std::vector<twist::Deferred<void>> waiting = std::move(waitingForEmpty_);
  waitingForEmpty_.clear();
  for (twist::Deferred<void>& d : waiting) d.callback();
}
