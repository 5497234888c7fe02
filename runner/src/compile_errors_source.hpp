// compile_errors_source.hpp — reading the attendee's C++ around a compile error,
// for compile_errors.cpp: in a chain of Deferred steps
//
//   return dir.findId(login)
//       .addCallback([&dir](int id) { dir.fullName(id); })       <- the step that made the void
//       .addCallback([](const std::string& name) { ... });       <- where the compiler stops
//
// the compiler reports the second step; the mistake is in the first. These
// functions find the step before a given one, or the last step of the statement
// a position is in, and in that step's callback the place to point at: the last
// statement of a lambda's body (where the `return` is missing), else the
// callback itself. They read code only: comments, string and character
// literals are blanked first, so a quote or a bracket in them misleads nothing.
// A plain text scan, not a parser: when the shape is not a chain of calls (or a
// variable assigned from one), they find nothing, and the caller keeps the
// compiler's own location.
#pragma once

#include <optional>
#include <string>

namespace twistlings {

struct SourcePosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

// `at` is a Deferred step call as a compiler points at it (the method's name,
// GCC the parenthesis after it). Returns where to point in the callback of the
// step before it in the same chain, or of the last step of the chain a
// variable before it was assigned from (`d = x.addCallback(...); d.addCallback(...)`).
std::optional<SourcePosition> callbackOfStepBefore(const std::string& source, SourcePosition at);

// `at` is anywhere in a statement before its own brackets close (a return
// statement's expression, or a call in it). Returns where to point in the
// callback of the statement's last step.
std::optional<SourcePosition> callbackOfLastStep(const std::string& source, SourcePosition at);

// The source with comments, string and character literals replaced by spaces
// (newlines kept), so that positions are unchanged. Exposed for tests.
std::string codeOnly(const std::string& source);

}  // namespace twistlings
