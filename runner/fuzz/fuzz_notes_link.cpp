// fuzz_notes_link.cpp — libFuzzer target for the presenter <-> notes window
// protocol (runner/src/notes_link.hpp), whose lines come from a TCP peer:
// parseNotesLine on any bytes never throws, and a line it accepts is a
// message that formatNotesLine writes back as a line parsing to the same
// message (times to the millisecond, as the header says).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "notes_link.hpp"

namespace {

void fail(const std::string& why) {
  std::fprintf(stderr, "%s\n", why.c_str());
  std::abort();
}

bool sameToTheMillisecond(double a, double b) { return std::fabs(a - b) <= 0.0005 + 1e-9 * std::fabs(a); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  twistlings::NotesParse parsed = twistlings::parseNotesLine(line);
  if (!parsed.message) {
    if (parsed.error.empty()) fail("a refused line without a reason");
    return 0;
  }
  if (!parsed.error.empty()) fail("a message with an error: " + parsed.error);
  std::string written = twistlings::formatNotesLine(*parsed.message);
  twistlings::NotesParse again = twistlings::parseNotesLine(written);
  if (!again.message) fail("formatNotesLine wrote '" + written + "', which parseNotesLine refuses: " + again.error);
  twistlings::NotesMessage a = *parsed.message, b = *again.message;
  if (!sameToTheMillisecond(a.seconds, b.seconds) || !sameToTheMillisecond(a.minutes, b.minutes))
    fail("the times of '" + written + "' changed by more than a millisecond");
  a.seconds = b.seconds;
  a.minutes = b.minutes;
  if (!(a == b)) fail("'" + written + "' reads back as another message");
  return 0;
}
