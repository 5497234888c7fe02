// test_kv_core.cpp — lesson 07, exercise "kv_core": tests for the KVProtocol of
// kv_server.hpp, written from its contract alone. They pass on the reference
// and catch each core mutant: a server that never times out, one whose idle
// timer ignores the bytes that arrive, one that loses the start of a line cut
// in two, one that answers nothing to a bad command.
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

TEST_CASE_METHOD(Connection, "an idle client is sent TIMEOUT and closed once the idle timeout has passed") {
  clock.advance(kIdle - 0.001);
  CHECK(sent() == "");
  CHECK_FALSE(transport.disconnecting);
  clock.advance(0.001);
  CHECK(sent() == "TIMEOUT\r\n");
  CHECK(transport.disconnecting);
}

TEST_CASE_METHOD(Connection, "a whole line restarts the idle timeout") {
  clock.advance(6);
  server.dataReceived("GET colour\r\n");
  CHECK(sent() == "NOT FOUND\r\n");
  clock.advance(6);  // 12 s since the connection, 6 s since the line
  CHECK(sent() == "");
  clock.advance(4);
  CHECK(sent() == "TIMEOUT\r\n");
}

TEST_CASE_METHOD(Connection, "half a line restarts the idle timeout too") {
  clock.advance(9);
  server.dataReceived("GE");
  clock.advance(9);
  CHECK(sent() == "");
  CHECK_FALSE(transport.disconnecting);
}

TEST_CASE_METHOD(Connection, "a line split across two dataReceived calls is answered once it is complete") {
  server.dataReceived("SET col");
  CHECK(sent() == "");
  server.dataReceived("our blue\r\nGET colo");
  CHECK(sent() == "OK\r\n");
  server.dataReceived("ur\r\n");
  CHECK(sent() == "VALUE blue\r\n");
}

TEST_CASE_METHOD(Connection, "two lines in one dataReceived are answered in order") {
  server.dataReceived("SET a 1\r\nGET a\r\n");
  CHECK(sent() == "OK\r\nVALUE 1\r\n");
}

TEST_CASE_METHOD(Connection, "a bad command is answered ERROR and the connection stays open") {
  for (const char* line : {"", "FLY away", "get colour", "GET", "SET colour"}) {
    INFO("the line: \"" << line << "\"");
    server.dataReceived(std::string(line) + "\r\n");
    CHECK(sent() == "ERROR bad command\r\n");
  }
  CHECK_FALSE(transport.disconnecting);
  server.dataReceived("SET colour blue\r\n");
  CHECK(sent() == "OK\r\n");
}
