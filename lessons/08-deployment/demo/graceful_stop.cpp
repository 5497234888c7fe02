// graceful_stop — lesson 08's live demo: a service stopped with SIGTERM while
// a client's request is in flight. The request is finished, the client told,
// the connection closed, the pidfile removed, and the exit status is 0.
//
//   build/bin/graceful_stop            (./twistlings demo 08)
//   build/bin/graceful_stop --quick    the same, shorter (ctest's smoke run)
//   build/bin/graceful_stop --twice    a second SIGTERM before the stop is done
//
// It runs itself twice: as the demo (this process: a client, a watchdog,
// the narrator) and, as a child, as the service ("graceful_stop serve" plus
// the launcher's options: twist::runService). The service is a job server:
// a client sends "job", the server answers "job started" and, a while later,
// "job done". Its stopService stops listening, waits for the jobs in flight,
// then says bye to each client and closes it: a restart never cuts a job.
// Both sides are twist: the demo spawns the service (spawnProcess), reads its
// JSON log from the pipe, connects (connectTCP) and signals it.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "twist/application.hpp"
#include "twist/basic.hpp"
#include "twist/launcher.hpp"
#include "twist/process.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

namespace {

// ---- the service (the child) -------------------------------------------------

class Jobs;

// One client: "job" starts one, answered "job done" jobSeconds later.
struct Worker : twist::LineReceiver {
  Jobs& jobs() const;
  void connectionMade() override;
  void lineReceived(std::string_view line) override;
  void connectionLost(twist::Failure reason) override;
  twist::DelayedCall job;  // the job in flight, if any
};

class Jobs : public twist::Factory {
 public:
  Jobs(twist::Reactor& reactor, double jobSeconds) : reactor(reactor), jobSeconds(jobSeconds) {
    protocol = [] { return std::make_unique<Worker>(); };
  }
  // Fires once no job is in flight / no client is connected.
  twist::Deferred<void> whenIdle() { return wait(idleWaiters_, busy() == 0); }
  twist::Deferred<void> whenGone() { return wait(goneWaiters_, workers.empty()); }
  // A job ended or a client left: wake whoever waits for that.
  void changed() {
    if (busy() == 0) fire(idleWaiters_);
    if (workers.empty()) fire(goneWaiters_);
  }

  twist::Reactor& reactor;
  double jobSeconds;
  std::set<Worker*> workers;
  twist::Logger log{"jobs"};

 private:
  std::size_t busy() const {
    std::size_t n = 0;
    for (Worker* w : workers) n += w->job.active() ? 1 : 0;
    return n;
  }
  static twist::Deferred<void> wait(std::vector<twist::Deferred<void>>& waiters, bool already) {
    if (already) return twist::succeed();
    waiters.emplace_back();
    return waiters.back();
  }
  static void fire(std::vector<twist::Deferred<void>>& waiters) {
    std::vector<twist::Deferred<void>> now = std::move(waiters);
    waiters.clear();
    for (twist::Deferred<void>& d : now) d.callback();
  }
  std::vector<twist::Deferred<void>> idleWaiters_, goneWaiters_;
};

Jobs& Worker::jobs() const { return static_cast<Jobs&>(*factory); }

void Worker::connectionMade() {
  jobs().workers.insert(this);
  sendLine("hello: send \"job\" to start one");
}

void Worker::lineReceived(std::string_view line) {
  if (line != "job" || job.active()) return sendLine("one job at a time, please");
  sendLine("job started");
  jobs().log.info("job started", {{"event", "job-started"}});
  job = jobs().reactor.callLater(jobs().jobSeconds, [this] {
    sendLine("job done");
    jobs().log.info("job done", {{"event", "job-done"}});
    jobs().changed();
  });
}

void Worker::connectionLost(twist::Failure) {
  if (job.active()) job.cancel();  // the client went: its job with it
  jobs().workers.erase(this);
  jobs().changed();
}

// Listening while it runs; a stop finishes the jobs in flight, then closes.
class JobService : public twist::MultiService {
 public:
  JobService(twist::Reactor& reactor, const twist::LaunchOptions& options, Jobs& jobs) : jobs_(jobs) {
    for (const std::string& endpoint : options.listen) own(twist::strportsService(reactor, endpoint, jobs));
  }
  twist::Deferred<void> stopService() override {
    jobs_.log.info("stopping: no new clients, waiting for the jobs in flight", {{"event", "stopping"}});
    return MultiService::stopService()
        .addCallback([this] { return jobs_.whenIdle(); })
        .addCallback([this] {
          for (Worker* w : std::set(jobs_.workers)) {
            w->sendLine("bye: the service is stopping");
            w->transport->loseConnection();
          }
          return jobs_.whenGone();
        });
  }

 private:
  Jobs& jobs_;
};

int serve(int argc, char** argv) {
  std::unique_ptr<Jobs> jobs;
  return twist::runService(argc, argv, {"jobs", "a job server that finishes its jobs before it stops", {"tcp:0"}},
                           [&jobs](twist::Reactor& reactor, const twist::LaunchOptions& options) {
                             const char* seconds = std::getenv("GRACEFUL_STOP_JOB_SECONDS");
                             jobs = std::make_unique<Jobs>(reactor, seconds ? std::atof(seconds) : 1.5);
                             return std::make_unique<JobService>(reactor, options, *jobs);
                           });
}

// ---- the demo (this process) ------------------------------------------------

double now() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void say(const char* who, const std::string& what) { std::printf("%6.2f s  %-8s| %s\n", now(), who, what.c_str()); }

// A log record's text: its log_format with each {field} filled in.
std::string recordText(const nlohmann::json& record) {
  std::string format = record.value("log_format", std::string()), out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    std::size_t close = format.find('}', i);
    if (format[i] == '{' && close != std::string::npos) {
      auto field = record.find(format.substr(i + 1, close - i - 1));
      out += field == record.end() ? "?" : field->is_string() ? field->get<std::string>() : field->dump();
      i = close;
    } else {
      out += format[i];
    }
  }
  return out;
}

