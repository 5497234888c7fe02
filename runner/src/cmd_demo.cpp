// cmd_demo.cpp — demo: a lesson's live demo, for the instructor (COURSE.md,
// rule 6): build the program if needed, ask the room the lesson's "predict"
// question, wait for Enter, and run it in the foreground (foreground.hpp).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "build_lock.hpp"
#include "commands.hpp"
#include "foreground.hpp"
#include "grader.hpp"
#include "react.hpp"

namespace twistlings {

namespace {

twist::Deferred<int> buildDemo(twist::Reactor& reactor, Context& c, const std::string& program) {
  // One runner at a time builds (build_lock.hpp): watch may be checking in another terminal.
  std::string holder = "demo " + program;
  std::shared_ptr<BuildTurn> turn = co_await takeBuildTurn(reactor, buildLockFile(c.paths), holder, program);
  std::vector<std::string> targets{program};  // not braced inside co_await: g++ 12 miscompiles it
  BuildResult built = co_await buildTargets(reactor, c.paths, targets);
  if (built.ok) co_return 0;
  if (!built.problem.empty()) {
    std::fprintf(stderr, "twistlings: %s\n", built.problem.c_str());
  } else {
    std::fprintf(stderr, "%s%s", built.process.out.c_str(), built.process.err.c_str());
    std::fprintf(stderr, "twistlings: the demo program %s did not build (its output is above)\n", program.c_str());
  }
  co_return 2;
}

// "tcp:8123:interface=127.0.0.1" -> "8123": a demo that listens, and where.
std::string listeningPort(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a.rfind("tcp:", 0) != 0) continue;
    std::string rest = a.substr(4);
    if (rest.rfind("port=", 0) == 0) rest = rest.substr(5);
    std::string port = rest.substr(0, rest.find(':'));
    if (!port.empty() && port.find_first_not_of("0123456789") == std::string::npos && port != "0") return port;
  }
  return "";
}

}  // namespace

int demoCommand(Context& c, const Lesson& lesson, const DemoFlags& flags) {
  if (!lesson.demo) {
    std::string with;
    for (const Lesson& l : c.course.lessons())
      if (l.demo) with += (with.empty() ? "" : ", ") + l.id;
    throw UsageError("lesson " + lesson.id + " has no demo (lessons with one: " + with + ")");
  }
  const Demo& demo = *lesson.demo;
  int built = react([&](twist::Reactor& reactor) { return buildDemo(reactor, c, demo.program); });
  if (built != 0) return built;

  std::vector<std::string> argv{c.paths.program(demo.program).string()};
  const std::vector<std::string>& args = flags.smoke && demo.smokeArgs ? *demo.smokeArgs : demo.args;
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = demo.program;
  for (const std::string& a : args) shown += " " + a;

  std::printf("%s\n", c.paint.bold("Lesson " + lesson.id + ": " + lesson.title).c_str());
  std::printf("Demo: %s\n\n", shown.c_str());
  std::printf("%s %s\n\n", c.paint.bold("Predict first:").c_str(), demo.predict.c_str());
  std::string port = listeningPort(args);
  if (!port.empty())
    std::printf("It serves on port %s until Ctrl-C. Connect from other terminals with:  ./twistlings connect %s\n\n",
                port.c_str(), port.c_str());
  bool wait = !flags.noWait && !flags.smoke && c.interactive;
  if (wait) {
    std::printf("Press Enter to run it (Ctrl-C stops it)… ");
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) return 0;  // Ctrl-D: not now
  }
  std::fflush(stdout);

  ForegroundOptions options;
  if (flags.smoke) {
    options.stopAfterSeconds = demo.smokeSeconds;
    options.killAfterSeconds = 30;
  }
  ForegroundResult r = runInForeground(argv, options);
  if (!r.started) {
    std::fprintf(stderr, "twistlings: cannot run %s: %s\n", argv[0].c_str(), r.error.c_str());
    return 2;
  }
  if (r.killedByUs) {
    std::fprintf(stderr, "twistlings: the demo %s did not end in time and was killed\n", demo.program.c_str());
    return 1;
  }
  if (r.stoppedByUs) return 0;  // a server's smoke run: it served for smoke_seconds and was stopped
  if (r.signal != 0) {
    // Ctrl-C is how a server demo ends: not a failure, unless this is the smoke run.
    if (r.signal == SIGINT && !flags.smoke) return 0;
    std::fprintf(stderr, "twistlings: the demo %s ended by %s\n", demo.program.c_str(),
                 signalDescription(r.signal).c_str());
    return 1;
  }
  if (r.exitCode != 0)
    std::fprintf(stderr, "twistlings: the demo %s exited with status %d\n", demo.program.c_str(), r.exitCode);
  return r.exitCode;
}

}  // namespace twistlings
