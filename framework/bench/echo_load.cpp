// echo_load — the load generator of echo_compare.sh: ping-pong against an
// echo server on 127.0.0.1, or a crowd of idle connections for measuring a
// server's memory per connection. Plain epoll, one thread, no framework, so
// that the client costs the same whichever server it measures.
//
//   build/bin/echo_load --port P [--connections N] [--size BYTES] [--seconds S]
//   build/bin/echo_load --port P --idle N [--seconds S]
//
// Ping-pong: each of N connections sends SIZE bytes, waits until all SIZE have
// come back, and sends again, for S seconds. It prints one JSON line:
//   {"mode": "pingpong", "connections": N, "size": SIZE, "seconds": ...,
//    "round_trips": ..., "round_trips_per_s": ..., "mb_per_s": ...,
//    "p50_us": ..., "p99_us": ...}
// mb_per_s counts the echoed bytes once (10^6 bytes a second, one way);
// p50_us / p99_us are per round trip (send to last byte back), from all samples sorted.
//
// Idle: opens N connections one after another; each sends one byte and waits
// for its echo, so the server has surely accepted it and made its protocol.
// Then it prints {"mode": "idle", "connections": N, "ready": true} and holds
// them, silent, for S seconds or until SIGINT / SIGTERM.
//
// Exit status 1 when a connection fails or the server stops answering (every
// blocking step is bounded by a 10 s timeout), 2 for a usage error.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int connections = 1;
  int size = 64;
  double seconds = 3;
  int idle = 0;  // > 0: idle mode with this many connections
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "echo_load: %s\n", what.c_str());
  std::exit(1);
}

[[noreturn]] void dieErrno(const std::string& what) { die(what + ": " + std::strerror(errno)); }

[[noreturn]] void usage(const char* argv0, const char* problem) {
  if (problem) std::fprintf(stderr, "echo_load: %s\n", problem);
  std::fprintf(stderr,
               "usage: %s --port P [--connections N] [--size BYTES] [--seconds S]\n"
               "       %s --port P --idle N [--seconds S]\n",
               argv0, argv0);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") usage(argv[0], nullptr);
    if (i + 1 >= argc) usage(argv[0], (arg + " needs a value").c_str());
    const char* value = argv[++i];
    if (arg == "--port")
      options.port = std::atoi(value);
    else if (arg == "--connections")
      options.connections = std::atoi(value);
    else if (arg == "--size")
      options.size = std::atoi(value);
    else if (arg == "--seconds")
      options.seconds = std::atof(value);
    else if (arg == "--idle")
      options.idle = std::atoi(value);
    else
      usage(argv[0], ("unknown option " + arg).c_str());
  }
  if (options.port <= 0 || options.port > 65535) usage(argv[0], "--port must be 1-65535");
  if (options.connections <= 0 || options.size <= 0 || options.seconds <= 0 || options.idle < 0)
    usage(argv[0], "--connections, --size and --seconds must be positive");
  return options;
}

// More descriptors than the default 1024, for --idle 1000 and beyond.
void raiseFileLimit(int wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= static_cast<rlim_t>(wanted)) return;
  limit.rlim_cur = std::min(limit.rlim_max, static_cast<rlim_t>(wanted));
  setrlimit(RLIMIT_NOFILE, &limit);
}

// A blocking connection to 127.0.0.1:port, with TCP_NODELAY (the client must
// not add Nagle delays of its own) and 10 s send/receive timeouts.
int connectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) dieErrno("socket");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    dieErrno("connect to 127.0.0.1:" + std::to_string(port));
  return fd;
}

// ---- idle ----------------------------------------------------------------------

volatile sig_atomic_t stopRequested = 0;
void onStopSignal(int) { stopRequested = 1; }

int runIdle(const Options& options) {
  raiseFileLimit(options.idle + 64);
  std::vector<int> fds;
  fds.reserve(static_cast<std::size_t>(options.idle));
  for (int i = 0; i < options.idle; ++i) {
    int fd = connectTo(options.port);
    char byte = 'x';
    if (write(fd, &byte, 1) != 1) dieErrno("idle connection " + std::to_string(i) + ": write");
    ssize_t got = read(fd, &byte, 1);
    if (got != 1) {
      if (got == 0) die("idle connection " + std::to_string(i) + ": the server closed it");
      dieErrno("idle connection " + std::to_string(i) + ": read (no echo)");
    }
    fds.push_back(fd);
  }
  std::printf("{\"mode\": \"idle\", \"connections\": %d, \"ready\": true}\n", options.idle);
  std::fflush(stdout);

  struct sigaction action{};
  action.sa_handler = onStopSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  auto deadline = SteadyClock::now() + std::chrono::duration<double>(options.seconds);
  while (!stopRequested && SteadyClock::now() < deadline) poll(nullptr, 0, 100);
  for (int fd : fds) close(fd);
  return 0;
}

