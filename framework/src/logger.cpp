#include "twist/logger.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

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

namespace {

// A format cut the way LogEvent::text() reads it: literal text, and "{name}"
// fields. "{{" and "}}" are literal braces; a "{" with no "}" after it and a
// lone "}" are literal too (Python's str.format would refuse both).
struct FormatPiece {
  std::string text;  // the literal text, or the field's name
  bool isField = false;
};

std::vector<FormatPiece> formatPieces(const std::string& format) {
  std::vector<FormatPiece> pieces;
  auto literal = [&pieces](char c) {
    if (pieces.empty() || pieces.back().isField) pieces.push_back({});
    pieces.back().text += c;
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      literal(c);
      ++i;
      continue;
    }
    if (c == '{') {
      auto close = format.find('}', i);
      if (close != std::string::npos) {
        pieces.push_back({format.substr(i + 1, close - i - 1), true});
        i = close;
        continue;
      }
    }
    literal(c);
  }
  return pieces;
}

// What a field piece becomes in the text.
std::string substituted(const LogEvent& event, const std::string& name) {
  if (const std::string* value = event.field(name)) return *value;
  return "{" + name + ": MISSING}";  // a typo in a format must not hide the event
}

}  // namespace

std::string LogEvent::text() const {
  std::string out;
  out.reserve(format.size());
  for (const FormatPiece& piece : formatPieces(format)) out += piece.isField ? substituted(*this, piece.text) : piece.text;
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

namespace {
// An observer that writes each record whole: threads that log at once (a
// worker and the loop) would otherwise interleave their records, and race on
// the stream. The lock is the observer's; copies of it share it.
LogObserver recordWriter(std::ostream& out, std::function<std::string(const LogEvent&)> record) {
  return [&out, record = std::move(record), mutex = std::make_shared<std::mutex>()](const LogEvent& event) {
    const std::string text = record(event);
    std::lock_guard lock(*mutex);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
  };
}
}  // namespace

LogObserver textFileLogObserver(std::ostream& out) { return recordWriter(out, formatEventAsText); }

namespace {

// JSON text as Python's json.dumps writes it (Twisted's eventAsJSON calls it
// with its defaults): ", " and ": " between items, everything outside
// printable ASCII escaped, "\u00e9" in lowercase hex, astral characters as
// surrogate pairs. So a twist log and a Twisted log of the same event are
// the same bytes (the interop test compares them).
void appendJSONEscape(std::string& out, char32_t unit) {
  static const char hex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xf];
}

// The next code point of UTF-8 text at s[i], advancing i; U+FFFD for an
// ill-formed sequence, one for each maximal part of one (as Python's
// bytes.decode("utf-8", "replace") counts them). A std::string field may hold
// any bytes, and a JSON text must be Unicode: Twisted never meets this case
// (its fields are already str), and bytes decoded this way still read back.
char32_t nextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&s](std::size_t at) { return static_cast<unsigned char>(s[at]); };
  const unsigned char lead = byte(i++);
  if (lead < 0x80) return lead;
  std::size_t length = 0;
  unsigned char low = 0x80;  // the range of the byte after the lead (excludes overlongs, surrogates, > U+10FFFF)
  unsigned char high = 0xbf;
  char32_t point = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, point = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, point = lead & 0x0f;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, point = lead & 0x07;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0xfffd;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i >= s.size() || byte(i) < low || byte(i) > high) return 0xfffd;  // i stays on the byte that broke it
    point = (point << 6) | (byte(i++) & 0x3f);
    low = 0x80, high = 0xbf;
  }
  return point;
}

void appendJSONString(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const char32_t point = nextCodePoint(s, i);
    switch (point) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (point >= 0x20 && point <= 0x7e) {
          out += static_cast<char>(point);
        } else if (point < 0x10000) {
          appendJSONEscape(out, point);
        } else {
          appendJSONEscape(out, 0xd800 + ((point - 0x10000) >> 10));
          appendJSONEscape(out, 0xdc00 + ((point - 0x10000) & 0x3ff));
        }
    }
  }
  out += '"';
}

