// graceful_stop — lesson 08's live demo: build/bin/chat_service (lesson 06's
// room under the launcher, framework/examples/chat_service.cpp) stopped with
// SIGTERM while two clients are in the room. Both are told goodbye, their
// connections close, the pidfile goes, and the exit status is 0.
//
//   build/bin/graceful_stop            (./twistlings demo 08)
//   build/bin/graceful_stop --quick    the same, with shorter pauses (ctest's smoke run)
//
// This program is the narrator: it starts chat_service as a child process
// (spawnProcess) with the options a deployment would give it, reads its JSON
// log from the pipe, connects two clients (connectTCP) and signals it. Every
// line it prints says who saw it: the demo, the service's log, or a client.
// chat_service must sit beside it (build/bin/): the build makes it first.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "twist/basic.hpp"
#include "twist/logger.hpp"
#include "twist/process.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

namespace {

double now() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void say(const std::string& who, const std::string& what) {
  std::printf("%6.2f s  %-9s| %s\n", now(), who.c_str(), what.c_str());
}

// A record read back from the JSON log, as a LogEvent: its format, its
// namespace and its own fields (every key but Twisted's log_* ones), so that
// LogEvent::text() fills the format in as the service's text log would.
twist::LogEvent eventOf(const nlohmann::json& record) {
  twist::LogEvent event;
  event.format = record.value("log_format", std::string());
  event.logNamespace = record.value("log_namespace", std::string());
  for (const auto& [key, value] : record.items()) {
    if (!key.starts_with("log_")) event.fields.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return event;
}

// The chat namespace's own fields, which a log search filters on:
// "  [nick=guest1 online=1 peer=...]".
std::string fieldsOf(const twist::LogEvent& event) {
  if (event.logNamespace != "chat" || event.fields.empty()) return "";
  std::string out;
  for (const auto& [key, value] : event.fields) out += (out.empty() ? "" : " ") + key + "=" + value;
  return "  [" + out + "]";
}

// One person in the room. `onLine` lets the narrator react to what it reads.
struct Client : twist::LineReceiver {
  std::string name;
  std::function<void(Client&, std::string_view)> onLine;
  void lineReceived(std::string_view line) override {
    say(name, "got: " + std::string(line));
    if (onLine) onLine(*this, line);
  }
  void connectionLost(twist::Failure) override {
    say(name, "connection closed by the service");
    if (onClosed) onClosed();
  }
  std::function<void()> onClosed;
};

struct ClientFactory : twist::ClientFactory {
  std::function<void(Client&, std::string_view)> onLine;
  std::function<void()> onClosed;
  int made = 0, closed = 0;
  int toldGoodbye = 0;  // the smoke run (--quick) fails unless both were
  ClientFactory() {
    protocol = [this] {
      auto client = std::make_unique<Client>();
      client->name = "client " + std::to_string(++made);
      client->onLine = onLine;
      client->onClosed = [this] {
        ++closed;
        if (onClosed) onClosed();
      };
      return client;
    };
  }
};

// The child: its log (--logfile - --log-format json) arrives on its stdout.
struct ServiceWatcher : twist::ProcessProtocol {
  twist::Reactor* reactor = nullptr;
  std::function<void(int port)> onListening;
  std::string pidfile, pending;
  double stopSentAt = -1;
  int status = 1;
  bool ended = false;
  std::function<void()> onEnded;

  void outReceived(std::string_view data) override {
    pending += data;
    for (std::size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1)) {
      std::string line = pending.substr(0, end);
      if (!line.empty() && line[0] == '\x1e') line.erase(0, 1);
      nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (!record.is_object()) continue;
      twist::LogEvent event = eventOf(record);
      say("log", event.text() + fieldsOf(event));
      if (const std::string* port = event.field("port"); port && onListening) {
        std::exchange(onListening, nullptr)(std::stoi(*port));
      }
    }
  }
  void errReceived(std::string_view data) override { say("stderr", std::string(data)); }
  void processEnded(twist::Failure reason) override {
    std::optional<int> code, signal;
    if (auto* done = reason.value<twist::ProcessDone>()) code = done->exitCode;
    if (auto* ended = reason.value<twist::ProcessTerminated>()) code = ended->exitCode, signal = ended->signal;
    char after[64] = "";
    if (stopSentAt >= 0) std::snprintf(after, sizeof after, ", %.3f s after SIGTERM", now() - stopSentAt);
    say("demo", (code ? "chat_service exited with status " + std::to_string(*code)
                      : "chat_service was killed by signal " + std::to_string(signal.value_or(0))) + after);
    say("demo", std::string("its pidfile is ") + (std::filesystem::exists(pidfile) ? "still there" : "gone"));
    status = code.value_or(128);
    ended = true;
    if (onEnded) onEnded();
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc == 2 && std::string(argv[1]) == "--quick";
  if (argc > 2 || (argc == 2 && !quick)) {
    std::fprintf(stderr, "usage: graceful_stop [--quick]\n");
    return 2;
  }
  // chat_service is built beside this program, wherever that is.
  const std::filesystem::path self = std::filesystem::exists("/proc/self/exe")
                                         ? std::filesystem::canonical("/proc/self/exe")
                                         : std::filesystem::absolute(argv[0]);
  const std::string service = (self.parent_path() / "chat_service").string();
  if (::access(service.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "graceful_stop: %s is missing: build it with `cmake --build build --target chat_service`\n",
                 service.c_str());
    return 1;
  }
  char dirTemplate[] = "/tmp/graceful_stop-XXXXXX";
  if (::mkdtemp(dirTemplate) == nullptr) return 1;
  const std::string dir = dirTemplate;

  twist::Reactor reactor;
  ServiceWatcher watcher;
  watcher.reactor = &reactor;
  watcher.pidfile = dir + "/chat.pid";
  ClientFactory clients;
  say("demo", "starting: chat_service --listen tcp:0:interface=127.0.0.1 --pidfile " + watcher.pidfile +
                  " --logfile - --log-format json");
  twist::IProcessTransport& child =
      reactor.spawnProcess(watcher, {service, "--listen", "tcp:0:interface=127.0.0.1", "--pidfile", watcher.pidfile,
                                     "--logfile", "-", "--log-format", "json"});
  const int pid = child.pid();
  int port = 0;

  // The script: client 1 joins, then client 2; client 1 speaks; once client 2
  // has heard it, a pause, then SIGTERM with both in the room.
  clients.onLine = [&](Client& client, std::string_view line) {
    if (line == "* server shutting down") {
      ++clients.toldGoodbye;
    } else if (client.name == "client 1" && line.starts_with("* welcome")) {
      twist::connectTCP(reactor, "127.0.0.1", port, clients);
    } else if (client.name == "client 1" && line.ends_with(" joined")) {
      say("demo", "client 1 sends: anyone there?");
      client.sendLine("anyone there?");
    } else if (client.name == "client 2" && line.starts_with("<")) {
      reactor.callLater(quick ? 0.1 : 1.0, [&] {
        say("demo", "SIGTERM to chat_service (pid " + std::to_string(pid) + "), two clients connected");
        watcher.stopSentAt = now();
        if (watcher.transport) watcher.transport->signalProcess(SIGTERM);
      });
    }
  };
  watcher.onListening = [&](int listening) {
    port = listening;
    std::ifstream pidfile(watcher.pidfile);
    std::string held = "nothing";
    pidfile >> held;
    say("demo", "the pidfile holds " + held + ", chat_service's pid is " + std::to_string(pid) +
                    "; client 1 connects to port " + std::to_string(port));
    twist::connectTCP(reactor, "127.0.0.1", port, clients);
  };
  // The end: the service has exited and every client has seen its connection close.
  auto finishWhenDone = [&] {
    if (watcher.ended && clients.closed == clients.made) reactor.stop();
  };
  watcher.onEnded = finishWhenDone;
  clients.onClosed = finishWhenDone;
  reactor.callLater(15, [&] {  // a watchdog: the demo never hangs
    say("demo", "no end after 15 s: killing chat_service");
    if (watcher.transport) watcher.transport->signalProcess(SIGKILL);
  });
  reactor.run();
  std::filesystem::remove_all(dir);
  if (watcher.status == 0 && clients.toldGoodbye != 2) {
    say("demo", std::to_string(clients.toldGoodbye) + " of the 2 clients were told goodbye: not a graceful stop");
    return 1;
  }
  return watcher.status;
}
