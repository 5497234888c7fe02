// aliases.cpp — lesson 04, stretch exercise "aliases": your code goes here.
//
// Read aliases.hpp first (and directory.hpp): it says what greetFirstKnown()
// must do. Check with
//   ./twistlings check 04-deferreds/aliases
#include "aliases.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// This function is already a coroutine (it uses co_await and co_return), so
// it runs at once, up to its first wait, and its Deferred fires at co_return.
twist::Deferred<std::string> greetFirstKnown(Directory& dir, std::vector<std::string> aliases) {
  // TODO: ask the directory for the aliases in order, one at a time, until it
  //       knows one (UserNotFound means: try the next alias; any other error
  //       goes on to the caller unchanged). Greet that user by full name:
  //       "Hello, <name>!"; or "Hello, stranger!" when no alias is known.
  // Then delete this placeholder, which fails at once:
  (void)dir;
  (void)aliases;
  co_return co_await twist::fail<std::string>(std::logic_error("TODO: greetFirstKnown() is not written yet"));
}
