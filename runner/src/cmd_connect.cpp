// cmd_connect.cpp — `twistlings connect ADDRESS`: a line client for the
// lessons' servers, so that every lesson can give one command that works on
// every laptop (nc's options differ from system to system, and telnet is
// often missing). It is itself a twist program, two LineReceivers joined:
//
//   keyboard/pipe ──StandardIO──> TypedLines ──sendLine "\r\n"──> server
//   terminal/pipe <──StandardIO── ServerLines <──lines ("\r\n" or "\n")── server
//
// - What is typed goes out a line at a time with CRLF, as telnet and nc -C do.
// - What the server sends is printed a line at a time; a last line without
//   its end is printed when the connection closes. A line longer than
//   LineReceiver's MAX_LENGTH is not buffered further: the client says so
//   and closes (LineReceiver's lineLengthExceeded).
// - The end of the input (Ctrl-D, the end of a pipe) half-closes the
//   connection: the server reads its end and answers what it still has to,
//   and the client exits when the server closes, as `nc -N` does.
// - The server closing prints "connection closed by HOST:PORT" (on stderr,
//   after everything the server sent) and exits 0; a connection that cannot
//   be made prints why, naming the address and libuv's error, and exits 1;
//   a bad address is a usage error, exit 2. Ctrl-C ends it at once (the
//   runner's signal handling).
// - Flow control both ways: each side is the other's producer, so a server
//   that floods a paused terminal, or a pipe that floods a server that does
//   not read, waits instead of filling memory.
// Status lines go to stderr, so stdout holds exactly what the server sent.
//
// Ownership: one Session holds the factory and the endpoint; the reactor
// keeps it (an "after shutdown" trigger) until it shuts down, because the
// connection and StandardIO refer to it until their connectionLost, and
// tcp.hpp's connector until just after. ServerLines and TypedLines belong to
// their transports; the Session's pointers to them are cleared in their
// connectionLost.
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "commands.hpp"
#include "course.hpp"
#include "twist/basic.hpp"
#include "twist/endpoints.hpp"
#include "twist/error.hpp"
#include "twist/stdio.hpp"
#include "twist/tcp.hpp"

