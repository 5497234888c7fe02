#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/logger.hpp"
#include "twist_catch.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;
using twist_test::ScopedObserver;

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("a log event substitutes its fields into the format") {
  twist::LogEvent event;
  event.format = "{user} joined {room}; {{literal}}";
  event.fields = {{"user", "alice"}, {"room", "lobby"}};
  REQUIRE(event.text() == "alice joined lobby; {literal}");
}

TEST_CASE("a field missing from the format's fields is shown, not dropped") {
  twist::LogEvent event;
  event.format = "{user} joined {rom}";
  event.fields = {{"user", "alice"}, {"room", "lobby"}};
  REQUIRE(event.text() == "alice joined {rom: MISSING}");
}

TEST_CASE("log levels are named as Twisted names them") {
  REQUIRE(std::string(twist::logLevelName(twist::LogLevel::debug)) == "debug");
  REQUIRE(std::string(twist::logLevelName(twist::LogLevel::info)) == "info");
  REQUIRE(std::string(twist::logLevelName(twist::LogLevel::warn)) == "warn");
  REQUIRE(std::string(twist::logLevelName(twist::LogLevel::error)) == "error");
  REQUIRE(std::string(twist::logLevelName(twist::LogLevel::critical)) == "critical");
}

TEST_CASE("the text format is: time [namespace#level] message") {
  twist::LogEvent event;
  event.level = twist::LogLevel::warn;
  event.logNamespace = "chat.server";
  event.format = "{user} joined";
  event.fields = {{"user", "alice"}};
  event.time = 86400 + 3600 + 60 + 1.5;  // 1970-01-02 01:01:01.5 UTC
  REQUIRE(twist::formatEventAsText(event) == "1970-01-02T01:01:01+0000 [chat.server#warn] alice joined\n");
}

TEST_CASE("in the text format a Failure follows on an indented line") {
  twist::LogEvent event;
  event.logNamespace = "ns";
  event.format = "it broke";
  event.failure = twist::Failure(std::runtime_error("boom"));
  REQUIRE(twist::formatEventAsText(event) == "1970-01-01T00:00:00+0000 [ns#info] it broke\n\tstd::runtime_error: boom\n");
}

TEST_CASE("Logger methods publish events with their level, namespace, format, fields and the time") {
  CapturedLog log;
  twist::Logger logger{"chat.server"};
  const double before = nowSeconds();
  logger.debug("d");
  logger.info("{user} joined", {{"user", "alice"}});
  logger.warn("w");
  logger.error("e");
  logger.critical("c");
  const double after = nowSeconds();

  const std::vector<twist::LogEvent> events = log.events();
  REQUIRE(events.size() == 5);
  const twist::LogLevel levels[] = {twist::LogLevel::debug, twist::LogLevel::info, twist::LogLevel::warn,
                                    twist::LogLevel::error, twist::LogLevel::critical};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(events[i].level == levels[i]);
    CHECK(events[i].logNamespace == "chat.server");
    CHECK(events[i].time >= before - 1);
    CHECK(events[i].time <= after + 1);
    CHECK_FALSE(events[i].failure.has_value());
  }
  REQUIRE(events[1].format == "{user} joined");
  REQUIRE(events[1].field("user") != nullptr);
  REQUIRE(*events[1].field("user") == "alice");
  REQUIRE(events[1].field("room") == nullptr);
  REQUIRE(events[1].text() == "alice joined");
}

TEST_CASE("Logger.failure carries the Failure, at critical level unless told otherwise") {
  CapturedLog log;
  twist::Logger logger{"svc"};
  logger.failure("while {doing}", twist::Failure(std::invalid_argument("bad port")), {{"doing", "listening"}});
  logger.failure("quietly", twist::Failure(std::runtime_error("x")), {}, twist::LogLevel::warn);

  const std::vector<twist::LogEvent> events = log.events();
  REQUIRE(events.size() == 2);
  const twist::LogEvent& event = events[0];
  REQUIRE(event.level == twist::LogLevel::critical);
  REQUIRE(event.failure.has_value());
  REQUIRE(event.failure->check<std::invalid_argument>());
  REQUIRE(event.failure->getErrorMessage() == "bad port");
  REQUIRE(event.text() == "while listening\nstd::invalid_argument: bad port");
  REQUIRE(events[1].level == twist::LogLevel::warn);
  REQUIRE(events[1].failure.has_value());
}

TEST_CASE("textFileLogObserver writes each event as one text record") {
  std::ostringstream out;
  ScopedObserver observer(twist::textFileLogObserver(out));
  twist::Logger{"ns"}.info("hello {who}", {{"who", "world"}});
  const std::string text = out.str();
  REQUIRE_THAT(text, twist_catch::Contains(" [ns#info] hello world\n"));
  REQUIRE(lines(text).size() == 1);
}

