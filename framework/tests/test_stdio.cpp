// StandardIO on a real libuv loop. The test hands it descriptors of its own —
// pipes, a socket pair, files, /dev/null, a pseudo-terminal — in place of the
// process's fd 0 and 1, plays the other end of each, and checks what the
// protocol sees and what comes out. Every loop runs under a 5 s watchdog.
#include "twist/stdio.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;
using twist_test::Watchdog;

namespace {

// What a protocol saw; it outlives the protocol, which its transport destroys.
struct Record {
  std::vector<std::string> chunks;
  std::vector<std::string> lines;
  std::vector<std::string> events;
  std::optional<twist::Failure> reason;
  std::string received() const {
    std::string all;
    for (const auto& c : chunks) all += c;
    return all;
  }
};

// A LineReceiver on "\n" whose reactions the test sets.
struct Lines : twist::LineReceiver {
  Lines(Record& record, twist::Reactor& reactor) : record(record), reactor(reactor) { delimiter = "\n"; }
  std::function<void(Lines&)> onMade;
  std::function<void(Lines&, std::string_view)> onLine;
  std::function<void(Lines&, std::string_view)> onData;
  std::function<void(Lines&)> onReadLost;
  bool halfClose = false;
  bool stopReactorWhenLost = true;
  Record& record;
  twist::Reactor& reactor;

  void connectionMade() override {
    record.events.push_back("connectionMade");
    if (onMade) onMade(*this);
  }
  void dataReceived(std::string_view data) override {
    record.chunks.emplace_back(data);
    if (onData) onData(*this, data);
    LineReceiver::dataReceived(data);
  }
  void lineReceived(std::string_view line) override {
    record.lines.emplace_back(line);
    if (onLine) onLine(*this, line);
  }
  bool wantsHalfClose() const override { return halfClose; }
  void readConnectionLost() override {
    record.events.push_back("readConnectionLost");
    if (onReadLost) onReadLost(*this);
  }
  void writeConnectionLost() override { record.events.push_back("writeConnectionLost"); }
  void connectionLost(twist::Failure reason) override {
    record.events.push_back("connectionLost");
    record.reason = reason;
    if (stopReactorWhenLost && reactor.running()) reactor.stop();
  }
};

void runReactor(twist::Reactor& reactor, double seconds = 5) {
  Watchdog dog(reactor, seconds);
  reactor.run();
  REQUIRE_FALSE(dog.fired);
}

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  void closeRead() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void closeWrite() {
    if (write >= 0) ::close(write);
    write = -1;
  }
  void put(const std::string& text) const { REQUIRE(::write(write, text.data(), text.size()) == static_cast<ssize_t>(text.size())); }
  // Everything until end of file (the read end must be blocking and every writer closed).
  std::string drain() const {
    std::string all;
    char buf[4096];
    for (ssize_t n; (n = ::read(read, buf, sizeof buf)) > 0;) all.append(buf, static_cast<std::size_t>(n));
    return all;
  }
};

// A file in the temporary directory, removed at the end.
struct TempFile {
  std::string path;
  int fd = -1;
  explicit TempFile(const std::string& contents = "") {
    std::string pattern = "/tmp/twist-stdio-test-XXXXXX";
    fd = ::mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    path = pattern;
    if (!contents.empty()) REQUIRE(::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()));
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  }
  ~TempFile() {
    ::close(fd);
    ::unlink(path.c_str());
  }
  std::string contents() const {
    std::string all;
    FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f != nullptr);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) all.append(buf, n);
    std::fclose(f);
    return all;
  }
};

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
bool isNonBlocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

std::string manyLines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "line " + std::to_string(i) + " " + std::string(40, 'x') + "\n";
  return text;
}

}  // namespace

TEST_CASE("lines written into a stdin pipe reach the protocol, and what it sends comes out of the stdout pipe") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  auto echo = std::make_unique<Lines>(record, reactor);
  echo->onLine = [](Lines& self, std::string_view line) { self.sendLine("echo: " + std::string(line)); };
  twist::StandardIO& stdio = twist::StandardIO::open(reactor, std::move(echo), in.read, out.write);
  CHECK_FALSE(stdio.readsTerminal());
  CHECK(stdio.getPeer() == twist::Address{"PIPE", "", 0});
  in.put("one\ntwo\n");
  in.closeWrite();  // the end of the input: a protocol without half-close loses the connection
  runReactor(reactor);
  out.closeWrite();
  CHECK(out.drain() == "echo: one\necho: two\n");
  CHECK(record.lines == std::vector<std::string>{"one", "two"});
  CHECK(record.events == std::vector<std::string>{"connectionMade", "connectionLost"});
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionDone>());
}

