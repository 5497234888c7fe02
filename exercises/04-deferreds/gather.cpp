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
  // TODO: for each login, ask dir.findId(login), give that lookup its own
  //       timeout (addTimeout(timeout, time)), and push it into `lookups`.
  // TODO: wait for all of them with twist::gatherResults, which keeps the
  //       order of `lookups` and fails with twist::FirstError at the first
  //       failure. Tell it to consume the lookups' errors (its second argument).
  // Then return that instead of this placeholder, which fails at once:
  (void)dir;
  (void)logins;
  (void)time;
  (void)timeout;
  return twist::fail<std::vector<int>>(std::logic_error("TODO: findIds() is not written yet"));
}
