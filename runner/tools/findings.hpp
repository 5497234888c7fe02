// findings.hpp — what the listings check says about a Markdown file, one
// finding a listing (or a line of raw HTML), printed as a compiler would:
//   lessons/04-deferreds/README.md:52: error: this `cpp` listing does not compile: ...
// and the means both language checks share: where they work, and running
// listings' checks a few at a time under the reactor.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "twist/deferred.hpp"

namespace twistlings::listings {

struct Finding {
  enum class Kind { Ok, Note, Error };
  Kind kind = Kind::Ok;
  int line = 0;          // 1-based, in the Markdown file
  std::string message;   // one line
  std::string details;   // the compiler's or Python's own output, shown indented below
};

// The file under check and the places the check uses.
struct CheckSetup {
  std::filesystem::path root;    // the repository (or a test's fixture tree); compilers run here
  std::string markdownPath;      // relative to root, as messages name it: "lessons/02-reactor/README.md"
  std::filesystem::path workDir; // the generated sources (kept for a human to rerun)
  int jobs = 2;                  // compilers or Pythons running at once
};

// "lessons/02-reactor/README.md:37: error: message", then the details indented
// by four columns (at most maxDetailLines of them, then a line that says how
// many were left out).
std::string formatFinding(std::string_view markdownPath, const Finding& finding, size_t maxDetailLines = 30);

// The file in workDir that holds a listing's generated source:
// "<workDir>/lessons/02-reactor/README.md.37.cpp" for extension ".cpp".
std::filesystem::path generatedPath(const CheckSetup& setup, int line, std::string_view extension);

// Writes text to path, creating its folders; throws std::runtime_error naming the path and the reason.
void writeFile(const std::filesystem::path& path, std::string_view text);

// check(0), ..., check(count - 1), at most `jobs` at a time (twist's
// DeferredSemaphore); fires with their findings in index order. check must not
// fail its Deferred (a failure fails the whole).
twist::Deferred<std::vector<Finding>> inTurns(int jobs, size_t count,
                                              std::function<twist::Deferred<Finding>(size_t)> check);

}  // namespace twistlings::listings
