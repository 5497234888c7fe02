// Hidden tests for lesson 08, exercise "census" (stretch, on the same
// deploy.cpp): a TimerService child that logs the room's size every
// --census-interval seconds (the program's own option, default 1), the first
// at once, and stops with the rest. The tests ask for 0.1 s, so that they
// need not wait for whole seconds.
#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "chat_service_run.hpp"

using lesson08::field;
using lesson08::json;
using lesson08::requireListening;
using lesson08::Server;
using twist_test::LineClient;

namespace {

const std::vector<std::string> kTenTimesASecond{"--census-interval", "0.1"};

const char* const kOptionHint =
    "the census's interval is an option of the program's own, --census-interval SECONDS (default 1): a "
    "twist::ProgramOption in the ProgramInfo that main gives runService, {\"census-interval\", \"1\", \"Seconds "
    "between two census records\", twist::OptionType::seconds}, read in the builder with "
    "options.seconds(\"census-interval\")";

}  // namespace

TEST_CASE("--census-interval is the program's own option, listed by --help with its default, 1") {
  twist_test::ProgramRun run = twist_test::runProgram(TWISTLINGS_PROGRAM, {"--help"}, 3.0);
  INFO("the program, run with --help, " << run.describe() << "; it printed on stdout:\n" << run.out);
  INFO(kOptionHint);
  REQUIRE(run.exitedWith(0));
  CHECK_THAT(run.out, twist_catch::Contains("--census-interval"));
  CHECK_THAT(run.out, twist_catch::Contains("Default: 1"));
}

TEST_CASE("the census is logged at once at the start, with the room empty") {
  Server server(kTenTimesASecond);
  INFO(kOptionHint);
  requireListening(server);
  twist_test::waitUntil(1.0, [&] { return !server.log().where("event", "census").empty(); });
  std::vector<json> census = server.log().where("event", "census");
  INFO(server.whatHappened());
  INFO("a twist::TimerService(reactor, interval, fn) child of ChatService calls fn at once when it starts, then "
       "every interval seconds (a LoopingCall as a service). fn logs {\"event\", \"census\"} and {\"online\", the "
       "room's size as text}");
  REQUIRE_FALSE(census.empty());
  CHECK(field(census[0], "online") == "0");
}

TEST_CASE("the census counts the members, every --census-interval seconds") {
  Server server(kTenTimesASecond);
  INFO(kOptionHint);
  requireListening(server);
  LineClient alice(server.port, 2.0), bob(server.port, 2.0);
  REQUIRE(alice.readLine(2.0));
  REQUIRE(bob.readLine(2.0));
  auto latestCount = [&] {
    std::vector<json> census = server.log().where("event", "census");
    return census.empty() ? std::string("(none)") : field(census.back(), "online");
  };
  // Twelve intervals: time enough for a program that ignores the option and
  // logs every second, which the checks below then name.
  bool counted = twist_test::waitUntil(1.2, [&] { return latestCount() == "2"; });
  std::vector<json> census = server.log().where("event", "census");
  INFO(server.whatHappened());
  INFO("census records so far, their online field: " << lesson08::fieldOfEach(census, "online"));
  REQUIRE(census.size() >= 2);
  double interval = std::atof(field(census[1], "log_time").c_str()) - std::atof(field(census[0], "log_time").c_str());
  INFO("the first two census records are " << interval
                                           << " s apart, with --census-interval 0.1: the TimerService's interval "
                                              "is options.seconds(\"census-interval\"), not a number of its own");
  CHECK(interval < 0.5);
  INFO("the TimerService's function reads the room's size each time it runs (room.members.size()): a size "
       "captured once, when the service was built, stays 0");
  CHECK(counted);
}

TEST_CASE("the census stops with the service: SIGTERM still exits 0 within 2 s") {
  Server server(kTenTimesASecond);
  INFO(kOptionHint);
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
