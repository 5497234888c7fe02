// gather.hpp — lesson 04, exercise "gather": several lookups at once.
//
// findIds(dir, {"alice", "bob", "carol"}, clock, 5.0) asks the directory for
// the three ids at once (three questions in flight together, not one after
// the other) and fires with the three ids, in the order of the logins. A
// lookup that takes longer than 5 seconds is given up.
//
//   FakeDirectory dir;                          // in a test: answers by hand
//   twist::Clock clock;                         // in a test; a twist::Reactor in a program
//   twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob"}, clock, 5.0);
//   // dir was asked findId("alice") and findId("bob"), both already
//   dir.answer("bob", 2);                       // no result yet: alice has not answered
//   dir.answer("alice", 1);                     // d fires with {1, 2}: the logins' order
//
// The Deferred that findIds() returns:
// - fires with one id per login, in the order of `logins` (not the order in
//   which the answers arrive), once every lookup has answered, and not
//   before; with no logins it fires at once, with an empty vector;
// - is built on one dir.findId(login) per login, all asked inside findIds(),
//   in the order of `logins`;
// - fails at the first lookup that fails, without waiting for the others,
//   with twist::FirstError: its .index is that login's position in `logins`
//   and its .subFailure the lookup's error, unchanged (the same exception);
// - gives each lookup `timeout` seconds (> 0) on `time`: a lookup that has
//   not answered by then is cancelled, and fails with twist::TimeoutError, so
//   findIds fails with a FirstError whose subFailure is that TimeoutError.
//   A lookup that answers in time leaves no timer behind on `time`;
// - leaves no failure unhandled: the lookups' failures (the first one and
//   any that come after it) are consumed by findIds, so nothing is logged as
//   "Unhandled error in Deferred" when the directory drops its handles.
//
// Ownership: `time` must outlive the lookups' timers (until each lookup has
// answered or timed out). findIds keeps no reference to `dir` or `logins`.
#pragma once

#include <string>
#include <vector>

#include "directory.hpp"
#include "twist/deferred.hpp"
#include "twist/time.hpp"

twist::Deferred<std::vector<int>> findIds(Directory& dir, const std::vector<std::string>& logins,
                                          twist::IReactorTime& time, double timeout);
