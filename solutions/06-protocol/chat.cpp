// chat.cpp — lesson 06, exercise "chat": the reference solution.
#include "chat.hpp"

#include <algorithm>
#include <memory>
#include <string>

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
  } else if (line.front() == '/') {
    sendLine("! unknown command, try /quit");
  } else {
    room().broadcast(this, "<" + nick + "> " + std::string(line));
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

std::string ChatFactory::nextGuestName() { return "guest" + std::to_string(++guestsNamed); }
