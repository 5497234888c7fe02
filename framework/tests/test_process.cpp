// spawnProcess and ProcessProtocol on a real loop, against the small child
// programs in tests/helpers/ (built beside this test in bin/). Each run has a
// watchdog: after 5 s the reactor stops and the test fails.
#include "twist/process.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <uv.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;
using twist_test::Watchdog;

namespace {

// The helper programs sit beside this test executable.
std::string helper(const std::string& name) {
  char path[4096];
  size_t size = sizeof path;
  REQUIRE(uv_exepath(path, &size) == 0);
  return (std::filesystem::path(std::string(path, size)).parent_path() / name).string();
}

// Records every event; stops the reactor at processEnded.
struct Recorder : twist::ProcessProtocol {
  explicit Recorder(twist::Reactor& r) : reactor(r) {}
  twist::Reactor& reactor;
  std::string out, err;
  std::vector<std::string> events;
  std::optional<twist::Failure> exited, ended;
  bool transportDuringEnded = false;
  void connectionMade() override { events.push_back("connectionMade"); }
  void outReceived(std::string_view data) override { out += data; }
  void errReceived(std::string_view data) override { err += data; }
  void inConnectionLost() override { events.push_back("inConnectionLost"); }
  void outConnectionLost() override { events.push_back("outConnectionLost"); }
  void errConnectionLost() override { events.push_back("errConnectionLost"); }
  void processExited(twist::Failure reason) override {
    events.push_back("processExited");
    exited = reason;
  }
  void processEnded(twist::Failure reason) override {
    events.push_back("processEnded");
    ended = reason;
    transportDuringEnded = transport != nullptr;
    reactor.stop();
  }
  int count(const std::string& event) const { return static_cast<int>(std::count(events.begin(), events.end(), event)); }
};

// Runs the reactor until the protocol stops it (or the watchdog does).
void runUntilEnded(twist::Reactor& reactor) {
  Watchdog dog(reactor);
  reactor.run();
  REQUIRE_FALSE(dog.fired);
}

int field(const std::string& text, const std::string& name) {
  auto at = text.find(name + "=");
  REQUIRE(at != std::string::npos);
  return std::atoi(text.c_str() + at + name.size() + 1);
}

}  // namespace

TEST_CASE("spawnProcess: stdout arrives, exit code 0 ends with ProcessDone, and events come in order") {
  twist::Reactor reactor;
  Recorder child(reactor);
  twist::IProcessTransport& transport = reactor.spawnProcess(child, {helper("twist_helper_exit"), "hello", "", "0"});
  REQUIRE(child.events == std::vector<std::string>{"connectionMade"});  // inside spawnProcess
  REQUIRE(child.transport == &transport);
  REQUIRE(transport.pid() > 0);
  runUntilEnded(reactor);
  REQUIRE(child.out == "hello");
  REQUIRE(child.err.empty());
  REQUIRE(child.ended);
  REQUIRE(child.ended->check<twist::ProcessDone>());
  REQUIRE(child.ended->value<twist::ProcessDone>()->exitCode == 0);
  REQUIRE(child.exited->check<twist::ProcessDone>());
  REQUIRE(child.events.front() == "connectionMade");
  REQUIRE(child.events.back() == "processEnded");
  for (const char* event : {"inConnectionLost", "outConnectionLost", "errConnectionLost", "processExited", "processEnded"})
    REQUIRE(child.count(event) == 1);
  REQUIRE(child.transportDuringEnded);
  REQUIRE(child.transport == nullptr);  // the transport is gone once processEnded has returned
}

TEST_CASE("spawnProcess: stderr is separate, and a non-zero exit ends with ProcessTerminated(exitCode)") {
  twist::Reactor reactor;
  Recorder child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_exit"), "to stdout", "to stderr", "3"});
  runUntilEnded(reactor);
  REQUIRE(child.out == "to stdout");
  REQUIRE(child.err == "to stderr");
  REQUIRE(child.ended->check<twist::ProcessTerminated>());
  const auto* terminated = child.ended->value<twist::ProcessTerminated>();
  REQUIRE(terminated->exitCode == 3);
  REQUIRE_FALSE(terminated->signal.has_value());
  REQUIRE_THAT(child.ended->getErrorMessage(), twist_catch::Contains("exit code 3"));
}

