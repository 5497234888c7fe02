// Tests for build_lock.hpp: runners that share a build tree take turns, the
// one waiting says whom it waits for, waiting never blocks (a Clock drives the
// retries here), and a holder that dies leaves nothing stale.
#include "build_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/twistlings-lock-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string contents(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Another runner's hold on the lock: its own open file, as another process would have.
struct OtherHolder {
  int fd;
  explicit OtherHolder(const fs::path& file, const std::string& line = "") {
    fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    REQUIRE(::ftruncate(fd, 0) == 0);
    if (!line.empty()) REQUIRE(::pwrite(fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()));
  }
  void release() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~OtherHolder() { release(); }
};

// Whether a fresh open file of the lock could take it right now.
bool freeNow(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

}  // namespace

TEST_CASE("a free lock is taken at once, and the file says who holds it") {
  TempDir dir;
  fs::path lock = dir.path / ".twistlings" / "build.lock";  // the folder is made when missing
  twist::Clock clock;
  auto d = takeBuildTurn(clock, lock, "check 02-reactor/countdown", "02-reactor/countdown");
  std::shared_ptr<BuildTurn> turn = twist::successResultOf(d);
  REQUIRE(turn);
  CHECK(turn->held());
  CHECK(contents(lock) == std::to_string(::getpid()) + " check 02-reactor/countdown\n");
  CHECK_FALSE(freeNow(lock));
}

TEST_CASE("ending the turn lets the next runner in and leaves the file empty") {
  TempDir dir;
  fs::path lock = dir.path / "build.lock";
  twist::Clock clock;
  auto turn = twist::successResultOf(takeBuildTurn(clock, lock, "check a/b", "a/b"));
  REQUIRE_FALSE(freeNow(lock));
  turn.reset();
  CHECK(freeNow(lock));
  CHECK(contents(lock).empty());  // nobody named while nobody holds it
}

TEST_CASE("a runner that finds the lock held waits without blocking, says once whom for, and goes on when it is free") {
  TempDir dir;
  fs::path lock = dir.path / "build.lock";
  OtherHolder other(lock, "4242 watch 02-reactor/heartbeat\n");
  twist::Clock clock;
  std::vector<std::string> notices;
  auto d = takeBuildTurn(clock, lock, "check 02-reactor/countdown", "02-reactor/countdown",
                         [&](const std::string& line) { notices.push_back(line); });
  // takeBuildTurn returned at once with a Deferred: the loop was never blocked.
  twist::assertNoResult(d);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0] == "waiting for another twistlings (pid 4242: watch 02-reactor/heartbeat)…");
  clock.advance(kBuildLockRetrySeconds);
  clock.advance(kBuildLockRetrySeconds);
  twist::assertNoResult(d);
  CHECK(notices.size() == 1);  // said once, not at every retry
  other.release();
  clock.advance(kBuildLockRetrySeconds);
  auto turn = twist::successResultOf(d);
  REQUIRE(turn);
  CHECK(turn->held());
  CHECK(contents(lock) == std::to_string(::getpid()) + " check 02-reactor/countdown\n");
}

TEST_CASE("a holder that wrote no name is waited for with a line that names nobody") {
  TempDir dir;
  fs::path lock = dir.path / "build.lock";
  OtherHolder other(lock);
  twist::Clock clock;
  std::vector<std::string> notices;
  auto d = takeBuildTurn(clock, lock, "check a/b", "a/b", [&](const std::string& line) { notices.push_back(line); });
  CHECK(notices.empty());  // its holder may be about to write its line
  for (int i = 0; i < 10; ++i) clock.advance(kBuildLockRetrySeconds);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0] == "waiting for another twistlings to finish its build…");
  twist::assertNoResult(d);
  other.release();
  clock.advance(kBuildLockRetrySeconds);
  CHECK(twist::successResultOf(d)->held());
}

TEST_CASE("a holder killed with SIGKILL leaves nothing stale: the next runner takes the lock at once") {
  TempDir dir;
  fs::path lock = dir.path / "build.lock";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(1);
    std::string line = std::to_string(::getpid()) + " check a/b\n";
    (void)!::write(fd, line.data(), line.size());
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);  // it holds the lock now
  ::close(ready[0]);
  REQUIRE_FALSE(freeNow(lock));
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);

  twist::Clock clock;
  std::vector<std::string> notices;
  auto d = takeBuildTurn(clock, lock, "check a/b", "a/b", [&](const std::string& line) { notices.push_back(line); });
  auto turn = twist::successResultOf(d);  // at once: no retry, no wait
  CHECK(turn->held());
  CHECK(notices.empty());
}

TEST_CASE("the lock's descriptor is not inherited by programs the runner starts") {
  TempDir dir;
  fs::path lock = dir.path / "build.lock";
  twist::Clock clock;
  auto turn = twist::successResultOf(takeBuildTurn(clock, lock, "check a/b", "a/b"));
  // A child that outlives the turn (a hung test program, say) must not keep the lock.
  int execed[2];  // close-on-exec: its end closes when the child's exec has happened
  REQUIRE(::pipe2(execed, O_CLOEXEC) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(execed[1]);
  char byte = 0;
  REQUIRE(::read(execed[0], &byte, 1) == 0);
  ::close(execed[0]);
  turn.reset();
  bool free = freeNow(lock);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(free);
}

TEST_CASE("a lock file that cannot be made gives a turn that holds nothing, so that the check still runs") {
  TempDir dir;
  std::ofstream(dir.path / "not-a-folder") << "x";
  fs::path lock = dir.path / "not-a-folder" / "build.lock";
  twist::Clock clock;
  auto turn = twist::successResultOf(takeBuildTurn(clock, lock, "check a/b", "a/b"));
  REQUIRE(turn);
  CHECK_FALSE(turn->held());
}

TEST_CASE("the lock file's line is read back as pid and command") {
  auto holder = parseBuildLockHolder("1234 check 02-reactor/countdown\n");
  REQUIRE(holder);
  CHECK(holder->pid == 1234);
  CHECK(holder->what == "check 02-reactor/countdown");
  CHECK(holder->describe() == "pid 1234: check 02-reactor/countdown");
  auto bare = parseBuildLockHolder("77\n");
  REQUIRE(bare);
  CHECK(bare->describe() == "pid 77");
  CHECK_FALSE(parseBuildLockHolder(""));
  CHECK_FALSE(parseBuildLockHolder("check without a pid"));
}

TEST_CASE("a turn's lock file is the repository's .twistlings/build.lock") {
  Paths paths;
  paths.root = "/repo";
  paths.state = "/repo/.twistlings";
  CHECK(buildLockFile(paths) == fs::path("/repo/.twistlings/build.lock"));
}