// A float as Python's repr writes it: the shortest digits that read back the
// same, "1796417685.5" or "5.0", with an exponent only below 1e-4 or from
// 1e16 on ("1e+16", "1.5e-05"). A time that is not finite is null (Python
// would write NaN, which is not JSON; Twisted's reader shows null as "-").
void appendPythonFloat(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  (void)error;  // 64 characters hold any double
  std::string_view scientific(buffer, static_cast<std::size_t>(end - buffer));  // "-1.5e+09"
  const std::size_t e = scientific.find('e');
  std::string sign(value < 0 ? "-" : "");
  std::string digits;
  for (char c : scientific.substr(0, e))
    if (c >= '0' && c <= '9') digits += c;
  const int exponent = std::stoi(std::string(scientific.substr(e + 1)));
  if (exponent < -4 || exponent >= 16) {
    out += sign + digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += (exponent < 0 ? "e-" : "e+");
    const std::string magnitude = std::to_string(exponent < 0 ? -exponent : exponent);
    out += (magnitude.size() < 2 ? "0" : "") + magnitude;
  } else if (exponent < 0) {
    out += sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else {
    const auto integral = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= integral) {
      out += sign + digits + std::string(integral - digits.size(), '0') + ".0";
    } else {
      out += sign + digits.substr(0, integral) + "." + digits.substr(integral);
    }
  }
}

// One "key": value member of an object being written; the value is JSON already.
void appendMember(std::string& object, std::string_view key, std::string_view json) {
  object += object.size() > 1 ? ", " : "";
  appendJSONString(object, key);
  object += ": ";
  object += json;
}

std::string jsonString(std::string_view s) {
  std::string out;
  appendJSONString(out, s);
  return out;
}

// A C++ type as a Python class: "std::runtime_error" is runtime_error in the
// module "std" (Twisted prints it "std.runtime_error"); a type outside any
// namespace, like int, is taken as a built-in.
std::pair<std::string, std::string> pythonModuleAndName(const std::string& typeName) {
  std::size_t split = std::string::npos;
  int depth = 0;  // "::" inside template arguments does not split
  for (std::size_t i = 0; i + 1 < typeName.size(); ++i) {
    if (typeName[i] == '<') ++depth;
    if (typeName[i] == '>') --depth;
    if (depth == 0 && typeName[i] == ':' && typeName[i + 1] == ':') split = i;
  }
  if (split == std::string::npos) return {"builtins", typeName};
  std::string module = typeName.substr(0, split);
  for (std::size_t at; (at = module.find("::")) != std::string::npos;) module.replace(at, 2, ".");
  return {module, typeName.substr(split + 2)};
}

// What Twisted's failureAsJSON writes (a pickled Failure's state, plus its
// class's __class_uuid__), which Twisted's reader turns back into a Failure:
// check("std.runtime_error"), getErrorMessage() and the traceback that
// eventAsText appends ("Failure: std.runtime_error: disk full") all work.
// Twisted writes the exception itself as {"unpersistable": true}; twist
// writes its message, which is what getErrorMessage() then returns. A C++
// exception has no Python frames, and no number (Twisted counts its
// Failures; count 1 keeps a verbose traceback printable).
std::string failureAsJSON(const Failure& failure) {
  const auto [module, name] = pythonModuleAndName(failure.typeName());
  std::string type = "{";
  appendMember(type, "__module__", jsonString(module));
  appendMember(type, "__name__", jsonString(name));
  type += "}";
  std::string object = "{";
  appendMember(object, "count", "1");
  appendMember(object, "type", type);
  appendMember(object, "value", jsonString(failure.getErrorMessage()));
  appendMember(object, "captureVars", "false");
  appendMember(object, "frames", "[]");
  appendMember(object, "stack", "[]");
  appendMember(object, "tb", "null");
  appendMember(object, "parents", "[" + jsonString(module + "." + name) + "]");
  appendMember(object, "pickled", "1");
  appendMember(object, "__class_uuid__", "\"e76887e2-20ed-49bf-a8f8-ba25cc586f2d\"");
  return object + "}";
}

