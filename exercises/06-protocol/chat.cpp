// chat.cpp — lesson 06, exercise "chat": your code goes here.
//
// Read chat.hpp first: its table gives every line the server sends, word for
// word, and the tests compare them exactly. Check with
//   ./twistlings check 06-protocol/chat
// or by hand:
//   cmake --build build --target exercise_06-protocol_chat && build/bin/exercise_06-protocol_chat
//
// Five bodies are yours (the TODOs); the rest is written. Where does a piece
// of state go? One connection's own: in ChatProtocol. Shared by the
// connections: in ChatFactory, reached through room().
// A tip on strings: "* " + nick works (nick is a std::string), but
// std::string + std::string_view does not compile: write std::string(line).
#include "chat.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

// ---- the protocol: one connection ----------------------------------------

ChatFactory& ChatProtocol::room() const { return static_cast<ChatFactory&>(*factory); }

void ChatProtocol::connectionMade() {
  // TODO: take a nick from room().nextGuestName(), join room().members,
  //       welcome the newcomer with sendLine (the count includes it), and
  //       tell the others with room().broadcast(this, ...).
}

void ChatProtocol::lineReceived(std::string_view line) {
  // TODO: one line from this member. In order:
  //       - an empty line: ignore it;
  //       - "/quit": say "* bye", then transport->loseConnection();
  //       - "/nick" or "/nick NAME": changeNick with the NAME part (maybe empty);
  //       - any other line starting with '/': the unknown command reply;
  //       - anything else: a message, broadcast to the others as <nick> line.
  (void)line;  // TODO: remove this line once you use line
}

void ChatProtocol::changeNick(std::string_view wanted) {
  // TODO: refuse an invalid name (isValidNick) or one in use (room().find),
  //       replying to this member only. Otherwise rename, reply, and tell
  //       the others with the old and the new nick.
  (void)wanted;  // TODO: remove this line once you use wanted
}

void ChatProtocol::connectionLost(twist::Failure /*reason*/) {
  // TODO: leave room().members (std::erase), then tell the others.
}

// ---- the factory: the room -----------------------------------------------

ChatFactory::ChatFactory() {
  protocol = [] { return std::make_unique<ChatProtocol>(); };
}

void ChatFactory::broadcast(const ChatProtocol* from, std::string_view line) {
  // TODO: sendLine(line) on every member except `from`.
  (void)from, (void)line;  // TODO: remove this line once you use them
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
