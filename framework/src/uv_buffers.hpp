// uv_buffers.hpp — private to twist's sources: bytes to libuv's write calls.
// uv_buf_t keeps its length in an unsigned int, so a string of 4 GiB or more
// cast to it lost its top bits: the peer got the size modulo 2^32 and then a
// clean EOF (issue 10, 1.3). Writes go in pieces of at most 1 GiB instead.
#pragma once

#include <uv.h>

#include <cstddef>
#include <vector>

namespace twist::detail {

inline constexpr std::size_t kLargestUvBuffer = std::size_t{1} << 30;

// The first piece of [data, data + size): what uv_try_write is offered.
inline uv_buf_t firstUvBuffer(const char* data, std::size_t size) {
  std::size_t piece = size < kLargestUvBuffer ? size : kLargestUvBuffer;
  return uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(piece));
}

// Every piece, for one uv_write (which copies this array, not the bytes: the
// caller keeps the bytes alive until the write callback).
inline std::vector<uv_buf_t> uvBuffers(const char* data, std::size_t size) {
  std::vector<uv_buf_t> pieces;
  pieces.reserve(size / kLargestUvBuffer + 1);
  for (std::size_t done = 0; done < size;) {
    pieces.push_back(firstUvBuffer(data + done, size - done));
    done += pieces.back().len;
  }
  return pieces;
}

}  // namespace twist::detail
