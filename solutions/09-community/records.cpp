// records.cpp — RecordSplitter (records.hpp), fixed: a delimiter that
// straddles two chunks is found (REPORT.md).
#include "records.hpp"

#include <algorithm>

std::vector<std::string> RecordSplitter::feed(std::string_view chunk) {
  buffer_.append(chunk);
  std::vector<std::string> records;
  size_t start = 0;
  // The bytes before scanned_ were searched by an earlier feed(): no need to
  // search them again, only the new ones.
  size_t from = scanned_;
  for (size_t end; (end = buffer_.find(delimiter_, from)) != std::string::npos; from = start) {
    records.push_back(buffer_.substr(start, end - start));
    start = end + delimiter_.size();
  }
  buffer_.erase(0, start);
  // The last bytes may be the first ones of a delimiter that the next chunk
  // completes ("alice\r", then "\n..."): the next search starts at them.
  size_t partial = std::min(buffer_.size(), delimiter_.size() - 1);
  scanned_ = buffer_.size() - partial;
  return records;
}
