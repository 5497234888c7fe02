// json_log_interop.cpp — twist's side of the JSON log interop test with
// Twisted's twisted.logger (driver: json_log_interop.py).
//
//   json_log_interop LOG EXPECTED
//
// Logs a set of events through twist::Logger with jsonFileLogObserver writing
// LOG, and writes to EXPECTED, one JSON line per event, what twist knows of
// it (strings as bytes, a list of numbers, so that text which is not UTF-8
// reaches the driver as it is):
//   {"namespace": bytes, "level": "info", "time": 1.5, "format": bytes,
//    "fields": [[bytes, bytes], ...], "message": bytes (LogEvent::text()
//    without the Failure), "failure": null or {"type": "std.runtime_error",
//    "message": bytes}, "sameAsTwisted": bool}
// sameAsTwisted: Twisted's own eventAsJSON, given the same event, writes the
// same bytes (false where Twisted cannot: a Failure with frames, a missing
// field, a format twist reads otherwise than str.format, a field named like
// a log_* key).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "twist/logger.hpp"

using nlohmann::json;

namespace {

// Bytes as a list of numbers, so that text which is not UTF-8 reaches the driver as it is.
json bytes(const std::string& text) { return std::vector<unsigned char>(text.begin(), text.end()); }

struct Expected {
  bool sameAsTwisted = true;
  std::string failureType;  // as Twisted's reader names it, "" for none
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: json_log_interop LOG EXPECTED\n";
    return 2;
  }
  std::ofstream log(argv[1], std::ios::binary);
  std::ofstream expected(argv[2], std::ios::binary);
  if (!log || !expected) {
    std::cerr << "json_log_interop: cannot open " << argv[1] << " or " << argv[2] << "\n";
    return 1;
  }

  Expected current;
  auto& publisher = twist::globalLogPublisher();
  const auto file = publisher.addObserver(twist::jsonFileLogObserver(log));
  const auto record = publisher.addObserver([&](const twist::LogEvent& event) {
    json fields = json::array();
    for (const auto& [name, value] : event.fields) fields.push_back({bytes(name), bytes(value)});
    twist::LogEvent withoutFailure = event;
    withoutFailure.failure.reset();
    json failure = nullptr;
    if (event.failure) failure = {{"type", current.failureType}, {"message", bytes(event.failure->getErrorMessage())}};
    expected << json{{"namespace", bytes(event.logNamespace)},
                     {"level", twist::logLevelName(event.level)},
                     {"time", event.time},
                     {"format", bytes(event.format)},
                     {"fields", fields},
                     {"message", bytes(withoutFailure.text())},
                     {"failure", failure},
                     {"sameAsTwisted", current.sameAsTwisted}}
                    .dump()
             << "\n";
  });

  twist::Logger chat{"chat.server"};
  chat.info("{user} joined {room}", {{"user", "alice"}, {"room", "lobby"}});
  chat.warn("a plain warning");
  chat.debug("{a}{a} and {b}, {{braces}}", {{"a", "x"}, {"b", "y"}, {"unused", "kept at the top level"}});
  chat.info("said {line}", {{"line", "\"quoted\"\n\ttabbed, caf\xc3\xa9, \xe2\x9c\x93, \xf0\x9f\x98\x80, \x01\x7f \\ end"}});
  chat.info("{raw}", {{"raw", "not UTF-8: \xff\xfe, cut \xe2\x82, overlong \xc0\xaf, surrogate \xed\xa0\x80."}});
  chat.critical("{caf\xc3\xa9} key", {{"caf\xc3\xa9", "\xc3\xa9t\xc3\xa9"}});

  current.sameAsTwisted = false;  // Twisted raises on a missing field; twist shows it
  chat.info("{user} and {nobody}", {{"user", "bob"}});
  // str.format would read these as a spec, a conversion, an unmatched brace
  chat.warn("{n:5} and {x!r}, lone } and {{esc}} and {open", {{"n", "7"}, {"x", "y"}});
  // Twisted's Logger writes its own log_namespace over the caller's: so does twist
  chat.info("{log_namespace} said {log_time}", {{"log_namespace", "spoof"}, {"log_time", "never"}});

  current.failureType = "std.runtime_error";
  chat.failure("while {doing}", twist::Failure(std::runtime_error("disk \"full\"\nreally")), {{"doing", "saving"}},
               twist::LogLevel::error);
  current.failureType = "builtins.int";
  try {
    throw 42;
  } catch (...) {
    twist::Logger{"twist.reactor"}.failure("Unhandled error in {what}", twist::Failure::current(), {{"what", "a timer"}});
  }

  // Times as Python's repr writes them, published as they are
  current = Expected{};
  for (double time : {0.0, 0.5, 1e-5, 1.5e-7, 123.0, 1796417685.5724213, 1e16, 1.25e17, 1e22, -2.5}) {
    twist::LogEvent event;
    event.level = twist::LogLevel::info;
    event.logNamespace = "clock";
    event.format = "tick";
    event.time = time;
    publisher.publish(event);
  }

  publisher.removeObserver(record);
  publisher.removeObserver(file);
  return log && expected ? 0 : 1;
}
