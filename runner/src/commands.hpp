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

struct Context {
  Paths paths;
  Course course;
  Progress progress;
  term::Painter paint{false};
  bool interactive = false;     // stdin and stdout are terminals

  // Loads the course and the progress (a corrupt progress file: warned about, moved aside).
  static Context load();
  // How many exercises are done, of how many.
  std::pair<int, int> doneOfTotal() const;
  // The first exercise not done, or nullptr when all are.
  const Exercise* current() const;
  // The exercise after e in course order that is not done yet, or nullptr.
  const Exercise* nextAfter(const Exercise& e) const;
  // The exercises an optional id names; no id: the current one.
  std::vector<const Exercise*> select(const std::optional<std::string>& id) const;

  // Writes progress.json; a failure is a warning on stderr, never the end of a command.
  void saveProgress();
  // Remembers a grading of e (checked, its status, done on a pass) and saves it.
  void record(const Exercise& e, const GradeResult& result);
  // What e's verdict needs to say: paths relative to the root, the next hint,
  // and the exercise to go on with (after recording, so a pass counts).
  VerdictContext verdictContext(const Exercise& e) const;
};

struct CheckFlags {
  bool json = false;        // results.json to stdout instead of the verdict
  bool verbose = false;
  bool solution = false;    // grade the reference solution instead
  double timeout = 0;       // seconds; 0: the exercise's timeout_s
};

int listCommand(Context& context, bool json);
twist::Deferred<int> checkCommand(twist::Reactor& reactor, Context& context, std::vector<const Exercise*> exercises,
                                  CheckFlags flags);
twist::Deferred<int> verifyCommand(twist::Reactor& reactor, Context& context, bool solutions);
twist::Deferred<int> watchCommand(twist::Reactor& reactor, Context& context, const Exercise* start, bool poll,
                                  bool welcome);
int hintCommand(Context& context, const Exercise& exercise);
int solutionCommand(Context& context, const Exercise& exercise, bool diff, bool force);
int resetCommand(Context& context, const std::vector<const Exercise*>& exercises, bool yes);
int agendaCommand(Context& context, const std::optional<std::string>& start);
twist::Deferred<int> connectCommand(twist::Reactor& reactor, const std::string& address, int stdinFd = 0, int stdoutFd = 1);
// No command, not in a terminal: where you are and what is next.
int statusCommand(Context& context);
// The short welcome printed before watch mode.
std::string welcomeText(const Context& context);

}  // namespace twistlings
