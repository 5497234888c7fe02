// starters.hpp — which of the attendee's files are no longer their starters.
// The starter is the file as the repository has it, as `reset` puts it back:
// git's $TWISTLINGS_STARTER_REF, else the upstream branch, else HEAD. Used
// when progress.json is missing, to tell "nothing done yet" (every file is
// its starter) from "progress lost" (some are not).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace twistlings {

// Of `relative` (paths from root, like "exercises/02-reactor/countdown.cpp"),
// those whose working copy differs from the starter, a deleted file
// included; nothing (std::nullopt) when git cannot tell: no git, not a
// repository, or no such ref.
std::optional<std::vector<std::string>> changedFromStarters(const std::filesystem::path& root,
                                                            const std::vector<std::string>& relative);

}  // namespace twistlings
