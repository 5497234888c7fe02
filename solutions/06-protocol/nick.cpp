// nick.cpp — lesson 06, stretch exercise "nick": the reference solution.
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
  } else if (line == "/nick" || line.starts_with("/nick ")) {
    changeNick(line == "/nick" ? std::string_view() : line.substr(6));
  } else if (line.front() == '/') {
    sendLine("! unknown command, try /nick NAME or /quit");
  } else {
    room().broadcast(this, "<" + nick + "> " + std::string(line));
  }
}

void ChatProtocol::changeNick(std::string_view wanted) {
  if (!isValidNick(wanted)) {
    sendLine("! invalid nick, use 1 to 16 letters, digits or _");
  } else if (room().find(wanted) != nullptr) {
    sendLine("! nick " + std::string(wanted) + " is taken");
  } else {
    std::string old = std::exchange(nick, std::string(wanted));
    sendLine("* you are now " + nick);
    room().broadcast(this, "* " + old + " is now " + nick);
  }
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
