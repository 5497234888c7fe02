// kv_server.hpp — lesson 07: the protocol you write tests for. Its code is
// hidden; this contract is all you get, as when you test someone else's server.
//
// KVProtocol is a key-value store on a line protocol, with an idle timeout.
// One KVProtocol serves one connection; the store it reads and writes is
// given to it (in a server, the factory would own the store and pass it to
// every connection, as lesson 06's room). It reads time only through the
// IReactorTime it is given: a program passes its Reactor, a test a twist::Clock.
//
//   twist::Clock clock;
//   twist::StringTransport transport;
//   KVStore store;
//   KVProtocol server(store, clock, 10.0);   // idle timeout: 10 s
//   server.makeConnection(transport);
//   server.dataReceived("SET colour blue\r\n");
//   // transport.value() == "OK\r\n"
//
// The wire format. Lines end with "\r\n" both ways (LineReceiver's default).
// The server answers each line with exactly one line (shown without "\r\n"):
//
//   the client sends       the store before     the server answers
//   SET colour blue        (anything)           OK            (colour is now "blue")
//   SET note a b  c        (anything)           OK            (note is now "a b  c")
//   GET colour             colour = "blue"      VALUE blue
//   GET colour             no key colour        NOT FOUND
//   GET note               note = ""            VALUE         (one space after VALUE)
//   anything else          (anything)           ERROR bad command
//
// The rules the tests may rely on:
// - SET <key> <value>: the key is the text between "SET " and the next space
//   (at least one character); the value is everything after that space, kept
//   as it is (spaces included, possibly empty). A SET of a key that exists
//   replaces its value. Answers "OK".
// - GET <key>: the key is everything after "GET " (at least one character).
//   Answers "VALUE " + the value, or "NOT FOUND" when the store has no such key.
// - Anything else is a bad command, answered "ERROR bad command": an empty
//   line, an unknown verb, lower case ("get colour"), a verb without its key
//   ("GET", "SET colour"). The connection stays open.
// - Lines: a line may arrive in pieces, over several dataReceived calls, and
//   one dataReceived may hold several lines; each line is answered once, in
//   order, as soon as its "\r\n" has arrived.
// - Too long: a line longer than kMaxLineLength bytes (not counting "\r\n") is
//   answered "ERROR line too long" and the connection is closed
//   (transport->loseConnection()). A line of exactly kMaxLineLength is fine.
//   The answer comes when the long line's "\r\n" arrives, or sooner, once
//   kMaxLineLength + 2 bytes are waiting without one (LineReceiver's rule).
// - Idle timeout: when idleTimeout seconds pass without a single byte
//   received, the server sends "TIMEOUT" and closes the connection
//   (transport->loseConnection()). The count starts at connectionMade and
//   starts again whenever bytes arrive (any dataReceived, even half a line).
//   On a Clock: advance(idleTimeout) after the last bytes times out;
//   advance(idleTimeout - 0.001) does not. (Clock time is a double: ten
//   advance(0.1) make 0.9999999999999999 s, not 1 s. Advance by whole
//   seconds, or by the idle timeout itself.)
// - Once the server has closed the connection (a line too long, a timeout),
//   it ignores whatever else arrives and its idle timer is stopped: it sends
//   nothing more (a test's StringTransport, unlike a real one, still
//   delivers what the test feeds it after loseConnection).
// - Closing: connectionLost cancels the idle timer: afterwards no call of
//   it is left in clock.getDelayedCalls(), and advancing the Clock sends
//   nothing (a connection that is gone gets no TIMEOUT).
//
// Ownership and lifetime: the store, the IReactorTime and the transport must
// outlive the KVProtocol's use of them; destroying the KVProtocol cancels its
// timer.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "twist/basic.hpp"
#include "twist/time.hpp"

// The store: key -> value. std::less<> lets a std::string_view look a key up.
using KVStore = std::map<std::string, std::string, std::less<>>;

class KVProtocol : public twist::LineReceiver {
 public:
  static constexpr std::size_t kMaxLineLength = 1024;

  KVProtocol(KVStore& store, twist::IReactorTime& clock, double idleTimeout);
  ~KVProtocol() override;
  KVProtocol(const KVProtocol&) = delete;
  KVProtocol& operator=(const KVProtocol&) = delete;

  // Starts the idle timer.
  void connectionMade() override;
  // Restarts the idle timer, then lets LineReceiver cut the bytes into lines.
  void dataReceived(std::string_view data) override;
  // One line, without its "\r\n": SET, GET or a bad command.
  void lineReceived(std::string_view line) override;
  // "ERROR line too long", then loseConnection.
  void lineLengthExceeded(std::string_view line) override;
  // Cancels the idle timer.
  void connectionLost(twist::Failure reason) override;

 private:
  void timedOut();  // "TIMEOUT", then close()
  void close();     // stops the timer, ignores what comes next, loseConnection

  KVStore& store_;
  twist::IReactorTime& clock_;
  double idleTimeout_;
  twist::DelayedCall idleCall_;  // the pending timeout, while connected
  bool closing_ = false;         // close() was called
};
