// test_kv_more.cpp — lesson 07, stretch exercise "kv_more": more tests for the
// KVProtocol of kv_server.hpp, the same server as kv_core's. Your tests must
// pass on the real one and make each of six other broken versions fail.
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

// TODO: tests for the rest of the contract: the store's answers (a missing
// key, a key SET twice, a value with spaces), a line that is too long, what
// the idle timeout does to the connection, and what connectionLost must leave
// behind on the Clock (clock.getDelayedCalls()).
