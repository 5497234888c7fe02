// Hidden tests for lesson 06, stretch exercise "nick" (nick.hpp): the
// command "/nick NAME" in the chat room.
//
// Deterministic: each connection is a ChatProtocol built by the factory
// (buildProtocol) and connected by hand (makeConnection) to a
// StringTransportWithDisconnection, which keeps what the server writes in a
// string. Its loseConnection calls connectionLost at once, inside the call
// (a real connection calls it later). No socket, no loop, no time.
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nick.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

#include "room_members.hpp"

TEST_CASE("nick renames the member and tells the others") {
  INFO("changeNick: an accepted name replaces `nick` (std::exchange gives back the old one for the others' "
       "line), the member hears \"* you are now NAME\", the others \"* OLD is now NAME\"");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  a->say("/nick alice");
  CHECK(a->received() == Lines{"* you are now alice"});
  CHECK(b->received() == Lines{"* guest1 is now alice"});
  CHECK(a->chat().nick == "alice");
  CHECK(room.find("alice") == &a->chat());
  CHECK(room.find("guest1") == nullptr);
  a->say("hi");
  CHECK(b->received() == Lines{"<alice> hi"});
  b->say("/nick guest1");  // alice's old nick is free again
  CHECK(b->received() == Lines{"* you are now guest1"});
  CHECK(a->received() == Lines{"* guest2 is now guest1"});
}

TEST_CASE("nick refuses a name that a member already has and tells no one else") {
  INFO("changeNick: room().find(NAME) finds a nick in use by any member, this one included; a refusal is "
       "sendLine to this member only, and the nick stays as it was");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  a->say("/nick alice");
  clearAll({a, b});
  b->say("/nick alice");
  CHECK(b->received() == Lines{"! nick alice is taken"});
  CHECK(a->received() == Lines{});
  CHECK(b->chat().nick == "guest2");
  CHECK(a->chat().nick == "alice");
  a->say("/nick alice");  // your own nick is in use too
  CHECK(a->received() == Lines{"! nick alice is taken"});
  CHECK(b->received() == Lines{});
  a->say("/nick guest2");
  CHECK(a->received() == Lines{"! nick guest2 is taken"});
  CHECK(a->chat().nick == "alice");
}

TEST_CASE("nick refuses an empty or invalid name with a reply and keeps the old nick") {
  INFO("lineReceived: \"/nick\" alone gives the empty name (line.substr(6) would throw std::out_of_range on it); "
       "changeNick checks isValidNick(NAME) before anything else");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  for (const char* command :
       {"/nick", "/nick ", "/nick two words", "/nick bad!", "/nick seventeen_chars_x", "/nick caf\xc3\xa9"}) {
    INFO("the line was " << command);
    a->say(command);
    CHECK(a->received() == Lines{"! invalid nick, use 1 to 16 letters, digits or _"});
    CHECK(b->received() == Lines{});
    CHECK(a->chat().nick == "guest1");
  }
  a->say("/nick Sixteen_chars_1");  // 16 characters: the longest allowed
  CHECK(a->received() == Lines{"* you are now Sixteen_chars_1"});
  CHECK(b->received() == Lines{"* guest1 is now Sixteen_chars_1"});
}

TEST_CASE("a line that only starts like nick is an unknown command") {
  INFO("lineReceived: the command is \"/nick\" exactly or \"/nick \" with its space; \"/nickname\" is another "
       "command, and unknown");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  clearAll({a, b});
  for (const char* command : {"/nickname alice", "/nicks", "/msg guest2 hi", "/"}) {
    INFO("the line was " << command);
    a->say(command);
    CHECK(a->received() == Lines{"! unknown command, try /nick NAME or /quit"});
    CHECK(b->received() == Lines{});
    CHECK(a->chat().nick == "guest1");
  }
}

TEST_CASE("a renamed member leaves under its new nick and frees it") {
  INFO("the nick is the protocol's own state: connectionLost announces the current one, and once the member "
       "is out of room().members, room().find no longer finds it");
  ChatFactory room;
  auto a = connect(room);
  auto b = connect(room);
  a->say("/nick alice");
  clearAll({a, b});
  a->leave();
  CHECK(b->received() == Lines{"* alice left"});
  b->say("/nick alice");
  CHECK(b->received() == Lines{"* you are now alice"});
}

TEST_CASE("a newcomer is not given a guest nick that a member took with nick") {
  INFO("nextGuestName (written) skips a guest name in use: it relies on `nick` being the member's current "
       "nick as soon as the rename is accepted");
  ChatFactory room;
  auto a = connect(room);
  a->say("/nick guest2");
  clearAll({a});
  auto b = connect(room);
  CHECK(b->received() == Lines{"* welcome guest3 (2 online)"});
  CHECK(a->received() == Lines{"* guest3 joined"});
}
