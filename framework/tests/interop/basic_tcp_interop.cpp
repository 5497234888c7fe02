// basic_tcp_interop.cpp — twist's side of the loopback interop test with
// Twisted (driver: basic_tcp_interop.py, which runs Twisted's echo servers).
//
// Usage: basic_tcp_interop KIND=PORT...   KIND: line lineonly netstring int32 int16 int8
//
// For each KIND it connects to 127.0.0.1:PORT, where a Twisted receiver of that
// kind echoes every message, sends a few hundred messages with twist's
// sendLine / sendString (empty ones, binary ones, ones at MAX_LENGTH, and
// sizes that cross read boundaries), and checks that each comes back, in
// order, through twist's parser: Twisted parses what twist framed, and twist
// parses what Twisted framed. Exits 0 when all match, 1 otherwise (or after a
// 30 s watchdog).
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "twist/basic.hpp"
#include "twist/reactor.hpp"

namespace {

struct Session {
  std::string kind;
  std::vector<std::string> messages;
  std::size_t received = 0;
  bool ok = true;
  bool finished = false;
  std::function<void()> onFinished;

  void check(std::string_view got) {
    if (received >= messages.size() || got != messages[received]) {
      std::fprintf(stderr, "%s: message %zu differs (got %zu bytes)\n", kind.c_str(), received, got.size());
      ok = false;
    }
    ++received;
  }
  void finish(const char* why) {
    if (finished) return;
    finished = true;
    if (received != messages.size()) {
      std::fprintf(stderr, "%s: %s after %zu of %zu messages\n", kind.c_str(), why, received, messages.size());
      ok = false;
    }
    onFinished();
  }
};

template <class Base>
struct LineClient : Base {
  Session* s = nullptr;
  void connectionMade() override {
    for (auto& m : s->messages) this->sendLine(m);
  }
  void lineReceived(std::string_view line) override {
    s->check(line);
    if (s->received == s->messages.size()) this->transport->loseConnection();
  }
  void connectionLost(twist::Failure) override { s->finish("connection lost"); }
};

template <class Base>
struct StringClient : Base {
  Session* s = nullptr;
  void connectionMade() override {
    for (auto& m : s->messages) this->sendString(m);
  }
  void stringReceived(std::string_view string) override {
    s->check(string);
    if (s->received == s->messages.size()) this->transport->loseConnection();
  }
  void connectionLost(twist::Failure) override { s->finish("connection lost"); }
};

template <class P>
struct Factory : twist::ClientFactory {
  Session* s = nullptr;
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    auto p = std::make_unique<P>();
    p->s = s;
    p->factory = this;
    return p;
  }
  void clientConnectionFailed(twist::IConnector&, twist::Failure reason) override {
    std::fprintf(stderr, "%s: %s\n", s->kind.c_str(), reason.getErrorMessage().c_str());
    s->finish("connection failed");
  }
};

// Messages a peer of this kind must accept (its MAX_LENGTH and prefix allow them).
std::vector<std::string> messagesFor(const std::string& kind, std::mt19937& rng) {
  bool lines = kind == "line" || kind == "lineonly";
  std::size_t largest = kind == "int8" ? 255 : kind == "int16" ? 65535 : lines ? 16384 : 99999;
  auto randomBytes = [&](std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng() & 0xff);
    if (lines) {  // a line may hold '\r' and '\n', but never "\r\n"
      for (std::size_t at; (at = out.find("\r\n")) != std::string::npos;) out[at] = 'r';
    }
    return out;
  };
  std::vector<std::string> messages{"", "hello", randomBytes(largest), randomBytes(1), randomBytes(largest - 1)};
  if (lines) messages.push_back("ends with cr\r");
  if (lines) messages.push_back("\nstarts with lf");
  for (int i = 0; i < 300; ++i) messages.push_back(randomBytes(rng() % (i % 50 == 0 ? largest : 40)));
  return messages;
}

}  // namespace

int main(int argc, char** argv) {
  twist::Reactor reactor;
  std::mt19937 rng(20261127);
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<std::unique_ptr<twist::ClientFactory>> factories;
  int pending = 0;
  bool timedOut = false;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "usage: %s KIND=PORT...\n", argv[0]);
      return 2;
    }
    auto s = std::make_unique<Session>();
    s->kind = arg.substr(0, eq);
    int port = std::stoi(arg.substr(eq + 1));
    s->messages = messagesFor(s->kind, rng);
    s->onFinished = [&] {
      if (--pending == 0) reactor.stop();
    };
    std::unique_ptr<twist::ClientFactory> f;
    auto make = [&](auto factory) {
      factory->s = s.get();
      f = std::move(factory);
    };
    if (s->kind == "line") make(std::make_unique<Factory<LineClient<twist::LineReceiver>>>());
    else if (s->kind == "lineonly") make(std::make_unique<Factory<LineClient<twist::LineOnlyReceiver>>>());
    else if (s->kind == "netstring") make(std::make_unique<Factory<StringClient<twist::NetstringReceiver>>>());
    else if (s->kind == "int32") make(std::make_unique<Factory<StringClient<twist::Int32StringReceiver>>>());
    else if (s->kind == "int16") make(std::make_unique<Factory<StringClient<twist::Int16StringReceiver>>>());
    else if (s->kind == "int8") make(std::make_unique<Factory<StringClient<twist::Int8StringReceiver>>>());
    else {
      std::fprintf(stderr, "unknown kind %s\n", s->kind.c_str());
      return 2;
    }
    ++pending;
    reactor.connectTCP("127.0.0.1", port, *f);
    sessions.push_back(std::move(s));
    factories.push_back(std::move(f));
  }
  if (pending == 0) return 2;
  reactor.callLater(30, [&] {
    timedOut = true;
    reactor.stop();
  });
  reactor.run();

  bool ok = !timedOut;
  if (timedOut) std::fprintf(stderr, "basic_tcp_interop: timed out\n");
  for (auto& s : sessions) {
    ok = ok && s->ok && s->finished;
    std::printf("%s: %zu/%zu messages echoed by Twisted%s\n", s->kind.c_str(), s->received, s->messages.size(),
                s->ok ? "" : " (MISMATCH)");
  }
  return ok ? 0 : 1;
}
