// test_records.cpp — lesson 09, exercise "records": the regression test for
// REPORT.md, written before the fix. It fails on the helper as shipped (one
// record "alice\r\nbob") and passes on the fixed one.
#include <string>
#include <vector>

#include "records.hpp"
#include "twist_catch.hpp"

TEST_CASE("a delimiter cut between its \\r and its \\n still ends its record (REPORT.md)") {
  RecordSplitter splitter;
  CHECK(splitter.feed("alice\r").empty());
  CHECK(splitter.feed("\nbob\r\n") == std::vector<std::string>{"alice", "bob"});
}
