// paradigms — lesson 00's live demo: one server, many slow clients, three ways.
//
// The same N clients connect at once to a server on 127.0.0.1 and each sends
// one request; every request needs DELAY seconds of waiting (a database or a
// slow backend, played by a sleep or a timer) before its reply. The server is
// written three ways and each runs in a fresh process of its own:
//   blocking loop      accept, read, wait, reply, close; then the next client
//   thread per client  accept, and hand the client to a new std::thread
//   twist event loop   one thread; the wait is a callLater, not a sleep
// Predict the ranking before you run it: total time, threads, memory.
//
//   build/bin/paradigms                       # 20 clients, 0.1 s each
//   build/bin/paradigms --clients 50 --delay 0.2
//   build/bin/paradigms --quick               # 5 clients, 0.02 s (ctest's smoke run)
//
// How each figure is measured (the output says so too):
//   time     by the clients' side (this process), from the first connect to
//            the last reply, with std::chrono::steady_clock
//   threads  the most the server process had at once: /proc/self/status
//            "Threads:", read by the server as each request arrives
//   memory   the server process's peak resident memory (VmHWM) and peak
//            virtual memory (VmPeak), from /proc/self/status as it ends.
//            Each server is a fresh process (this program run again with
//            --serve), so each figure belongs to one way only.
// Everything is bounded: a server that is late is killed (SIGKILL, by its
// pid) and dies with this program (PR_SET_PDEATHSIG); nothing is left behind.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "twist/logger.hpp"
#include "twist/reactor.hpp"

namespace {

constexpr int kMaxClients = 200;
constexpr double kMaxDelay = 1.0;
constexpr const char* kModes[] = {"blocking", "threads", "loop"};
constexpr const char* kLabels[] = {"blocking loop", "thread per client", "twist event loop"};

// ---- the server side: one of the three ways, in its own process ----------

// A field of /proc/self/status ("Threads", "VmHWM", "VmPeak"): its number.
long procStatus(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line))
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  return -1;
}

std::atomic<long> peakThreads{0};

void sampleThreads() {
  long now = procStatus("Threads");
  long seen = peakThreads.load();
  while (now > seen && !peakThreads.compare_exchange_weak(seen, now)) {
  }
}

// Reads up to the request's newline (or EOF), blocking.
void readRequest(int fd) {
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') {
  }
}

void waitAndReply(int fd, double delay) {
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));  // the slow part: nothing else runs here
  const char reply[] = "done\n";
  (void)!write(fd, reply, sizeof reply - 1);
  close(fd);
}

int listenLoopback(int backlog, int& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // any free port
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("paradigms: listen on 127.0.0.1");
    std::exit(1);
  }
  port = ntohs(addr.sin_port);
  return fd;
}

void announce(int port) {
  std::printf("PORT %d\n", port);
  std::fflush(stdout);
}

void serveBlocking(int clients, double delay) {
  int port = 0;
  int listener = listenLoopback(clients + 16, port);
  announce(port);
  for (int i = 0; i < clients; ++i) {  // one client at a time, start to finish
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) std::exit(1);
    readRequest(fd);
    sampleThreads();
    waitAndReply(fd, delay);
  }
  close(listener);
}

void serveThreads(int clients, double delay) {
  int port = 0;
  int listener = listenLoopback(clients + 16, port);
  announce(port);
  std::vector<std::thread> workers;
  for (int i = 0; i < clients; ++i) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) std::exit(1);
    workers.emplace_back([fd, delay] {  // each client waits in a thread of its own
      readRequest(fd);
      sampleThreads();
      waitAndReply(fd, delay);
    });
  }
  for (auto& worker : workers) worker.join();
  close(listener);
}

// The event loop's way: one thread, and the wait is a timer, not a sleep.
struct SlowReply : twist::Protocol {
  SlowReply(twist::Reactor& reactor, double delay, int& served, int clients)
      : reactor_(reactor), delay_(delay), served_(served), clients_(clients) {}
  void dataReceived(std::string_view data) override {
    if (data.find('\n') == std::string_view::npos || reply_.active()) return;
    sampleThreads();
    reply_ = reactor_.callLater(delay_, [this] {  // returns at once: the loop serves the others meanwhile
      transport->write("done\n");
      transport->loseConnection();
    });
  }
  void connectionLost(twist::Failure) override {
    if (reply_.active()) reply_.cancel();
    if (++served_ == clients_) reactor_.stop();
  }
  twist::Reactor& reactor_;
  double delay_;
  int& served_;
  int clients_;
  twist::DelayedCall reply_;
};

