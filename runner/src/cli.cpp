// cli.cpp — see cli.hpp. CLI11 parses; each command is a function in a
// cmd_*.cpp file. Commands that wait for processes, timers or files run
// under one twist reactor (react), the others are plain functions.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.hpp"
#include "doctor.hpp"
#include "html_slides.hpp"
#include "react.hpp"
#include "show.hpp"
#include "subprocess.hpp"

namespace twistlings {

namespace {

const char* kDescription =
    "twistlings: the workshop's runner. It builds your exercise, grades it against\n"
    "hidden tests, and tells you what to do next.\n\n"
    "Ids: an exercise is <lesson>/<exercise> (02-reactor/countdown); a lesson id\n"
    "(02-reactor, or just 02) means all its exercises; no id means the current one,\n"
    "the first not done yet.\n\n"
    "Exit codes: 0 pass, 1 fail, 2 an error of use or of the environment.";

// Runs a command that needs the course; turns a bad id or a broken manifest into exit code 2.
template <class F>
int guarded(F f) {
  try {
    return f();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "twistlings: %s\n", e.what());
  } catch (const CourseError& e) {
    std::fprintf(stderr, "twistlings: a lesson's manifest is broken: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twistlings: %s\n", e.what());
  }
  return 2;
}

const Lesson& lessonFor(const Context& c, const std::optional<std::string>& id) {
  if (id) {
    if (const Lesson* l = c.course.lesson(*id)) return *l;
    std::string lessonId = c.course.resolve(*id).front()->lesson;  // an exercise or a lesson number
    return *c.course.lesson(lessonId);
  }
  if (const Exercise* e = c.current()) return *c.course.lesson(e->lesson);
  if (c.course.lessons().empty()) throw UsageError("there are no lessons in " + (c.paths.root / "lessons").string());
  return c.course.lessons().front();
}

}  // namespace

