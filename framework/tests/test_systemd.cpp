// systemd.hpp and the "systemd:" endpoint (endpoints.hpp), without systemd:
// the tests do what systemd does. A socket-activated start is a child
// (twist_helper_systemd) given a listening socket this test opened on
// 127.0.0.1 port 0 as descriptor 3, with LISTEN_FDS and LISTEN_PID set;
// readiness is a unix datagram socket the test binds and reads. Each wait
// is bounded (poll with a deadline; the helper's alarm).
#include "twist/systemd.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/endpoints.hpp"
#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

extern char** environ;

namespace {

// The helper programs sit beside this test executable.
std::string helper(const std::string& name) {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / name).string();
}

// A listening TCP socket on 127.0.0.1, port 0 (what systemd would have opened); its port in `port`.
int listeningSocket(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{AF_INET, 0, {htonl(INADDR_LOOPBACK)}, {}};
  socklen_t length = sizeof address;
  REQUIRE((fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 && ::listen(fd, 8) == 0));
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  port = ntohs(address.sin_port);
  return fd;
}

// Reads fd until end-of-file, or when `line` until a newline (left out, and
// read a byte at a time so that nothing after it is taken); 10 s at most.
std::string readUntil(int fd, bool line) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    REQUIRE(left.count() > 0);
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    REQUIRE(ready > 0);
    char buf[4096];
    ssize_t n = ::read(fd, buf, line ? 1 : sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n >= 0);
    if (n == 0) {
      REQUIRE_FALSE(line);  // the child ended before the line came
      return out;
    }
    if (line && buf[0] == '\n') return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string readAll(int fd) { return readUntil(fd, false); }
std::string readLine(int fd) { return readUntil(fd, true); }

// twist_helper_systemd, started the way systemd starts a socket-activated
// service: sockets[i] as descriptor 3 + i, LISTEN_FDS=listenFds and
// LISTEN_PID the child's own pid (or listenPid when given).
struct Activated {
  pid_t pid = -1;
  int out = -1;  // the child's stdout

  Activated(const std::string& endpoint, const std::vector<int>& sockets, const std::string& listenFds,
            const char* listenPid = nullptr) {
    std::string program = helper("twist_helper_systemd");
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string entry(*e);
      if (entry.rfind("LISTEN_", 0) != 0 && entry.rfind("NOTIFY_SOCKET=", 0) != 0) env.push_back(entry);
    }
    env.push_back("LISTEN_FDS=" + listenFds);
    // The child's pid is known only after fork: the child writes it here.
    env.push_back(std::string("LISTEN_PID=") + (listenPid ? listenPid : "                    "));
    std::vector<char*> envp;
    for (std::string& entry : env) envp.push_back(entry.data());
    envp.push_back(nullptr);
    char* pidSlot = env.back().data() + std::strlen("LISTEN_PID=");
    std::vector<char*> argv = {program.data(), const_cast<char*>(endpoint.c_str()), nullptr};
    int pipeFds[2];
    REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {  // only async-signal-safe calls from here to execve
      ::dup2(pipeFds[1], 1);
      std::vector<int>::size_type i = 0;
      int high[16];
      for (i = 0; i < sockets.size() && i < 16; ++i) high[i] = ::fcntl(sockets[i], F_DUPFD_CLOEXEC, 64);
      for (i = 0; i < sockets.size() && i < 16; ++i) ::dup2(high[i], 3 + static_cast<int>(i));  // no FD_CLOEXEC
      if (!listenPid) {
        char digits[24];
        int n = 0;
        for (long self = ::getpid(); self > 0; self /= 10) digits[n++] = static_cast<char>('0' + self % 10);
        for (int k = 0; k < n; ++k) pidSlot[k] = digits[n - 1 - k];
        pidSlot[n] = '\0';
      }
      ::execve(program.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(pipeFds[1]);
    out = pipeFds[0];
  }

  // Reads the rest of the child's output and waits for it: its exit status.
  int finish(std::string* rest = nullptr) {
    std::string left = readAll(out);
    if (rest) *rest = left;
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    pid = -1;
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
  }

  ~Activated() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }
};

