// test_kv_core.cpp — lesson 07, exercise "kv_core": you write the tests.
// kv_server.hpp is the contract of a KVProtocol whose code you do not see.
// Your tests must pass on the real one, and each broken version of it that
// the grader tries (a "mutant") must fail at least one of them: the verdict
// names each broken version that passed them all.
//
// No socket, no loop, no waiting: the server writes into a StringTransport and
// reads the time from a Clock that moves only when a test advances it.
#include <string>

#include "kv_server.hpp"
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

  // What the server wrote since the last call, and forgets it.
  std::string sent() {
    std::string out = transport.value();
    transport.clear();
    return out;
  }
};

}  // namespace

TEST_CASE_METHOD(Connection, "SET answers OK") {
  server.dataReceived("SET colour blue\r\n");
  CHECK(sent() == "OK\r\n");
}

// TODO: tests for the idle timeout (on the Clock: clock.advance), for a line
// that arrives in two dataReceived calls, and for a bad command. The example
// above catches none of the broken versions: a test catches a bug only if it
// does what the bug gets wrong.