int runCli(int argc, char** argv) {
  CLI::App app{kDescription, "twistlings"};
  app.require_subcommand(0, 1);
  app.footer("Start with ./twistlings (welcome, then watch mode). Set-up: ./twistlings doctor.");

  std::optional<std::string> id;
  bool json = false, verbose = false, useSolution = false, poll = false, diff = false, force = false, yes = false,
       all = false, solutions = false;
  std::optional<std::string> start;

  auto* list = app.add_subcommand("list", "Lessons and exercises, done or pending, with a progress bar");
  list->add_flag("--json", json, "Print it as JSON");

  auto* show = app.add_subcommand("show", "Show a lesson's text, rendered for the terminal (paged when long)");
  show->add_option("id", id, "A lesson, or an exercise of it (default: the current lesson)");

  auto* check = app.add_subcommand("check", "Build an exercise, run its hidden tests, and give a verdict");
  check->add_option("id", id, "Exercise or lesson id (default: the current exercise)");
  check->add_flag("--json", json, "Print results.json (exercism's version 3 shape) instead of the verdict");
  check->add_flag("-v,--verbose", verbose, "Every failing test, and the whole compiler output");
  check->add_flag("--solution", useSolution, "Grade the reference solution instead (for instructors)");
  double timeout = 0;
  check->add_option("--timeout", timeout, "Seconds before the tests are stopped (default: the exercise's timeout_s)")
      ->check(CLI::PositiveNumber);

  auto* watch = app.add_subcommand("watch", "Check the current exercise on every save; keys h l n r q");
  watch->add_flag("--poll", poll, "Poll for changes (for WSL /mnt and network drives, where change events do not arrive)");

  auto* hint = app.add_subcommand("hint", "Show the next of an exercise's three hints");
  hint->add_option("id", id, "Exercise id (default: the current exercise)");

  auto* solution = app.add_subcommand("solution", "Show the reference solution, once you have checked the exercise");
  solution->add_option("id", id, "Exercise id (default: the current exercise)");
  solution->add_flag("--diff", diff, "Show it as a diff against your file");
  solution->add_flag("--force", force, "Show it even before a first check");

  auto* reset = app.add_subcommand("reset", "Put an exercise back to its starter (your version is kept in .twistlings/backups/)");
  reset->add_option("id", id, "Exercise or lesson id (default: the current exercise)");
  reset->add_flag("--all", all, "Reset every exercise");
  reset->add_flag("-y,--yes", yes, "Do not ask");

  std::string catchUpLesson;
  auto* catchUp = app.add_subcommand(
      "catch-up",
      "For an attendee who fell behind: the reference solution in place of every core exercise before lesson NN "
      "not recorded as passed (yours kept in .twistlings/backups/), marked caught up, not done");
  catchUp->add_option("lesson", catchUpLesson, "The lesson to catch up to: 03 or 03-callbacks")->required();
  catchUp->add_flag("-y,--yes", yes, "Do not ask");

  auto* verify = app.add_subcommand("verify", "Check every exercise and print a table and a score");
  verify->add_flag("--solutions", solutions, "Verify the reference solutions instead (for instructors)");

  auto* doctorCmd = app.add_subcommand("doctor", "Check the compiler, CMake, libraries, network, file watcher and sanitizers");

  auto* agenda = app.add_subcommand("agenda", "The workshop's timeline: talk and hands-on per lesson, clock times, breaks");
  agenda->add_option("--start", start, "The start time, HH:MM (without it: times from the start, +H:MM)");
  std::vector<std::string> breaks;
  agenda->add_option("--break", breaks,
                     "A break, HH:MM+MINUTES (10:30+15; without --start, H:MM from the start); repeatable. "
                     "One asked for during a lesson starts when that lesson ends");
  agenda->add_flag("--json", json, "Print the timeline as JSON");
  bool agendaNow = false;
  agenda->add_flag("--now", agendaNow,
                   "Where the room should be now (with --start), and how far ahead or behind the last slides "
                   "session is");

  DemoFlags demoFlags;
  auto* demo = app.add_subcommand(
      "demo", "Run a lesson's live demo: builds it, asks the room its \"predict\" question, waits for Enter");
  demo->add_option("lesson", id, "A lesson (02, 02-reactor) or an exercise of it (default: the current lesson)");
  demo->add_flag("--no-wait", demoFlags.noWait, "Run it at once, without waiting for Enter");
  demo->add_flag("--smoke", demoFlags.smoke,
                 "The short run the tests make: the demo's smoke_args, no waiting; it must exit 0 within 30 s");

  SlidesFlags slidesFlags;
  bool checkDecks = false;
  auto* slides = app.add_subcommand(
      "slides",
      "Present a lesson's deck (slides/NN-topic.md) full screen; keys: -> space PageDown next, <- PageUp "
      "previous, g N Enter go to, Home/End, d demo, t restart the timer, q quit. When stdout is not a "
      "terminal, prints the deck as text, slide after slide, with its notes");
  slides->add_option("lesson", id, "A lesson (02, 02-reactor) or an exercise of it (default: the current lesson)");
  slides->add_flag("--notes", slidesFlags.notes,
                   "The speaker notes window, for a second terminal: follows the presenter, its keys move the deck");
  slides->add_option("--theme", slidesFlags.theme, "dark (the default) or light, for projectors that wash out dark")
      ->check(CLI::IsMember({"dark", "light"}));
  slides->add_option("--start", slidesFlags.start, "The workshop's start, HH:MM, for the workshop clock in the footer");
  slides->add_option("--break", slidesFlags.breaks, "A break, HH:MM+MINUTES, as agenda takes it; repeatable");
  std::string htmlDir;
  auto* html = slides->add_option("--html", htmlDir,
                                  "Write every deck as a self-contained HTML page, and an index, into DIR (default: "
                                  "build/slides/): for a browser (s opens the speaker view) and print to PDF")
                   ->option_text("[DIR]")
                   ->expected(0, 1);
  slides->add_flag("--check", checkDecks,
                   "Check the decks instead (the course check): each parses, every slide fits 80x24, the "
                   "time fits the talk minutes; without a lesson, every written lesson has a deck");

  std::string address;
  auto* connectCmd = app.add_subcommand(
      "connect", "A line client for the lessons' servers (instead of nc or telnet): lines you type go out with CRLF");
  connectCmd->add_option("address", address, "HOST:PORT, a PORT on 127.0.0.1, or tcp:host=HOST:port=PORT")->required();

  auto* selftest = app.add_subcommand("selftest", "Build everything and run every test (handled by the ./twistlings script)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  installChildKillingSignalHandlers();

  if (*selftest) {
    std::fprintf(stderr, "twistlings: selftest is run by the driver script: ./twistlings selftest\n");
    return 2;
  }
  if (*connectCmd) return react([&](twist::Reactor& reactor) { return connectCommand(reactor, address); });
  if (*doctorCmd) {
    Paths paths = Paths::discover();
    return react([&](twist::Reactor& reactor) { return doctor(reactor, paths, term::Painter::forFd(1)); });
  }

  return guarded([&]() -> int {
    if (*slides && *html) {
      Paths paths = Paths::discover();
      return slidesHtmlCommand(Course::load(paths.root), paths, htmlDir.empty() ? std::nullopt : std::optional(htmlDir));
    }
    if (*slides && checkDecks) return checkDecksCommand(Course::load(Paths::discover().root), id);
    Context c = Context::load();
    if (*list) return listCommand(c, json);
    if (*agenda) return agendaCommand(c, start, breaks, json, agendaNow);
    if (*show) return showLesson(c.course, lessonFor(c, id));
    if (*demo) return demoCommand(c, lessonFor(c, id), demoFlags);
    if (*slides) return slidesCommand(c, lessonFor(c, id), slidesFlags);
    if (*hint) return hintCommand(c, *c.select(id).front());
    if (*solution) {
      auto chosen = c.select(id);
      int code = 0;
      for (const Exercise* e : chosen) code = std::max(code, solutionCommand(c, *e, diff, force));
      return code;
    }
    if (*reset) {
      if (all && id) throw UsageError("reset takes an id or --all, not both");
      return resetCommand(c, all ? c.course.exercises() : c.select(id), yes);
    }
    if (*catchUp) return catchUpCommand(c, catchUpLesson, yes);
    if (*check) {
      auto chosen = c.select(id);
      CheckFlags flags{json, verbose, useSolution, timeout};
      return react([&](twist::Reactor& reactor) { return checkCommand(reactor, c, chosen, flags); });
    }
    if (*verify) return react([&](twist::Reactor& reactor) { return verifyCommand(reactor, c, solutions); });
    if (*watch) {
      const Exercise* e = c.current();
      if (e == nullptr) {
        std::printf("Every exercise passes. ./twistlings verify prints your score.\n");
        return 0;
      }
      return react([&](twist::Reactor& reactor) { return watchCommand(reactor, c, e, poll, false); });
    }
    // No command: in a terminal, the welcome and then watch mode; otherwise the status.
    if (!c.interactive) return statusCommand(c);
    const Exercise* e = c.current();
    if (e == nullptr) return statusCommand(c);
    return react([&](twist::Reactor& reactor) { return watchCommand(reactor, c, e, false, true); });
  });
}

}  // namespace twistlings
