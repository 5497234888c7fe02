// records_fixed.cpp — lesson 09's reference RecordSplitter (records.hpp),
// hidden from the attendee: the helper fixed, and behind
// twist_test::mutant("as-shipped") (twist_mutant.hpp) the helper as shipped,
// exercises/09-community/records.cpp as released. The attendee's regression
// test runs on both (runner/src/regression.hpp): it must pass on the fix and
// fail on the as-shipped version. The two differ in one line, the reported
// bug, so a test that tells them apart fails for the reported reason.
#include <algorithm>

#include "records.hpp"
#include "twist_mutant.hpp"

std::vector<std::string> RecordSplitter::feed(std::string_view chunk) {
  std::vector<std::string> records;
  buffer_ += chunk;
  size_t recordStart = 0;
  size_t searchFrom = scanned_;
  while (true) {
    size_t at = buffer_.find(delimiter_, searchFrom);
    if (at == std::string::npos) break;
    records.emplace_back(buffer_, recordStart, at - recordStart);
    recordStart = searchFrom = at + delimiter_.size();
  }
  buffer_.erase(0, recordStart);
  // As shipped: the next search starts after every byte held, and misses a
  // delimiter whose first bytes end this chunk. Fixed: it starts early enough
  // to see one.
  size_t mayStartADelimiter = twist_test::mutant("as-shipped") ? 0 : std::min(buffer_.size(), delimiter_.size() - 1);
  scanned_ = buffer_.size() - mayStartADelimiter;
  return records;
}
