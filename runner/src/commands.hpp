// commands.hpp — the runner's commands, one function each, over one Context.
// cli.cpp parses the command line and calls them; each returns the exit code:
// 0 success or pass, 1 fail, 2 an error of use or of the environment.
//
// Ownership: cli.cpp owns the one Context for the command's whole run; the
// commands borrow it (watch keeps a reference until its Deferred fires), and
// the Exercise pointers they get stay valid as long as its Course.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "course.hpp"
#include "paths.hpp"
#include "progress.hpp"
#include "results.hpp"
#include "terminal.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"
#include "verdict.hpp"

namespace twistlings {

// How far the attendee is: the core path (what the agenda and "what's next"
// follow) and the stretch exercises (for the fast half of the room) apart.
struct Tally {
  int coreDone = 0, core = 0;
  int stretchDone = 0, stretch = 0;
  int changedSincePass = 0;   // done, but a file changed since it passed
  int unknown = 0;            // progress incomplete and not checked since
  int caughtUp = 0;           // catch-up put the reference in place (counted apart from done)
};

// Where an exercise stands, as list shows it.
enum class ExerciseState {
  Done,            // passed, and its files are as they were then
  DoneChanged,     // passed, but a file changed since: check again
  Unknown,         // progress was lost and it has not been checked since
  CaughtUp,        // catch-up put the reference solution in place: not done, not ahead
  Pending,         // not passed yet
};

struct Context {
  Paths paths;
  Course course;
  Progress progress;
  term::Painter paint{false};
  bool interactive = false;     // stdin and stdout are terminals

  // Loads the course and the progress (a corrupt progress file: warned about,
  // moved aside). Without a progress file, asks git whether the exercises are
  // still their starters; when they are not, progress is marked incomplete.
  static Context load();
  // How many exercises are done, of how many (core and stretch together).
  std::pair<int, int> doneOfTotal() const;
  Tally tally() const;
  // What to work on: the first core exercise not done; once every core one
  // is done, the first stretch exercise not done; nullptr when all are done.
  const Exercise* current() const;
  // Every core exercise is done (there may be stretch ones left).
  bool coreDone() const;
  // What to go on with after e: the next core exercise not done (after e in
  // course order, then from the start); once the core is done, the first
  // stretch exercise not done (as current() says); never e itself; nullptr
  // when nothing else is left.
  const Exercise* nextAfter(const Exercise& e) const;
  ExerciseState state(const Exercise& e) const;
  // The exercises an optional id names; no id: the current one.
  std::vector<const Exercise*> select(const std::optional<std::string>& id) const;

  // Writes progress.json; a failure is a warning on stderr, never the end of a command.
  void saveProgress();
  // Remembers a grading of e (checked, its status; on a pass, done and the
  // digest of its files) and saves it. Progress stops being incomplete once
  // every exercise has been checked since it was lost.
  void record(const Exercise& e, const GradeResult& result);
  // What e's verdict needs to say: paths relative to the root, the next hint,
  // and the exercise to go on with (after recording, so a pass counts).
  VerdictContext verdictContext(const Exercise& e) const;
  // After e passed: a line saying the core path is done and that what comes
  // next is stretch, when that is so (the verdict's "Next:" cannot tell);
  // empty otherwise.
  std::string coreDoneNote(const Exercise& e) const;
};

struct CheckFlags {
  bool json = false;        // results.json to stdout instead of the verdict
  bool verbose = false;
  bool solution = false;    // grade the reference solution instead
  double timeout = 0;       // seconds; 0: the exercise's timeout_s
};

struct DemoFlags {
  bool noWait = false;  // run at once, without asking for Enter
  bool smoke = false;   // ctest's short run: smoke_args, never waits, must end in time and exit 0
};

// slides (cmd_slides.cpp): the terminal presenter, its notes window, the decks' check.
struct SlidesFlags {
  bool notes = false;                  // the notes window instead of the deck
  std::string theme = "dark";          // "dark" or "light"
  std::optional<std::string> start;    // the workshop clock: agenda's --start and --break
  std::vector<std::string> breaks;
};

int listCommand(Context& context, bool json);
// The lesson's live demo: built if needed, its question, Enter, then run in the foreground.
int demoCommand(Context& context, const Lesson& lesson, const DemoFlags& flags);
twist::Deferred<int> checkCommand(twist::Reactor& reactor, Context& context, std::vector<const Exercise*> exercises,
                                  CheckFlags flags);
twist::Deferred<int> verifyCommand(twist::Reactor& reactor, Context& context, bool solutions);
// The result column of verify's table: "pass", "fail", "no build"...; a pass of the reference catch-up put in
// place (referenceInPlace) is "caught up".
const char* verifyWord(Verdict verdict, bool referenceInPlace);
twist::Deferred<int> watchCommand(twist::Reactor& reactor, Context& context, const Exercise* start, bool poll,
                                  bool welcome);
int hintCommand(Context& context, const Exercise& exercise);
int solutionCommand(Context& context, const Exercise& exercise, bool diff, bool force);
int resetCommand(Context& context, const std::vector<const Exercise*>& exercises, bool yes);
// catch-up NN (catch_up.hpp): the references in place of the core exercises before NN not recorded as passed.
int catchUpCommand(Context& context, const std::string& lesson, bool yes);
// now: where the room should be at this moment, and the last slides session's gap (needs a start).
int agendaCommand(Context& context, const std::optional<std::string>& start, const std::vector<std::string>& breaks,
                  bool json, bool now = false);
twist::Deferred<int> connectCommand(twist::Reactor& reactor, const std::string& address, int stdinFd = 0, int stdoutFd = 1);
// The lesson's deck, full screen (or as text when stdout is not a terminal), or its notes window.
int slidesCommand(Context& context, const Lesson& lesson, const SlidesFlags& flags);
// The decks' course check: every written lesson (or the one named) has a deck
// that parses, fits 80x24 and its talk minutes. 0 when all do, 1 otherwise.
int checkDecksCommand(const Course& course, const std::optional<std::string>& lesson);
// No command, not in a terminal: where you are and what is next.
int statusCommand(Context& context);
// The short welcome printed before watch mode.
std::string welcomeText(const Context& context);

}  // namespace twistlings
