// Hidden tests for lesson 08, exercise "census" (stretch, on the same
// deploy.cpp): a TimerService child that logs the room's size every second,
// the first at once, and stops with the rest.
#include <signal.h>

#include <string>
#include <vector>

#include "chat_service_run.hpp"

using lesson08::field;
using lesson08::json;
using lesson08::requireListening;
using lesson08::Server;
using twist_test::LineClient;

TEST_CASE("the census is logged at once at the start, with the room empty") {
  Server server;
  requireListening(server);
  twist_test::waitUntil(1.0, [&] { return !server.log().where("event", "census").empty(); });
  std::vector<json> census = server.log().where("event", "census");
  INFO(server.whatHappened());
  INFO("a twist::TimerService(reactor, 1.0, fn) child of ChatService calls fn at once when it starts, then every "
       "second (a LoopingCall as a service). fn logs {\"event\", \"census\"} and {\"online\", the room's size as "
       "text}");
  REQUIRE_FALSE(census.empty());
  CHECK(field(census[0], "online") == "0");
}

TEST_CASE("the census counts the members, every second") {
  Server server;
  requireListening(server);
  LineClient alice(server.port, 2.0), bob(server.port, 2.0);
  REQUIRE(alice.readLine(2.0));
  REQUIRE(bob.readLine(2.0));
  auto latestCount = [&] {
    std::vector<json> census = server.log().where("event", "census");
    return census.empty() ? std::string("(none)") : field(census.back(), "online");
  };
  bool counted = twist_test::waitUntil(2.5, [&] { return latestCount() == "2"; });
  std::vector<json> census = server.log().where("event", "census");
  INFO(server.whatHappened());
  INFO("census records so far, their online field: " << lesson08::fieldOfEach(census, "online"));
  INFO("the TimerService's function reads the room's size each time it runs (room.members.size()), and runs "
       "every second: a size captured once, when the service was built, stays 0");
  CHECK(counted);
  CHECK(census.size() >= 2);
}

TEST_CASE("the census stops with the service: SIGTERM still exits 0 within 2 s") {
  Server server;
  requireListening(server);
  REQUIRE(server.process->signal(SIGTERM));
  bool ended = server.process->waitForExit(3.0);
  INFO(server.whatHappened());
  INFO("the TimerService is a child of ChatService (own(...)), so MultiService::stopService() stops it with the "
       "listening ports, and the stop goes on as without it");
  REQUIRE(ended);
  CHECK(server.process->exitCode() == 0);
  REQUIRE(server.process->secondsSinceStop());
  CHECK(*server.process->secondsSinceStop() < 2.0);
}
