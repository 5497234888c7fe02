// Hidden tests for lesson 09, exercise "records": the attendee's fixed
// RecordSplitter (records.hpp) against the contract, cut every way. They run
// with the attendee's own regression test (test_records.cpp), after it has
// proved itself on the helper as shipped and on the fix (regression.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "records.hpp"
#include "twist_catch.hpp"

namespace {

using Records = std::vector<std::string>;

// Every record that feeding `stream` in pieces of `cuts` gives.
Records feedCut(RecordSplitter& splitter, std::string_view stream, const std::vector<size_t>& cuts) {
  Records all;
  size_t from = 0;
  for (size_t to : cuts) {
    for (auto& record : splitter.feed(stream.substr(from, to - from))) all.push_back(record);
    from = to;
  }
  for (auto& record : splitter.feed(stream.substr(from))) all.push_back(record);
  return all;
}

}  // namespace

TEST_CASE("the reported stream gives alice and bob wherever one cut falls") {
  const std::string stream = "alice\r\nbob\r\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    INFO("REPORT.md's bug, and its neighbours: the stream cut once, after byte " << cut
         << ". A cut between \\r and \\n must not hide the delimiter: the next search has to look at the held \\r too.");
    RecordSplitter splitter;
    CHECK(feedCut(splitter, stream, {cut}) == Records{"alice", "bob"});
    CHECK(splitter.pending().empty());
  }
}

TEST_CASE("a stream fed one byte at a time gives the same records as in one chunk") {
  const std::string stream = "GET /\r\nHost: a\r\n\r\nx\r\n";
  std::vector<size_t> everyByte;
  for (size_t i = 1; i < stream.size(); ++i) everyByte.push_back(i);
  RecordSplitter splitter;
  INFO("Each byte its own chunk: every delimiter straddles two chunks. The contract: records do not depend on the cuts.");
  CHECK(feedCut(splitter, stream, everyByte) == Records{"GET /", "Host: a", "", "x"});
}

TEST_CASE("one chunk holding several records and the start of the next returns the records and keeps the rest") {
  RecordSplitter splitter;
  INFO("A fix must not lose what the old code got right: many records in one chunk, and the rest held in pending().");
  CHECK(splitter.feed("one\r\ntwo\r\nthr") == Records{"one", "two"});
  CHECK(splitter.pending() == "thr");
  CHECK(splitter.feed("ee\r\n") == Records{"three"});
  CHECK(splitter.pending().empty());
}

TEST_CASE("a lone \\r inside a record stays in the record") {
  RecordSplitter splitter;
  INFO("Only \\r followed by \\n ends a record: a fix that splits on \\r alone breaks records that hold one.");
  CHECK(feedCut(splitter, "a\rb\r\nc\r", {2, 6}) == Records{"a\rb"});
  CHECK(splitter.pending() == "c\r");
  CHECK(splitter.feed("\n") == Records{"c"});
}

TEST_CASE("a longer delimiter cut anywhere still ends its record") {
  const std::string stream = "head\r\n\r\nbody\r\n\r\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    INFO("The delimiter \\r\\n\\r\\n (HTTP's end of headers), the stream cut after byte " << cut
         << ": up to three of its bytes may end a chunk, so a fix that keeps only one byte back misses some.");
    RecordSplitter splitter("\r\n\r\n");
    CHECK(feedCut(splitter, stream, {cut}) == Records{"head", "body"});
  }
}

TEST_CASE("a one-byte delimiter splits as the two-byte one does") {
  RecordSplitter splitter("\n");
  INFO("A delimiter of one byte: nothing of it can straddle a cut, and a fix must not keep a byte back for nothing.");
  CHECK(feedCut(splitter, "a\nbc\n\nd", {1, 3}) == Records{"a", "bc", ""});
  CHECK(splitter.pending() == "d");
}
