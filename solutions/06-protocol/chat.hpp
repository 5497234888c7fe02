// chat.hpp — lesson 06, exercise "chat": a chat room made of one Protocol per
// connection and one Factory that holds the room.
//
// Every connection gets its own ChatProtocol, built by the ChatFactory
// (buildProtocol). What belongs to one connection, its nick, lives in the
// protocol. What the connections share, who is in the room and the guest
// counter, lives in the factory: the one object that outlives them all, and
// the only way a protocol can reach the other connections.
//
//   ChatFactory room;
//   auto port = twist::listenTCP(reactor, 8000, room, 50, "127.0.0.1");
//   reactor.run();    // then, in two terminals: ./twistlings connect 127.0.0.1:8000
//
// The wire format. Lines end with "\r\n" both ways: LineReceiver's default
// delimiter, so the protocol does not change it.
// The server sends exactly these lines (shown without their "\r\n"):
//
//   when                           to whom           the line
//   a member joins                 the newcomer      * welcome guest3 (3 online)
//                                  every other one   * guest3 joined
//   a member says "hi there"       every other one   <guest3> hi there
//   any other line starting "/"    the member        ! unknown command, try /quit
//   "/quit"                        the member        * bye        (then the connection closes)
//   a member leaves (any cause)    every other one   * guest3 left
//
// The rules the tests check:
// - Joining: the newcomer's nick is room().nextGuestName() (guest1, guest2,
//   ... counted per factory: two factories are two rooms). The number in the
//   welcome counts the members, the newcomer included.
// - Messages: a line not starting with '/' goes to every other member; the
//   sender never gets it back. An empty line is ignored.
// - "/quit" (exactly): "* bye", then transport->loseConnection(), which
//   sends what is buffered before closing (abortConnection would drop the
//   bye). On a real transport it sets `disconnecting`, which stops
//   LineReceiver from handling the lines after "/quit".
// - Leaving happens in connectionLost, whatever ended the connection (/quit,
//   the peer closing, an error), and nowhere else. Once a member has left,
//   it is sent nothing more.
//
// Ownership and lifetime (in Python the garbage collector hides them):
// - Each connection owns its ChatProtocol, and twist destroys it after its
//   connectionLost has returned. The factory only points at its members, so
//   a member must take itself out of `members` in connectionLost.
// - The factory must outlive every connection it built: in a program, make
//   it before listenTCP and keep it until the reactor has stopped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "twist/basic.hpp"
#include "twist/protocol.hpp"

class ChatFactory;

// One member of the room: one connection. A LineReceiver, so lineReceived
// is called once per complete line, however TCP cut the bytes.
class ChatProtocol : public twist::LineReceiver {
 public:
  // Joins the room: takes a guest nick, becomes a member, is welcomed, and
  // the others are told.
  void connectionMade() override;
  // One line from this member, without its "\r\n", valid only during the
  // call: a message, "/quit" or an unknown command.
  void lineReceived(std::string_view line) override;
  // Leaves the room: no longer a member, and the others are told.
  void connectionLost(twist::Failure reason) override;

  // The factory that built this protocol (buildProtocol set `factory`).
  ChatFactory& room() const;

  std::string nick;  // this connection's name: one per connection, so here
};

// The room. It builds a ChatProtocol for every connection and holds what
// they share. It does not own its members (their connections do).
class ChatFactory : public twist::Factory {
 public:
  // Sets `protocol`, so buildProtocol makes a ChatProtocol.
  ChatFactory();

  // Sends `line` (sendLine) to every member except `from`; with
  // from == nullptr, to every member.
  void broadcast(const ChatProtocol* from, std::string_view line);
  // "guest<N>" for the next N: 1, 2, 3, ... (never reused in this room).
  std::string nextGuestName();

  std::vector<ChatProtocol*> members;  // the room, in the order they joined
  int guestsNamed = 0;                 // the last N nextGuestName gave out
};