TEST_CASE("a socket pair serves as stdin and stdout at once") {
  twist::Reactor reactor;
  Record record;
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  auto echo = std::make_unique<Lines>(record, reactor);
  echo->onLine = [](Lines& self, std::string_view line) { self.sendLine(line); };
  twist::StandardIO::open(reactor, std::move(echo), pair[0], pair[0]);
  std::string text = "ping\n";
  REQUIRE(::write(pair[1], text.data(), text.size()) == 5);
  REQUIRE(::shutdown(pair[1], SHUT_WR) == 0);
  runReactor(reactor);
  ::close(pair[0]);  // the test's own; StandardIO closed its duplicates
  std::string back(16, '\0');
  ssize_t n = ::read(pair[1], back.data(), back.size());
  ::close(pair[1]);
  REQUIRE(n >= 0);
  back.resize(static_cast<std::size_t>(n));
  CHECK(back == "ping\n");
}

TEST_CASE("a file as stdin and a file as stdout are read and written on the thread pool, in order") {
  twist::Reactor reactor;
  Record record;
  std::string text = manyLines(5000);  // about 240 KB: several reads
  TempFile in(text), out;
  auto echo = std::make_unique<Lines>(record, reactor);
  echo->onLine = [](Lines& self, std::string_view line) { self.sendLine(line); };
  twist::StandardIO::open(reactor, std::move(echo), in.fd, out.fd);
  runReactor(reactor);
  CHECK(record.lines.size() == 5000);
  CHECK(record.chunks.size() > 1);
  CHECK(out.contents() == text);
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionDone>());
}

TEST_CASE("/dev/null as stdin ends the input at once") {
  twist::Reactor reactor;
  Record record;
  int devnull = ::open("/dev/null", O_RDONLY);
  REQUIRE(devnull >= 0);
  Pipe out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->halfClose = true;
  lines->onReadLost = [](Lines& self) {
    self.sendLine("no input");
    self.transport->loseConnection();
  };
  twist::StandardIO::open(reactor, std::move(lines), devnull, out.write);
  runReactor(reactor);
  ::close(devnull);
  out.closeWrite();
  CHECK(out.drain() == "no input\n");
  CHECK(record.events == std::vector<std::string>{"connectionMade", "readConnectionLost", "connectionLost"});
}

TEST_CASE("a terminal is read a line at a time as it is typed, and Ctrl-D ends the input") {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  INFO("posix_openpt: " << std::strerror(errno));
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(slave >= 0);

  twist::Reactor reactor;
  Record record;
  Pipe out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->halfClose = true;
  lines->onLine = [](Lines& self, std::string_view line) { self.sendLine("typed: " + std::string(line)); };
  lines->onReadLost = [](Lines& self) { self.transport->loseConnection(); };
  twist::StandardIO& stdio = twist::StandardIO::open(reactor, std::move(lines), slave, out.write);
  CHECK(stdio.readsTerminal());
  // Half a line, then the rest a moment later: the terminal hands over nothing
  // before the newline, however many loop passes run in between.
  auto type = [master](const std::string& keys) { REQUIRE(::write(master, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size())); };
  type("hel");
  reactor.callLater(0.05, [&] { type("lo\n"); });
  reactor.callLater(0.1, [&] { type("\x04"); });  // Ctrl-D at the start of a line
  runReactor(reactor);
  out.closeWrite();
  CHECK(record.chunks == std::vector<std::string>{"hello\n"});
  CHECK(out.drain() == "typed: hello\n");
  CHECK(record.events == std::vector<std::string>{"connectionMade", "readConnectionLost", "connectionLost"});
  CHECK(isOpen(slave));  // libuv reopened the terminal for itself; ours is untouched
  ::close(slave);
  ::close(master);
}

TEST_CASE("at the end of the input a half-close protocol goes on writing, and loseConnection ends it cleanly") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->halfClose = true;
  lines->onReadLost = [&reactor](Lines& self) {
    // Later, from the loop, as an answer from the network would come.
    twist::ITransport* transport = self.transport;
    reactor.callLater(0.01, [transport] {
      transport->write("after the end\n");
      transport->loseConnection();
    });
  };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  in.put("last\n");
  in.closeWrite();
  runReactor(reactor);
  out.closeWrite();
  CHECK(out.drain() == "after the end\n");
  CHECK(record.lines == std::vector<std::string>{"last"});
  CHECK(record.events == std::vector<std::string>{"connectionMade", "readConnectionLost", "connectionLost"});
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionDone>());
}

