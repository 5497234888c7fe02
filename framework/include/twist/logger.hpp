// logger.hpp — structured logging (Twisted: twisted.logger).
//
// A log event is data, not a line of text: a level, a namespace, a format
// string in which "{name}" refers to a field, the fields, the time, and maybe
// a Failure. Observers turn events into text or JSON; the global publisher
// hands every event to every observer.
//
//   twist::Logger log{"chat.server"};
//   log.info("{user} joined {room}", {{"user", name}, {"room", "lobby"}});
//
// Twisted formats with PEP 3101 ("{user!r}", "{n:5}"); twist substitutes plain
// "{name}" only, and "{{" / "}}" for literal braces.
//
// While no observer is registered, events go to standard error as readable
// text, so an unhandled error is never silent; registering an observer (a
// test capturing events, a JSON file) replaces that default.
//
// Ownership: the publisher keeps copies of its observers (std::function) until
// removeObserver; an observer that refers to a stream must not outlive it.
// Publishing is thread-safe (a mutex), so worker threads may log.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twist/failure.hpp"

namespace twist {

enum class LogLevel { debug, info, warn, error, critical };
const char* logLevelName(LogLevel level);  // "info", as Twisted names them

using LogFields = std::vector<std::pair<std::string, std::string>>;

struct LogEvent {
  LogLevel level = LogLevel::info;
  std::string logNamespace;  // Twisted: log_namespace
  std::string format;        // Twisted: log_format
  LogFields fields;
  double time = 0;  // seconds since the epoch (Twisted: log_time)
  std::optional<Failure> failure;

  // format with each {name} replaced by its field; a Failure is appended.
  std::string text() const;
  // The value of a field, or nullptr.
  const std::string* field(const std::string& name) const;
};

using LogObserver = std::function<void(const LogEvent&)>;

class LogPublisher {
 public:
  using ObserverId = std::uint64_t;
  ObserverId addObserver(LogObserver observer);
  void removeObserver(ObserverId id);
  void publish(const LogEvent& event);
};

LogPublisher& globalLogPublisher();

// "2026-11-26T22:05:02+0000 [chat.server#info] alice joined lobby"
std::string formatEventAsText(const LogEvent& event);
LogObserver textFileLogObserver(std::ostream& out);
// Twisted's jsonFileLogObserver format, which Twisted's eventsFromJSONLogFile
// reads back: each record is recordSeparator ("\x1e", as Twisted's default),
// the event as one line of JSON (eventAsJSON), and "\n". The JSON has
// Twisted's keys and shape: the fields at the top level, log_format,
// log_namespace, log_time (a number), log_level as {"name": "info",
// "__class_uuid__": ...}, log_flattened (from which Twisted's formatEvent
// gives the same text as LogEvent::text()), and a Failure as Twisted's reader
// loads one (failureAsJSON's shape). Any bytes in a field give valid JSON:
// text that is not UTF-8 is written with U+FFFD in its place.
// Both file observers write each record whole, under a lock of their own, so
// threads may log through them at once.
LogObserver jsonFileLogObserver(std::ostream& out, std::string recordSeparator = "\x1e");
std::string eventAsJSON(const LogEvent& event);

class Logger {
 public:
  explicit Logger(std::string logNamespace) : namespace_(std::move(logNamespace)) {}
  void debug(std::string format, LogFields fields = {}) const { emit(LogLevel::debug, std::move(format), std::move(fields)); }
  void info(std::string format, LogFields fields = {}) const { emit(LogLevel::info, std::move(format), std::move(fields)); }
  void warn(std::string format, LogFields fields = {}) const { emit(LogLevel::warn, std::move(format), std::move(fields)); }
  void error(std::string format, LogFields fields = {}) const { emit(LogLevel::error, std::move(format), std::move(fields)); }
  void critical(std::string format, LogFields fields = {}) const { emit(LogLevel::critical, std::move(format), std::move(fields)); }
  // Logs a Failure, at critical level by default, as Twisted's Logger.failure.
  void failure(std::string format, const Failure& failure, LogFields fields = {},
               LogLevel level = LogLevel::critical) const;
  void emit(LogLevel level, std::string format, LogFields fields = {}) const;
  const std::string& logNamespace() const { return namespace_; }

 private:
  std::string namespace_;
};

// Runs fn; an exception escaping it is logged as "Unhandled error in <what>"
// and contained. Everything the loop calls on the user's behalf (timers,
// thread callbacks, process and file events) goes through this.
template <class F>
void callContained(const Logger& log, const char* what, F&& fn) {
  try {
    fn();
  } catch (...) {
    log.failure("Unhandled error in {what}", Failure::current(), {{"what", what}});
  }
}

}  // namespace twist
