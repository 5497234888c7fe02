// cmd_catch_up.cpp — catch-up NN (catch_up.hpp): says what it will replace
// and what it leaves, asks, keeps the attendee's files, puts the references
// in place and marks them caught up.
#include <cstdio>

#include "backups.hpp"
#include "catch_up.hpp"
#include "commands.hpp"

namespace twistlings {

namespace {

std::string idsOf(const std::vector<const Exercise*>& exercises) {
  std::string out;
  for (const Exercise* e : exercises) out += (out.empty() ? "" : ", ") + e->id();
  return out;
}

}  // namespace

int catchUpCommand(Context& c, const std::string& lesson, bool yes) {
  CatchUpPlan plan = planCatchUp(c.course, c.progress, lesson);
  if (plan.items.empty()) {
    std::printf("Nothing to catch up: every core exercise before %s is recorded as passed%s.\n", plan.lesson.c_str(),
                plan.alreadyCaughtUp > 0 ? " or already caught up" : "");
    return 0;
  }
  std::printf("Catching up to %s: the reference solution goes in place of each core exercise before it that\n"
              "is not recorded as passed in .twistlings/progress.json (a check that passes records it):\n",
              plan.lesson.c_str());
  for (const CatchUpItem& item : plan.items) {
    std::string files;
    for (const FileReplacement& f : item.files) files += (files.empty() ? "" : ", ") + f.relative;
    if (files.empty()) files = "(already the reference: only marked)";
    std::printf("  %s %s\n", c.paint.bold(term::padRight(item.exercise->id(), 28)).c_str(), files.c_str());
  }
  // Unknown is not recorded as passed: caught up too, as the rule says (grading them all first would take
  // minutes while the room moves on); nothing is lost, and a check of the attendee's version makes it done.
  if (!plan.unknown.empty())
    std::printf("%s\n", c.paint.yellow("progress.json went missing (or was never written), so none of " +
                                        idsOf(plan.unknown) + " is recorded as passed: " +
                                        (plan.unknown.size() == 1 ? "it is" : "they are") +
                                        " caught up too. If yours passed, check it after: that makes it done.")
                             .c_str());
  if (!plan.passed.empty()) std::printf("Left as they are, passed: %s.\n", idsOf(plan.passed).c_str());
  if (!plan.stretch.empty())
    std::printf("Stretch, not caught up (off the workshop's path): %s.\n", idsOf(plan.stretch).c_str());
  fs::path backup = newBackupFolder(c.paths);
  std::string kept = fs::relative(backup, c.paths.root).string();
  if (plan.files() > 0) std::printf("Your versions are kept in %s/.\n", kept.c_str());
  Consent consent = askBeforeReplacing("catch-up", "Catch up?", yes);
  if (consent != Consent::Yes) return consent == Consent::Refused ? 2 : 0;
  if (std::string problem = applyCatchUp(plan, c.course, c.progress, backup); !problem.empty()) {
    std::fprintf(stderr, "twistlings: %s\n", problem.c_str());
    return 2;
  }
  c.saveProgress();
  std::printf("Caught up %zu exercise%s (%zu file%s replaced): marked \"caught up\", not done.\n", plan.items.size(),
              plan.items.size() == 1 ? "" : "s", plan.files(), plan.files() == 1 ? "" : "s");
  if (plan.files() > 0)
    std::printf("Your versions: %s/ (a pass of your own version later makes an exercise done).\n", kept.c_str());
  std::printf("Next: %s, with everyone else.\n", c.paint.bold("./twistlings show " + plan.lesson).c_str());
  return 0;
}

}  // namespace twistlings