// Connects to 127.0.0.1:port and reads until the server closes (10 s at most).
std::string greetingFrom(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  std::string text = readAll(fd);
  ::close(fd);
  return text;
}

std::string serverError(twist::IReactorTCP& reactor, const std::string& description) {
  return twist_test::messageOf([&] { twist::serverFromString(reactor, description); });
}

// A unix datagram socket bound at `name` ("/path" or "@abstract").
int boundDatagramSocket(const std::string& name) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(name.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] == '/'));
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0);
  return fd;
}

// The next datagram on fd, waiting at most 10 s.
std::string receive(int fd) {
  pollfd p{fd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 10000) == 1);
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  REQUIRE(n >= 0);
  return std::string(buf, static_cast<size_t>(n));
}

struct NotifySocket {
  std::string old;
  bool had = false;
  explicit NotifySocket(const std::string& value) {
    if (const char* v = std::getenv("NOTIFY_SOCKET")) old = v, had = true;
    ::setenv("NOTIFY_SOCKET", value.c_str(), 1);
  }
  ~NotifySocket() {
    if (had)
      ::setenv("NOTIFY_SOCKET", old.c_str(), 1);
    else
      ::unsetenv("NOTIFY_SOCKET");
  }
};

struct Hello : twist::Protocol {
  void connectionMade() override {
    transport->write("hello\n");
    transport->loseConnection();
  }
};

}  // namespace

// ---- ListenFDs: reading the variables ----------------------------------------------

TEST_CASE("ListenFDs gives descriptors from 3 when LISTEN_PID is this process", "[systemd]") {
  auto fds = twist::ListenFDs::fromValues("812", "3", 812);
  REQUIRE(fds.descriptors == std::vector<int>{3, 4, 5});
  REQUIRE(fds.why.empty());
}

TEST_CASE("ListenFDs gives none, and says why, for another process or a missing or bad variable", "[systemd]") {
  auto other = twist::ListenFDs::fromValues("812", "1", 990);
  REQUIRE(other.descriptors.empty());
  REQUIRE(other.why == "LISTEN_PID is 812, not this process (990)");
  REQUIRE_THAT(twist::ListenFDs::fromValues(nullptr, nullptr, 1).why,
               twist_catch::Contains("LISTEN_FDS and LISTEN_PID are not set"));
  REQUIRE(twist::ListenFDs::fromValues("1", nullptr, 1).why == "LISTEN_FDS is not set");
  REQUIRE(twist::ListenFDs::fromValues(nullptr, "1", 1).why == "LISTEN_PID is not set");
  REQUIRE(twist::ListenFDs::fromValues("1", "two", 1).why == "LISTEN_FDS \"two\" is not a number of descriptors");
  REQUIRE(twist::ListenFDs::fromValues("1", "-1", 1).descriptors.empty());
  REQUIRE(twist::ListenFDs::fromValues("x1", "1", 1).why == "LISTEN_PID \"x1\" is not a process id");
  REQUIRE(twist::ListenFDs::fromValues("1", "0", 1).why == "LISTEN_FDS is 0");
}

TEST_CASE("ListenFDs::fromEnvironment unsets LISTEN_PID and LISTEN_FDS once it has taken them, as Twisted does",
          "[systemd]") {
  const std::string self = std::to_string(::getpid());
  ::setenv("LISTEN_PID", self.c_str(), 1);
  ::setenv("LISTEN_FDS", "2", 1);
  auto fds = twist::ListenFDs::fromEnvironment();  // reads, touches no descriptor
  REQUIRE(fds.descriptors == std::vector<int>{3, 4});
  REQUIRE(std::getenv("LISTEN_PID") == nullptr);
  REQUIRE(std::getenv("LISTEN_FDS") == nullptr);

  ::setenv("LISTEN_PID", "1", 1);  // another process's: left for it
  ::setenv("LISTEN_FDS", "2", 1);
  REQUIRE(twist::ListenFDs::fromEnvironment().descriptors.empty());
  REQUIRE(std::getenv("LISTEN_PID") != nullptr);
  REQUIRE(std::getenv("LISTEN_FDS") != nullptr);
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
}

