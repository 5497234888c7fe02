// nick.cpp — lesson 06, stretch exercise "nick": your code goes here.
//
// Read nick.hpp first: its table gives every line the server sends, word for
// word. The chat room is written; the command "/nick NAME" is yours: the TODO
// in lineReceived and the body of changeNick. Check with
//   ./twistlings check 06-protocol/nick
#include "nick.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

// ---- the protocol: one connection ----------------------------------------

ChatFactory& ChatProtocol::room() const { return static_cast<ChatFactory&>(*factory); }

void ChatProtocol::connectionMade() {
  nick = room().nextGuestName();
  room().members.push_back(this);
  sendLine("* welcome " + nick + " (" + std::to_string(room().members.size()) + " online)");
  room().broadcast(this, "* " + nick + " joined");
}

void ChatProtocol::lineReceived(std::string_view line) {
  if (line.empty()) return;
  if (line == "/quit") {
    sendLine("* bye");
    transport->loseConnection();  // connectionLost follows, once the bye is sent
  } else if (false) {
    // TODO: the condition above: "/nick" exactly, or "/nick " and a name.
    //       Here: changeNick with the NAME part (maybe empty).
  } else if (line.front() == '/') {
    sendLine("! unknown command, try /nick NAME or /quit");
  } else {
    room().broadcast(this, "<" + nick + "> " + std::string(line));
  }
}

void ChatProtocol::changeNick(std::string_view wanted) {
  // TODO: refuse an invalid name or one in use, replying to this member
  //       only. Otherwise rename, reply, and tell the others the old and
  //       the new nick.
  (void)wanted;  // TODO: remove this line once you use wanted
}

void ChatProtocol::connectionLost(twist::Failure /*reason*/) {
  std::erase(room().members, this);  // first: a member that left gets nothing more
  room().broadcast(this, "* " + nick + " left");
}

// ---- the factory: the room -----------------------------------------------

ChatFactory::ChatFactory() {
  protocol = [] { return std::make_unique<ChatProtocol>(); };
}

void ChatFactory::broadcast(const ChatProtocol* from, std::string_view line) {
  for (ChatProtocol* member : members) {
    if (member != from) member->sendLine(line);
  }
}

ChatProtocol* ChatFactory::find(std::string_view nick) const {
  for (ChatProtocol* member : members) {
    if (member->nick == nick) return member;
  }
  return nullptr;
}

std::string ChatFactory::nextGuestName() {
  std::string name;
  do {
    name = "guest" + std::to_string(++guestsNamed);
  } while (find(name) != nullptr);
  return name;
}

bool isValidNick(std::string_view nick) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  return !nick.empty() && nick.size() <= 16 && std::all_of(nick.begin(), nick.end(), allowed);
}
