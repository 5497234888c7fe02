// twist_mutant.hpp — how a reference implementation carries its mutants, for
// the exercises whose attendee writes the tests ("kind": "mutants" in
// lesson.json, lesson 07). The reference is compiled once, with every mutant
// in it behind a runtime switch, so the attendee's tests are built once and
// run once per mutant: no build per mutant, and the grading stays quick.
//
//   void KVProtocol::lineReceived(std::string_view line) {
//     if (!twist_test::mutant("no-idle-reset")) resetTimeout();
//     ...
//
// The grader picks the mutant with the environment variable TWISTLINGS_MUTANT
// (its id, as lesson.json's "mutants" list names it); unset or empty, every
// mutant() is false and the code is the reference. One mutant at a time: the
// id is compared whole.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

namespace twist_test {

// The mutant this run is of ("" for the reference), read once.
inline const std::string& activeMutant() {
  static const std::string active = [] {
    const char* value = std::getenv("TWISTLINGS_MUTANT");
    return std::string(value ? value : "");
  }();
  return active;
}

// Whether this run is of the mutant `id`.
inline bool mutant(std::string_view id) { return !activeMutant().empty() && activeMutant() == id; }

}  // namespace twist_test
