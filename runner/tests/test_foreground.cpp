// Tests for foreground.hpp: the demo's process runs in a group of its own,
// its exit status comes back, and nothing of its group outlives it.
#include "foreground.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "twist_catch.hpp"

using namespace twistlings;

namespace {

// Live (not zombie) processes whose process group is `group`, from /proc.
int liveInGroup(int group) {
  int live = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string text;
    if (!std::getline(stat, text)) continue;
    size_t close = text.rfind(')');  // the command may hold spaces and parentheses
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0, pgrp = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == group && state != 'Z') ++live;
  }
  return live;
}

}  // namespace

TEST_CASE("foreground: the program's exit status comes back, and a program that cannot start says why") {
  ForegroundResult r = runInForeground({"sh", "-c", "exit 3"});
  REQUIRE(r.started);
  CHECK(r.exitCode == 3);
  CHECK(r.signal == 0);
  r = runInForeground({"/nonexistent/demo"});
  CHECK_FALSE(r.started);
  CHECK_THAT(r.error, twist_catch::Contains("No such file"));
}

TEST_CASE("foreground: the program runs in a process group of its own, not the runner's") {
  ForegroundResult r = runInForeground({"sh", "-c", "[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = \"$$\" ]"});
  REQUIRE(r.started);
  INFO("exit 0 means the shell's process group id is its own pid");
  CHECK(r.exitCode == 0);
  CHECK(r.group != ::getpgrp());
}

TEST_CASE("foreground: stopAfterSeconds sends SIGTERM to the group, and nothing of it is left afterwards") {
  // A server demo's smoke run: the shell and the sleep it started both go.
  ForegroundOptions options;
  options.stopAfterSeconds = 0.3;
  options.killAfterSeconds = 20;
  ForegroundResult r = runInForeground({"sh", "-c", "sleep 30 & wait"}, options);
  REQUIRE(r.started);
  CHECK(r.stoppedByUs);
  CHECK_FALSE(r.killedByUs);
  CHECK(r.signal == SIGTERM);
  CHECK(liveInGroup(r.group) == 0);
}

TEST_CASE("foreground: what the program leaves running in its group is killed when it ends") {
  ForegroundResult r = runInForeground({"sh", "-c", "sleep 30 & exit 0"});
  REQUIRE(r.started);
  CHECK(r.exitCode == 0);
  CHECK(liveInGroup(r.group) == 0);
}

TEST_CASE("foreground: killAfterSeconds kills a program that ignores SIGTERM") {
  ForegroundOptions options;
  options.killAfterSeconds = 0.3;
  ForegroundResult r = runInForeground({"sh", "-c", "trap '' TERM; sleep 30"}, options);
  REQUIRE(r.started);
  CHECK(r.killedByUs);
  CHECK(r.signal == SIGKILL);
  CHECK(liveInGroup(r.group) == 0);
}
