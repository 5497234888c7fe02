// gather.cpp — lesson 04, exercise "gather" (reference solution).
#include "gather.hpp"

#include <string>
#include <utility>
#include <vector>

twist::Deferred<std::vector<int>> findIds(Directory& dir, const std::vector<std::string>& logins,
                                          twist::IReactorTime& time, double timeout) {
  std::vector<twist::Deferred<int>> lookups;
  lookups.reserve(logins.size());
  // Every question is asked now, before any answer: they are in flight together.
  // The timeout goes on each lookup, not on the gathered result: timing out the
  // whole would cancel the lookups and fail with FirstError(CancelledError).
  for (const std::string& login : logins) lookups.push_back(dir.findId(login).addTimeout(timeout, time));
  return twist::gatherResults(std::move(lookups), /*consumeErrors=*/true);
}
