// files.hpp — reading a whole file, and replacing one without ever leaving it
// half-written (progress.json, results.json, and the starters reset puts back).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace twistlings {

// The file's bytes, or nothing when it cannot be read.
std::optional<std::string> readFile(const std::filesystem::path& path);

// Writes text to path atomically: a temporary file beside it, flushed, then
// renamed over it. Throws std::runtime_error naming the path and the error.
void writeFileAtomically(const std::filesystem::path& path, const std::string& text);

}  // namespace twistlings
