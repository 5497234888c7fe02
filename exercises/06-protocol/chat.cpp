// chat.cpp — lesson 06, exercise "chat": your code goes here.
//
// Read chat.hpp first: its table gives every line the server sends, word for
// word, and the tests compare them exactly. Check with
//   ./twistlings check 06-protocol/chat
//
// Four bodies are yours (the TODOs); the rest is written. Where does a piece
// of state go? One connection's own: in ChatProtocol. Shared by the
// connections: in ChatFactory, reached through room().
#include "chat.hpp"

#include <algorithm>
#include <memory>
#include <string>

// ---- the protocol: one connection ----------------------------------------

ChatFactory& ChatProtocol::room() const { return static_cast<ChatFactory&>(*factory); }

void ChatProtocol::connectionMade() {
  // TODO: join the room: take a guest nick, become one of the members,
  //       welcome the newcomer (the count includes it), tell the others.
}

void ChatProtocol::lineReceived(std::string_view line) {
  // TODO: one line from this member, in this order: an empty line is
  //       ignored; "/quit" says bye and closes; any other "/..." gets the
  //       unknown command reply; anything else goes to the others.
  (void)line;  // TODO: remove this line once you use line
}

void ChatProtocol::connectionLost(twist::Failure /*reason*/) {
  // TODO: leave the room, then tell the others.
}

// ---- the factory: the room -----------------------------------------------

ChatFactory::ChatFactory() {
  protocol = [] { return std::make_unique<ChatProtocol>(); };
}

void ChatFactory::broadcast(const ChatProtocol* from, std::string_view line) {
  // TODO: send the line to every member except `from`.
  (void)from, (void)line;  // TODO: remove this line once you use them
}

std::string ChatFactory::nextGuestName() { return "guest" + std::to_string(++guestsNamed); }
