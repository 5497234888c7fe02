// lookup.hpp — lesson 04, exercise "lookup": two lookups in a chain, and a recovery.
//
// greeting(dir, "alice") asks the directory for alice's id, then, with that
// id, for her full name, and fires with "Hello, Alice Liddell!". The second
// question needs the answer to the first, so it can only be asked from a
// callback on the first one. A login the directory does not know is no error
// for a greeting: it fires with "Hello, stranger!". Every other error reaches
// the caller unchanged.
//
//   FakeDirectory dir;                          // in a test: answers by hand
//   twist::Deferred<std::string> d = greeting(dir, "alice");
//   // no result yet: dir was asked findId("alice"), which has not answered
//   dir.answerId("alice", 7);                   // now dir is asked fullName(7)
//   dir.answerName(7, "Alice Liddell");         // and d fires: "Hello, Alice Liddell!"
//
// The Deferred that greeting() returns:
// - fires with "Hello, " + the full name + "!" once both answers have
//   arrived, and not a moment before (no result while either is missing);
// - is built on one findId(login), asked inside greeting(), and one
//   fullName(id), asked only once findId has answered, with the id it gave;
// - fires with "Hello, stranger!" when findId fails with UserNotFound; the
//   full name is then not asked;
// - fails with any other error of findId or of fullName, unchanged: the very
//   same exception object, not a copy and not a new exception;
// - has fired already when greeting() returns, if the directory's Deferreds
//   had fired already (the whole chain runs at once then).
//
// Ownership: `dir` must outlive the returned Deferred's firing, since the
// second question is asked from a callback. `login` is needed only inside
// greeting(); a callback that needs something later captures it by value.
#pragma once

#include <string>

#include "directory.hpp"
#include "twist/deferred.hpp"

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login);
