// cmd_reset.cpp — reset: an exercise back to its starter. The starter is the
// file as the repository has it (git: the upstream branch, else HEAD), so it
// needs no second copy in the tree. What reset replaces is first copied to
// .twistlings/backups/<time>/ (backups.hpp), so nothing the attendee wrote is lost.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "backups.hpp"
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

}  // namespace

int resetCommand(Context& c, const std::vector<const Exercise*>& exercises, bool yes) {
  std::vector<FileReplacement> changes;
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
      changes.push_back({relative, *original});
    }
  }
  if (changes.empty()) {
    std::printf("Nothing to reset: %s already the starter.\n", exercises.size() == 1 ? "it is" : "they are");
    return 0;
  }
  std::printf("This puts back the starter of:\n");
  for (const auto& change : changes) std::printf("  %s\n", change.relative.c_str());
  fs::path backup = newBackupFolder(c.paths);
  std::printf("Your versions are kept in %s/.\n", fs::relative(backup, c.paths.root).c_str());
  Consent consent = askBeforeReplacing("reset", "Reset?", yes);
  if (consent != Consent::Yes) return consent == Consent::Refused ? 2 : 0;
  if (std::string problem = replaceKeepingCopies(c.paths.root, backup, changes); !problem.empty()) {
    std::fprintf(stderr, "twistlings: %s\n", problem.c_str());
    return 2;
  }
  for (const Exercise* e : exercises) {
    ExerciseProgress& p = c.progress.of(e->id());
    p.done = false;
    p.caughtUp = false;  // the starter is back: the reference catch-up put there is gone
    p.lastStatus.clear();
  }
  c.saveProgress();
  std::printf("Reset %zu file%s. Your versions: %s/\n", changes.size(), changes.size() == 1 ? "" : "s",
              fs::relative(backup, c.paths.root).c_str());
  return 0;
}

}  // namespace twistlings
