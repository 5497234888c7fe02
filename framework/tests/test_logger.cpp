#include <sstream>

#include "twist/logger.hpp"
#include "twist_catch.hpp"

TEST_CASE("a log event substitutes its fields into the format") {
  twist::LogEvent event;
  event.format = "{user} joined {room}; {{literal}}";
  event.fields = {{"user", "alice"}, {"room", "lobby"}};
  REQUIRE(event.text() == "alice joined lobby; {literal}");
}
