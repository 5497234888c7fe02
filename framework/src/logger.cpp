#include "twist/logger.hpp"

#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace twist {

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::critical: return "critical";
  }
  return "unknown";
}

const std::string* LogEvent::field(const std::string& name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return &value;
  return nullptr;
}

std::string LogEvent::text() const {
  std::string out;
  out.reserve(format.size());
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      auto close = format.find('}', i);
      if (close != std::string::npos) {
        std::string name = format.substr(i + 1, close - i - 1);
        if (const std::string* value = field(name)) {
          out += *value;
        } else {
          out += "{" + name + ": MISSING}";  // a typo in a format must not hide the event
        }
        i = close;
        continue;
      }
    }
    out += c;
  }
  if (failure) out += "\n" + failure->describe();
  return out;
}

namespace {
struct PublisherState {
  std::mutex mutex;
  std::vector<std::pair<LogPublisher::ObserverId, LogObserver>> observers;
  LogPublisher::ObserverId nextId = 1;
};
PublisherState& state() {
  static PublisherState s;
  return s;
}
}  // namespace

LogPublisher::ObserverId LogPublisher::addObserver(LogObserver observer) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.observers.emplace_back(s.nextId, std::move(observer));
  return s.nextId++;
}

void LogPublisher::removeObserver(ObserverId id) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  std::erase_if(s.observers, [id](const auto& entry) { return entry.first == id; });
}

void LogPublisher::publish(const LogEvent& event) {
  auto& s = state();
  std::vector<LogObserver> observers;
  {
    std::lock_guard lock(s.mutex);
    for (const auto& entry : s.observers) observers.push_back(entry.second);
  }
  if (observers.empty()) {
    std::cerr << formatEventAsText(event) << std::flush;
    return;
  }
  // Outside the lock: an observer may log, or add and remove observers.
  for (const auto& observer : observers) {
    try {
      observer(event);
    } catch (...) {
      // An observer that throws must not take the program down or recurse.
    }
  }
}

LogPublisher& globalLogPublisher() {
  static LogPublisher publisher;
  return publisher;
}

std::string formatEventAsText(const LogEvent& event) {
  std::time_t seconds = static_cast<std::time_t>(event.time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  std::string text = event.text();
  // Continuation lines are indented under the header, as Twisted's text observer does.
  std::string indented;
  for (char c : text) {
    indented += c;
    if (c == '\n') indented += '\t';
  }
  return std::string(stamp) + " [" + event.logNamespace + "#" + logLevelName(event.level) + "] " + indented + "\n";
}

LogObserver textFileLogObserver(std::ostream& out) {
  return [&out](const LogEvent& event) { out << formatEventAsText(event) << std::flush; };
}

std::string eventAsJSON(const LogEvent& event) {
  nlohmann::json j;
  j["log_level"] = logLevelName(event.level);
  j["log_namespace"] = event.logNamespace;
  j["log_format"] = event.format;
  j["log_time"] = event.time;
  j["text"] = event.text();
  for (const auto& [key, value] : event.fields) j[key] = value;
  if (event.failure) {
    j["log_failure"] = {{"type", event.failure->typeName()}, {"message", event.failure->getErrorMessage()}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

LogObserver jsonFileLogObserver(std::ostream& out, std::string recordSeparator) {
  return [&out, recordSeparator](const LogEvent& event) {
    out << recordSeparator << eventAsJSON(event) << "\n" << std::flush;
  };
}

void Logger::emit(LogLevel level, std::string format, LogFields fields) const {
  LogEvent event;
  event.level = level;
  event.logNamespace = namespace_;
  event.format = std::move(format);
  event.fields = std::move(fields);
  event.time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  globalLogPublisher().publish(event);
}

void Logger::failure(std::string format, const Failure& failure, LogFields fields, LogLevel level) const {
  LogEvent event;
  event.level = level;
  event.logNamespace = namespace_;
  event.format = std::move(format);
  event.fields = std::move(fields);
  event.time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  event.failure = failure;
  globalLogPublisher().publish(event);
}

}  // namespace twist
