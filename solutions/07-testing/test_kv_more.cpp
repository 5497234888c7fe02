// test_kv_more.cpp — lesson 07, stretch exercise "kv_more": more tests for the
// KVProtocol of kv_server.hpp. They pass on the reference and catch the rest
// of its mutants: the store's answers (a missing key, a replaced value, a
// value with spaces), a line that is too long, and what a timeout and a lost
// connection must leave behind.
//
// No socket, no loop, no waiting: a StringTransport and a Clock.
#include <string>

#include "kv_server.hpp"
#include "twist/error.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

// One connection to a fresh server, made again for every test (trial: setUp).
struct Connection {
  static constexpr double kIdle = 10.0;  // the idle timeout these tests give the server
  KVStore store;
  twist::Clock clock;
  twist::StringTransport transport;
  KVProtocol server{store, clock, kIdle};

  Connection() { server.makeConnection(transport); }

  // Sends one line and returns what the server wrote for it.
  std::string ask(const std::string& line) {
    transport.clear();
    server.dataReceived(line + "\r\n");
    return transport.value();
  }
};

}  // namespace

TEST_CASE_METHOD(Connection, "GET of a key that was SET answers its value") {
  CHECK(ask("SET greeting hello") == "OK\r\n");
  CHECK(ask("GET greeting") == "VALUE hello\r\n");
}

TEST_CASE_METHOD(Connection, "GET of a missing key answers NOT FOUND") {
  CHECK(ask("GET nothing") == "NOT FOUND\r\n");
}

TEST_CASE_METHOD(Connection, "GET of a key set to the empty value answers VALUE and a space") {
  CHECK(ask("SET empty ") == "OK\r\n");
  CHECK(ask("GET empty") == "VALUE \r\n");
  CHECK(ask("GET nothing") == "NOT FOUND\r\n");
}

TEST_CASE_METHOD(Connection, "SET of an existing key replaces its value") {
  ask("SET colour blue");
  CHECK(ask("SET colour green") == "OK\r\n");
  CHECK(ask("GET colour") == "VALUE green\r\n");
  CHECK(store.at("colour") == "green");
}

TEST_CASE_METHOD(Connection, "a value keeps its spaces") {
  ask("SET note a b  c");
  CHECK(ask("GET note") == "VALUE a b  c\r\n");
}

TEST_CASE_METHOD(Connection, "a line longer than the limit is answered ERROR line too long and closed") {
  CHECK(ask(std::string(KVProtocol::kMaxLineLength + 1, 'x')) == "ERROR line too long\r\n");
  CHECK(transport.disconnecting);
}

TEST_CASE_METHOD(Connection, "after a line too long the server answers nothing more") {
  ask(std::string(KVProtocol::kMaxLineLength + 1, 'x'));
  CHECK(ask("GET colour") == "");
  clock.advance(kIdle);
  CHECK(transport.value() == "");
}

TEST_CASE_METHOD(Connection, "a line of exactly the limit is answered") {
  std::string line = "SET k " + std::string(KVProtocol::kMaxLineLength - 6, 'v');
  CHECK(ask(line) == "OK\r\n");
  CHECK_FALSE(transport.disconnecting);
}

TEST_CASE_METHOD(Connection, "the idle timeout closes the connection after TIMEOUT") {
  clock.advance(kIdle);
  CHECK(transport.value() == "TIMEOUT\r\n");
  CHECK(transport.disconnecting);
}

TEST_CASE_METHOD(Connection, "no idle timer is left once the connection is lost") {
  server.connectionLost(twist::Failure(twist::ConnectionDone()));
  CHECK(clock.getDelayedCalls().empty());
  clock.advance(kIdle);
  CHECK(transport.value() == "");
}
