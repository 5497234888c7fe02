// records.cpp — RecordSplitter (records.hpp), as released in version 1.4.
// REPORT.md is a bug report about it. TODO: first write the regression test
// in test_records.cpp (it must fail here), then fix this file.
#include "records.hpp"

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
  scanned_ = buffer_.size();
  return records;
}
