// Tests for subprocess.hpp and react.hpp: running programs under the reactor
// with a timeout that kills the whole process group, capped output, and the
// signal named.
#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "react.hpp"
#include "twist/process.hpp"
#include "twist/task.hpp"
#include "twist_catch.hpp"

using namespace twistlings;

TEST_CASE("a program's output and exit code are collected") {
  ProcessResult r = runProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK(r.exitCode == 3);
  CHECK_FALSE(r.signal.has_value());
  CHECK_FALSE(r.ok());
  CHECK(r.describeEnd() == "exit code 3");
}

TEST_CASE("merged stderr arrives in the same buffer and onOutput sees every chunk") {
  ProcessOptions options;
  options.mergeStderr = true;
  std::string seen;
  options.onOutput = [&](std::string_view chunk) { seen += chunk; };
  ProcessResult r = runProcess({"sh", "-c", "echo a; echo b >&2"}, options);
  CHECK(r.out.find("a\n") != std::string::npos);
  CHECK(r.out.find("b\n") != std::string::npos);
  CHECK(r.err.empty());
  CHECK(seen.size() == r.out.size());
  CHECK(r.ok());
}

TEST_CASE("output beyond the cap is dropped and the result says so") {
  ProcessOptions options;
  options.outputCap = 1000;
  ProcessResult r = runProcess({"sh", "-c", "head -c 100000 /dev/zero | tr '\\\\0' x"}, options);
  CHECK(r.out.size() == 1000);
  CHECK(r.truncated);
  CHECK(r.ok());
}

TEST_CASE("a program killed by a signal has the signal named") {
  ProcessResult r = runProcess({"sh", "-c", "kill -SEGV $$"});
  REQUIRE(r.signal.has_value());
  CHECK(*r.signal == SIGSEGV);
  CHECK_FALSE(r.exitCode.has_value());
  CHECK(r.describeEnd() == "killed by SIGSEGV (segmentation fault)");
  CHECK(signalDescription(SIGABRT) == "SIGABRT (aborted)");
}

TEST_CASE("the timeout kills the whole process group, grandchildren included") {
  char dir[] = "/tmp/twistlings-subprocess-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string pidFile = std::string(dir) + "/grandchild.pid";
  ProcessOptions options;
  options.timeout = 0.5;
  ProcessResult r = runProcess({"sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"}, options);
  CHECK(r.timedOut);
  CHECK(r.signal == SIGKILL);
  CHECK(r.seconds < 5);
  CHECK(r.describeEnd().rfind("killed after the timeout", 0) == 0);
  int grandchild = 0;
  std::ifstream(pidFile) >> grandchild;
  REQUIRE(grandchild > 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // killed at once; reaped by whoever adopts it
    gone = ::kill(grandchild, 0) != 0 || std::ifstream("/proc/" + std::to_string(grandchild) + "/stat").peek() == EOF;
    if (!gone) {
      std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
      std::string pid, name, state;
      stat >> pid >> name >> state;
      gone = state == "Z";  // a zombie: dead, waiting to be reaped
    }
    if (!gone) ::usleep(20000);
  }
  CHECK(gone);
  std::remove(pidFile.c_str());
  ::rmdir(dir);
}

TEST_CASE("a program that cannot start fails the Deferred with ProcessSpawnError") {
  CHECK_THROWS_AS(runProcess({"/nonexistent/twistlings-no-such-program"}), twist::ProcessSpawnError);
}

TEST_CASE("react returns main's value, and 2 when main fails") {
  CHECK(react([](twist::Reactor&) { return twist::succeed(7); }) == 7);
  CHECK(react([](twist::Reactor&) -> twist::Deferred<int> { throw std::runtime_error("boom"); }) == 2);
  CHECK(react([](twist::Reactor& reactor) -> twist::Deferred<int> {
          twist::Deferred<int> later;
          reactor.callLater(0.01, [later]() mutable { later.callback(5); });
          return later;
        }) == 5);
}

