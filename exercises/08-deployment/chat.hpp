// chat.hpp — lesson 08: lesson 06's chat room, solved and given (its code is
// in chat.cpp). You edit neither: your part is deploy.cpp, which makes this
// room a program that a machine can run, stop, restart and watch.
//
// The room is lesson 06's, line for line on the wire (lines end with "\r\n"):
//
//   when                           to whom           the line
//   a member joins                 the newcomer      * welcome guest3 (3 online)
//                                  every other one   * guest3 joined
//   a member says "hi there"       every other one   <guest3> hi there
//   any other line starting "/"    the member        ! unknown command, try /quit
//   "/quit"                        the member        * bye        (then the connection closes)
//   a member leaves (any cause)    every other one   * guest3 left
//
// What lesson 08 adds, for a service to hold the room:
// - onJoin / onLeave: called once per member, after it has joined (it is in
//   `members`, welcomed, the others told) and after it has left (it is out
//   of `members`, the others told). The place to log a join and a leave.
// - whenEmpty(): a Deferred that fires once no member is left: at once when
//   the room is empty, else after the last member's connectionLost. A
//   graceful stop closes every connection and waits for it.
//
// Ownership (lesson 06's): each connection owns its ChatProtocol, destroyed
// by twist after its connectionLost; the factory only points at its members
// and must outlive every connection it built, so a service that holds the
// room must keep it until its stop has finished (whenEmpty has fired).
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "twist/basic.hpp"
#include "twist/deferred.hpp"
#include "twist/protocol.hpp"

class ChatProtocol;

// The room: builds a ChatProtocol per connection, holds what they share.
class ChatFactory : public twist::Factory {
 public:
  ChatFactory();
  std::vector<ChatProtocol*> members;  // the room, in the order they joined
  int guestsNamed = 0;                 // the last N of guestN given out
  std::function<void(ChatProtocol& member)> onJoin;   // after a member joined
  std::function<void(ChatProtocol& member)> onLeave;  // after a member left

  // Sends `line` to every member but `from` (nullptr: to every member).
  void broadcast(const ChatProtocol* from, std::string_view line);
  // Fires once `members` is empty (see the top of this file). Each call
  // returns a Deferred of its own.
  twist::Deferred<void> whenEmpty();

 private:
  friend class ChatProtocol;
  void left(ChatProtocol& member);
  std::vector<twist::Deferred<void>> waitingForEmpty_;
};

// One member of the room: one connection, one nick.
class ChatProtocol : public twist::LineReceiver {
 public:
  std::string nick;  // guest1, guest2, ...: set in connectionMade
  ChatFactory& room() const { return static_cast<ChatFactory&>(*factory); }

  void connectionMade() override;  // joins: a nick, the welcome, the others told, onJoin
  void lineReceived(std::string_view line) override;  // a message, "/quit" or an unknown command
  void connectionLost(twist::Failure reason) override;  // leaves: the others told, onLeave
};
