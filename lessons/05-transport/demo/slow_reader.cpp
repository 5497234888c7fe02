// slow_reader — lesson 05's demo: the unbounded buffer, then back-pressure.
//
//   build/bin/slow_reader            # two runs of up to 8 s each
//   build/bin/slow_reader --quick    # 1 s each (ctest's smoke run)
//
// Two runs of the same experiment. A child process runs a twist echo server
// on 127.0.0.1 (port 0); this process connects as a client that sends as fast
// as it can and never reads the echo. One line, updated live, shows what the
// client has sent and the server's resident memory (VmRSS from /proc).
//   1. "no back-pressure": the echo protocol only writes. Every echoed byte
//      the client does not read waits in the server's write buffer.
//   2. "registerProducer": the echo protocol registers its transport as its
//      own streaming producer (as framework/examples/echo_server.cpp does):
//      reading pauses while the write buffer is over 64 KiB, the kernel's
//      buffers fill, and the client's send() blocks. The server stays flat.
// A run stops after its time, or once the server has grown by 256 MiB
// (32 MiB in quick mode). The children are stopped by their pid.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

namespace {

struct Echo : twist::Protocol {
  explicit Echo(bool bounded) : bounded(bounded) {}
  bool bounded;
  void connectionMade() override {
    if (!bounded) return;
    if (auto* reading = dynamic_cast<twist::IProducer*>(transport)) transport->registerProducer(*reading, true);
  }
  void dataReceived(std::string_view data) override { transport->write(data); }
};

// The server process: listens, writes its port to `out`, runs until SIGTERM.
[[noreturn]] void serve(bool bounded, int out) {
  // twist's log lines (port opened, SIGTERM) would break the live line; a
  // server that cannot listen still shows, as the parent reads no port.
  if (!std::freopen("/dev/null", "w", stderr)) _exit(1);
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<Echo>(bounded);
  auto port = twist::listenTCP(reactor, 0, *factory, 50, "127.0.0.1");
  int number = port->getHost().port;
  if (write(out, &number, sizeof number) != sizeof number) _exit(1);
  close(out);
  reactor.run();  // SIGTERM stops it
  _exit(0);
}

long rssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// One run; returns false when something failed.
bool run(const char* title, bool bounded, double seconds, long capMiB) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return false;
  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    close(pipefd[0]);
    serve(bounded, pipefd[1]);
  }
  close(pipefd[1]);
  int port = 0;
  bool ok = read(pipefd[0], &port, sizeof port) == sizeof port;
  close(pipefd[0]);

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ok = ok && fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;

  const long startKiB = rssKiB(child);
  long peakKiB = startKiB;
  double sentMiB = 0;
  const std::string block(64 * 1024, 'x');
  const auto start = std::chrono::steady_clock::now();
  auto lastShown = start - std::chrono::seconds(1);
  while (ok) {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    long grownMiB = (rssKiB(child) - startKiB) / 1024;
    peakKiB = std::max(peakKiB, rssKiB(child));
    if (now - lastShown >= std::chrono::milliseconds(100)) {
      std::printf("\r  %-17s %5.1f s  client sent %6.0f MiB, never read   server memory %6ld MiB (+%ld)   ",
                  title, elapsed, sentMiB, rssKiB(child) / 1024, grownMiB);
      std::fflush(stdout);
      lastShown = now;
    }
    if (elapsed >= seconds || grownMiB >= capMiB) break;
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 20) > 0) {
      ssize_t n = send(fd, block.data(), block.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sentMiB += static_cast<double>(n) / (1024 * 1024);
    }
  }
  std::printf("\n  %-17s server grew by %ld MiB for %.0f MiB sent\n", "", (peakKiB - startKiB) / 1024, sentMiB);
  if (fd >= 0) close(fd);
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc == 2 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 2 || (argc == 2 && !quick)) {
    std::fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
    return 2;
  }
  const double seconds = quick ? 1.0 : 8.0;
  const long capMiB = quick ? 32 : 256;
  std::printf("An echo server and a client that sends but never reads (127.0.0.1, at most %.0f s or +%ld MiB each)\n",
              seconds, capMiB);
  bool ok = run("no back-pressure", false, seconds, capMiB);
  ok = run("registerProducer", true, seconds, capMiB) && ok;
  return ok ? 0 : 1;
}