// ---- the "systemd:" endpoint string --------------------------------------------------

TEST_CASE("serverFromString refuses a systemd endpoint without LISTEN_FDS, naming the string and the variables",
          "[systemd]") {
  twist::MemoryReactor reactor;
  const std::string message = serverError(reactor, "systemd:domain=INET:index=0");
  REQUIRE_THAT(message, twist_catch::Contains("\"systemd:domain=INET:index=0\""));
  REQUIRE_THAT(message, twist_catch::Contains("LISTEN_FDS and LISTEN_PID are not set"));
}

TEST_CASE("serverFromString names a bad systemd domain, index or option before looking at the environment",
          "[systemd]") {
  twist::MemoryReactor reactor;
  REQUIRE_THAT(serverError(reactor, "systemd:domain=INTE:index=0"),
               twist_catch::Contains("bad domain \"INTE\": expected INET or INET6"));
  REQUIRE_THAT(serverError(reactor, "systemd:domain=UNIX:index=0"),
               twist_catch::Contains("domain UNIX: twist has no unix-socket transport"));
  REQUIRE_THAT(serverError(reactor, "systemd:INET:zero"), twist_catch::Contains("bad index \"zero\""));
  REQUIRE_THAT(serverError(reactor, "systemd:INET:-1"), twist_catch::Contains("bad index \"-1\""));
  REQUIRE_THAT(serverError(reactor, "systemd:index=0"), twist_catch::Contains("no domain"));
  REQUIRE_THAT(serverError(reactor, "systemd:domain=INET"), twist_catch::Contains("no index"));
  REQUIRE_THAT(serverError(reactor, "systemd:domain=INET:index=0:name=web"),
               twist_catch::Contains("unknown option \"name\" for \"systemd\""));
  REQUIRE_THAT(serverError(reactor, "unix:/tmp/x"), twist_catch::Contains("(supported: tcp, systemd)"));
}

// ---- socket activation, as systemd does it ---------------------------------------

// The activated child has taken its socket (and the variables), listens on
// 127.0.0.1:port, and greets a client there, then exits 0.
static void expectServing(Activated& child, int port, const char* fd3) {
  REQUIRE(readLine(child.out) == "env LISTEN_PID=unset LISTEN_FDS=unset");
  REQUIRE(readLine(child.out) == "listening TCP:127.0.0.1:" + std::to_string(port) + " fd3 " + fd3);
  REQUIRE(greetingFrom(port) == "hello from twist\n");
  REQUIRE(child.finish() == 0);
}

TEST_CASE("A socket-activated child accepts on the socket it was handed as descriptor 3", "[systemd]") {
  int port = 0;
  int socket = listeningSocket(port);
  Activated child("systemd:domain=INET:index=0", {socket}, "1");
  ::close(socket);  // the child's copy is the one left
  expectServing(child, port, "closed");
}

TEST_CASE("The systemd index picks descriptor 3 plus index, in the positional form too", "[systemd]") {
  int first = 0;
  int second = 0;
  int a = listeningSocket(first);
  int b = listeningSocket(second);
  Activated child("systemd:INET:1", {a, b}, "2");
  ::close(a);
  ::close(b);
  expectServing(child, second, "open");  // descriptor 3, index 0, left alone
}

TEST_CASE("A systemd endpoint is refused when LISTEN_PID names another process", "[systemd]") {
  int port = 0;
  int socket = listeningSocket(port);
  Activated child("systemd:domain=INET:index=0", {socket}, "1", "1");
  ::close(socket);
  std::string out;
  REQUIRE(child.finish(&out) == 1);
  REQUIRE_THAT(out, twist_catch::Contains("error: serverFromString(\"systemd:domain=INET:index=0\"): "
                                                "no sockets from systemd: LISTEN_PID is 1, not this process ("));
}

