// hidden_tests.hpp — what the runner reads from a hidden test file's source
// (runner/hidden/NN-topic/test_*.cpp) without running anything: the test
// cases it declares, and the code of one of them (results.json's test_code).
//
// Reading the source, not the program, is what lets a verdict list the tests
// that never ran after a crash or a hang: a program that hung before main
// would hang again if asked to list its tests.
//
// Plain functions of text; nothing is owned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twistlings {

struct DeclaredTest {
  std::string name;   // as Catch names it: the literal's value ("Scenario: " added for SCENARIO)
  int line = 0;       // 1-based line of the macro
};

// The TEST_CASE, TEST_CASE_METHOD and SCENARIO declarations of source, in
// order. Comments, strings and raw strings are skipped, so a "TEST_CASE(" in
// them is not taken; a name made of adjacent literals is joined.
std::vector<DeclaredTest> declaredTests(std::string_view source);

// The source of the TEST_CASE that starts at `line` of `source` (1-based):
// from that line to its closing brace.
std::string extractTestCode(std::string_view source, int line);

}  // namespace twistlings
