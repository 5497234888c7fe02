// cmd_reset.cpp — reset: an exercise back to its starter. The starter is the
// file as the repository has it (git: the upstream branch, else HEAD), so it
// needs no second copy in the tree. What reset replaces is first copied to
// .twistlings/backups/<time>/, so nothing the attendee wrote is lost.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "files.hpp"
#include "subprocess.hpp"

namespace twistlings {

namespace {

// The starter of `relative` (a path from the root) as git has it.
std::optional<std::string> starter(const Paths& paths, const std::string& relative, std::string& problem) {
  const char* configured = std::getenv("TWISTLINGS_STARTER_REF");
  std::vector<std::string> refs;
  if (configured != nullptr && *configured != '\0') refs.push_back(configured);
  refs.insert(refs.end(), {"@{upstream}", "HEAD"});
  for (const auto& ref : refs) {
    ProcessResult r;
    ProcessOptions options;
    options.timeout = 10;
    try {
      r = runProcess({"git", "-C", paths.root.string(), "show", ref + ":" + relative}, options);
    } catch (const std::exception& e) {
      problem = std::string("git is needed to find the starter: ") + e.what();
      return std::nullopt;
    }
    if (r.ok()) return r.out;
    problem = "git has no " + relative + " (" + r.err.substr(0, r.err.find('\n')) + ")";
  }
  return std::nullopt;
}

std::string timestamp() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
}

}  // namespace

int resetCommand(Context& c, const std::vector<const Exercise*>& exercises, bool yes) {
  struct Change {
    fs::path path;
    std::string relative;
    std::string starter;
  };
  std::vector<Change> changes;
  for (const Exercise* e : exercises) {
    for (const auto& file : e->files) {
      std::string relative = "exercises/" + e->lesson + "/" + file;
      std::string problem;
      auto original = starter(c.paths, relative, problem);
      if (!original) {
        std::fprintf(stderr, "twistlings: cannot reset %s: %s\n", relative.c_str(), problem.c_str());
        return 2;
      }
      auto now = readFile(c.paths.root / relative);
      if (now == original) continue;
      changes.push_back({c.paths.root / relative, relative, *original});
    }
  }
  if (changes.empty()) {
    std::printf("Nothing to reset: %s already the starter.\n", exercises.size() == 1 ? "it is" : "they are");
    return 0;
  }
  std::printf("This puts back the starter of:\n");
  for (const auto& change : changes) std::printf("  %s\n", change.relative.c_str());
  // A new folder for each reset, so an earlier backup is never overwritten.
  fs::path backup = c.paths.backups() / timestamp();
  for (int n = 2; fs::exists(backup); ++n) backup = c.paths.backups() / (timestamp() + "-" + std::to_string(n));
  std::printf("Your versions are kept in %s/.\n", fs::relative(backup, c.paths.root).c_str());
  if (!yes) {
    if (!term::isTerminal(STDIN_FILENO)) {
      std::fprintf(stderr, "twistlings: reset asks before it replaces files; without a terminal, add --yes\n");
      return 2;
    }
    std::printf("Reset? [y/N] ");
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::printf("Nothing changed.\n");
      return 0;
    }
  }
  for (const auto& change : changes) {
    std::error_code ec;
    fs::path kept = backup / change.relative;
    fs::create_directories(kept.parent_path(), ec);
    if (fs::exists(change.path)) {
      fs::copy_file(change.path, kept, fs::copy_options::none, ec);
      if (ec) {
        std::fprintf(stderr, "twistlings: cannot keep a copy of %s in %s (%s): nothing was reset\n",
                     change.relative.c_str(), kept.c_str(), ec.message().c_str());
        return 2;
      }
    }
  }
  for (const auto& change : changes) {
    try {
      writeFileAtomically(change.path, change.starter);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "twistlings: %s (your copies are in %s)\n", error.what(), backup.c_str());
      return 2;
    }
  }
  for (const Exercise* e : exercises) {
    ExerciseProgress& p = c.progress.of(e->id());
    p.done = false;
    p.lastStatus.clear();
  }
  c.saveProgress();
  std::printf("Reset %zu file%s. Your versions: %s/\n", changes.size(), changes.size() == 1 ? "" : "s",
              fs::relative(backup, c.paths.root).c_str());
  return 0;
}

}  // namespace twistlings
