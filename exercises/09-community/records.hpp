// records.hpp — lesson 09: RecordSplitter, the helper that REPORT.md is about.
//
// A stream protocol's bytes arrive in chunks that the network cuts where it
// likes (each dataReceived call is one): a record may come in several chunks,
// and one chunk may hold several records, or the end of one and the start of
// the next. RecordSplitter puts the records back together: feed() it each
// chunk as it arrives, and it returns the records that chunk completed.
//
// The contract:
//   - a record is the bytes before a delimiter ("\r\n" unless the constructor
//     is given another, of one byte or more); the delimiter is not part of it;
//   - feed(chunk) returns, in order, every record completed by the bytes fed
//     so far and not returned before; an empty record ("\r\n" alone) is one;
//   - the records do not depend on how the stream was cut into chunks: one
//     chunk, one chunk a byte, or any cut in between give the same records;
//   - pending() is what has been fed after the last delimiter: the start of
//     a record that has not ended yet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

class RecordSplitter {
 public:
  explicit RecordSplitter(std::string delimiter = "\r\n") : delimiter_(std::move(delimiter)) {}

  // The records that the bytes of chunk complete, in order, without their delimiter.
  std::vector<std::string> feed(std::string_view chunk);

  // The bytes fed after the last delimiter.
  const std::string& pending() const { return buffer_; }

 private:
  std::string delimiter_;
  std::string buffer_;   // the bytes after the last delimiter found
  size_t scanned_ = 0;   // where, in buffer_, feed() starts looking for a delimiter
};
