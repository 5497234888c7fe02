// `twistlings connect`, end to end: the built runner (build/bin/twistlings)
// runs as a child process whose stdin and stdout are pipes this test holds,
// against a twist server started here on 127.0.0.1, port 0 — one written in
// the test, or the chat_server example as lesson 06 uses it. One test drives
// the command in-process with a pseudo-terminal as its stdin. Every run is
// bounded: after 10 s the children are killed by pid and the test fails.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "paths.hpp"
#include "subprocess.hpp"
#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/process.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"
#include "twist_catch.hpp"

using twist_catch::Contains;
using namespace twistlings;

namespace {

constexpr double kBound = 10;  // seconds: then every child is killed and the test fails

std::string program(const std::string& name) {
  std::filesystem::path path = Paths::discover().program(name);
  INFO("build it first: cmake --build <build dir> --target " << name);
  REQUIRE(std::filesystem::exists(path));
  return path.string();
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// What the server saw, and how it reacts; it outlives each connection.
struct ServerState {
  std::string raw;  // every byte the client sent
  std::vector<std::string> lines;
  bool halfClose = false;
  bool sawEnd = false;
  bool lost = false;
  std::function<void(twist::LineReceiver&)> onMade;
  std::function<void(twist::LineReceiver&, std::string_view)> onLine;
  std::function<void(twist::LineReceiver&)> onEnd;
};

// A line server on "\r\n", so a line counts only when it came with CRLF.
struct ServerSide : twist::LineReceiver {
  explicit ServerSide(ServerState& state) : state(state) {}
  void connectionMade() override {
    if (state.onMade) state.onMade(*this);
  }
  void dataReceived(std::string_view data) override {
    state.raw += data;
    LineReceiver::dataReceived(data);
  }
  void lineReceived(std::string_view line) override {
    state.lines.emplace_back(line);
    if (state.onLine) state.onLine(*this, line);
  }
  bool wantsHalfClose() const override { return state.halfClose; }
  void readConnectionLost() override {
    state.sawEnd = true;
    if (state.onEnd) state.onEnd(*this);
  }
  void connectionLost(twist::Failure) override { state.lost = true; }
  ServerState& state;
};

struct ServerFactory : twist::Factory {
  explicit ServerFactory(ServerState& state) : state(state) {}
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    return std::make_unique<ServerSide>(state);
  }
  ServerState& state;
};

// A child process (the client, or chat_server): what it printed and how it ended.
struct Child : twist::ProcessProtocol {
  std::string out, err;
  std::optional<int> exitCode, signal;
  bool ended = false;
  int pid = 0;
  std::function<void(Child&)> onOutput;
  std::function<void(Child&)> onEnded;

  void connectionMade() override { pid = transport->pid(); }
  void outReceived(std::string_view data) override {
    out += data;
    if (onOutput) onOutput(*this);
  }
  void errReceived(std::string_view data) override {
    err += data;
    if (onOutput) onOutput(*this);
  }
  void processEnded(twist::Failure reason) override {
    ended = true;
    if (const auto* terminated = reason.value<twist::ProcessTerminated>()) {
      exitCode = terminated->exitCode;
      signal = terminated->signal;
    } else {
      exitCode = 0;
    }
    if (onEnded) onEnded(*this);
  }
  void send(const std::string& text) { transport->write(text); }
};

// Runs the reactor until `done` says so; after kBound seconds, kills every
// child still running (by its process group) and fails.
void runBounded(twist::Reactor& reactor, const std::vector<Child*>& children) {
  bool timedOut = false;
  reactor.callLater(kBound, [&] {
    timedOut = true;
    for (Child* child : children)
      if (!child->ended && child->pid > 0) ::kill(-child->pid, SIGKILL);
    reactor.callLater(2, [&reactor] { reactor.crash(); });
  });
  reactor.run();
  for (Child* child : children) {
    INFO("stdout: " << child->out << "\nstderr: " << child->err);
    CHECK(child->ended);
  }
  REQUIRE_FALSE(timedOut);
}

std::string addressOf(const std::shared_ptr<twist::IListeningPort>& port) {
  return "127.0.0.1:" + std::to_string(port->getHost().port);
}

}  // namespace

