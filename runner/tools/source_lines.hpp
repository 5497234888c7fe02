// source_lines.hpp — which line of a Markdown file a pointer into it is on.
//
// md4c's callbacks hand out pointers into the very buffer it parses, except
// for text it makes up itself (the newline that ends each code line, the
// indentation it puts back): a pointer inside the buffer gives a line number,
// one outside it gives none.
//
// Ownership: a SourceLines refers to the text it was made from, which must
// outlive it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace twistlings::listings {

class SourceLines {
 public:
  explicit SourceLines(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  bool contains(const char* p) const { return p >= text_.data() && p < text_.data() + text_.size(); }

  // 1-based; 0 for a pointer outside the text.
  int lineOf(const char* p) const {
    if (!contains(p)) return 0;
    size_t offset = static_cast<size_t>(p - text_.data());
    return static_cast<int>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin());
  }

  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<size_t> starts_;  // the offset at which each line begins
};

}  // namespace twistlings::listings
