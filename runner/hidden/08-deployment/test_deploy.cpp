// Hidden tests for lesson 08, exercise "deploy" (a program exercise): the
// attendee's deploy.cpp, built as a program, is started as a service
// (chat_service_run.hpp) and checked from outside, in the order an attendee
// gets there: it listens and writes its pidfile; clients chat; the log has a
// JSON record per join and leave; SIGTERM is a graceful stop; a second
// instance on the same pidfile is refused; SIGHUP reopens the log; bad
// options are refused.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "chat_service_run.hpp"

using lesson08::field;
using lesson08::fieldOfEach;
using lesson08::json;
using lesson08::pidfileContent;
using lesson08::requireListening;
using lesson08::Server;
using twist_test::LineClient;

namespace {

const std::string goodbye = "* the server is shutting down, goodbye";

// A client connected to the server and welcomed; REQUIREs both.
std::unique_ptr<LineClient> join(Server& server, const std::string& expectedWelcome) {
  auto client = std::make_unique<LineClient>(server.port, 2.0);
  INFO(server.whatHappened());
  INFO("a client could not connect to the port in the log: " << client->error());
  REQUIRE(client->connected());
  std::optional<std::string> welcome = client->readLine(2.0);
  INFO("the first line a client gets is the room's welcome (chat.hpp): the connection is served by the "
       "ChatFactory given to strportsService, one room for every endpoint");
  REQUIRE(welcome == expectedWelcome);
  return client;
}

}  // namespace

TEST_CASE("the program listens on the --listen endpoint and its pidfile holds its pid") {
  Server server;
  requireListening(server);
  INFO(server.whatHappened());
  INFO("the launcher writes the pidfile when main() passes argc/argv to twist::runService (--pidfile is its "
       "option): the file holds the program's pid and a newline");
  CHECK(pidfileContent(server.pidfile) == std::to_string(server.process->pid()));
  join(server, "* welcome guest1 (1 online)");
}

TEST_CASE("clients join one room and chat: a line one member sends, the other hears") {
  Server server;
  requireListening(server);
  auto alice = join(server, "* welcome guest1 (1 online)");
  auto bob = join(server, "* welcome guest2 (2 online)");
  INFO(server.whatHappened());
  INFO("both clients are in one room: one ChatFactory (made in main) behind every connection");
  CHECK(alice->readLine(2.0) == "* guest2 joined");
  REQUIRE(alice->sendLine("hello, deployed world"));
  CHECK(bob->readLine(2.0) == "<guest1> hello, deployed world");
}

TEST_CASE("the log holds one JSON record per join and per leave, with the fields event, nick and online") {
  Server server;
  requireListening(server);
  auto alice = join(server, "* welcome guest1 (1 online)");
  auto bob = join(server, "* welcome guest2 (2 online)");
  REQUIRE(alice->sendLine("/quit"));
  alice->waitForClose(2.0);
  auto settled = [&] {
    lesson08::Log log = server.log();
    return log.where("event", "join").size() >= 2 && !log.where("event", "leave").empty();
  };
  twist_test::waitUntil(2.0, settled);
  lesson08::Log log = server.log();
  INFO(server.whatHappened());
  {
    INFO("every line of a --log-format json log is a record: \"\\x1e\", one JSON object, \"\\n\" (Twisted's "
         "jsonFileLogObserver). The launcher writes them: log with a twist::Logger, never with printf into the "
         "log file. Lines that are not: " << (log.broken.empty() ? "" : log.broken.front()));
    CHECK(log.broken.empty());
  }
  std::vector<json> joins = log.where("event", "join");
  std::vector<json> leaves = log.where("event", "leave");
  INFO("joins logged for " << fieldOfEach(joins, "nick") << ", leaves for " << fieldOfEach(leaves, "nick"));
  INFO("room.onJoin and room.onLeave (chat.hpp) are called once per member: log one event in each, with the "
       "fields {\"event\", \"join\"} or {\"event\", \"leave\"}, {\"nick\", member.nick} and {\"online\", the "
       "room's size as text}: fields are what a log search filters on, the text is for humans");
  REQUIRE(joins.size() == 2);
  CHECK(field(joins[0], "nick") == "guest1");
  CHECK(field(joins[1], "nick") == "guest2");
  CHECK(field(joins[0], "online") == "1");
  CHECK(field(joins[1], "online") == "2");
  REQUIRE(leaves.size() == 1);
  CHECK(field(leaves[0], "nick") == "guest1");
  CHECK(field(leaves[0], "online") == "1");
  INFO("the events are the chat's: a twist::Logger named \"chat\" gives them log_namespace \"chat\"");
  CHECK(field(joins[0], "log_namespace") == "chat");
  CHECK(field(leaves[0], "log_level").find("info") != std::string::npos);
}

