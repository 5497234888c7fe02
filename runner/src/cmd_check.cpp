// cmd_check.cpp — check (grade some exercises) and verify (grade them all).
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "build_lock.hpp"
#include "commands.hpp"
#include "grader.hpp"
#include "verdict.hpp"

namespace twistlings {

namespace {

int exitCodeOf(const GradeResult& r) {
  switch (r.verdict) {
    case Verdict::Pass: return 0;
    case Verdict::Error: return 2;  // not the attendee's code: the build or the machine
    default: return 1;
  }
}

// A one-line "building…" while the compiler works, in a terminal only.
struct BuildProgress {
  bool show;
  void start(const std::string& what) {
    if (show) std::fprintf(stderr, "building and testing %s…\r", what.c_str()), std::fflush(stderr);
  }
  // A later stage of the same grading ("against its mutants: 3 of 8").
  void update(const std::string& what, const std::string& stage) {
    if (show) std::fprintf(stderr, "\x1b[2K\rtesting %s %s…\r", what.c_str(), stage.c_str()), std::fflush(stderr);
  }
  void done() {
    if (show) std::fprintf(stderr, "\x1b[2K\r"), std::fflush(stderr);
  }
};

}  // namespace

twist::Deferred<int> checkCommand(twist::Reactor& reactor, Context& c, std::vector<const Exercise*> exercises,
                                  CheckFlags flags) {
  int worst = 0;
  nlohmann::json all = nlohmann::json::array();
  BuildProgress progress{c.interactive && !flags.json};
  bool coreDoneSaid = false;
  for (const Exercise* e : exercises) {
    GradeOptions options;
    if (flags.solution) options.kind = "solution";
    options.timeoutSeconds = flags.timeout;
    options.writeResults = !flags.solution;
    options.onProgress = [&progress, e](const std::string& stage) { progress.update(e->id(), stage); };
    // One runner at a time builds and grades (build_lock.hpp): watch may be checking in another terminal.
    std::string holder = "check " + e->id(), subject = e->id();
    std::shared_ptr<BuildTurn> turn = co_await takeBuildTurn(reactor, buildLockFile(c.paths), holder, subject);
    progress.start(e->id());
    GradeResult r = co_await grade(reactor, c.paths, c.course, *e, options);
    progress.done();
    if (!flags.solution) c.record(*e, r);
    turn.reset();
    worst = std::max(worst, exitCodeOf(r));
    if (flags.json) {
      nlohmann::json doc = resultsJson(r);
      if (exercises.size() > 1) doc["exercise"] = e->id();
      all.push_back(doc);
      continue;
    }
    VerdictContext vc = c.verdictContext(*e);
    vc.verbose = flags.verbose;
    std::printf("%s", renderVerdict(r, *e, vc, c.paint).c_str());
    if (r.verdict == Verdict::Pass && !flags.solution && c.progress.get(e->id()).caughtUp)
      std::printf("%s\n", c.paint.cyan("This is the reference catch-up put in place: it stays caught up. A pass of your "
                                        "own version makes it done (yours is in .twistlings/backups/).").c_str());
    if (r.verdict == Verdict::Pass && !flags.solution && !coreDoneSaid) {
      std::string note = c.coreDoneNote(*e);  // said once, not after each exercise of a lesson
      coreDoneSaid = !note.empty();
      std::printf("%s", note.c_str());
    }
    std::fflush(stdout);
  }
  if (flags.json) std::printf("%s\n", (exercises.size() == 1 ? all[0] : all).dump(2).c_str());
  co_return worst;
}

const char* verifyWord(Verdict verdict, bool referenceInPlace) {
  switch (verdict) {
    case Verdict::Pass: return referenceInPlace ? "caught up" : "pass";
    case Verdict::Fail: return "fail";
    case Verdict::CompileError: return "no build";
    case Verdict::Crash: return "crash";
    case Verdict::Timeout: return "timeout";
    case Verdict::Error: return "error";
  }
  return "error";
}

twist::Deferred<int> verifyCommand(twist::Reactor& reactor, Context& c, bool solutions) {
  std::vector<const Exercise*> exercises = c.course.exercises();
  // The whole verify is one turn (build_lock.hpp): its build of everything, then each grading.
  std::string holder = solutions ? "verify --solutions" : "verify", subject = solutions ? "the solutions" : "the exercises";
  std::shared_ptr<BuildTurn> turn = co_await takeBuildTurn(reactor, buildLockFile(c.paths), holder, subject);
  std::vector<std::string> targets;
  for (const Exercise* e : exercises) targets.push_back(e->target(solutions ? "solution" : "exercise"));
  // One build of everything first (both cores busy, and the cold build's progress shown);
  // then each exercise's own, now instant, build tells which one failed and why.
  std::fprintf(stderr, "building %zu %s…\n", targets.size(), solutions ? "solutions" : "exercises");
  bool terminal = term::isTerminal(STDERR_FILENO);
  BuildResult built = co_await buildTargets(reactor, c.paths, targets, [terminal](std::string_view chunk) {
    // Ninja's "[12/40] Building CXX object ..." lines, as one updating line.
    if (!terminal) return;
    size_t at = chunk.rfind('[');
    if (at == std::string_view::npos) return;
    size_t end = chunk.find('\n', at);
    std::string line(chunk.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (line.size() > 70) line = line.substr(0, 70);
    std::fprintf(stderr, "\x1b[2K\r  %s", line.c_str());
    std::fflush(stderr);
  });
  if (terminal) std::fprintf(stderr, "\x1b[2K\r");
  if (!built.problem.empty()) {
    std::fprintf(stderr, "twistlings: %s\n", built.problem.c_str());
    co_return 2;
  }
  std::printf("%s\n", c.paint.bold("exercise                        result      tests    time").c_str());
  int corePassed = 0, core = 0, stretchPassed = 0, stretch = 0, testsPassed = 0, testsTotal = 0, worst = 0;
  int caughtUp = 0;  // passing as the reference catch-up put in place: not counted as passed
  for (const Exercise* e : exercises) {
    GradeOptions options;
    options.kind = solutions ? "solution" : "exercise";
    options.writeResults = !solutions;
    GradeResult r = co_await grade(reactor, c.paths, c.course, *e, options);
    if (!solutions) c.record(*e, r);
    int ok = static_cast<int>(r.tests.size()) - r.failed();
    testsPassed += ok;
    testsTotal += static_cast<int>(r.tests.size());
    (e->stretch ? stretch : core) += 1;
    // After record(): a pass of the reference catch-up put there leaves it caught up (progress.hpp).
    bool reference = !solutions && r.verdict == Verdict::Pass && c.progress.get(e->id()).caughtUp;
    caughtUp += reference;
    (e->stretch ? stretchPassed : corePassed) += r.verdict == Verdict::Pass && !reference;
    worst = std::max(worst, exitCodeOf(r));
    const char* word = verifyWord(r.verdict, reference);
    std::string result = reference ? c.paint.cyan(word) : r.verdict == Verdict::Pass ? c.paint.green(word) : c.paint.red(word);
    char line[256];
    std::snprintf(line, sizeof line, "%-31s %s%*s %3d/%-3zu  %4.1f s", e->id().c_str(), result.c_str(),
                  static_cast<int>(11 - std::string(word).size()), "", ok, r.tests.size(), r.buildSeconds + r.runSeconds);
    std::printf("%s%s\n", line, e->stretch ? c.paint.cyan("  stretch").c_str() : "");
    std::fflush(stdout);
  }
  // The core path is the workshop; stretch exercises are counted apart.
  std::printf("\nCore: %d of %d pass.", corePassed, core);
  if (caughtUp > 0) std::printf(" Caught up (the reference in place): %d.", caughtUp);
  if (stretch > 0) std::printf(" Stretch: %d of %d.", stretchPassed, stretch);
  std::printf(" Tests: %d of %d pass.\n", testsPassed, testsTotal);
  co_return worst;
}

}  // namespace twistlings
