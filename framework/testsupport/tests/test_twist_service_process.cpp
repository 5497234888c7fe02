// Tests of twist_service_process.hpp: a program run in the background, on the
// probe (program_probe.cpp), and LineClient against a socket the test holds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "twist_catch.hpp"
#include "twist_service_process.hpp"

using twist_test::LineClient;
using twist_test::ScratchDir;
using twist_test::ServiceProcess;

namespace {

const std::string probe = TWIST_PROGRAM_PROBE;

// A listening socket on 127.0.0.1, port 0, that the test accepts from itself.
struct Listener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  Listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd); }
};

}  // namespace

TEST_CASE("a background program's exit status and output are read once it has ended") {
  ServiceProcess p(probe, {"print", "to out", "to err", "3"});
  REQUIRE(p.started());
  CHECK(p.pid() > 0);
  REQUIRE(p.waitForExit(5.0));
  CHECK(p.exitCode() == 3);
  CHECK_FALSE(p.killedBy());
  CHECK(p.out() == "to out\n");
  CHECK(p.err() == "to err\n");
  CHECK(p.describe() == "exited with status 3; its stderr ends:\nto err");
}

TEST_CASE("a background program runs until it is signalled, and the wait for it is bounded") {
  ServiceProcess p(probe, {"hang"});
  REQUIRE(p.started());
  CHECK_FALSE(p.waitForExit(0.1));
  CHECK_FALSE(p.ended());
  CHECK(p.describe() == "is still running; nothing on stderr");
  CHECK(twist_test::processExists(p.pid()));
  CHECK(p.signal(SIGTERM));
  REQUIRE(p.waitForExit(5.0));
  CHECK(p.killedBy() == SIGTERM);
  CHECK_FALSE(p.exitCode());
  REQUIRE(p.secondsSinceStop());
  CHECK(*p.secondsSinceStop() >= 0);
  CHECK_FALSE(p.signal(SIGTERM));  // it has ended: nothing to signal
}

TEST_CASE("a background program still running when its ServiceProcess goes is killed") {
  pid_t pid = 0;
  {
    ServiceProcess p(probe, {"hang"});
    REQUIRE(p.started());
    pid = p.pid();
    CHECK(twist_test::processExists(pid));
  }
  CHECK_FALSE(twist_test::processExists(pid));  // killed and reaped, not a zombie
}

TEST_CASE("a program that cannot be started says why") {
  ServiceProcess p("/nonexistent/program", {});
  CHECK_FALSE(p.started());
  CHECK(p.startError() == "/nonexistent/program (No such file or directory)");
  CHECK(p.describe() == "could not be started: /nonexistent/program (No such file or directory)");
}

TEST_CASE("variables given to a background program are added to its environment") {
  ServiceProcess p("/bin/sh", {"-c", "echo \"$TWIST_PROBE_SETTING\""}, {{"TWIST_PROBE_SETTING", "on"}});
  REQUIRE(p.waitForExit(5.0));
  CHECK(p.out() == "on\n");
}

TEST_CASE("a scratch directory is created empty and removed with its files") {
  std::string path;
  {
    ScratchDir dir;
    path = dir.path();
    REQUIRE_FALSE(path.empty());
    CHECK_FALSE(twist_test::readWholeFile(dir.file("absent")));
    {
      FILE* f = std::fopen(dir.file("note").c_str(), "w");
      REQUIRE(f != nullptr);
      std::fputs("kept", f);
      std::fclose(f);
    }
    CHECK(twist_test::readWholeFile(dir.file("note")) == "kept");
  }
  CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("a LineClient reads whole lines however they arrive, and sees the close") {
  Listener listener;
  LineClient client(listener.port, 2.0);
  REQUIRE(client.connected());
  int server = ::accept(listener.fd, nullptr, nullptr);
  REQUIRE(server >= 0);
  CHECK_FALSE(client.readLine(0.05));  // nothing yet: a bounded wait, then nullopt
  CHECK_FALSE(client.closed());
  std::string data = "one\r\ntw";
  REQUIRE(::write(server, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  CHECK(client.readLine(2.0) == "one");
  data = "o\r\nthree\r\n";
  REQUIRE(::write(server, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  CHECK(client.sendLine("hello"));
  char got[16] = {};
  CHECK(::read(server, got, sizeof got) == 7);
  CHECK(std::string(got) == "hello\r\n");
  ::close(server);
  CHECK(client.waitForClose(2.0));
  CHECK_FALSE(client.closed());  // lines are still waiting to be taken
  CHECK(client.readLine(0.1) == "two");
  CHECK(client.readLine(0.1) == "three");
  CHECK_FALSE(client.readLine(0.1));
  CHECK(client.closed());
  CHECK(client.transcript() == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("a LineClient to a port where nothing listens gives up at its time bound, saying why") {
  int port = twist_test::freeLocalPort();
  REQUIRE(port > 0);
  double before = twist_test::monotonicSeconds();
  LineClient client(port, 0.1);
  CHECK_FALSE(client.connected());
  CHECK(client.error() == "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  CHECK(twist_test::monotonicSeconds() - before >= 0.1);
  CHECK_FALSE(client.waitForClose(0.1));
  CHECK_FALSE(client.sendLine("x"));
}