void serveLoop(int clients, double delay) {
  // twist logs its ports opening and closing (info): the demo keeps only warnings and worse.
  twist::globalLogPublisher().addObserver([](const twist::LogEvent& event) {
    if (event.level >= twist::LogLevel::warn) std::fprintf(stderr, "%s", twist::formatEventAsText(event).c_str());
  });
  twist::Reactor reactor;
  int served = 0;
  auto factory = twist::Factory::forProtocol<SlowReply>(std::ref(reactor), delay, std::ref(served), clients);
  auto port = reactor.listenTCP(0, *factory, clients + 16, "127.0.0.1");
  announce(port->getHost().port);
  reactor.run();
}

int serve(const std::string& mode, int clients, double delay) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);                                   // dies with the demo
  alarm(static_cast<unsigned>(clients * delay) + 30);                 // and never outlives its bound
  if (mode == "blocking")
    serveBlocking(clients, delay);
  else if (mode == "threads")
    serveThreads(clients, delay);
  else
    serveLoop(clients, delay);
  std::printf("STATS %ld %ld %ld\n", peakThreads.load(), procStatus("VmHWM"), procStatus("VmPeak"));
  std::fflush(stdout);
  return 0;
}

// ---- the clients' side: N clients at once, in this process, with poll ----

struct Result {
  double seconds = 0;
  long threads = 0;
  long hwmKiB = 0;
  long peakKiB = 0;
};

// Reads one line from fd within `timeoutMs`; empty on timeout or EOF.
std::string readLine(int fd, int timeoutMs) {
  std::string line;
  char c;
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, timeoutMs) == 1 && read(fd, &c, 1) == 1) {
    if (c == '\n') return line;
    line += c;
  }
  return "";
}

// Runs the clients against 127.0.0.1:port; the seconds until the last reply,
// or nothing when they did not all get one before the deadline.
std::optional<double> runClients(int port, int clients, double deadlineSeconds) {
  struct Client {
    int fd = -1;
    bool sent = false;
    bool done = false;
  };
  std::vector<Client> all(clients);
  const auto start = std::chrono::steady_clock::now();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  for (auto& c : all) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) c.done = true;
  }
  int left = clients;
  std::optional<double> result;
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Client*> owners;
    for (auto& c : all)
      if (!c.done) {
        fds.push_back({c.fd, static_cast<short>(c.sent ? POLLIN : POLLOUT), 0});
        owners.push_back(&c);
      }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (fds.empty() || elapsed > deadlineSeconds) break;
    if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      Client& c = *owners[i];
      if (!fds[i].revents) continue;
      if (!c.sent) {
        c.sent = write(c.fd, "request\n", 8) == 8;
        if (!c.sent) c.done = true;
        continue;
      }
      char buffer[64];
      ssize_t n = read(c.fd, buffer, sizeof buffer);
      if (n > 0 && std::memchr(buffer, '\n', static_cast<std::size_t>(n))) {
        c.done = true;
        if (--left == 0)
          result = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      } else if (n == 0 || (n < 0 && errno != EAGAIN)) {
        c.done = true;  // closed without a reply: counted as not served
      }
    }
  }
  for (auto& c : all) close(c.fd);
  return left == 0 ? result : std::nullopt;
}

