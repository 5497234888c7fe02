// Tests for hidden_tests.hpp: the test cases a hidden test file declares, and
// a test's code, read from the source without running anything.
#include "hidden_tests.hpp"

#include "twist_catch.hpp"

using namespace twistlings;

TEST_CASE("declaredTests finds each TEST_CASE's name and line in order") {
  const char* source = R"(#include "twist_catch.hpp"

TEST_CASE("countdown from 3 ticks 3 2 1") {
  CHECK(true);
}

TEST_CASE( "spaces and tags" , "[tag]" )
{
}
TEST_CASE("last") {}
)";
  auto tests = declaredTests(source);
  REQUIRE(tests.size() == 3);
  CHECK(tests[0].name == "countdown from 3 ticks 3 2 1");
  CHECK(tests[0].line == 3);
  CHECK(tests[1].name == "spaces and tags");
  CHECK(tests[1].line == 7);
  CHECK(tests[2].name == "last");
  CHECK(tests[2].line == 10);
}

TEST_CASE("declaredTests ignores TEST_CASE in comments, strings and raw strings") {
  const char* source = "// TEST_CASE(\"in a line comment\")\n"
                       "/* TEST_CASE(\"in a block comment\") */\n"
                       "const char* s = \"TEST_CASE(\\\"in a string\\\")\";\n"
                       "const char* r = R\"x(TEST_CASE(\"in a raw string\") )\" )x\";\n"
                       "int n = 1'000; char c = '\"';\n"
                       "MY_TEST_CASE(\"another macro\")\n"
                       "TEST_CASE(\"real\") {}\n";
  auto tests = declaredTests(source);
  REQUIRE(tests.size() == 1);
  CHECK(tests[0].name == "real");
  CHECK(tests[0].line == 7);
}

TEST_CASE("declaredTests joins adjacent literals, undoes escapes, and knows TEST_CASE_METHOD and SCENARIO") {
  const char* source = "TEST_CASE(\"a long \"\n"
                       "          \"name\") {}\n"
                       "TEST_CASE(\"says \\\"hi\\\"\") {}\n"
                       "TEST_CASE_METHOD(Fixture<int, 2>, \"with a fixture\") {}\n"
                       "SCENARIO(\"a story\") {}\n";
  auto tests = declaredTests(source);
  REQUIRE(tests.size() == 4);
  CHECK(tests[0].name == "a long name");
  CHECK(tests[1].name == "says \"hi\"");
  CHECK(tests[1].line == 3);
  CHECK(tests[2].name == "with a fixture");
  CHECK(tests[3].name == "Scenario: a story");
}

TEST_CASE("extractTestCode returns the whole TEST_CASE even with braces in strings and comments") {
  const char* source = R"(#include "x.hpp"

TEST_CASE("braces") {
  std::string s = "}}}";  // a } in a comment
  /* and { here */
  if (true) {
    CHECK(s == "}}}");
  }
}

TEST_CASE("next") {}
)";
  std::string code = extractTestCode(source, 3);
  CHECK(code.rfind("TEST_CASE(\"braces\")", 0) == 0);
  CHECK(code.size() >= 2);
  CHECK(code.substr(code.size() - 3) == "}\n}");
  CHECK(code.find("next") == std::string::npos);
  CHECK(extractTestCode(source, 0).empty());
  CHECK(extractTestCode(source, 99).empty());
}

