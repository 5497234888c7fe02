// python_listings.hpp — proving that a lesson's Python listings compile
// (Python's own compile(), with Debian's python3), and that those marked
// `python run` run to a clean exit, with Twisted importable, within a bound
// (killed by pid at the bound: a listing that never stops its reactor fails).
//
// Each listing is written to the work folder padded with blank lines, and
// compiled under the Markdown's name, so a SyntaxError, or a traceback of a
// run, names the README's own file and line.
//
// Honest skips: without a python3, or (for `python run` listings) without
// Twisted, the check says "skipped: <why>" and returns that reason; what could
// be checked still is (a syntax error is reported even when Twisted is absent).
#pragma once

#include <string>
#include <vector>

#include "findings.hpp"
#include "listing_parser.hpp"
#include "twist/reactor.hpp"

namespace twistlings::listings {

struct PythonSetup {
  std::string python;        // a path or a name in PATH; empty: findPython() decides
  double runTimeout = 10;    // seconds a `python run` listing may take
};

// The Python to use: the given one, else /usr/bin/python3 (Debian's, beside
// python3-twisted), else python3 in PATH; empty when there is none.
std::string findPython(const std::string& given);

struct PythonOutcome {
  std::vector<Finding> findings;  // one for each listing that was checked, in order
  std::string skipped;            // non-empty: what could not be checked, and why
};

// Never fails.
twist::Deferred<PythonOutcome> checkPythonListings(twist::Reactor& reactor, CheckSetup setup, PythonSetup python,
                                                   std::vector<Listing> listings);

}  // namespace twistlings::listings