namespace twistlings {

namespace {

const char* const kAddressForms =
    "expected HOST:PORT (127.0.0.1:8123), a PORT on 127.0.0.1 (8123), or a client endpoint "
    "(tcp:host=127.0.0.1:port=8123)";

bool allDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int portFrom(const std::string& address, std::string_view text) {
  long port = allDigits(text) && text.size() <= 5 ? std::stol(std::string(text)) : -1;
  if (port < 1 || port > 65535)
    throw UsageError("connect: bad port in \"" + address + "\": expected a number from 1 to 65535");
  return static_cast<int>(port);
}

struct Target {
  std::unique_ptr<twist::IStreamClientEndpoint> endpoint;
  std::string shown;  // "127.0.0.1:8123", "[::1]:8123"
};

std::string shownAddress(const std::string& host, int port) {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// HOST:PORT, [IPV6]:PORT, PORT, or an endpoint string (endpoints.hpp).
Target parseAddress(twist::IReactorTCP& reactor, const std::string& address) {
  std::string host;
  std::string_view port;
  std::string_view text(address);
  if (allDigits(text)) {
    host = "127.0.0.1";
    port = text;
  } else if (text.rfind("tcp:", 0) == 0) {
    std::unique_ptr<twist::IStreamClientEndpoint> endpoint;
    try {
      endpoint = twist::clientFromString(reactor, address);
    } catch (const std::invalid_argument& e) {
      // "tcp:8123" and "tcp:8123:interface=127.0.0.1" describe where a server listens.
      std::string_view first = text.substr(4, text.find(':', 4) == std::string_view::npos ? std::string_view::npos
                                                                                          : text.find(':', 4) - 4);
      std::string hint = allDigits(first) ? "; that is where a server listens: to connect to it, use 127.0.0.1:" +
                                                std::string(first)
                                          : std::string();
      throw UsageError("connect: " + std::string(e.what()) + hint);
    }
    auto* tcp = dynamic_cast<twist::TCP4ClientEndpoint*>(endpoint.get());
    if (tcp != nullptr && tcp->port == 0)
      throw UsageError("connect: bad port in \"" + address + "\": expected a number from 1 to 65535");
    std::string shown = tcp != nullptr ? shownAddress(tcp->host, tcp->port) : address;
    return Target{std::move(endpoint), std::move(shown)};
  } else if (!text.empty() && text.front() == '[' && text.find("]:") != std::string_view::npos) {
    std::size_t close = text.find("]:");
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else if (std::size_t colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  } else {
    throw UsageError("connect: \"" + address + "\" is not an address: " + kAddressForms);
  }
  if (host.empty()) throw UsageError("connect: no host in \"" + address + "\": " + kAddressForms);
  int number = portFrom(address, port);
  return Target{std::make_unique<twist::TCP4ClientEndpoint>(reactor, host, number), shownAddress(host, number)};
}

void say(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

class Session;

// The server's side: every line it sends, printed; "\n" ends a line, and a
// "\r" before it is dropped, so servers that send either are shown alike.
struct ServerLines : twist::LineReceiver {
  explicit ServerLines(Session& session) : session(session) { delimiter = "\n"; }
  void connectionMade() override;
  void lineReceived(std::string_view line) override;
  void lineLengthExceeded(std::string_view line) override;
  void connectionLost(twist::Failure reason) override;
  Session& session;
};

// The user's side: every line typed, or read from a pipe, sent with CRLF.
struct TypedLines : twist::LineReceiver {
  explicit TypedLines(Session& session) : session(session) { delimiter = "\n"; }
  void lineReceived(std::string_view line) override;
  void lineLengthExceeded(std::string_view line) override;
  // The end of the input is not the end of the session: the server may still answer.
  bool wantsHalfClose() const override { return true; }
  void readConnectionLost() override;
  void connectionLost(twist::Failure reason) override;
  Session& session;
};

struct SessionFactory : twist::Factory {
  explicit SessionFactory(Session& session) : session(session) {}
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    return std::make_unique<ServerLines>(session);
  }
  Session& session;
};

class Session {
 public:
  Session(twist::Reactor& reactor, std::string peer, int stdinFd, int stdoutFd)
      : reactor_(reactor), peer_(std::move(peer)), stdinFd_(stdinFd), stdoutFd_(stdoutFd) {}

  twist::Deferred<int> start(std::unique_ptr<twist::IStreamClientEndpoint> endpoint) {
    endpoint_ = std::move(endpoint);
    endpoint_->connect(factory_).addCallbacks([](twist::Protocol*) {},
                                              [this](twist::Failure reason) { connectFailed(reason); });
    return done_;
  }

  // ---- from the server's side
  void connected(ServerLines& server) {
    server_ = &server;
    try {
      stdio_ = &twist::StandardIO::open(reactor_, std::make_unique<TypedLines>(*this), stdinFd_, stdoutFd_);
    } catch (const std::exception& e) {
      end(2, "twistlings: connect: " + std::string(e.what()));
      closeServer();
      return;
    }
    say("connected to " + peer_ + (stdio_->readsTerminal()
                                       ? " (type a line and press Enter to send it; Ctrl-D ends your input, Ctrl-C quits)"
                                       : ""));
    // Each side is the other's producer (transport.hpp): whichever cannot
    // keep up pauses the other, so no buffer grows without bound.
    if (auto* reading = dynamic_cast<twist::IProducer*>(server.transport)) stdio_->registerProducer(*reading, true);
    server.transport->registerProducer(*stdio_, true);
  }
  void printLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (stdio_ == nullptr) return;
    std::string out(line);
    out += '\n';
    stdio_->write(out);
  }
  void serverLineTooLong(std::size_t limit) {
    end(1, "twistlings: " + peer_ + " sent a line longer than " + std::to_string(limit) +
               " bytes: lines are printed whole, so the client stops here");
    closeServer();
  }
  void serverLost(const twist::Failure& reason) {
    server_ = nullptr;
    if (reason.check<twist::ConnectionDone>()) {
      end(0, "connection closed by " + peer_);
    } else {
      end(1, "twistlings: the connection to " + peer_ + " was lost: " + reason.getErrorMessage());
    }
    closeStdio();
    maybeFinish();
  }

  // ---- from the user's side
  void send(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (server_ == nullptr) return;
    // CRLF, as telnet and nc -C send, whatever ServerLines parses on.
    std::string out(line);
    out += "\r\n";
    server_->transport->write(out);
  }
  void inputLineTooLong(std::size_t limit) {
    end(1, "twistlings: a line of input longer than " + std::to_string(limit) + " bytes was not sent; stopping");
    closeServer();
    closeStdio();
  }
  void inputEnded() {
    if (server_ == nullptr) return;
    server_->transport->unregisterProducer();
    server_->transport->loseWriteConnection();
    if (stdio_ != nullptr && stdio_->readsTerminal())
      say("(input ended: waiting for " + peer_ + " to close the connection; Ctrl-C quits)");
  }
  void stdioLost(const twist::Failure& reason) {
    stdio_ = nullptr;
    // A reader of our stdout that has gone (`| head -1`) ends the session quietly.
    std::string message = reason.getErrorMessage();
    if (!reason.check<twist::ConnectionDone>() && message.find("EPIPE") == std::string::npos)
      end(1, "twistlings: connect: " + message);
    closeServer();
    maybeFinish();
  }

 private:
  void connectFailed(const twist::Failure& reason) {
    if (reason.check<twist::ConnectionRefusedError>()) {
      end(1, "twistlings: cannot connect to " + peer_ +
                 ": connection refused (ECONNREFUSED): nothing listens there; is the server running, on that port?");
    } else {
      end(1, "twistlings: cannot connect to " + peer_ + ": " + reason.getErrorMessage());
    }
    maybeFinish();
  }
  // The first reason to end wins: what it says, and the exit code.
  void end(int code, std::string message) {
    if (ending_) return;
    ending_ = true;
    code_ = code;
    message_ = std::move(message);
  }
  // A registered producer holds a connection open (transport.hpp): let go first.
  void closeServer() {
    if (server_ == nullptr) return;
    server_->transport->unregisterProducer();
    server_->transport->loseConnection();
  }
  void closeStdio() {
    if (stdio_ == nullptr) return;
    stdio_->unregisterProducer();
    stdio_->loseConnection();  // stdout is flushed first
  }
  // Once the connection and StandardIO are both gone: the last word, after
  // everything printed on stdout, then the exit code, from the next pass of
  // the loop (the connector still uses the factory after connectionLost).
  void maybeFinish() {
    if (server_ != nullptr || stdio_ != nullptr || finished_) return;
    finished_ = true;
    if (!message_.empty()) say(message_);
    reactor_.callLater(0, [done = done_, code = code_]() mutable { done.callback(code); });
  }

  twist::Reactor& reactor_;
  std::string peer_;
  int stdinFd_, stdoutFd_;
  SessionFactory factory_{*this};
  std::unique_ptr<twist::IStreamClientEndpoint> endpoint_;
  twist::Deferred<int> done_;
  ServerLines* server_ = nullptr;     // until its connectionLost
  twist::StandardIO* stdio_ = nullptr;  // until TypedLines' connectionLost
  bool ending_ = false, finished_ = false;
  int code_ = 0;
  std::string message_;
};

void ServerLines::connectionMade() { session.connected(*this); }
void ServerLines::lineReceived(std::string_view line) { session.printLine(line); }
void ServerLines::lineLengthExceeded(std::string_view) { session.serverLineTooLong(MAX_LENGTH); }
void ServerLines::connectionLost(twist::Failure reason) {
  // A last line without its end is still what the server said.
  std::string rest = clearLineBuffer();
  if (!rest.empty()) session.printLine(rest);
  session.serverLost(reason);
}

void TypedLines::lineReceived(std::string_view line) { session.send(line); }
void TypedLines::lineLengthExceeded(std::string_view) { session.inputLineTooLong(MAX_LENGTH); }
void TypedLines::readConnectionLost() {
  // A last line without its end (a file without a final newline) is sent too.
  std::string rest = clearLineBuffer();
  if (!rest.empty()) session.send(rest);
  session.inputEnded();
}
void TypedLines::connectionLost(twist::Failure reason) { session.stdioLost(reason); }

}  // namespace

twist::Deferred<int> connectCommand(twist::Reactor& reactor, const std::string& address, int stdinFd, int stdoutFd) {
  Target target = parseAddress(reactor, address);  // UsageError: react() says it, exit 2
  auto session = std::make_shared<Session>(reactor, target.shown, stdinFd, stdoutFd);
  reactor.addSystemEventTrigger("after", "shutdown", [session] {});
  return session->start(std::move(target.endpoint));
}

}  // namespace twistlings
