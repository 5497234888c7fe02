// symbolize.hpp — where in the attendee's code a program crashed.
//
// Two sources of a stack, innermost frame first:
// - the listener's "crash" line (results.hpp, CrashReport): offsets in the
//   program, turned into function, file and line by addr2line (binutils),
//   from the line tables the exercise programs are built with
//   (cmake/Course.cmake);
// - a sanitizer's own report in what the program printed ("#0 0x… in f
//   file:line", "file:line:col: runtime error: …"), which is all there is
//   when AddressSanitizer or UBSan ends the program itself.
// Then the first frame in one of the attendee's files is the crash site:
// frames in twist, Catch or the standard library are not where to look.
//
// Plain functions, except symbolize(), which runs addr2line under the
// reactor (bounded; a missing addr2line gives no frames, not an error).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

// The addresses to look up for the listener's frames ("" for a frame outside
// the program: none). A frame's address is where its call returns to, so the
// call itself is one byte before; except the frame the signal interrupted
// (the first program frame after the signal trampoline), which is exact.
std::vector<std::optional<std::uint64_t>> lookupAddresses(const std::vector<std::string>& frames);

// addr2line -a -f -i -C output: for each address, its frames (inlined ones
// first), "??" ones kept with an empty file.
std::vector<StackFrame> parseAddr2line(std::string_view output);

// The first stack of a sanitizer's report in output: the runtime error's
// location first (UBSan), then the "#N 0x… in function file:line" frames of
// the first stack (ASan's access, not where the memory was freed).
std::vector<StackFrame> sanitizerFrames(std::string_view output);

// The first frame in one of files (absolute paths under root). A frame's
// file may be absolute or relative to a build directory (ccache's base_dir):
// it matches when it ends with the file's path below root. The frame
// returned names the file as given in files.
std::optional<StackFrame> firstFrameIn(const std::vector<StackFrame>& frames,
                                       const std::vector<std::filesystem::path>& files,
                                       const std::filesystem::path& root);

// The listener's frames of program, symbolized with addr2line, innermost
// first; frames outside the program are left out.
twist::Deferred<std::vector<StackFrame>> symbolize(twist::Reactor& reactor, std::filesystem::path program,
                                                   std::vector<std::string> frames);

}  // namespace twistlings
