// Tests for subprocess.hpp and react.hpp: running programs under the reactor
// with a timeout that kills the whole process group, capped output, and the
// signal named.
#include "subprocess.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "react.hpp"
#include "twist/process.hpp"
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
