// gather.cpp — lesson 04, exercise "gather": your code goes here.
//
// Read gather.hpp first (and directory.hpp): it says what findIds() must do.
// Check with
//   ./twistlings check 04-deferreds/gather
// or by hand:
//   cmake --build build --target exercise_04-deferreds_gather && build/bin/exercise_04-deferreds_gather
#include "gather.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

twist::Deferred<std::vector<int>> findIds(Directory& dir, const std::vector<std::string>& logins,
                                          twist::IReactorTime& time, double timeout) {
  std::vector<twist::Deferred<int>> lookups;
  // TODO: ask dir.findId(login) for every login, all at once, each lookup
  //       with its own deadline (`timeout` seconds on `time`), and return one
  //       Deferred that fires with the ids in the order of `logins`, or fails
  //       at the first failure, leaving no lookup's error unhandled.
  // Then delete this placeholder, which fails at once:
  (void)dir;
  (void)logins;
  (void)time;
  (void)timeout;
  return twist::fail<std::vector<int>>(std::logic_error("TODO: findIds() is not written yet"));
}