TEST_CASE("spawnProcess: what is written to stdin comes back through an echoing child") {
  twist::Reactor reactor;
  Recorder child(reactor);
  twist::IProcessTransport& transport = reactor.spawnProcess(child, {helper("twist_helper_echo")});
  {
    std::string line = "ping\n";
    transport.write(line);
    line = "XXXX\n";  // write() copied the bytes: changing ours changes nothing
  }
  transport.write("pong\n");
  transport.write("");
  transport.closeStdin();
  transport.write("after close\n");  // dropped silently
  runUntilEnded(reactor);
  REQUIRE(child.out == "ping\npong\n");
  REQUIRE(child.ended->check<twist::ProcessDone>());
}

TEST_CASE("spawnProcess: a megabyte written at once arrives whole") {
  twist::Reactor reactor;
  Recorder child(reactor);
  std::string big;
  for (int i = 0; big.size() < 1024 * 1024; ++i) big += std::to_string(i) + ",";
  twist::IProcessTransport& transport = reactor.spawnProcess(child, {helper("twist_helper_echo")});
  transport.write(big);
  transport.closeStdin();
  runUntilEnded(reactor);
  REQUIRE(child.out.size() == big.size());
  REQUIRE(child.out == big);
}

TEST_CASE("signalProcess(TERM) ends the child with ProcessTerminated(signal), pid() is 0 afterwards") {
  twist::Reactor reactor;
  struct Killer : Recorder {
    using Recorder::Recorder;
    int pidWhileRunning = 0;
    void outReceived(std::string_view data) override {
      Recorder::outReceived(data);
      if (out.find('\n') != std::string::npos && pidWhileRunning == 0) {
        pidWhileRunning = transport->pid();
        transport->signalProcess("TERM");
      }
    }
    bool exitedAlreadyThrown = false;
    void processExited(twist::Failure reason) override {
      Recorder::processExited(reason);
      try {
        transport->signalProcess("TERM");
      } catch (const twist::ProcessExitedAlready&) {
        exitedAlreadyThrown = true;
      }
      if (transport->pid() != 0) exitedAlreadyThrown = false;
    }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_sleep")});
  runUntilEnded(reactor);
  REQUIRE(child.pidWhileRunning == field(child.out, "pid"));
  REQUIRE(child.ended->check<twist::ProcessTerminated>());
  const auto* terminated = child.ended->value<twist::ProcessTerminated>();
  REQUIRE(terminated->signal == SIGTERM);
  REQUIRE_FALSE(terminated->exitCode.has_value());
  REQUIRE_THAT(child.ended->getErrorMessage(), twist_catch::Contains("signal " + std::to_string(SIGTERM)));
  REQUIRE(child.exitedAlreadyThrown);
}

TEST_CASE("signalProcess takes a signal number, an unknown name throws std::invalid_argument") {
  twist::Reactor reactor;
  struct Killer : Recorder {
    using Recorder::Recorder;
    bool unknownThrew = false;
    void outReceived(std::string_view data) override {
      Recorder::outReceived(data);
      if (out.find('\n') == std::string::npos || unknownThrew) return;
      try {
        transport->signalProcess("NOT-A-SIGNAL");
      } catch (const std::invalid_argument&) {
        unknownThrew = true;
      }
      transport->signalProcess(SIGKILL);
    }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_sleep")});
  runUntilEnded(reactor);
  REQUIRE(child.unknownThrew);
  REQUIRE(child.ended->value<twist::ProcessTerminated>()->signal == SIGKILL);
}

TEST_CASE("the child leads its own session and process group, signalProcess reaches its grandchildren") {
  twist::Reactor reactor;
  struct GroupKiller : Recorder {
    using Recorder::Recorder;
    bool signalled = false;
    void outReceived(std::string_view data) override {
      Recorder::outReceived(data);
      if (out.find('\n') != std::string::npos && !signalled) {
        signalled = true;
        transport->signalProcess("TERM");
      }
    }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_sleep"), "grandchild"});
  runUntilEnded(reactor);
  int pid = field(child.out, "pid");
  REQUIRE(field(child.out, "pgid") == pid);
  REQUIRE(field(child.out, "sid") == pid);
  REQUIRE(field(child.out, "grandchild") > 0);
  // The grandchild holds the same stdout: processEnded (which waits for its
  // end-of-file) could only come because TERM reached the grandchild too.
  REQUIRE(child.ended->value<twist::ProcessTerminated>()->signal == SIGTERM);
}

TEST_CASE("processEnded waits for every pipe: a grandchild holding stdout delays it past the exit") {
  twist::Reactor reactor;
  struct Timed : Recorder {
    using Recorder::Recorder;
    std::string outAtExit;
    void processExited(twist::Failure reason) override {
      Recorder::processExited(reason);
      outAtExit = out;
    }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_linger")});
  runUntilEnded(reactor);
  REQUIRE(child.outAtExit.find("late") == std::string::npos);
  REQUIRE(child.out == "early\nlate\n");
  REQUIRE(child.ended->check<twist::ProcessDone>());
  REQUIRE(child.count("processEnded") == 1);
}

TEST_CASE("a child that handles SIGTERM exits with its own code, one that ignores it needs KILL") {
  SECTION("handled") {
    twist::Reactor reactor;
    struct Terminator : Recorder {
      using Recorder::Recorder;
      void outReceived(std::string_view data) override {
        Recorder::outReceived(data);
        if (out == "ready\n") transport->signalProcess("TERM");
      }
    } child(reactor);
    reactor.spawnProcess(child, {helper("twist_helper_signal"), "handle"});
    runUntilEnded(reactor);
    REQUIRE(child.out == "ready\ngot TERM\n");
    REQUIRE(child.ended->value<twist::ProcessTerminated>()->exitCode == 7);
  }
  SECTION("ignored") {
    twist::Reactor reactor;
    struct Persistent : Recorder {
      using Recorder::Recorder;
      bool exitedBeforeKill = false;
      void outReceived(std::string_view data) override {
        Recorder::outReceived(data);
        if (out != "ready\n") return;
        transport->signalProcess("TERM");
        reactor.callLater(0.2, [this] {
          exitedBeforeKill = exited.has_value();
          transport->signalProcess("KILL");
        });
      }
    } child(reactor);
    reactor.spawnProcess(child, {helper("twist_helper_signal"), "ignore"});
    runUntilEnded(reactor);
    REQUIRE_FALSE(child.exitedBeforeKill);
    REQUIRE(child.ended->value<twist::ProcessTerminated>()->signal == SIGKILL);
  }
}

TEST_CASE("loseConnection closes all three pipes, the child reads end-of-file and exits") {
  twist::Reactor reactor;
  struct Closer : Recorder {
    using Recorder::Recorder;
    void connectionMade() override {
      Recorder::connectionMade();
      transport->write("never echoed back\n");
      transport->loseConnection();
    }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_echo")});
  runUntilEnded(reactor);
  for (const char* event : {"inConnectionLost", "outConnectionLost", "errConnectionLost", "processEnded"})
    REQUIRE(child.count(event) == 1);
  REQUIRE(child.out.empty());  // stdout was closed before anything came back
  // The echo child got its line, then end-of-file; writing it back to a closed
  // stdout fails (broken pipe), so it ends either way, and never hangs.
  REQUIRE(child.ended.has_value());
}

TEST_CASE("env: nullopt inherits the environment, a map gives exactly those variables, cwd sets the directory") {
  std::string dir = std::filesystem::canonical(std::filesystem::temp_directory_path()).string();
  SECTION("a map") {
    twist::Reactor reactor;
    Recorder child(reactor);
    reactor.spawnProcess(child, {helper("twist_helper_env"), "TWIST_GREETING", "PATH"},
                         std::map<std::string, std::string>{{"TWIST_GREETING", "hi there"}}, dir);
    runUntilEnded(reactor);
    REQUIRE_THAT(child.out, twist_catch::Contains("cwd=" + dir + "\n"));
    REQUIRE_THAT(child.out, twist_catch::Contains("TWIST_GREETING=hi there\n"));
    REQUIRE_THAT(child.out, twist_catch::Contains("PATH=(unset)\n"));
  }
  SECTION("inherited") {
    ::setenv("TWIST_INHERITED", "yes", 1);
    twist::Reactor reactor;
    Recorder child(reactor);
    reactor.spawnProcess(child, {helper("twist_helper_env"), "TWIST_INHERITED"});
    runUntilEnded(reactor);
    ::unsetenv("TWIST_INHERITED");
    REQUIRE_THAT(child.out, twist_catch::Contains("TWIST_INHERITED=yes\n"));
    REQUIRE_THAT(child.out, twist_catch::Contains("cwd=" + std::filesystem::current_path().string() + "\n"));
  }
}

TEST_CASE("a program that cannot start: spawnProcess throws naming it and the libuv error, nothing leaks") {
  twist::Reactor reactor;
  Recorder child(reactor);
  try {
    reactor.spawnProcess(child, {"/nonexistent/twist-no-such-program", "arg"});
    FAIL("no exception");
  } catch (const twist::ProcessSpawnError& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains("/nonexistent/twist-no-such-program"));
    REQUIRE_THAT(e.what(), twist_catch::Contains("ENOENT"));
    REQUIRE(e.uvErrorName == "ENOENT");
    REQUIRE(e.program == "/nonexistent/twist-no-such-program");
  }
  try {
    reactor.spawnProcess(child, {helper("twist_helper_exit"), "", "", "0"}, std::nullopt, "/nonexistent/dir");
    FAIL("no exception");
  } catch (const twist::ProcessSpawnError& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains("/nonexistent/dir"));
  }
  REQUIRE(child.events.empty());
  REQUIRE(child.transport == nullptr);
  REQUIRE_THROWS_AS(reactor.spawnProcess(child, {}), std::invalid_argument);
  // The protocol is still free to be used for a process that does start.
  reactor.spawnProcess(child, {helper("twist_helper_exit"), "ok", "", "0"});
  runUntilEnded(reactor);
  REQUIRE(child.out == "ok");
}

TEST_CASE("a protocol already connected to a running process cannot be spawned again") {
  twist::Reactor reactor;
  Recorder child(reactor);
  twist::IProcessTransport& transport = reactor.spawnProcess(child, {helper("twist_helper_echo")});
  REQUIRE_THROWS_AS(reactor.spawnProcess(child, {helper("twist_helper_echo")}), std::logic_error);
  transport.closeStdin();
  runUntilEnded(reactor);
  REQUIRE(child.ended->check<twist::ProcessDone>());
}

TEST_CASE("an exception thrown by outReceived is logged, and the process still ends") {
  CapturedLog log;
  twist::Reactor reactor;
  struct Thrower : Recorder {
    using Recorder::Recorder;
    void outReceived(std::string_view) override { throw std::runtime_error("bad output handler"); }
  } child(reactor);
  reactor.spawnProcess(child, {helper("twist_helper_exit"), "x", "", "0"});
  runUntilEnded(reactor);
  REQUIRE(log.contains("bad output handler"));
  REQUIRE(child.ended->check<twist::ProcessDone>());
}

TEST_CASE("a protocol destroyed while its process runs gets no more calls") {
  twist::Reactor reactor;
  Watchdog dog(reactor);
  auto child = std::make_unique<Recorder>(reactor);
  int pid = reactor.spawnProcess(*child, {helper("twist_helper_sleep")}).pid();
  child.reset();                   // the transport carries on, unobserved
  REQUIRE(::kill(-pid, SIGKILL) == 0);
  reactor.callLater(0.3, [&] { reactor.stop(); });  // time for the exit and the pipes to close
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  // Under ASan this test also proves that the transport freed itself.
}

TEST_CASE("a Reactor destroyed while a process runs frees the transport and leaves the child running") {
  Recorder* protocol = nullptr;
  int pid = 0;
  {
    twist::Reactor reactor;
    protocol = new Recorder(reactor);
    pid = reactor.spawnProcess(*protocol, {helper("twist_helper_sleep")}).pid();
  }
  REQUIRE(protocol->transport == nullptr);
  REQUIRE(protocol->events == std::vector<std::string>{"connectionMade"});
  delete protocol;
  REQUIRE(::kill(pid, 0) == 0);  // still there
  REQUIRE(::kill(-pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);  // ours to reap now
  REQUIRE(WIFSIGNALED(status));
}