// Starts this program again as one way's server, runs the clients against
// it, and collects its figures. The server is always reaped, killed if late.
std::optional<Result> measure(const char* mode, int clients, double delay) {
  int out[2];
  if (pipe(out) != 0) return std::nullopt;
  const std::string n = std::to_string(clients), d = std::to_string(delay);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl("/proc/self/exe", "paradigms", "--serve", mode, "--clients", n.c_str(), "--delay", d.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::optional<Result> result;
  const std::string portLine = readLine(out[0], 5000);
  if (portLine.rfind("PORT ", 0) == 0) {
    const double bound = clients * delay * 1.5 + 10;
    if (auto seconds = runClients(std::atoi(portLine.c_str() + 5), clients, bound)) {
      Result r;
      r.seconds = *seconds;
      if (std::sscanf(readLine(out[0], 5000).c_str(), "STATS %ld %ld %ld", &r.threads, &r.hwmKiB, &r.peakKiB) == 3)
        result = r;
    }
  }
  close(out[0]);
  if (!result) kill(pid, SIGKILL);  // late or broken: it stops now, by its pid
  int status = 0;
  waitpid(pid, &status, 0);
  if (!result) std::fprintf(stderr, "paradigms: the %s server did not serve every client in time\n", mode);
  return result;
}

// ---- the report: a table and the same figures as bars --------------------

struct Style {
  bool colour;
  const char* on(int way) const {
    static const char* colours[] = {"\033[31m", "\033[33m", "\033[32m"};
    return colour ? colours[way] : "";
  }
  const char* off() const { return colour ? "\033[0m" : ""; }
};

void chart(const char* title, const double (&values)[3], int decimals, const char* unit, const Style& style) {
  std::printf("\n%s\n", title);
  const double top = std::max({values[0], values[1], values[2]});
  constexpr int kWidth = 40;
  for (int way = 0; way < 3; ++way) {
    int width = top > 0 ? static_cast<int>(std::lround(values[way] / top * kWidth)) : 0;
    width = std::max(width, 1);
    std::printf("  %-17s %s%s%s %.*f%s%s\n", kLabels[way], style.on(way), std::string(width, '#').c_str(), style.off(),
                decimals, values[way], *unit ? " " : "", unit);
  }
}

int usage(const char* problem) {
  std::fprintf(stderr,
               "paradigms: %s\n"
               "usage: paradigms [--clients N (1-%d, default 20)] [--delay SECONDS (0.001-%g, default 0.1)]\n"
               "       paradigms --quick        (5 clients, 0.02 s: a quick run for the tests)\n",
               problem, kMaxClients, kMaxDelay);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 20;
  double delay = 0.1;
  std::string serveMode;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--quick") {
      clients = 5;
      delay = 0.02;
    } else if (arg == "--clients" && hasValue) {
      clients = std::atoi(argv[++i]);
    } else if (arg == "--delay" && hasValue) {
      delay = std::strtod(argv[++i], nullptr);
    } else if (arg == "--serve" && hasValue) {
      serveMode = argv[++i];
    } else {
      return usage(("unknown or incomplete option '" + arg + "'").c_str());
    }
  }
  if (clients < 1 || clients > kMaxClients) return usage("--clients must be between 1 and 200");
  if (!(delay >= 0.001 && delay <= kMaxDelay)) return usage("--delay must be between 0.001 and 1 second");
  if (!serveMode.empty()) {
    if (std::find(std::begin(kModes), std::end(kModes), serveMode) == std::end(kModes))
      return usage("--serve takes blocking, threads or loop");
    return serve(serveMode, clients, delay);
  }

  std::printf("%d clients at once, each needs %g s of waiting; every way runs in a fresh server process.\n", clients,
              delay);
  std::fflush(stdout);
  Result results[3];
  for (int way = 0; way < 3; ++way) {
    auto result = measure(kModes[way], clients, delay);
    if (!result) return 1;
    results[way] = *result;
  }

  std::printf("\n  %-17s %10s %8s %14s %14s\n", "server", "time", "threads", "peak resident", "peak virtual");
  for (int way = 0; way < 3; ++way)
    std::printf("  %-17s %8.3f s %8ld %10.1f MiB %10.1f MiB\n", kLabels[way], results[way].seconds,
                results[way].threads, results[way].hwmKiB / 1024.0, results[way].peakKiB / 1024.0);

  const Style style{isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR")};
  double seconds[3], threads[3], resident[3], virt[3];
  for (int way = 0; way < 3; ++way) {
    seconds[way] = results[way].seconds;
    threads[way] = static_cast<double>(results[way].threads);
    resident[way] = results[way].hwmKiB / 1024.0;
    virt[way] = results[way].peakKiB / 1024.0;
  }
  chart("total time (the clients' view: first connect to last reply)", seconds, 3, "s", style);
  chart("threads (the most the server had at once, /proc/self/status)", threads, 0, "", style);
  chart("peak resident memory (the server's VmHWM: pages it touched)", resident, 1, "MiB", style);
  chart("peak virtual memory (the server's VmPeak: address space reserved: thread stacks, per-thread malloc arenas)", virt, 1, "MiB",
        style);
  std::printf("\nMemory includes the program itself (a few MiB). A sleeping thread touches little of its stack, and\n"
              "the kernel memory it costs is not in VmHWM: resident memory grows slowly here, reserved memory fast.\n");
  std::fflush(stdout);
  return 0;
}
