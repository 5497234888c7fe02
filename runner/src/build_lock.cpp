// build_lock.cpp — see build_lock.hpp.
#include "build_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "subprocess.hpp"

namespace twistlings {

namespace {

namespace fs = std::filesystem;

// How many tries find the file empty before the waiting line goes without a
// name: its holder may be a driver script of an older version that writes nothing.
constexpr int kTriesBeforeAnonymousNotice = 5;

std::string readHolderText(int fd) {
  char buffer[512];
  ssize_t n = ::pread(fd, buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

void writeHolderText(int fd, const std::string& what) {
  std::string line = std::to_string(::getpid()) + " " + what + "\n";
  // Only the holder writes, and the line is for people: a short write is not worth failing a check for.
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, line.data(), line.size(), 0);
}

// One takeBuildTurn, from its first try to the turn. It owns the descriptor
// until the turn takes it over; the pending retry owns the Attempt, so a
// reactor that goes away first frees both.
class Attempt : public std::enable_shared_from_this<Attempt> {
 public:
  Attempt(twist::IReactorTime& time, int fd, std::string what, std::string subject, BuildWaitNotice onWait)
      : time_(time), fd_(fd), what_(std::move(what)), subject_(std::move(subject)), onWait_(std::move(onWait)) {}
  ~Attempt() {
    if (fd_ >= 0) ::close(fd_);
  }

  twist::Deferred<std::shared_ptr<BuildTurn>> done;

  void tryOnce() {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      writeHolderText(fd_, what_);
      done.callback(std::make_shared<BuildTurn>(std::exchange(fd_, -1), subject_));
      return;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) {
      std::fprintf(stderr, "twistlings: cannot lock the build (flock: %s); going on without taking turns with other runners\n",
                   std::strerror(errno));
      done.callback(std::make_shared<BuildTurn>(-1, subject_));
      return;
    }
    if (!told_) {
      std::optional<BuildLockHolder> holder = parseBuildLockHolder(readHolderText(fd_));
      if (holder || tries_ >= kTriesBeforeAnonymousNotice) {
        told_ = true;
        notice(holder ? "waiting for another twistlings (" + holder->describe() + ")…"
                      : std::string("waiting for another twistlings to finish its build…"));
      }
    }
    ++tries_;
    time_.callLater(kBuildLockRetrySeconds, [self = shared_from_this()] { self->tryOnce(); });
  }

 private:
  void notice(const std::string& line) {
    if (onWait_) {
      onWait_(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    }
  }

  twist::IReactorTime& time_;
  int fd_;
  std::string what_;
  std::string subject_;
  BuildWaitNotice onWait_;
  int tries_ = 0;
  bool told_ = false;
};

}  // namespace

std::string BuildLockHolder::describe() const {
  return "pid " + std::to_string(pid) + (what.empty() ? "" : ": " + what);
}

std::optional<BuildLockHolder> parseBuildLockHolder(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  BuildLockHolder holder;
  holder.pid = std::stoi(text.substr(0, digits));
  std::string rest = text.substr(digits);
  size_t end = rest.find('\n');
  if (end != std::string::npos) rest.resize(end);
  size_t start = rest.find_first_not_of(' ');
  holder.what = start == std::string::npos ? "" : rest.substr(start);
  return holder;
}

BuildTurn::BuildTurn(int fd, std::string subject) : fd_(fd) {
  setInterruptSubject(subject);
  if (fd_ >= 0) setDescriptorForBuildTools(fd_);
}

BuildTurn::~BuildTurn() {
  setInterruptSubject("");
  if (fd_ < 0) return;
  setDescriptorForBuildTools(-1);
  // An empty file while nobody holds it: a runner that waits never names a holder that has gone.
  (void)!::ftruncate(fd_, 0);
  ::close(fd_);  // the lock goes with the last descriptor of this open file
}

fs::path buildLockFile(const Paths& paths) { return paths.state / "build.lock"; }

twist::Deferred<std::shared_ptr<BuildTurn>> takeBuildTurn(twist::IReactorTime& time, fs::path lockFile, std::string what,
                                                          std::string subject, BuildWaitNotice onWait) {
  std::error_code ec;
  fs::create_directories(lockFile.parent_path(), ec);
  // O_CLOEXEC: a test program must never hold the lock (a hung one would hold it for ever).
  int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "twistlings: cannot open %s (%s); going on without taking turns with other runners\n",
                 lockFile.c_str(), std::strerror(errno));
    return twist::succeed(std::make_shared<BuildTurn>(-1, std::move(subject)));
  }
  auto attempt = std::make_shared<Attempt>(time, fd, std::move(what), std::move(subject), std::move(onWait));
  twist::Deferred<std::shared_ptr<BuildTurn>> done = attempt->done;
  attempt->tryOnce();
  return done;
}

}  // namespace twistlings
