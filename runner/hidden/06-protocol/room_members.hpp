// room_members.hpp — what the hidden tests of lesson 06's chat and nick share:
// connections to a ChatFactory played by the test, in memory. Included after
// the exercise's own header (chat.hpp or nick.hpp), which declares
// ChatProtocol and ChatFactory; each exercise has its own copy of them.
//
// Ownership: every Member is kept alive until the program ends (keptAlive),
// and owns its protocol and its StringTransportWithDisconnection.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
  std::unique_ptr<twist::Protocol> protocol;  // the test owns it, so a mistake cannot free it
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
  // The connection ends (as when the peer closes): connectionLost is called at once.
  void leave() { transport.loseConnection(); }
};

// Every connection a test makes, kept until the program ends. A room kept in
// a static or global variable would otherwise point at an earlier test's
// members once they are gone, and the next test would crash, not fail.
std::vector<std::shared_ptr<void>>& keptAlive() {
  static std::vector<std::shared_ptr<void>> kept;
  return kept;
}

// A new connection to `room`, made as twist makes one: buildProtocol, then makeConnection.
Member* connect(ChatFactory& room) {
  auto member = std::make_shared<Member>();
  keptAlive().push_back(member);
  member->protocol = room.buildProtocol(twist::Address{"TCP", "127.0.0.1", 40000});
  REQUIRE(member->protocol.get() != nullptr);
  member->transport.protocol = member->protocol.get();
  member->protocol->makeConnection(member->transport);
  return member.get();
}

// Everyone's mail so far is read and dropped, so a test checks only what follows.
void clearAll(std::initializer_list<Member*> members) {
  for (Member* member : members) member->transport.clear();
}

}  // namespace