TEST_CASE("SIGTERM stops it gracefully: goodbye to each client, connections closed, pidfile removed, exit 0 "
          "within 2 s") {
  Server server;
  requireListening(server);
  auto alice = join(server, "* welcome guest1 (1 online)");
  auto bob = join(server, "* welcome guest2 (2 online)");
  REQUIRE(server.process->signal(SIGTERM));
  bool aliceClosed = alice->waitForClose(2.0);
  bool bobClosed = bob->waitForClose(2.0);
  bool ended = server.process->waitForExit(3.0);
  INFO(server.whatHappened());
  INFO("what the first client received: " << [&] {
    std::string all;
    for (const std::string& line : alice->transcript()) all += "\n  " + line;
    return all;
  }());
  {
    INFO("on SIGTERM the launcher calls stopService() of the tree: ChatService's sends \"" << goodbye
         << "\" to every member (sendLine), then closes it with transport->loseConnection(), which sends what is "
            "buffered first (abortConnection would drop the goodbye)");
    auto& lines = alice->transcript();
    CHECK(std::find(lines.begin(), lines.end(), goodbye) != lines.end());
    auto& bobLines = bob->transcript();
    CHECK(std::find(bobLines.begin(), bobLines.end(), goodbye) != bobLines.end());
    CHECK(aliceClosed);
    CHECK(bobClosed);
  }
  INFO("the stop ends when stopService's Deferred fires: return one that fires once the room is empty "
       "(room_.whenEmpty(), after the children's MultiService::stopService()). One that never fires makes the "
       "launcher wait the whole --shutdown-timeout (5 s)");
  REQUIRE(ended);
  CHECK(server.process->exitCode() == 0);
  REQUIRE(server.process->secondsSinceStop());
  CHECK(*server.process->secondsSinceStop() < 2.0);
  INFO("the launcher removes the pidfile at a clean exit");
  CHECK(pidfileContent(server.pidfile) == "(none)");
  lesson08::Log log = server.log();
  INFO("each member's connectionLost runs as its connection closes: two leaves are logged during the stop");
  CHECK(log.where("event", "leave").size() == 2);
  // The launcher logs "The services stopped in ... s" when stopService's Deferred fires.
  std::size_t stoppedAt = log.records.size(), lastLeave = 0;
  for (std::size_t i = 0; i < log.records.size(); ++i) {
    if (field(log.records[i], "event") == "leave") lastLeave = i;
    if (field(log.records[i], "log_format").find("services stopped") != std::string::npos) stoppedAt = i;
  }
  {
    INFO("the launcher logs \"The services stopped in ... s\" once stopService's Deferred has fired, and this log "
         "has no such record: main() must return what twist::runService returns, and the tree's stop must end");
    REQUIRE(stoppedAt < log.records.size());
  }
  INFO("stopService's Deferred must fire only once every member has left (room_.whenEmpty(), chained after "
       "MultiService::stopService()): a Deferred that fires at once lets the launcher stop the reactor with the "
       "clients still connected, and they are cut off instead of closed. Here a leave was logged after the "
       "launcher's \"The services stopped\" record");
  CHECK(lastLeave < stoppedAt);
}

TEST_CASE("a second start with the pidfile of a live instance is refused, and the first keeps running") {
  Server first;
  requireListening(first);
  Server second({}, first.pidfile);
  bool secondEnded = second.process->waitForExit(3.0);
  INFO("the second instance: " << second.whatHappened());
  INFO("the first instance: " << first.whatHappened());
  INFO("the launcher refuses to start when --pidfile names a live process (two servers writing one log and "
       "one pidfile): main() must pass argc/argv to twist::runService and return what it returns");
  REQUIRE(secondEnded);
  CHECK(second.process->exitCode() == 1);
  CHECK_FALSE(first.process->ended());
  CHECK(pidfileContent(first.pidfile) == std::to_string(first.process->pid()));
}

TEST_CASE("SIGHUP reopens the log file: after logrotate renames it, new records go to a new file") {
  Server server;
  requireListening(server);
  std::string rotated = server.logfile + ".1";
  REQUIRE(std::rename(server.logfile.c_str(), rotated.c_str()) == 0);  // what logrotate does
  REQUIRE(server.process->signal(SIGHUP));
  bool reopened = twist_test::waitUntil(2.0, [&] { return ::access(server.logfile.c_str(), F_OK) == 0; });
  INFO(server.whatHappened());
  INFO("SIGHUP's default is to end the program; the launcher handles it (closes the log file and opens it again "
       "at its path) when main() returns twist::runService(argc, argv, ...)");
  REQUIRE_FALSE(server.process->ended());
  REQUIRE(reopened);
  auto alice = join(server, "* welcome guest1 (1 online)");
  twist_test::waitUntil(2.0, [&] { return !server.log().where("event", "join").empty(); });
  INFO(server.whatHappened());
  CHECK(server.log().where("event", "join").size() == 1);
  CHECK(lesson08::readLog(rotated).where("event", "join").empty());
}

TEST_CASE("a bad option is refused with exit status 2, naming the option") {
  twist_test::ProgramRun run = twist_test::runProgram(TWISTLINGS_PROGRAM, {"--log-format", "xml"}, 3.0);
  INFO("the program " << run.describe() << "; its stderr: " << run.err);
  INFO("runService parses the command line (CLI11) and refuses what it does not know, with status 2 and the "
       "option named on stderr: main() must return what runService returns");
  REQUIRE_FALSE(run.timedOut);
  CHECK(run.exitCode == 2);
  CHECK(run.err.find("--log-format") != std::string::npos);
}
