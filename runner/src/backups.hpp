// backups.hpp — replacing the attendee's files without losing them: what
// `reset` (the starters) and `catch-up` (the reference solutions) share. The
// files are first copied, exact bytes, to a new folder .twistlings/backups/<time>/
// under their paths from the root; only when every copy is made are they
// replaced, each atomically. And both ask first (y/N), refusing without a
// terminal unless --yes was given.
//
// Ownership: plain functions over paths; nothing is kept.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "paths.hpp"

namespace twistlings {

// One file to replace: its path from the root ("exercises/02-reactor/countdown.cpp") and its new text.
struct FileReplacement {
  std::string relative;
  std::string text;
};

// A new folder for one command's copies, .twistlings/backups/<YYYYmmdd-HHMMSS>[-N]
// (not created yet): an earlier backup is never overwritten.
std::filesystem::path newBackupFolder(const Paths& paths);

// Copies each file that exists to backup/<relative>, then writes each new
// text over its file. Returns "" on success, else what failed: a copy that
// could not be made (nothing was replaced), or a write (the copies are all
// in `backup`).
std::string replaceKeepingCopies(const std::filesystem::path& root, const std::filesystem::path& backup,
                                 const std::vector<FileReplacement>& files);

enum class Consent { Yes, No, Refused };
// Asks `question` [y/N] on the terminal; `yes` answers it. Without a terminal
// on stdin (and no --yes), refuses, saying on stderr that `command` asks
// before it replaces files and that --yes is needed; a "no" prints "Nothing
// changed.".
Consent askBeforeReplacing(const std::string& command, const std::string& question, bool yes);

}  // namespace twistlings
