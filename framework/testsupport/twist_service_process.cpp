// twist_service_process.cpp — see twist_service_process.hpp.
#include "twist_service_process.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "twist_program.hpp"

extern char** environ;

namespace twist_test {

namespace detail {
// twist_program.cpp: the child's side of runProgram, between fork and exec.
[[noreturn]] void becomeProgram(const std::string& path, char* const argv[], int in, int out, int err, int report,
                                pid_t parent);
}  // namespace detail

namespace {

constexpr std::size_t kOutputCap = 64 * 1024;

// A write to a peer that has gone must be an error, not SIGPIPE: Linux says
// so per send (MSG_NOSIGNAL), macOS per socket (SO_NOSIGPIPE).
#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;
#else
constexpr int kNoSignal = 0;
#endif
void noSigpipe(int fd) {
#ifdef SO_NOSIGPIPE
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#else
  (void)fd;
#endif
}

std::string errnoText() { return std::strerror(errno); }

std::string readCapped(const std::string& path) {
  std::optional<std::string> text = readWholeFile(path);
  if (!text) return {};
  if (text->size() > kOutputCap) text->resize(kOutputCap);
  return *text;
}

// A temporary file for the program's output, open for writing (-1 on failure).
int makeOutputFile(std::string& path, const char* stream) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/twist-service-" + stream + "-XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd >= 0) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    path = pattern;
  }
  return fd;
}

// The last `count` lines of text, without the final newline.
std::string lastLines(std::string text, int count) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t at = text.size();
  while (count-- > 0) {
    at = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
  }
  return text.substr(at + 1);
}

}  // namespace

void sleepSeconds(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

double monotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::optional<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool processExists(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// ---- ScratchDir ---------------------------------------------------------------

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/twist-test-XXXXXX";
  if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  if (DIR* dir = ::opendir(path_.c_str())) {
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") ::unlink(file(name).c_str());
    }
    ::closedir(dir);
  }
  ::rmdir(path_.c_str());
}

// ---- ServiceProcess -------------------------------------------------------------

ServiceProcess::ServiceProcess(const std::string& path, const std::vector<std::string>& args,
                               const std::vector<std::pair<std::string, std::string>>& env) {
  // Everything the child needs is made before fork: it may not allocate.
  std::vector<std::string> words{path};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> settings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string setting = *e;
    bool replaced = false;
    for (const auto& [name, value] : env) replaced = replaced || setting.rfind(name + "=", 0) == 0;
    if (!replaced) settings.push_back(setting);
  }
  for (const auto& [name, value] : env) settings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& s : settings) envp.push_back(s.data());
  envp.push_back(nullptr);

  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = makeOutputFile(outPath_, "out");
  int err = makeOutputFile(errPath_, "err");
  int report[2] = {-1, -1};
  bool piped = ::pipe(report) == 0;
  if (piped) {
    for (int fd : report) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (in < 0 || out < 0 || err < 0 || !piped) {
    startError_ = "no /dev/null, output file or pipe (" + errnoText() + ")";
  } else {
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      environ = envp.data();
      detail::becomeProgram(path, argv.data(), in, out, err, report[1], parent);
    }
    if (pid_ < 0) startError_ = "fork failed (" + errnoText() + ")";
    if (pid_ > 0) ::setpgid(pid_, pid_);  // as the child does, whichever runs first
  }
  for (int fd : {in, out, err, report[1]}) {
    if (fd >= 0) ::close(fd);
  }
  if (pid_ > 0) {
    // The report pipe closes at exec (success) or carries errno (failure).
    int error = 0;
    ssize_t got;
    do {
      got = ::read(report[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof error)) {
      startError_ = path + " (" + std::strerror(error) + ")";
      waitForExit(5.0);
    }
  }
  if (report[0] >= 0) ::close(report[0]);
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);  // the program and what it left in its group
    if (!ended_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  for (const std::string& p : {outPath_, errPath_}) {
    if (!p.empty()) ::unlink(p.c_str());
  }
}

