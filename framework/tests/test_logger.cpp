#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
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

TEST_CASE("jsonFileLogObserver writes each event as \x1e, one line of JSON, and a newline, as Twisted's does") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out));
  twist::Logger{"chat.server"}.info("one");
  twist::Logger{"chat.server"}.error("two\nlines");
  const std::string text = out.str();
  REQUIRE(text.front() == '\x1e');
  REQUIRE(text.back() == '\n');
  const auto records = lines(text);
  REQUIRE(records.size() == 2);
  for (const auto& record : records) {
    REQUIRE(record.size() > 1);
    REQUIRE(record[0] == '\x1e');
    REQUIRE(record.find('\x1e', 1) == std::string::npos);
    REQUIRE(nlohmann::json::parse(record.substr(1)).at("log_namespace") == "chat.server");
  }
}

TEST_CASE("threads that log at once through jsonFileLogObserver each get whole records") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out));
  constexpr int threads = 4;
  constexpr int perThread = 250;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([t] {
      twist::Logger log{"worker"};
      for (int i = 0; i < perThread; ++i)
        log.info("{thread} {i} {padding}", {{"thread", std::to_string(t)}, {"i", std::to_string(i)},
                                            {"padding", std::string(200, 'x')}});
    });
  for (auto& worker : workers) worker.join();
  const auto records = lines(out.str());
  REQUIRE(records.size() == threads * perThread);
  std::vector<int> next(threads, 0);
  for (const auto& record : records) {
    REQUIRE(record.rfind('\x1e') == 0);
    const auto j = nlohmann::json::parse(record.substr(1));
    const int t = std::stoi(j.at("thread").get<std::string>());
    REQUIRE(std::stoi(j.at("i").get<std::string>()) == next.at(t)++);
  }
}

TEST_CASE("jsonFileLogObserver with an empty record separator writes JSON lines") {
  std::ostringstream out;
  ScopedObserver observer(twist::jsonFileLogObserver(out, ""));
  twist::Logger{"ns"}.info("one");
  const auto records = lines(out.str());
  REQUIRE(records.size() == 1);
  REQUIRE(nlohmann::json::parse(records[0]).at("log_format") == "one");
}

TEST_CASE("eventAsJSON writes Twisted's keys: the fields at the top level, log_level as a LogLevel, no text key") {
  CapturedLog log;
  const double before = nowSeconds();
  twist::Logger{"chat.server"}.info("{user} joined", {{"user", "alice"}, {"room", "lobby"}});
  const auto j = nlohmann::json::parse(twist::eventAsJSON(log.events().at(0)));
  REQUIRE(j.at("log_level") ==
          nlohmann::json({{"name", "info"}, {"__class_uuid__", "02e59486-f24d-46ad-8224-3acdf2a5732a"}}));
  REQUIRE(j.at("log_namespace") == "chat.server");
  REQUIRE(j.at("log_format") == "{user} joined");
  REQUIRE(j.at("log_time").is_number_float());
  REQUIRE(j.at("log_time").get<double>() >= before - 1);
  REQUIRE(j.at("user") == "alice");
  REQUIRE(j.at("room") == "lobby");
  REQUIRE(j.at("log_logger") == nlohmann::json({{"unpersistable", true}}));
  REQUIRE(j.at("log_source").is_null());
  REQUIRE(j.at("log_flattened") ==
          nlohmann::json({{"user!s:", "alice"}, {"user!:", "alice"}}));  // room is not in the format
  REQUIRE_FALSE(j.contains("text"));
  REQUIRE_FALSE(j.contains("log_failure"));
}

TEST_CASE("eventAsJSON is written as Python's json.dumps writes it, item by item") {
  twist::LogEvent event;
  event.level = twist::LogLevel::warn;
  event.logNamespace = "ns";
  event.format = "{a}";
  event.fields = {{"a", "1"}};
  event.time = 5;
  REQUIRE(twist::eventAsJSON(event) ==
          R"({"a": "1", "log_logger": {"unpersistable": true}, "log_level": {"name": "warn", )"
          R"("__class_uuid__": "02e59486-f24d-46ad-8224-3acdf2a5732a"}, "log_namespace": "ns", "log_source": null, )"
          R"("log_format": "{a}", "log_time": 5.0, "log_flattened": {"a!s:": "1", "a!:": "1"}})");
}

TEST_CASE("log_flattened holds each field of the format as Twisted's formatEvent reads it, a missing one included") {
  twist::LogEvent event;
  event.format = "{a}{a} {gone}, {{literal}}";
  event.fields = {{"a", "x"}};
  const auto j = nlohmann::json::parse(twist::eventAsJSON(event));
  REQUIRE(j.at("log_format") == "{a}{a} {gone}, {{literal}}");
  REQUIRE(j.at("log_flattened") == nlohmann::json({{"a!s:", "x"},
                                                    {"a!:", "x"},
                                                    {"a!s:/2", "x"},
                                                    {"a!:/2", "x"},
                                                    {"gone!s:", "{gone: MISSING}"},
                                                    {"gone!:", "{gone: MISSING}"}}));
}

