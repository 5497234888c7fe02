// listing_parser.hpp — the fenced listings of a lesson (lessons/NN-topic/README.md)
// or a deck (slides/NN-topic.md), found by md4c exactly as the runner's
// renderer finds them (a fence inside a list item or a quote included, its
// indentation removed), with what each fence's info string asks of the check.
//
// The marking convention (the first word is the language, then attributes):
//   ```cpp              a whole translation unit, compiled alone
//   ```cpp fragment     top-level declarations, after the lesson's scaffold
//   ```cpp body         statements, inside a function, after the scaffold
//   ... fails           (cpp only) a pitfall: it must NOT compile
//   ```python           compiled; ```python fragment is the same (symmetry)
//   ```python run       compiled, then run with a time bound: must exit 0
// Every other language (sh, console, text, json, none) is not compiled. Fences
// the renderer highlights as C++ or Python but that do not say `cpp` or
// `python` (c++, cc, py, ...), and any other attribute word (a typo such as
// `fragmnet`), are errors: a listing must never be skipped silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twistlings::listings {

enum class Language { Cpp, Python };
enum class CppForm { Whole, Fragment, Body };

struct Listing {
  Language language = Language::Cpp;
  int fenceLine = 0;      // 1-based line of the opening fence
  int firstCodeLine = 0;  // the line of the code's first line (fenceLine + 1)
  std::string info;       // the info string as written: "cpp body fails"
  std::string code;       // every line ends with '\n'
  CppForm form = CppForm::Whole;  // cpp only
  bool fails = false;             // cpp only: must not compile
  bool run = false;               // python only: also run
};

// A fence whose info string the check cannot honour.
struct MarkerError {
  Language language;  // the check (C++ or Python) that reports it
  int line;
  std::string message;
};

struct ParsedListings {
  std::vector<Listing> listings;  // cpp and python listings, in the file's order
  std::vector<MarkerError> errors;
};

// Never throws but std::bad_alloc.
ParsedListings parseListings(std::string_view markdown);

// "cpp body fails" for a listing's attributes (what the info string says, in
// canonical order), for messages.
std::string describeMarking(const Listing& listing);

}  // namespace twistlings::listings