namespace {

// A folder with a shell script in it, named as the test needs (a build tool's name, or not).
struct ScriptDir {
  std::string path;
  ScriptDir() {
    char pattern[] = "/tmp/twistlings-stop-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~ScriptDir() { runProcess({"rm", "-rf", path}); }
  std::string script(const std::string& name, const std::string& body) {
    std::string file = path + "/" + name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
    return file;
  }
  bool has(const std::string& name) const { return ::access((path + "/" + name).c_str(), F_OK) == 0; }
};

// Starts argv under a reactor, waits for its first output, then stops the
// runner's children as an interrupted runner does.
void startThenStop(std::vector<std::string> argv) {
  react([&](twist::Reactor& reactor) -> twist::Deferred<int> {
    bool started = false;
    ProcessOptions options;
    options.onOutput = [&](std::string_view) { started = true; };
    getProcessOutputAndValue(reactor, argv, options);  // never awaited: it is stopped from outside
    for (int i = 0; i < 1000 && !started; ++i) co_await twist::deferLater(reactor, 0.01);
    REQUIRE(started);
    stopLiveChildren();
    co_return 0;
  });
}

// A program that writes "cleaned" when asked to stop with SIGINT, and runs until then.
const char* kCleansUpOnSigint =
    "trap 'echo cleaned > \"$1\"/cleaned; exit 130' INT\n"
    "echo started\n"
    "while :; do sleep 0.02; done\n";

}  // namespace

TEST_CASE("an interrupted runner asks a build tool to stop, with SIGINT, and waits while it cleans up") {
  ScriptDir dir;
  startThenStop({dir.script("ninja", kCleansUpOnSigint), dir.path});
  CHECK(dir.has("cleaned"));  // ninja would have removed its half-written outputs here
}

TEST_CASE("an interrupted runner kills anything but a build tool at once") {
  ScriptDir dir;
  startThenStop({dir.script("exercise_02-reactor_countdown", kCleansUpOnSigint), dir.path});
  ::usleep(100 * 1000);  // were it only asked, its trap would have run by now
  CHECK_FALSE(dir.has("cleaned"));
}

TEST_CASE("a build tool that does not stop when asked is killed after the grace period") {
  ScriptDir dir;
  std::string pidFile = dir.path + "/pid";
  startThenStop({dir.script("make", "trap '' INT\necho $$ > \"$1\"/pid\necho started\nwhile :; do sleep 0.02; done\n"),
                 dir.path});
  int pid = 0;
  std::ifstream(pidFile) >> pid;
  REQUIRE(pid > 0);
  // SIGKILL was sent when stopLiveChildren returned; it is dead (or a zombie) once the kernel has run it.
  bool dead = false;
  std::string state;
  for (int i = 0; i < 100 && !dead; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string field, name;
    stat >> field >> name >> state;
    dead = !stat || state == "Z";
    if (!dead) ::usleep(20 * 1000);
  }
  INFO("its state: " << state);
  CHECK(dead);
}

TEST_CASE("build tools are told from other programs by name") {
  CHECK(isBuildTool("cmake"));
  CHECK(isBuildTool("/usr/bin/ninja"));
  CHECK(isBuildTool("make"));
  CHECK_FALSE(isBuildTool("/work/build/bin/exercise_02-reactor_countdown"));
  CHECK_FALSE(isBuildTool("cmake-gui"));
}

TEST_CASE("the build lock's descriptor is inherited by build tools only") {
  ScriptDir dir;
  std::string lock = dir.path + "/build.lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  setDescriptorForBuildTools(fd);
  const char* listFds = "ls -l /proc/$$/fd\n";
  std::string buildTool = dir.script("cmake", listFds);
  std::string other = dir.script("grader", listFds);
  CHECK(runProcess({buildTool}).out.find("build.lock") != std::string::npos);
  CHECK(runProcess({other}).out.find("build.lock") == std::string::npos);
  CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);  // still closed for everything else
  setDescriptorForBuildTools(-1);
  CHECK(runProcess({buildTool}).out.find("build.lock") == std::string::npos);
  ::close(fd);
}
