// cpp_listings.hpp — proving that a lesson's C++ listings compile, and that
// its pitfall listings (`cpp fails`) do not.
//
// Each listing becomes a source file of its own in the work folder, compiled
// alone with `-std=c++20 -fsyntax-only` against twist's headers, no
// precompiled header (it would hide a missing #include). A `#line` directive
// maps its lines back to the Markdown, so the compiler's own messages name
// the README's file and line:
//   cpp            #line N "lessons/02-reactor/README.md"  + the listing
//   cpp fragment   #include "lessons/02-reactor/scaffold.hpp", then the same
//   cpp body       the scaffold, then the listing inside `void f() { ... }`
// A lesson's scaffold (lessons/NN-topic/scaffold.hpp; a deck slides/NN-topic.md
// uses its lesson's) holds the includes and the names its fragments assume.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "findings.hpp"
#include "listing_parser.hpp"
#include "twist/reactor.hpp"

namespace twistlings::listings {

struct CppToolchain {
  std::string compiler;                  // CMake's CMAKE_CXX_COMPILER
  std::vector<std::string> includeDirs;  // twist's headers, and those its headers include (libuv's)
  double timeout = 120;                  // seconds a compile may take on a busy machine
};

// "lessons/02-reactor/scaffold.hpp" for lessons/02-reactor/README.md and for
// slides/02-reactor.md; for any other path, scaffold.hpp beside it.
std::string scaffoldFor(std::string_view markdownPath);

// The translation unit for a listing (scaffold: a path relative to the root,
// as scaffoldFor gives, used by fragments and bodies only).
std::string cppSource(const Listing& listing, std::string_view markdownPath, std::string_view scaffold);

// The first error in a compiler's output (g++ or clang++): its message, and
// the line in the Markdown it points at, or that a "required from here" line
// points at; 0 when it names no line of the Markdown. A message located
// elsewhere (a scaffold, a twist header) keeps its location.
struct CompilerError {
  int line = 0;
  std::string message;  // empty: the output holds no "error:" line
};
CompilerError firstCompilerError(std::string_view output, std::string_view markdownPath);

// One finding for each C++ listing, in order. Never fails.
twist::Deferred<std::vector<Finding>> checkCppListings(twist::Reactor& reactor, CheckSetup setup, CppToolchain toolchain,
                                                       std::vector<Listing> listings);

}  // namespace twistlings::listings
