// backups.cpp — see backups.hpp.
#include "backups.hpp"

#include <unistd.h>

#include <ctime>
#include <cstdio>
#include <iostream>

#include "files.hpp"
#include "terminal.hpp"

namespace twistlings {

namespace fs = std::filesystem;

namespace {

std::string backupStamp() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
}

}  // namespace

fs::path newBackupFolder(const Paths& paths) {
  std::string stamp = backupStamp();
  fs::path backup = paths.backups() / stamp;
  for (int n = 2; fs::exists(backup); ++n) backup = paths.backups() / (stamp + "-" + std::to_string(n));
  return backup;
}

std::string replaceKeepingCopies(const fs::path& root, const fs::path& backup, const std::vector<FileReplacement>& files) {
  for (const FileReplacement& file : files) {
    std::error_code ec;
    fs::path kept = backup / file.relative;
    fs::create_directories(kept.parent_path(), ec);
    if (fs::exists(root / file.relative)) {
      fs::copy_file(root / file.relative, kept, fs::copy_options::none, ec);
      if (ec) return "cannot keep a copy of " + file.relative + " in " + kept.string() + " (" + ec.message() + "): nothing was replaced";
    }
  }
  for (const FileReplacement& file : files) {
    try {
      writeFileAtomically(root / file.relative, file.text);
    } catch (const std::exception& error) {
      return std::string(error.what()) + " (your copies are in " + backup.string() + ")";
    }
  }
  return "";
}

Consent askBeforeReplacing(const std::string& command, const std::string& question, bool yes) {
  if (yes) return Consent::Yes;
  if (!term::isTerminal(STDIN_FILENO)) {
    std::fprintf(stderr, "twistlings: %s asks before it replaces files; without a terminal, add --yes\n", command.c_str());
    return Consent::Refused;
  }
  std::printf("%s [y/N] ", question.c_str());
  std::fflush(stdout);
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return Consent::Yes;
  std::printf("Nothing changed.\n");
  return Consent::No;
}

}  // namespace twistlings
