// build_lock.hpp — runners that share a build tree take turns.
//
// Watch in one terminal and check in another is the normal way to work, and
// both build and grade in the same build/: two ninjas at once race on the same
// outputs (an empty object file, a program run while the other links it:
// ETXTBSY), and their verdicts lie. So a build and the grading that follows
// it take a turn on one lock file, .twistlings/build.lock, with flock(2):
//
//   std::shared_ptr<BuildTurn> turn =
//       co_await takeBuildTurn(reactor, buildLockFile(paths), "check 02-reactor/countdown", "02-reactor/countdown");
//   ... build and grade ...
//   turn.reset();  // or let it go out of scope: the next runner's turn
//
// Why flock(2): the kernel releases the lock when the last descriptor of its
// open file is closed, which happens when the holder dies, even by SIGKILL, so
// a killed runner leaves nothing stale to clean up. The holder writes
// "PID WHAT" into the file, so that whoever waits can say whom it waits for:
// "waiting for another twistlings (pid 1234: check 02-reactor/countdown)…".
// The driver script (./twistlings) takes the same lock around its own build
// (flock(1), or perl's flock where there is no flock(1)) and writes the same line.
//
// Waiting never blocks the loop: takeBuildTurn tries LOCK_NB, and while
// another runner holds the lock it tries again every kRetrySeconds with
// callLater, so watch's keys and Ctrl-C keep working meanwhile.
//
// The descriptor is close-on-exec, so test programs never hold the lock; but
// build tools started during the turn inherit it (setDescriptorForBuildTools,
// subprocess.hpp): a build orphaned by a runner killed with SIGKILL still holds
// the lock until it ends, and the next runner waits for it instead of racing it.
//
// Ownership: a BuildTurn owns the lock file's descriptor; destroying the last
// shared_ptr to it ends the turn. The IReactorTime must outlive the Deferred.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "paths.hpp"
#include "twist/deferred.hpp"
#include "twist/time.hpp"

namespace twistlings {

// Seconds between two tries while another runner holds the lock.
inline constexpr double kBuildLockRetrySeconds = 0.1;

// Who holds a lock, as its holder wrote it into the file.
struct BuildLockHolder {
  int pid = 0;
  std::string what;         // "check 02-reactor/countdown"
  // "pid 1234: check 02-reactor/countdown"
  std::string describe() const;
};

// Parses the lock file's "PID WHAT" line; nothing when the file is empty (its
// holder has not written it yet, or has just let go) or does not hold a pid.
std::optional<BuildLockHolder> parseBuildLockHolder(const std::string& text);

// One runner's turn on the build tree: it holds the lock until destroyed.
class BuildTurn {
 public:
  // Takes ownership of fd, which holds the lock.
  BuildTurn(int fd, std::string subject);
  ~BuildTurn();
  BuildTurn(const BuildTurn&) = delete;
  BuildTurn& operator=(const BuildTurn&) = delete;

  // False when the lock could not be used at all (a file system without
  // flock, a read-only checkout): the runner then goes on without turns.
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Called once while waiting, with the line to show; the default prints it to stderr.
using BuildWaitNotice = std::function<void(const std::string& line)>;

// The lock file of a repository: <root>/.twistlings/build.lock.
std::filesystem::path buildLockFile(const Paths& paths);

// Takes the build tree's turn: at once when the lock is free, else after
// retrying every kBuildLockRetrySeconds on `time` until its holder lets go,
// saying once (onWait) who holds it. `what` goes into the lock file for the
// others to read ("check 02-reactor/countdown"); `subject` names what the
// turn is for in the line an interruption prints ("02-reactor/countdown":
// "interrupted: the build of 02-reactor/countdown was stopped", subprocess.hpp).
// A lock that cannot be used at all (cannot create the file, no flock) is
// warned about on stderr and yields a turn that holds nothing: better a
// build without turns than no build.
twist::Deferred<std::shared_ptr<BuildTurn>> takeBuildTurn(twist::IReactorTime& time, std::filesystem::path lockFile,
                                                          std::string what, std::string subject,
                                                          BuildWaitNotice onWait = {});

}  // namespace twistlings