void ServiceProcess::reaped(int status) {
  ended_ = true;
  if (WIFEXITED(status)) exitCode_ = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) killedBy_ = WTERMSIG(status);
  if (stopSentAt_ >= 0) stopToExit_ = monotonicSeconds() - stopSentAt_;
}

bool ServiceProcess::signal(int sig) {
  if (pid_ <= 0 || ended()) return false;
  if (sig == SIGTERM || sig == SIGINT) stopSentAt_ = monotonicSeconds();
  return ::kill(pid_, sig) == 0;
}

bool ServiceProcess::ended() {
  if (pid_ <= 0 || ended_) return true;
  int status = 0;
  pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == pid_) reaped(status);
  return ended_;
}

bool ServiceProcess::waitForExit(double seconds) { return waitUntil(seconds, [this] { return ended(); }); }

std::string ServiceProcess::out() const { return readCapped(outPath_); }
std::string ServiceProcess::err() const { return readCapped(errPath_); }

std::string ServiceProcess::describe() {
  std::ostringstream text;
  if (!started()) return "could not be started: " + startError_;
  if (!ended()) {
    text << "is still running";
  } else if (killedBy_) {
    text << "was killed by " << signalName(*killedBy_);
  } else {
    text << "exited with status " << exitCode_.value_or(-1);
  }
  if (ended_ && stopToExit_) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", *stopToExit_);
    text << " (" << seconds << " s after it was sent SIGTERM or SIGINT)";
  }
  std::string errors = lastLines(err(), 8);
  text << (errors.empty() ? "; nothing on stderr" : "; its stderr ends:\n" + errors);
  return text.str();
}

// ---- freeLocalPort ----------------------------------------------------------------

int freeLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

// ---- LineClient -------------------------------------------------------------------

LineClient::LineClient(int port, double seconds) {
  double deadline = monotonicSeconds() + seconds;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  for (;;) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      error_ = "socket: " + errnoText();
      return;
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    noSigpipe(fd);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      fd_ = fd;
      error_.clear();
      return;
    }
    error_ = "connect to 127.0.0.1:" + std::to_string(port) + ": " + errnoText();
    ::close(fd);
    if (monotonicSeconds() >= deadline) return;
    sleepSeconds(0.02);
  }
}

LineClient::~LineClient() { close(); }

void LineClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool LineClient::sendLine(const std::string& line) {
  if (fd_ < 0) return false;
  std::string data = line + "\r\n";
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, kNoSignal);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool LineClient::readMore(double seconds) {
  if (fd_ < 0 || peerClosed_) return false;
  pollfd ready{fd_, POLLIN, 0};
  int waited = ::poll(&ready, 1, static_cast<int>(seconds * 1000) + 1);
  if (waited <= 0) return false;
  char chunk[4096];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {
    peerClosed_ = true;  // EOF, or a reset: either way nothing more will come
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  for (std::size_t end; (end = buffer_.find("\r\n")) != std::string::npos;) {
    lines_.push_back(buffer_.substr(0, end));
    transcript_.push_back(lines_.back());
    buffer_.erase(0, end + 2);
  }
  return true;
}

std::optional<std::string> LineClient::readLine(double seconds) {
  double deadline = monotonicSeconds() + seconds;
  while (lines_.empty()) {
    double left = deadline - monotonicSeconds();
    if (left <= 0 || !readMore(left)) {
      if (lines_.empty()) return std::nullopt;
    }
  }
  std::string line = lines_.front();
  lines_.erase(lines_.begin());
  return line;
}

bool LineClient::waitForClose(double seconds) {
  if (fd_ < 0) return false;
  double deadline = monotonicSeconds() + seconds;
  while (!peerClosed_) {
    double left = deadline - monotonicSeconds();
    if (left <= 0) return false;
    readMore(left);
  }
  return true;
}

}  // namespace twist_test