TEST_CASE("jsonFileLogObserver writes one JSON object a line, with Twisted's field names") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out));
  const double before = nowSeconds();
  twist::Logger{"chat.server"}.info("{user} joined", {{"user", "alice"}});
  twist::Logger{"chat.server"}.error("second");

  const auto records = lines(out.str());
  REQUIRE(records.size() == 2);
  REQUIRE(records[0].front() == '{');  // no record separator unless asked for
  const auto j = nlohmann::json::parse(records[0]);
  REQUIRE(j.at("log_level") == "info");
  REQUIRE(j.at("log_namespace") == "chat.server");
  REQUIRE(j.at("log_format") == "{user} joined");
  REQUIRE(j.at("text") == "alice joined");
  REQUIRE(j.at("user") == "alice");
  REQUIRE(j.at("log_time").is_number());
  REQUIRE(j.at("log_time").get<double>() >= before - 1);
  REQUIRE_FALSE(j.contains("log_failure"));
  REQUIRE(nlohmann::json::parse(records[1]).at("log_level") == "error");
}

TEST_CASE("jsonFileLogObserver writes the Failure's type and message") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out));
  twist::Logger{"ns"}.failure("oops", twist::Failure(std::runtime_error("disk full")));
  const auto j = nlohmann::json::parse(lines(out.str()).at(0));
  REQUIRE(j.at("log_level") == "critical");
  REQUIRE(j.at("log_failure").at("type") == "std::runtime_error");
  REQUIRE(j.at("log_failure").at("message") == "disk full");
}

TEST_CASE("jsonFileLogObserver puts the record separator before each record when given one") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out, "\x1e"));
  twist::Logger{"ns"}.info("one");
  twist::Logger{"ns"}.info("two");
  const auto records = lines(out.str());
  REQUIRE(records.size() == 2);
  for (const auto& record : records) {
    REQUIRE(record.size() > 1);
    REQUIRE(record[0] == '\x1e');
    REQUIRE(nlohmann::json::parse(record.substr(1)).at("log_namespace") == "ns");
  }
}

TEST_CASE("a removed observer receives nothing more, and the others still do") {
  std::vector<std::string> first;
  std::vector<std::string> second;
  ScopedObserver keep([&](const twist::LogEvent& e) { second.push_back(e.text()); });
  auto id = twist::globalLogPublisher().addObserver([&](const twist::LogEvent& e) { first.push_back(e.text()); });
  twist::Logger logger{"ns"};
  logger.info("before");
  twist::globalLogPublisher().removeObserver(id);
  logger.info("after");
  REQUIRE(first == std::vector<std::string>{"before"});
  REQUIRE(second == std::vector<std::string>{"before", "after"});
}

TEST_CASE("an observer that throws does not stop the others or the caller") {
  ScopedObserver thrower([](const twist::LogEvent&) { throw std::runtime_error("observer broke"); });
  std::vector<std::string> seen;
  ScopedObserver keep([&](const twist::LogEvent& e) { seen.push_back(e.text()); });
  REQUIRE_NOTHROW(twist::Logger{"ns"}.info("still delivered"));
  REQUIRE(seen == std::vector<std::string>{"still delivered"});
}

TEST_CASE("callContained logs Unhandled error in <what> and does not throw") {
  CapturedLog log;
  twist::Logger logger{"twist.test"};
  REQUIRE_NOTHROW(twist::callContained(logger, "dataReceived", [] { throw std::runtime_error("parse error"); }));
  const std::vector<twist::LogEvent> events = log.events();
  REQUIRE(events.size() == 1);
  const twist::LogEvent& event = events[0];
  REQUIRE(event.logNamespace == "twist.test");
  REQUIRE(event.level == twist::LogLevel::critical);
  REQUIRE_THAT(event.text(), twist_catch::Contains("Unhandled error in dataReceived"));
  REQUIRE(event.failure.has_value());
  REQUIRE(event.failure->check<std::runtime_error>());
  REQUIRE(event.failure->getErrorMessage() == "parse error");
}

TEST_CASE("callContained contains exceptions not derived from std::exception too") {
  CapturedLog log;
  REQUIRE_NOTHROW(twist::callContained(twist::Logger{"ns"}, "a callback", [] { throw 42; }));
  const std::vector<twist::LogEvent> events = log.events();
  REQUIRE(events.size() == 1);
  REQUIRE_THAT(events[0].text(), twist_catch::Contains("Unhandled error in a callback"));
  REQUIRE(events[0].failure.has_value());
}

TEST_CASE("callContained runs the function and logs nothing when it succeeds") {
  CapturedLog log;
  bool ran = false;
  twist::callContained(twist::Logger{"ns"}, "work", [&] { ran = true; });
  REQUIRE(ran);
  REQUIRE(log.events().empty());
}