TEST_CASE("A systemd index beyond LISTEN_FDS is refused, saying how many sockets systemd passed", "[systemd]") {
  int port = 0;
  int socket = listeningSocket(port);
  Activated child("systemd:domain=INET:index=1", {socket}, "1");
  ::close(socket);
  std::string out;
  REQUIRE(child.finish(&out) == 1);
  REQUIRE(out == "error: serverFromString(\"systemd:domain=INET:index=1\"): index 1 out of range: "
                 "systemd passed 1 socket(s) (LISTEN_FDS)\n");
}

TEST_CASE("A systemd socket of another family than the endpoint's domain fails listen, naming both", "[systemd]") {
  int port = 0;
  int socket = listeningSocket(port);
  Activated child("systemd:domain=INET6:index=0", {socket}, "1");
  ::close(socket);
  REQUIRE(readLine(child.out) == "env LISTEN_PID=unset LISTEN_FDS=unset");
  std::string out;
  REQUIRE(child.finish(&out) == 1);
  REQUIRE_THAT(out, twist_catch::Contains("\"systemd:domain=INET6:index=0\" fd 3"));
  REQUIRE_THAT(out, twist_catch::Contains("an AF_INET socket, not AF_INET6"));
}

// ---- AdoptedStreamServerEndpoint in this process ------------------------------------

TEST_CASE("An adopted socket listens like tcp, closes the descriptor it was given, and listens only once",
          "[systemd]") {
  twist::Reactor reactor;
  twist_test::Watchdog watchdog(reactor);
  int port = 0;
  int socket = listeningSocket(port);
  twist::AdoptedStreamServerEndpoint endpoint(reactor, socket, AF_INET, "adopted");
  auto factory = twist::Factory::forProtocol<Hello>();
  auto listened = endpoint.listen(*factory);
  std::shared_ptr<twist::IListeningPort> listening = twist::successResultOf(listened);
  REQUIRE(::fcntl(socket, F_GETFD) == -1);  // closed, as Twisted closes it
  REQUIRE(listening->getHost() == twist::Address{"TCP", "127.0.0.1", port});

  auto again = endpoint.listen(*factory);
  REQUIRE_THAT(twist::failureResultOf(again).getErrorMessage(),
               twist_catch::Contains("already listened"));

  auto client = twist::clientFromString(reactor, "tcp:127.0.0.1:" + std::to_string(port));
  struct Reader : twist::Protocol {
    std::string* into = nullptr;
    twist::Reactor* reactor = nullptr;
    void dataReceived(std::string_view data) override { *into += data; }
    void connectionLost(twist::Failure) override { reactor->stop(); }
  };
  std::string received;
  struct ReaderFactory : twist::Factory {
    std::string* into;
    twist::Reactor* reactor;
    std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
      auto reader = std::make_unique<Reader>();
      reader->into = into;
      reader->reactor = reactor;
      return reader;
    }
  } readers;
  readers.into = &received;
  readers.reactor = &reactor;
  client->connect(readers);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  REQUIRE(received == "hello\n");
}

TEST_CASE("An adopted descriptor that is not a socket fails listen with CannotListenError", "[systemd]") {
  twist::Reactor reactor;
  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  twist::AdoptedStreamServerEndpoint endpoint(reactor, pipeFds[0], AF_INET, "systemd:domain=INET:index=0");
  auto factory = twist::Factory::forProtocol<Hello>();
  twist::Failure failure = twist::failureResultOf(endpoint.listen(*factory));
  REQUIRE(failure.check<twist::CannotListenError>());
  REQUIRE_THAT(failure.getErrorMessage(), twist_catch::Contains("not a socket (getsockopt: ENOTSOCK)"));
  ::close(pipeFds[0]);
  ::close(pipeFds[1]);
}

