// directory.hpp — lesson 04: the asynchronous directory that both exercises ask.
//
// A Directory answers questions about users, later. Each call returns at once
// with a Deferred, which fires when the answer arrives (from a server on the
// network, in a real program). Nothing here blocks, so one loop can have many
// questions in flight at the same time.
//
// In the hidden tests the Directory is a fake: the test fires its Deferreds by
// hand, one answer at a time and in any order; or it has answered already,
// and returns Deferreds that have fired (twist::succeed / twist::fail).
//
// Ownership: a call hands the caller a Deferred handle; the directory keeps
// another handle on the same chain, to fire it when the answer arrives. Code
// that asks the directory again from a callback must keep the directory alive
// until that callback has run.
#pragma once

#include <stdexcept>
#include <string>

#include "twist/deferred.hpp"

// The directory has no user with that login (Twisted code would raise a
// KeyError or its own exception class). An expected answer, not an outage.
struct UserNotFound : std::runtime_error {
  explicit UserNotFound(const std::string& who) : std::runtime_error("UserNotFound: no user '" + who + "'"), login(who) {}
  std::string login;
};

class Directory {
 public:
  virtual ~Directory() = default;

  // The numeric id of the user `login`. Fails with UserNotFound when there is
  // no such user, and with some other exception (a std::runtime_error
  // "connection lost", say) when the directory cannot answer at all.
  virtual twist::Deferred<int> findId(const std::string& login) = 0;

  // The full name of the user `id` ("Alice Liddell"). Fails when the directory
  // cannot answer; never with UserNotFound (ids come from findId, so they exist).
  virtual twist::Deferred<std::string> fullName(int id) = 0;
};
