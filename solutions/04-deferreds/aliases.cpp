// aliases.cpp — lesson 04, stretch exercise "aliases" (reference solution).
#include "aliases.hpp"

#include <optional>
#include <string>
#include <vector>

twist::Deferred<std::string> greetFirstKnown(Directory& dir, std::vector<std::string> aliases) {
  for (const std::string& alias : aliases) {  // `aliases` lives in this coroutine's frame
    std::optional<int> id;
    try {
      id = co_await dir.findId(alias);  // any error but UserNotFound leaves the coroutine: its Deferred fails
    } catch (const UserNotFound&) {
      // C++ forbids co_await in a catch block: decide here, wait outside it.
    }
    if (id) co_return "Hello, " + co_await dir.fullName(*id) + "!";
  }
  co_return "Hello, stranger!";
}