TEST_CASE("An adopted socket on a MemoryReactor fails listen: adopting needs the real Reactor", "[systemd]") {
  twist::MemoryReactor reactor;
  twist::AdoptedStreamServerEndpoint endpoint(reactor, 3, AF_INET, "systemd:INET:0");
  auto factory = twist::Factory::forProtocol<Hello>();
  REQUIRE_THAT(twist::failureResultOf(endpoint.listen(*factory)).getErrorMessage(),
               twist_catch::Contains("needs a twist::Reactor"));
}

// ---- readiness: sd_notify's datagram ------------------------------------------------

TEST_CASE("notifyReady sends READY=1 to the unix socket NOTIFY_SOCKET names by path", "[systemd]") {
  auto path = std::filesystem::temp_directory_path() / ("twist-notify-" + std::to_string(::getpid()) + ".sock");
  std::filesystem::remove(path);
  int fd = boundDatagramSocket(path.string());
  NotifySocket env(path.string());
  REQUIRE(twist::notifyReady());
  REQUIRE(receive(fd) == "READY=1");
  REQUIRE(twist::notifyStopping());
  REQUIRE(receive(fd) == "STOPPING=1");
  ::close(fd);
  std::filesystem::remove(path);
}

TEST_CASE("notifyReady reaches an abstract socket named with @", "[systemd]") {
  const std::string name = "@twist-notify-test-" + std::to_string(::getpid());
  int fd = boundDatagramSocket(name);
  NotifySocket env(name);
  REQUIRE(twist::notifyReady());
  REQUIRE(receive(fd) == "READY=1");
  ::close(fd);
}

TEST_CASE("notifyReady does nothing without NOTIFY_SOCKET", "[systemd]") {
  NotifySocket env("");
  ::unsetenv("NOTIFY_SOCKET");
  REQUIRE_FALSE(twist::notifyReady());
  REQUIRE_FALSE(twist::notifyStopping());
}

TEST_CASE("notifyReady to a socket nobody bound throws, naming the socket and the error", "[systemd]") {
  auto path = std::filesystem::temp_directory_path() / ("twist-notify-none-" + std::to_string(::getpid()) + ".sock");
  std::filesystem::remove(path);
  NotifySocket env(path.string());
  REQUIRE(twist_test::messageOf([] { twist::notifyReady(); }) == "sd_notify: sendto " + path.string() + ": ENOENT");
  NotifySocket relative("run/notify");
  REQUIRE_THAT(twist_test::messageOf([] { twist::notifyReady(); }),
               twist_catch::Contains("neither an absolute path nor an @abstract name"));
}

// ---- adoptStreamPort (tcp.hpp) ------------------------------------------------------

TEST_CASE("adoptStreamPort listens on a duplicate and leaves the caller's descriptor open", "[systemd]") {
  twist::Reactor reactor;
  int port = 0;
  int socket = listeningSocket(port);
  auto factory = twist::Factory::forProtocol<Hello>();
  auto listening = twist::adoptStreamPort(reactor, socket, AF_INET, *factory);
  REQUIRE(listening->getHost() == twist::Address{"TCP", "127.0.0.1", port});
  REQUIRE(::fcntl(socket, F_GETFD) != -1);
  ::close(socket);
  listening->stopListening();
}

TEST_CASE("adoptStreamPort refuses another address family and a descriptor that is not a socket", "[systemd]") {
  twist::Reactor reactor;
  auto factory = twist::Factory::forProtocol<Hello>();
  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  REQUIRE_THAT(twist_test::messageOf([&] { twist::adoptStreamPort(reactor, pipeFds[0], AF_UNIX, *factory); }),
               twist_catch::Contains("address family 1 is not supported (AF_INET or AF_INET6)"));
  REQUIRE_THAT(twist_test::messageOf([&] { twist::adoptStreamPort(reactor, pipeFds[0], AF_INET, *factory); }),
               twist_catch::Contains("Couldn't listen on fd " + std::to_string(pipeFds[0])));
  REQUIRE(::fcntl(pipeFds[0], F_GETFD) != -1);  // still the caller's
  ::close(pipeFds[0]);
  ::close(pipeFds[1]);
}