TEST_CASE("a format that str.format would read otherwise is written as the text twist made of it") {
  twist::LogEvent event;
  event.format = "{n:5} {x!r} {ok} lone } and {open";
  event.fields = {{"n", "7"}, {"ok", "yes"}};
  REQUIRE(event.text() == "{n:5: MISSING} {x!r: MISSING} yes lone } and {open");
  const auto j = nlohmann::json::parse(twist::eventAsJSON(event));
  REQUIRE(j.at("log_format") == "{{n:5: MISSING}} {{x!r: MISSING}} {ok} lone }} and {{open");
  REQUIRE(j.at("log_flattened") == nlohmann::json({{"ok!s:", "yes"}, {"ok!:", "yes"}}));
}

TEST_CASE("a field named like a log_ key twist writes does not replace twist's value, and still shows in the text") {
  twist::LogEvent event;
  event.level = twist::LogLevel::error;
  event.logNamespace = "real";
  event.format = "{log_namespace}";
  event.fields = {{"log_namespace", "spoof"}, {"log_level", "info"}, {"log_time", "now"}, {"log_system", "kept"}};
  const auto j = nlohmann::json::parse(twist::eventAsJSON(event));
  REQUIRE(j.at("log_namespace") == "real");
  REQUIRE(j.at("log_level").at("name") == "error");
  REQUIRE(j.at("log_time").is_number());
  REQUIRE(j.at("log_system") == "kept");  // a key Twisted reads but twist does not write
  REQUIRE(j.at("log_flattened").at("log_namespace!s:") == "spoof");
}

TEST_CASE("a repeated field name is written once, with the value LogEvent::field finds") {
  twist::LogEvent event;
  event.fields = {{"k", "first"}, {"k", "second"}};
  const std::string text = twist::eventAsJSON(event);
  REQUIRE(text.find("\"k\"") == text.rfind("\"k\""));
  REQUIRE(nlohmann::json::parse(text).at("k") == "first");
}

TEST_CASE("eventAsJSON writes a Failure as Twisted's failureAsJSON, which Twisted's reader loads as a Failure") {
  CapturedLog log;
  twist::Logger{"ns"}.failure("oops", twist::Failure(std::runtime_error("disk full")));
  const auto j = nlohmann::json::parse(twist::eventAsJSON(log.events().at(0)));
  REQUIRE(j.at("log_level").at("name") == "critical");
  const auto& failure = j.at("log_failure");
  REQUIRE(failure.at("__class_uuid__") == "e76887e2-20ed-49bf-a8f8-ba25cc586f2d");
  REQUIRE(failure.at("type") == nlohmann::json({{"__module__", "std"}, {"__name__", "runtime_error"}}));
  REQUIRE(failure.at("value") == "disk full");
  REQUIRE(failure.at("parents") == nlohmann::json::array({"std.runtime_error"}));
  REQUIRE(failure.at("frames") == nlohmann::json::array());
  REQUIRE(failure.at("tb").is_null());
  REQUIRE(failure.at("pickled") == 1);
}

TEST_CASE("a Failure of a type outside any namespace is a built-in of Twisted's reader") {
  twist::LogEvent event;
  try {
    throw 42;
  } catch (...) {
    event.failure = twist::Failure::current();
  }
  const auto j = nlohmann::json::parse(twist::eventAsJSON(event));
  REQUIRE(j.at("log_failure").at("type") == nlohmann::json({{"__module__", "builtins"}, {"__name__", "int"}}));
}

TEST_CASE("eventAsJSON escapes everything outside printable ASCII as Python does") {
  twist::LogEvent event;
  event.fields = {{"s", "\"\\\n\t\r\b\f\x01\x7f caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"}};
  const std::string text = twist::eventAsJSON(event);
  REQUIRE_THAT(text, twist_catch::Contains(R"("s": "\"\\\n\t\r\b\f\u0001\u007f caf\u00e9 \u2713 \ud83d\ude00")"));
  REQUIRE(nlohmann::json::parse(text).at("s") == event.fields[0].second);
}

TEST_CASE("bytes that are not UTF-8 still give valid JSON, U+FFFD for each ill-formed part") {
  twist::LogEvent event;
  event.format = "{raw}";
  event.fields = {{"raw", "a\xff\xfe b\xe2\x82 c\xc0\xaf d\xed\xa0\x80 e\xf4\x90\x80\x80 f\xe2\x82"}};
  const std::string text = twist::eventAsJSON(event);
  for (unsigned char c : text) REQUIRE((c >= 0x20 && c <= 0x7e));
  // as Python's bytes.decode("utf-8", "replace") counts them
  REQUIRE(nlohmann::json::parse(text).at("raw") ==
          "a\xef\xbf\xbd\xef\xbf\xbd b\xef\xbf\xbd c\xef\xbf\xbd\xef\xbf\xbd d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
          "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd f\xef\xbf\xbd");
}

TEST_CASE("log_time is written as Python's repr writes a float") {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.0"},     {5.0, "5.0"},         {0.5, "0.5"},
      {-2.5, "-2.5"},   {1e-4, "0.0001"},     {1e-5, "1e-05"},
      {1.5e-7, "1.5e-07"}, {1796417685.5724213, "1796417685.5724213"}, {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},  {1.25e17, "1.25e+17"}, {1e100, "1e+100"}};
  for (const auto& [time, repr] : cases) {
    twist::LogEvent event;
    event.time = time;
    CAPTURE(repr);
    const std::string text = twist::eventAsJSON(event);
    REQUIRE(text.substr(text.rfind("\"log_time\"")) == std::string("\"log_time\": ") + repr + "}");
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