// The keys twist writes itself. A field of the same name is left out: its own
// value wins, as in Twisted, whose Logger.emit writes these over the caller's
// keyword arguments (and a reader needs log_level to be a level, log_time a
// number, log_failure a Failure). The field still shows in the text, through
// log_flattened.
bool isTwistLogKey(const std::string& name) {
  static const char* const keys[] = {"log_failure", "log_logger", "log_level", "log_namespace",
                                     "log_source",  "log_format", "log_time",  "log_flattened"};
  for (const char* key : keys)
    if (name == key) return true;
  return false;
}

// A field name that Python's str.format reads as the same plain name: no
// conversion ("!r"), format spec (":5"), index ("[0]") or brace in it.
bool isPlainFieldName(const std::string& name) { return name.find_first_of("{}!:[") == std::string::npos; }

std::string escapedBraces(const std::string& literal) {
  std::string out;
  for (char c : literal) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

}  // namespace

// Twisted's eventAsJSON, for an event that Twisted's Logger would have made:
// the fields, then log_logger, log_level, log_namespace, log_source,
// log_format, log_time, and log_flattened (a Failure's log_failure first, as
// Logger.failure passes it). Twisted's reader (eventsFromJSONLogFile, then
// formatEvent) formats from log_flattened: each "{name}" of the format has
// "name!s:" there, with the text twist put in its place, so Twisted shows
// exactly twist's text, a missing field included (Twisted's own writer
// raises on one). A format that Python's str.format would read otherwise
// ("{n:5}", a lone brace) is written as twist read it: such a field becomes
// literal text, braces doubled. There is no "text" key: Twisted has none,
// and a failure's description is in log_failure.
std::string eventAsJSON(const LogEvent& event) {
  std::string object = "{";
  if (event.failure) appendMember(object, "log_failure", failureAsJSON(*event.failure));
  std::vector<std::string> written;
  for (const auto& [key, value] : event.fields) {
    if (isTwistLogKey(key) || std::find(written.begin(), written.end(), key) != written.end()) continue;
    written.push_back(key);  // a repeated name is written once, with the value field() finds
    appendMember(object, key, jsonString(value));
  }
  std::string format;
  std::string flattened = "{";
  std::map<std::string, int> seen;  // Twisted's KeyFlattener: a key's second use is "key/2"
  auto flatten = [&](const std::string& key, const std::string& value) {
    const int n = ++seen[key];
    appendMember(flattened, n == 1 ? key : key + "/" + std::to_string(n), jsonString(value));
  };
  for (const FormatPiece& piece : formatPieces(event.format)) {
    if (!piece.isField) {
      format += escapedBraces(piece.text);
    } else if (!isPlainFieldName(piece.text)) {
      format += escapedBraces(substituted(event, piece.text));
    } else {
      format += "{" + piece.text + "}";
      flatten(piece.text + "!s:", substituted(event, piece.text));  // what formatEvent reads
      flatten(piece.text + "!:", substituted(event, piece.text));   // Twisted's raw value
    }
  }
  appendMember(object, "log_logger", "{\"unpersistable\": true}");  // Twisted's Logger, not JSON
  appendMember(object, "log_level",
               "{\"name\": " + jsonString(logLevelName(event.level)) +
                   ", \"__class_uuid__\": \"02e59486-f24d-46ad-8224-3acdf2a5732a\"}");
  appendMember(object, "log_namespace", jsonString(event.logNamespace));
  appendMember(object, "log_source", "null");
  appendMember(object, "log_format", jsonString(format));
  std::string time;
  appendPythonFloat(time, event.time);
  appendMember(object, "log_time", time);
  if (flattened.size() > 1) appendMember(object, "log_flattened", flattened + "}");
  return object + "}";
}

LogObserver jsonFileLogObserver(std::ostream& out, std::string recordSeparator) {
  return recordWriter(out, [recordSeparator](const LogEvent& event) {
    return recordSeparator + eventAsJSON(event) + "\n";
  });
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
