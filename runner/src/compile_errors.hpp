// compile_errors.hpp — finding, in a build's output, the one error an attendee
// should read first: the first error, placed at the attendee's own file and
// line. When the compiler reports it deep inside a template in a twist or
// standard header, the line in the attendee's file that led there ("required
// from here", clang's "requested here", "In file included from") is used,
// and the header's location is kept as a note. A link error ("undefined
// reference") is explained in words.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twistlings {

struct CompileDiagnostic {
  std::string file;                  // as the compiler printed it (absolute, usually)
  int line = 0;
  int column = 0;
  std::string message;               // "'foo' was not declared in this scope"
  std::vector<std::string> source;   // the compiler's quote of the line and its caret, if any
  std::string origin;                // "in twist/deferred.hpp:120" when moved to the attendee's line
  bool inAttendeeFile = false;
  bool linkError = false;
};

// The first error of buildOutput, at one of attendeeFiles when it can be
// placed there. Empty when the output holds no error the parser recognises.
std::optional<CompileDiagnostic> firstCompileError(std::string_view buildOutput,
                                                   const std::vector<std::filesystem::path>& attendeeFiles);

}  // namespace twistlings