TEST_CASE("connect sends each line typed with CRLF, prints each line the server sends, and ends when it closes") {
  twist::Reactor reactor;
  ServerState state;
  state.onMade = [](twist::LineReceiver& server) {
    server.sendLine("welcome");              // "\r\n"
    server.transport->write("plain line\n");  // a server that ends its lines with "\n" only
  };
  state.onLine = [](twist::LineReceiver& server, std::string_view line) {
    if (line == "bye") {
      server.transport->write("Bye!");  // a last line without its end
      server.transport->loseConnection();
    } else {
      server.sendLine("you said: " + std::string(line));
    }
  };
  ServerFactory factory(state);
  auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
  Child client;
  client.onEnded = [&](Child&) { reactor.stop(); };
  reactor.spawnProcess(client, {program("twistlings"), "connect", addressOf(port)});
  client.send("hello\nagain\r\nbye\n");  // stdin stays open: the server's close ends the client
  runBounded(reactor, {&client});

  INFO("stderr: " << client.err);
  CHECK(state.raw == "hello\r\nagain\r\nbye\r\n");
  CHECK(state.lines == std::vector<std::string>{"hello", "again", "bye"});
  CHECK(client.out == "welcome\nplain line\nyou said: hello\nyou said: again\nBye!\n");
  CHECK(client.exitCode == 0);
  auto said = linesOf(client.err);
  REQUIRE(said.size() == 2);
  CHECK(said[0] == "connected to " + addressOf(port));
  CHECK(said[1] == "connection closed by " + addressOf(port));
}

TEST_CASE("the end of connect's input half-closes the connection, and connect exits once the server has answered and closed") {
  twist::Reactor reactor;
  ServerState state;
  state.halfClose = true;
  state.onEnd = [&state](twist::LineReceiver& server) {
    server.sendLine("you sent " + std::to_string(state.lines.size()) + " lines");
    server.transport->loseConnection();
  };
  ServerFactory factory(state);
  auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
  Child client;
  client.onEnded = [&](Child&) { reactor.stop(); };
  reactor.spawnProcess(client, {program("twistlings"), "connect", "tcp:host=127.0.0.1:port=" + std::to_string(port->getHost().port)});
  client.send("one\ntwo\nthree");  // the last line without its newline is sent all the same
  client.transport->closeStdin();
  runBounded(reactor, {&client});

  INFO("stderr: " << client.err);
  CHECK(state.sawEnd);
  CHECK(state.raw == "one\r\ntwo\r\nthree\r\n");
  CHECK(client.out == "you sent 3 lines\n");
  CHECK(client.exitCode == 0);
  CHECK(linesOf(client.err).back() == "connection closed by " + addressOf(port));
}

TEST_CASE("connect to a port where nothing listens names the address and ECONNREFUSED, and exits 1") {
  std::string address;
  {
    twist::Reactor reactor;
    ServerState state;
    ServerFactory factory(state);
    auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
    address = addressOf(port);
    port->stopListening();
    reactor.callLater(0, [&] { reactor.stop(); });
    reactor.run();  // the port is closed in its close callback
  }
  ProcessOptions options;
  options.timeout = kBound;
  ProcessResult r = runProcess({program("twistlings"), "connect", address}, options);
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("cannot connect to " + address));
  CHECK_THAT(r.err, Contains("ECONNREFUSED"));
}

TEST_CASE("an address connect cannot use is a usage error, exit 2, that says what it expected") {
  const std::pair<std::string, std::string> cases[] = {
      {"nohost", "\"nohost\" is not an address: expected HOST:PORT (127.0.0.1:8123), a PORT on 127.0.0.1 (8123)"},
      {"127.0.0.1:0", "bad port in \"127.0.0.1:0\": expected a number from 1 to 65535"},
      {"127.0.0.1:70000", "bad port in \"127.0.0.1:70000\""},
      {"localhost:http", "bad port in \"localhost:http\""},
      {":8123", "no host in \":8123\""},
      {"tcp:8123", "that is where a server listens: to connect to it, use 127.0.0.1:8123"},
      {"tcp:8123:interface=127.0.0.1", "use 127.0.0.1:8123"},
      {"tcp:host=127.0.0.1", "no port"},
      {"tcp:host=127.0.0.1:port=0", "bad port"},
  };
  ProcessOptions options;
  options.timeout = kBound;
  for (const auto& [address, expected] : cases) {
    ProcessResult r = runProcess({program("twistlings"), "connect", address}, options);
    INFO(address << " -> " << r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Contains("twistlings: connect: "));
    CHECK_THAT(r.err, Contains(expected));
  }
  ProcessResult none = runProcess({program("twistlings"), "connect"}, options);
  CHECK(none.exitCode == 2);
  CHECK_THAT(none.err, Contains("address is required"));
}

TEST_CASE("a line from the server longer than LineReceiver's MAX_LENGTH is not buffered: connect says so and exits 1") {
  twist::Reactor reactor;
  ServerState state;
  state.onMade = [](twist::LineReceiver& server) { server.transport->write(std::string(200000, 'x')); };
  ServerFactory factory(state);
  auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
  Child client;
  client.onEnded = [&](Child&) { reactor.stop(); };
  reactor.spawnProcess(client, {program("twistlings"), "connect", addressOf(port)});  // stdin stays open
  runBounded(reactor, {&client});

  INFO("stderr: " << client.err);
  CHECK(client.exitCode == 1);
  CHECK(client.out.empty());
  CHECK_THAT(client.err, Contains(addressOf(port) + " sent a line longer than 16384 bytes"));
}

