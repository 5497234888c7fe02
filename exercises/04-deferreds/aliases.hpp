// aliases.hpp — lesson 04, stretch exercise "aliases": a loop of lookups, as a coroutine.
//
// greetFirstKnown(dir, {"al", "alice", "a.liddell"}) asks the directory for
// each alias in turn, ONE AT A TIME, until it knows one; then asks that
// user's full name and fires with "Hello, Alice Liddell!". How many questions
// it takes is only known as the answers arrive, so this is a loop whose every
// turn waits: with co_await (Twisted: inlineCallbacks, or async def and
// ensureDeferred) it reads as an ordinary for loop with try/catch.
//
//   FakeDirectory dir;                          // in a test: answers by hand
//   twist::Deferred<std::string> d = greetFirstKnown(dir, {"al", "alice"});
//   // dir was asked findId("al") only
//   dir.failId("al", UserNotFound("al"));       // now dir is asked findId("alice")
//   dir.answerId("alice", 7);                   // now fullName(7)
//   dir.answerName(7, "Alice Liddell");         // and d fires: "Hello, Alice Liddell!"
//
// The Deferred that greetFirstKnown() returns:
// - asks findId for the aliases in their order, the first one inside
//   greetFirstKnown() and each next one only after the one before failed
//   with UserNotFound (never two questions in flight at once);
// - stops at the first alias the directory knows: asks fullName(id) with its
//   id, no other alias after it, and fires with "Hello, " + the name + "!";
// - fires with "Hello, stranger!" when every alias failed with UserNotFound,
//   or when there are none (then at once, without asking anything);
// - fails with any other error of findId or fullName, unchanged (the very
//   same exception), and asks nothing after it;
// - has fired already when greetFirstKnown() returns, if the directory's
//   Deferreds had fired already.
//
// Ownership: `aliases` is taken BY VALUE on purpose. A coroutine's reference
// parameter refers to the caller's object, which may be gone by the time the
// coroutine resumes after a co_await (a temporary list is, at the end of the
// caller's statement); a by-value parameter lives in the coroutine's frame.
// `dir` must outlive the returned Deferred's firing.
#pragma once

#include <string>
#include <vector>

#include "directory.hpp"
#include "twist/deferred.hpp"

twist::Deferred<std::string> greetFirstKnown(Directory& dir, std::vector<std::string> aliases);
