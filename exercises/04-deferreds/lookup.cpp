// lookup.cpp — lesson 04, exercise "lookup": your code goes here.
//
// Read lookup.hpp first (and directory.hpp): it says what greeting() must do.
// Check with
//   ./twistlings check 04-deferreds/lookup
// or by hand:
//   cmake --build build --target exercise_04-deferreds_lookup && build/bin/exercise_04-deferreds_lookup
#include "lookup.hpp"

#include <stdexcept>
#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  // TODO: ask dir.findId(login). It returns a Deferred<int> at once, long
  //       before the id is there.
  // TODO: addCallback on it: with the id, ask dir.fullName(id) and RETURN the
  //       Deferred it gives you, so that the chain waits for the name.
  //       (The lambda captures dir by reference: [&dir].)
  // TODO: addCallback: turn the name into "Hello, <name>!".
  // TODO: addErrback, last in the chain: trap UserNotFound and recover with
  //       "Hello, stranger!"; any other Failure must go on unchanged.
  // Then return the end of that chain instead of this placeholder, which
  // fails at once:
  (void)dir;
  (void)login;
  return twist::fail<std::string>(std::logic_error("TODO: greeting() is not written yet"));
}