TEST_CASE("loseWriteConnection sends what was written, closes stdout, and a half-close protocol hears of it") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->halfClose = true;
  lines->onMade = [](Lines& self) {
    self.sendLine("bye");
    self.transport->loseWriteConnection();
  };
  lines->onReadLost = [](Lines& self) { self.transport->loseConnection(); };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  out.closeWrite();  // StandardIO has its own duplicate: once it closes that, the reader sees the end
  reactor.callLater(0.01, [&] {
    // stdout is closed while stdin is still open.
    CHECK(out.drain() == "bye\n");
    in.closeWrite();
  });
  runReactor(reactor);
  CHECK(record.events ==
        std::vector<std::string>{"connectionMade", "writeConnectionLost", "readConnectionLost", "connectionLost"});
}

TEST_CASE("connectionLost comes from the loop, never from inside loseConnection") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  bool lostDuringCall = false;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->onLine = [&](Lines& self, std::string_view) {
    self.transport->loseConnection();
    lostDuringCall = !record.events.empty() && record.events.back() == "connectionLost";
  };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  in.put("stop\nnot delivered\n");
  runReactor(reactor);
  CHECK_FALSE(lostDuringCall);
  CHECK(record.lines == std::vector<std::string>{"stop"});  // LineReceiver stops at disconnecting
  CHECK(record.events.back() == "connectionLost");
}

TEST_CASE("writing to a stdout nobody reads any more ends with ConnectionLost naming EPIPE") {
  twist::Reactor reactor;  // ignores SIGPIPE, as Twisted and Python do
  Record record;
  Pipe in, out;
  out.closeRead();
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->onMade = [](Lines& self) { self.sendLine("into the void"); };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  runReactor(reactor);
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionLost>());
  CHECK_THAT(record.reason->getErrorMessage(), twist_catch::Contains("writing stdout: EPIPE"));
}

TEST_CASE("the process's own descriptors stay open, and blocking, after StandardIO has closed its copies") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  REQUIRE_FALSE(isNonBlocking(in.read));
  REQUIRE_FALSE(isNonBlocking(out.write));
  bool nonBlockingWhileOpen = false;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->onMade = [&](Lines&) { nonBlockingWhileOpen = isNonBlocking(in.read) && isNonBlocking(out.write); };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  in.closeWrite();
  runReactor(reactor);
  CHECK(nonBlockingWhileOpen);  // libuv's doing, on the description our descriptors share
  CHECK(isOpen(in.read));
  CHECK(isOpen(out.write));
  CHECK_FALSE(isNonBlocking(in.read));
  CHECK_FALSE(isNonBlocking(out.write));
}

TEST_CASE("pauseProducing stops dataReceived until resumeProducing, from a pipe and from a file") {
  for (bool fromFile : {false, true}) {
    INFO((fromFile ? "a file" : "a pipe"));
    twist::Reactor reactor;
    Record record;
    Pipe in, out;
    std::string text = manyLines(4000);  // more than one read
    TempFile file(text);
    bool paused = false, deliveredWhilePaused = false;
    int pauses = 0;
    auto lines = std::make_unique<Lines>(record, reactor);
    lines->onData = [&](Lines& self, std::string_view) {
      if (paused) deliveredWhilePaused = true;
      if (pauses >= 3) return;
      ++pauses;
      paused = true;
      auto* stdio = dynamic_cast<twist::StandardIO*>(self.transport);
      stdio->pauseProducing();
      reactor.callLater(0.02, [&paused, stdio] {
        paused = false;
        stdio->resumeProducing();
      });
    };
    twist::StandardIO::open(reactor, std::move(lines), fromFile ? file.fd : in.read, out.write);
    if (!fromFile) {
      // A writer thread: the pipe holds only 64 KiB.
      reactor.callInThread([&in, text] {
        std::size_t done = 0;
        while (done < text.size()) {
          ssize_t n = ::write(in.write, text.data() + done, text.size() - done);
          if (n <= 0) break;
          done += static_cast<std::size_t>(n);
        }
        ::close(in.write);
      });
    }
    runReactor(reactor);
    if (!fromFile) in.write = -1;  // closed by the writer thread
    CHECK(pauses == 3);
    CHECK_FALSE(deliveredWhilePaused);
    CHECK(record.received() == text);
  }
}