// ---- ping-pong -------------------------------------------------------------------

struct Connection {
  int fd = -1;
  std::size_t sent = 0;      // of the current message
  std::size_t received = 0;  // of its echo
  bool wantWrite = false;    // EPOLLOUT registered: the kernel took only part
  SteadyClock::time_point started;
};

int runPingPong(const Options& options) {
  raiseFileLimit(options.connections + 64);
  const std::size_t size = static_cast<std::size_t>(options.size);
  std::string message(size, 'x');
  for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<char>('a' + i % 26);
  std::vector<char> readBuffer(std::max<std::size_t>(size, 64 * 1024));

  int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) dieErrno("epoll_create1");
  std::vector<Connection> connections(static_cast<std::size_t>(options.connections));
  for (std::size_t i = 0; i < connections.size(); ++i) {
    Connection& c = connections[i];
    c.fd = connectTo(options.port);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event) != 0) dieErrno("epoll_ctl");
  }

  std::vector<double> samples;  // microseconds a round trip
  samples.reserve(1 << 20);
  auto setWriteInterest = [&](std::size_t i, bool on) {
    Connection& c = connections[i];
    if (c.wantWrite == on) return;
    c.wantWrite = on;
    epoll_event event{};
    event.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    event.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
  };
  // Sends what is left of the current message; EPOLLOUT only when the kernel is full.
  auto push = [&](std::size_t i) {
    Connection& c = connections[i];
    while (c.sent < size) {
      ssize_t n = write(c.fd, message.data() + c.sent, size - c.sent);
      if (n > 0) {
        c.sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EAGAIN) {
        setWriteInterest(i, true);
        return;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        dieErrno("connection " + std::to_string(i) + ": write");
      }
    }
    setWriteInterest(i, false);
  };
  auto begin = [&](std::size_t i) {
    Connection& c = connections[i];
    c.sent = c.received = 0;
    c.started = SteadyClock::now();
    push(i);
  };

  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::duration<double>(options.seconds);
  for (std::size_t i = 0; i < connections.size(); ++i) begin(i);
  auto lastProgress = start;
  std::vector<epoll_event> events(256);
  auto now = start;
  while (now < deadline) {
    int timeoutMs = static_cast<int>(std::chrono::duration<double, std::milli>(deadline - now).count()) + 1;
    int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), timeoutMs);
    if (ready < 0 && errno != EINTR) dieErrno("epoll_wait");
    now = SteadyClock::now();
    for (int e = 0; e < ready; ++e) {
      std::size_t i = events[static_cast<std::size_t>(e)].data.u64;
      Connection& c = connections[i];
      uint32_t what = events[static_cast<std::size_t>(e)].events;
      if (what & EPOLLOUT) push(i);
      if (!(what & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
      ssize_t n = read(c.fd, readBuffer.data(), readBuffer.size());
      if (n == 0) die("connection " + std::to_string(i) + ": the server closed it");
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        dieErrno("connection " + std::to_string(i) + ": read");
      }
      c.received += static_cast<std::size_t>(n);
      if (c.received > size) die("connection " + std::to_string(i) + ": more bytes came back than were sent");
      if (c.received == size) {
        samples.push_back(std::chrono::duration<double, std::micro>(now - c.started).count());
        lastProgress = now;
        if (now < deadline) begin(i);
      }
    }
    if (now - lastProgress > std::chrono::seconds(10)) die("no echo for 10 s: the server stopped answering");
  }
  const double elapsed = std::chrono::duration<double>(now - start).count();
  for (Connection& c : connections) close(c.fd);
  close(epoll);
  if (samples.empty()) die("no round trip completed in " + std::to_string(options.seconds) + " s");

  auto percentile = [&](double p) {
    auto at = samples.begin() + static_cast<std::ptrdiff_t>(p * static_cast<double>(samples.size() - 1));
    std::nth_element(samples.begin(), at, samples.end());
    return *at;
  };
  const double roundTrips = static_cast<double>(samples.size());
  const double p50 = percentile(0.50);
  const double p99 = percentile(0.99);
  std::printf(
      "{\"mode\": \"pingpong\", \"connections\": %d, \"size\": %d, \"seconds\": %.3f, \"round_trips\": %.0f, "
      "\"round_trips_per_s\": %.0f, \"mb_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f}\n",
      options.connections, options.size, elapsed, roundTrips, roundTrips / elapsed,
      roundTrips * static_cast<double>(size) / elapsed / 1e6, p50, p99);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a server that goes away is an error message, not a silent death
  Options options = parse(argc, argv);
  return options.idle > 0 ? runIdle(options) : runPingPong(options);
}
