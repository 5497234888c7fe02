// basic_interop.cpp — twist's side of the byte-level interop test with
// Twisted's twisted.protocols.basic (driver: basic_interop.py).
//
// Reads a JSON list of cases on stdin, runs each through twist's receivers on
// a StringTransport, and prints what happened as JSON on stdout, in the same
// shape as the driver records for Twisted. Bytes travel as hex.
//
//   {"id": "...", "kind": "line|lineonly|netstring|int32|int16|int8",
//    "delimiter": hex, "max": n, "op": "parse", "data": hex, "chunk": n}
//   {"id": "...", "kind": ..., "op": "send", "messages": [hex, ...]}
//   -> {"id": {"events": [["line", hex], ["lose"], ...], "broken": bool,
//              "written": hex}}
//
// Scripted reactions, the same on both sides: a line "quit" loses the
// connection, a line "raw" switches to raw mode, raw data containing '|'
// switches back to line mode with what follows it; a string "quit" loses the
// connection.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "twist/basic.hpp"
#include "twist/testing.hpp"

using nlohmann::json;

namespace {

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

struct Recorder {
  json events = json::array();
  void add(const char* type, std::string_view data) { events.push_back(json::array({type, hex(data)})); }
  void add(const char* type, std::size_t n) {
    events.push_back(json::array({type, n}));
    sawLimit = sawLimit || std::string_view(type) == "limit";
  }
  bool sawLimit = false;
};

struct Transport : twist::StringTransport {
  Recorder* recorder = nullptr;
  void loseConnection() override {
    recorder->events.push_back(json::array({"lose"}));
    twist::StringTransport::loseConnection();
  }
};

struct Line : twist::LineReceiver {
  Recorder* r = nullptr;
  void lineReceived(std::string_view line) override {
    r->add("line", line);
    if (line == "quit") transport->loseConnection();
    if (line == "raw") setRawMode();
  }
  void rawDataReceived(std::string_view data) override {
    r->add("raw", data);
    std::size_t bar = data.find('|');
    if (bar != std::string_view::npos) setLineMode(data.substr(bar + 1));
  }
  void lineLengthExceeded(std::string_view line) override {
    r->add("exceeded", line);
    twist::LineReceiver::lineLengthExceeded(line);
  }
};

struct LineOnly : twist::LineOnlyReceiver {
  Recorder* r = nullptr;
  void lineReceived(std::string_view line) override {
    r->add("line", line);
    if (line == "quit") transport->loseConnection();
  }
  void lineLengthExceeded(std::string_view line) override {
    r->add("exceeded", line);
    twist::LineOnlyReceiver::lineLengthExceeded(line);
  }
};

struct Netstring : twist::NetstringReceiver {
  Recorder* r = nullptr;
  void stringReceived(std::string_view s) override {
    r->add("string", s);
    if (s == "quit") transport->loseConnection();
  }
};

template <class Base>
struct IntN : Base {
  Recorder* r = nullptr;
  void stringReceived(std::string_view s) override {
    r->add("string", s);
    if (s == "quit") this->transport->loseConnection();
  }
  void lengthLimitExceeded(std::size_t length) override {
    r->add("limit", length);
    Base::lengthLimitExceeded(length);
  }
};

template <class P>
json run(const json& c, P& p, Recorder& recorder) {
  Transport t;
  t.recorder = &recorder;
  p.r = &recorder;
  if (c.contains("max")) p.MAX_LENGTH = c["max"].get<std::size_t>();
  if constexpr (requires { p.delimiter; }) {
    if (c.contains("delimiter")) p.delimiter = unhex(c["delimiter"].get<std::string>());
  }
  p.makeConnection(t);
  json result;
  if (c["op"] == "send") {
    for (auto& m : c["messages"]) {
      std::string message = unhex(m.get<std::string>());
      try {
        if constexpr (requires { p.sendLine(message); }) {
          p.sendLine(message);
        } else {
          p.sendString(message);
        }
      } catch (const twist::StringTooLongError& e) {
        recorder.events.push_back(json::array({"StringTooLongError", e.what()}));
      }
    }
  } else {
    std::string data = unhex(c["data"].get<std::string>());
    std::size_t chunk = c.value("chunk", std::size_t{0});
    if (chunk == 0) chunk = data.size() > 0 ? data.size() : 1;
    try {
      for (std::size_t i = 0; i < data.size(); i += chunk) {
        p.dataReceived(std::string_view(data).substr(i, chunk));
        // After an oversize prefix Twisted re-delivers earlier strings (see
        // basic.hpp); both sides stop feeding there.
        if (recorder.sawLimit) break;
      }
    } catch (const std::exception&) {
      recorder.events.push_back(json::array({"exception"}));
    }
  }
  result["events"] = recorder.events;
  result["written"] = hex(t.value());
  if constexpr (requires { p.brokenPeer; }) result["broken"] = p.brokenPeer;
  return result;
}

}  // namespace

int main() {
  json cases = json::parse(std::string(std::istreambuf_iterator<char>(std::cin), {}));
  json out = json::object();
  for (auto& c : cases) {
    Recorder recorder;
    std::string kind = c["kind"];
    json result;
    if (kind == "line") {
      Line p;
      result = run(c, p, recorder);
    } else if (kind == "lineonly") {
      LineOnly p;
      result = run(c, p, recorder);
    } else if (kind == "netstring") {
      Netstring p;
      result = run(c, p, recorder);
    } else if (kind == "int32") {
      IntN<twist::Int32StringReceiver> p;
      result = run(c, p, recorder);
    } else if (kind == "int16") {
      IntN<twist::Int16StringReceiver> p;
      result = run(c, p, recorder);
    } else if (kind == "int8") {
      IntN<twist::Int8StringReceiver> p;
      result = run(c, p, recorder);
    } else {
      std::fprintf(stderr, "basic_interop: unknown kind %s\n", kind.c_str());
      return 2;
    }
    out[c["id"].get<std::string>()] = result;
  }
  std::cout << out.dump() << "\n";
  return 0;
}