struct Client : twist::LineReceiver {
  std::function<void()> onJobStarted;
  void connectionMade() override {
    say("client", "connected, sends: job");
    sendLine("job");
  }
  void lineReceived(std::string_view line) override {
    say("client", "got: " + std::string(line));
    if (line == "job started" && onJobStarted) onJobStarted();
  }
  void connectionLost(twist::Failure) override { say("client", "connection closed by the service"); }
};

struct ClientFactory : twist::ClientFactory {
  std::function<void()> onJobStarted;
  ClientFactory() {
    protocol = [this] {
      auto client = std::make_unique<Client>();
      client->onJobStarted = onJobStarted;
      return client;
    };
  }
};

struct ServiceWatcher : twist::ProcessProtocol {
  twist::Reactor* reactor = nullptr;
  std::function<void(int port)> onListening;
  std::string pidfile, pending;
  double stopSentAt = -1;
  int status = 1;

  void outReceived(std::string_view data) override {  // its log: --logfile - --log-format json
    pending += data;
    for (std::size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1)) {
      std::string line = pending.substr(0, end);
      if (!line.empty() && line[0] == '\x1e') line.erase(0, 1);
      nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (!record.is_object()) continue;
      say("log", recordText(record));
      if (record.contains("port") && onListening) {
        std::exchange(onListening, nullptr)(std::stoi(record["port"].get<std::string>()));
      }
    }
  }
  void errReceived(std::string_view data) override { say("stderr", std::string(data)); }
  void processEnded(twist::Failure reason) override {
    std::optional<int> code, signal;
    if (auto* done = reason.value<twist::ProcessDone>()) code = done->exitCode;
    if (auto* ended = reason.value<twist::ProcessTerminated>()) code = ended->exitCode, signal = ended->signal;
    char after[64] = "";
    if (stopSentAt >= 0) std::snprintf(after, sizeof after, ", %.2f s after the first SIGTERM", now() - stopSentAt);
    say("demo", (code ? "the service exited with status " + std::to_string(*code)
                      : "the service was killed by signal " + std::to_string(signal.value_or(0))) + after);
    say("demo", std::string("its pidfile is ") + (std::filesystem::exists(pidfile) ? "still there" : "gone"));
    status = code.value_or(128);
    reactor->stop();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "serve") {
    argv[1] = argv[0];  // the launcher's options follow "serve"
    return serve(argc - 1, argv + 1);
  }
  bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  bool twice = argc > 1 && std::string(argv[1]) == "--twice";
  if (argc > 2 || (argc == 2 && !quick && !twice)) {
    std::fprintf(stderr, "usage: graceful_stop [--quick | --twice]\n");
    return 2;
  }
  char dirTemplate[] = "/tmp/graceful_stop-XXXXXX";
  if (::mkdtemp(dirTemplate) == nullptr) return 1;
  const std::string dir = dirTemplate;
  // The service is this program: its path, however it was started.
  const std::string self = std::filesystem::exists("/proc/self/exe")
                               ? std::filesystem::canonical("/proc/self/exe").string()
                               : std::filesystem::absolute(argv[0]).string();

  twist::Reactor reactor;
  ServiceWatcher service;
  service.reactor = &reactor;
  service.pidfile = dir + "/jobs.pid";
  ClientFactory clients;
  ::setenv("GRACEFUL_STOP_JOB_SECONDS", quick ? "0.3" : "1.5", 1);  // the child inherits it
  say("demo", "starting: graceful_stop serve --listen tcp:0:interface=127.0.0.1 --pidfile " + service.pidfile +
                  " --logfile - --log-format json");
  twist::IProcessTransport& child =
      reactor.spawnProcess(service,
                           {self, "serve", "--listen", "tcp:0:interface=127.0.0.1", "--pidfile", service.pidfile,
                            "--logfile", "-", "--log-format", "json"});
  int pid = child.pid();
  clients.onJobStarted = [&] {
    reactor.callLater(quick ? 0.1 : 0.5, [&] {
      say("demo", "SIGTERM to the service (pid " + std::to_string(pid) + "), the job still running");
      service.stopSentAt = now();
      if (service.transport) service.transport->signalProcess(SIGTERM);
      if (twice) {
        reactor.callLater(0.2, [&] {
          say("demo", "a second SIGTERM, before the stop is done");
          if (service.transport) service.transport->signalProcess(SIGTERM);
        });
      }
    });
  };
  service.onListening = [&](int port) {
    std::ifstream pidfile(service.pidfile);
    std::string held = "nothing";
    pidfile >> held;
    say("demo", "the pidfile holds " + held + ", the service's pid is " + std::to_string(pid) +
                    "; connecting to port " + std::to_string(port));
    twist::connectTCP(reactor, "127.0.0.1", port, clients);
  };
  reactor.callLater(15, [&] {  // a watchdog: the demo never hangs
    say("demo", "no end after 15 s: killing the service");
    if (service.transport) service.transport->signalProcess(SIGKILL);
  });
  reactor.run();
  std::filesystem::remove_all(dir);
  return twice ? (service.status == 128 + SIGTERM ? 0 : 1) : service.status;
}
