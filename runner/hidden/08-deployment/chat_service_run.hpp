// chat_service_run.hpp — what lesson 08's hidden tests share. The exercise is
// a program (lesson.json "kind": "program"): the attendee's deploy.cpp, built
// on its own, is started in the background (twist_service_process.hpp) by the
// path the build gives in TWISTLINGS_PROGRAM, as a machine would start it:
//   --listen tcp:0:interface=127.0.0.1 --pidfile DIR/chat.pid
//   --logfile DIR/chat.log --log-format json
// Port 0 lets the system pick a free port; the program says which in its log:
// the launcher writes a record with the fields "address" and "port" once the
// service tree listens. Every wait is bounded, and the program is killed by
// its pid when its Server goes, whatever a check did.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "twist_catch.hpp"
#include "twist_program.hpp"
#include "twist_service_process.hpp"

namespace lesson08 {

using json = nlohmann::json;

// How long a correct program may take to listen: it needs about 0.05 s. After
// one run that was still not listening by then, later runs get 1 s, so a
// program that never listens costs one long wait, not one per test.
inline double& startSeconds() {
  static double seconds = 3.0;
  return seconds;
}

// A field of a log record as text: a string as it is, a number or anything
// else as JSON writes it; "" when the record has no such field.
inline std::string field(const json& record, const std::string& name) {
  auto it = record.find(name);
  if (it == record.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// One field of each record, as a list for a message: "[guest1, guest2]".
inline std::string fieldOfEach(const std::vector<json>& records, const std::string& name) {
  std::string out;
  for (const json& r : records) out += (out.empty() ? "" : ", ") + field(r, name);
  return "[" + out + "]";
}

// A JSON log as Twisted's jsonFileLogObserver writes it: each record is "\x1e",
// a JSON object, "\n". Only complete records are read (the program may be
// writing the last one); what does not parse is kept in `broken`.
struct Log {
  std::vector<json> records;
  std::vector<std::string> broken;
  std::string text;  // the file as read

  // The records whose field `name` is `value`.
  std::vector<json> where(const std::string& name, const std::string& value) const {
    std::vector<json> found;
    for (const json& r : records) {
      if (field(r, name) == value) found.push_back(r);
    }
    return found;
  }
  // The last lines of the file, for a message.
  std::string tail() const {
    std::string shown = text.size() > 1200 ? "..." + text.substr(text.size() - 1200) : text;
    for (char& c : shown) {
      if (c == '\x1e') c = '|';  // the record separator, visible
    }
    return shown.empty() ? "(empty)" : shown;
  }
};

inline Log readLog(const std::string& path) {
  Log log;
  log.text = twist_test::readWholeFile(path).value_or("");
  std::size_t at = 0;
  while (at < log.text.size()) {
    std::size_t end = log.text.find('\n', at);
    if (end == std::string::npos) break;  // not complete yet
    std::string line = log.text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] != '\x1e') {
      log.broken.push_back(line);
      continue;
    }
    json record = json::parse(line.substr(1), nullptr, false);
    if (record.is_object()) {
      log.records.push_back(std::move(record));
    } else {
      log.broken.push_back(line);
    }
  }
  return log;
}

// The program, started in a scratch directory of its own.
class Server {
 public:
  // Starts it with the standard arguments, then `extra`; pidfile and log
  // default to DIR/chat.pid and DIR/chat.log.
  explicit Server(const std::vector<std::string>& extra = {}, std::string pidfile = "")
      : pidfile(pidfile.empty() ? dir.file("chat.pid") : std::move(pidfile)), logfile(dir.file("chat.log")) {
    std::vector<std::string> args{"--listen",  "tcp:0:interface=127.0.0.1", "--pidfile",    this->pidfile,
                                  "--logfile", logfile,                     "--log-format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    process = std::make_unique<twist_test::ServiceProcess>(TWISTLINGS_PROGRAM, args);
  }

  Log log() const { return readLog(logfile); }

  // Waits until the log says where it listens (sets `port`), the program
  // ends, or startSeconds() pass. True when it listens.
  bool waitListening() {
    bool listening = twist_test::waitUntil(startSeconds(), [this] {
      for (const json& r : log().records) {
        if (!field(r, "address").empty() && !field(r, "port").empty()) {
          port = std::atoi(field(r, "port").c_str());
          return port > 0;
        }
      }
      return process->ended();
    });
    listening = listening && port > 0;
    if (!listening && !process->ended()) startSeconds() = 1.0;
    return listening;
  }

  // The program's state and its log, for an INFO.
  std::string whatHappened() {
    return "the program " + process->describe() + "\nits log (" + logfile + "): " + log().tail();
  }

  twist_test::ScratchDir dir;  // first: it outlives the program writing into it
  std::string pidfile;
  std::string logfile;
  std::unique_ptr<twist_test::ServiceProcess> process;
  int port = 0;
};

// Starts the program and requires it to listen, saying what to fix when not.
inline void requireListening(Server& server) {
  {
    INFO("the program could not be started: ./twistlings builds it (or cmake --build build --target "
         "exercise_08-deployment_deploy_program)");
    REQUIRE(server.process->started());
  }
  bool listening = server.waitListening();
  INFO(server.whatHappened());  // again: it has run since
  if (server.process->ended()) {
    INFO("the program ended before it listened. main() must return twist::runService(argc, argv, info, builder): "
         "runService parses the options, writes the pidfile, opens the log, starts what the builder returns and "
         "runs the reactor until SIGTERM. Exit status 2 is a usage error (its stderr names the option); 1 a start "
         "that failed (its log says why)");
    REQUIRE_FALSE(server.process->ended());
  }
  INFO("no record with the fields \"address\" and \"port\" in the JSON log after "
       << startSeconds()
       << " s: the launcher writes one per listening service once the tree has started. The builder's tree "
          "needs a listening child per endpoint of options.listen: own(twist::strportsService(reactor, endpoint, "
          "room)) in ChatService's constructor");
  REQUIRE(listening);
}

// The pidfile's content without its newline, or "(none)".
inline std::string pidfileContent(const std::string& path) {
  std::optional<std::string> text = twist_test::readWholeFile(path);
  if (!text) return "(none)";
  while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
  return *text;
}

}  // namespace lesson08