TEST_CASE("Ctrl-C ends connect at once") {
  twist::Reactor reactor;
  ServerState state;  // a server that says nothing
  ServerFactory factory(state);
  auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
  Child client;
  bool interrupted = false;
  client.onOutput = [&](Child& self) {
    if (!interrupted && self.err.find("connected to") != std::string::npos) {
      interrupted = true;
      self.transport->signalProcess("INT");
    }
  };
  client.onEnded = [&](Child&) { reactor.stop(); };
  reactor.spawnProcess(client, {program("twistlings"), "connect", addressOf(port)});
  runBounded(reactor, {&client});
  CHECK(interrupted);
  CHECK(client.signal == SIGINT);
}

TEST_CASE("two connect clients chat through the chat_server example, as lesson 06 has them do") {
  twist::Reactor reactor;
  Child server, alice, bob;
  std::string address;
  std::vector<Child*> all = {&server, &alice, &bob};
  const std::string twistlings = program("twistlings");
  int clientsEnded = 0;
  auto clientEnded = [&](Child&) {
    if (++clientsEnded == 2) server.transport->signalProcess("TERM");  // stopped by its pid
  };
  alice.onEnded = clientEnded;
  bob.onEnded = clientEnded;
  server.onEnded = [&](Child&) { reactor.stop(); };

  // One step after another, each when the output it waits for has arrived.
  bool bobStarted = false, aliceTalked = false, quitting = false;
  server.onOutput = [&](Child& self) {
    if (!address.empty() || self.out.find('\n') == std::string::npos) return;
    address = "127.0.0.1:" + self.out.substr(0, self.out.find('\n'));
    reactor.spawnProcess(alice, {twistlings, "connect", address});
  };
  alice.onOutput = [&](Child& self) {
    if (bobStarted || self.out.find("Welcome!") == std::string::npos) return;
    bobStarted = true;
    reactor.spawnProcess(bob, {twistlings, "connect", address});
  };
  bob.onOutput = [&](Child& self) {
    if (!aliceTalked && self.out.find("Welcome!") != std::string::npos) {
      aliceTalked = true;
      alice.send("/nick alice\nhello bob\n");
    }
    if (!quitting && self.out.find("alice: hello bob") != std::string::npos) {
      quitting = true;
      alice.send("/quit\n");
      bob.send("/quit\n");
    }
  };
  reactor.spawnProcess(server, {program("chat_server"), "tcp:0:interface=127.0.0.1", "--print-port"});
  runBounded(reactor, all);

  INFO("alice said: " << alice.err << "bob said: " << bob.err);
  CHECK_THAT(bob.out, Contains("* guest1 is now alice\n"));
  CHECK_THAT(bob.out, Contains("alice: hello bob\n"));
  CHECK_THAT(alice.out, Contains("Bye!\n"));
  CHECK(alice.exitCode == 0);
  CHECK(bob.exitCode == 0);
  CHECK(linesOf(alice.err).back() == "connection closed by " + address);
  CHECK(linesOf(bob.err).back() == "connection closed by " + address);
}

TEST_CASE("connect reads a terminal line by line as typed, and Ctrl-D ends the input") {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  INFO("posix_openpt: " << std::strerror(errno));
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(terminal >= 0);
  int out[2];
  REQUIRE(::pipe(out) == 0);

  twist::Reactor reactor;
  ServerState state;
  state.halfClose = true;
  state.onEnd = [](twist::LineReceiver& server) {
    server.sendLine("end of input seen");
    server.transport->loseConnection();
  };
  ServerFactory factory(state);
  auto port = twist::listenTCP(reactor, 0, factory, 50, "127.0.0.1");
  std::optional<int> code;
  reactor.callWhenRunning([&] {
    connectCommand(reactor, addressOf(port), terminal, out[1]).addCallback([&](int c) {
      code = c;
      reactor.stop();
    });
  });
  auto type = [master](const std::string& keys) {
    REQUIRE(::write(master, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  };
  type("hel");
  reactor.callLater(0.05, [&] { type("lo\n"); });
  reactor.callLater(0.1, [&] { type("\x04"); });  // Ctrl-D
  bool timedOut = false;
  reactor.callLater(kBound, [&] {
    timedOut = true;
    reactor.crash();
  });
  reactor.run();
  REQUIRE_FALSE(timedOut);
  ::close(out[1]);
  std::string printed;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) printed.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  ::close(terminal);
  ::close(master);

  CHECK(state.raw == "hello\r\n");
  CHECK(state.sawEnd);
  CHECK(printed == "end of input seen\n");
  CHECK(code == 0);
}