namespace {
// A streaming producer that writes `total` bytes in chunks while it is not paused.
struct Flood : twist::IProducer {
  twist::Reactor& reactor;
  twist::ITransport& consumer;
  std::size_t total, sent = 0;
  int pauses = 0, resumes = 0;
  bool paused = false, stopped = false;
  std::size_t maxBuffered = 0;
  Flood(twist::Reactor& r, twist::ITransport& c, std::size_t t) : reactor(r), consumer(c), total(t) {}
  void produce() {
    auto& stdio = dynamic_cast<twist::StandardIO&>(consumer);
    while (!paused && !stopped && sent < total) {
      consumer.write(std::string(4096, 'z'));
      sent += 4096;
      maxBuffered = std::max(maxBuffered, stdio.bufferedBytes());
    }
    if (sent >= total && !stopped) {
      stopped = true;
      consumer.unregisterProducer();
      consumer.loseConnection();
    }
  }
  void pauseProducing() override {
    ++pauses;
    paused = true;
  }
  void resumeProducing() override {
    ++resumes;
    paused = false;
    reactor.callLater(0, [this] { produce(); });
  }
  void stopProducing() override { stopped = true; }
};
}  // namespace

TEST_CASE("a streaming producer on stdout is paused above the buffer size and resumed as it drains") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  ::fcntl(out.read, F_SETFL, ::fcntl(out.read, F_GETFL) | O_NONBLOCK);
  std::unique_ptr<Flood> flood;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->onMade = [&](Lines& self) {
    flood = std::make_unique<Flood>(reactor, *self.transport, 1024 * 1024);
    self.transport->registerProducer(*flood, true);
    flood->produce();
  };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  // A slow reader of stdout: a little, every few milliseconds.
  std::size_t readBack = 0;
  std::function<void()> readSome = [&] {
    char buf[16384];
    ssize_t n = ::read(out.read, buf, sizeof buf);
    if (n > 0) readBack += static_cast<std::size_t>(n);
    if (!record.reason) reactor.callLater(0.002, readSome);
  };
  reactor.callLater(0.01, readSome);
  runReactor(reactor, 10);
  char buf[65536];
  for (ssize_t n; (n = ::read(out.read, buf, sizeof buf)) > 0;) readBack += static_cast<std::size_t>(n);
  REQUIRE(flood);
  CHECK(flood->pauses >= 1);
  CHECK(flood->resumes >= 1);
  CHECK(flood->maxBuffered <= twist::ITransport::kBufferSize + 4096);
  CHECK(readBack == 1024 * 1024);
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionDone>());
}

TEST_CASE("the reactor shutting down ends StandardIO with ConnectionLost") {
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->stopReactorWhenLost = false;
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  reactor.callLater(0.01, [&] { reactor.stop(); });
  runReactor(reactor);
  REQUIRE(record.reason);
  CHECK(record.reason->check<twist::ConnectionLost>());
  CHECK_THAT(record.reason->getErrorMessage(), twist_catch::Contains("shutting down"));
}

TEST_CASE("a descriptor that is not open is refused, naming it and EBADF") {
  twist::Reactor reactor;
  Record record;
  std::string message = twist_test::messageOf(
      [&] { twist::StandardIO::open(reactor, std::make_unique<Lines>(record, reactor), 987, 1); });
  CHECK_THAT(message, twist_catch::Contains("stdin (fd 987)"));
  CHECK_THAT(message, twist_catch::Contains("EBADF"));
  CHECK(record.events.empty());
}

TEST_CASE("an exception from dataReceived is logged and closes StandardIO with it") {
  CapturedLog log;
  twist::Reactor reactor;
  Record record;
  Pipe in, out;
  auto lines = std::make_unique<Lines>(record, reactor);
  lines->onLine = [](Lines&, std::string_view) { throw std::runtime_error("bad line"); };
  twist::StandardIO::open(reactor, std::move(lines), in.read, out.write);
  in.put("x\n");
  runReactor(reactor);
  REQUIRE(record.reason);
  CHECK(record.reason->getErrorMessage() == "bad line");
  CHECK(log.contains("Unhandled error in dataReceived"));
}
