// subprocess.cpp — see subprocess.hpp.
#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>

#include "react.hpp"
#include "twist/process.hpp"

namespace twistlings {

namespace {

// The process groups of the children running now, for the signal handler:
// plain atomics, because a handler may touch nothing else. A slot holds the
// child's pid (its group's id), negated for a build tool, which is stopped gently.
std::array<std::atomic<int>, 16> liveGroups{};

// Set by the first interruption: a second one kills everything at once.
std::atomic<bool> stopping{false};

// What the runner works on, for the interruption's line. Written by the
// loop's thread, read by the handler only while `subjectReady` says it is whole.
char subjectText[200];
std::atomic<bool> subjectReady{false};

bool stderrIsTerminal = false;
int descriptorForBuildTools = -1;

void rememberGroup(int pid, bool gentle) {
  for (auto& slot : liveGroups) {
    int empty = 0;
    if (slot.compare_exchange_strong(empty, gentle ? -pid : pid)) return;
  }
}

void forgetGroup(int pid) {
  for (auto& slot : liveGroups) {
    int expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
    expected = -pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

double monotonicSeconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Stopped {
  bool build = false;  // a build tool was running
  bool tests = false;  // something else was
};

// Asks the build tools to stop and kills the rest; waits, at most
// kGentleStopSeconds, for the build tools' groups to end, then kills what is
// left. Only async-signal-safe calls (kill, waitpid, clock_gettime, nanosleep).
Stopped stopAll() {
  Stopped stopped;
  for (auto& slot : liveGroups) {
    int value = slot.load();
    if (value < 0) {
      stopped.build = true;
      ::kill(-(-value), SIGINT);
    } else if (value > 0) {
      stopped.tests = true;
      ::kill(-value, SIGKILL);
    }
  }
  double deadline = monotonicSeconds() + kGentleStopSeconds;
  for (;;) {
    bool alive = false;
    for (auto& slot : liveGroups) {
      int value = slot.load();
      if (value >= 0) continue;
      int status = 0;
      ::waitpid(-value, &status, WNOHANG);  // our child, once it has ended: a zombie still counts in its group
      if (::kill(-(-value), 0) == 0) alive = true;
    }
    if (!alive || monotonicSeconds() >= deadline) break;
    timespec pause{0, 20 * 1000 * 1000};
    ::nanosleep(&pause, nullptr);
  }
  for (auto& slot : liveGroups) {
    int value = slot.exchange(0);
    if (value != 0) ::kill(-(value < 0 ? -value : value), SIGKILL);  // a group that is gone: ESRCH, harmless
  }
  return stopped;
}

void writeError(const char* text) { (void)!::write(STDERR_FILENO, text, std::strlen(text)); }

// "interrupted: the build of 02-reactor/countdown was stopped; nothing was lost"
void sayInterrupted(const Stopped& stopped) {
  bool named = subjectReady.load();
  if (!named && !stopped.build && !stopped.tests) return;  // nothing was going on: the shell's ^C says it all
  if (stderrIsTerminal) writeError("\r\x1b[2K");         // over a "building…" line
  writeError("interrupted: ");
  if (stopped.build || stopped.tests) {
    writeError(stopped.build ? "the build" : "the tests");
    if (named) {
      writeError(" of ");
      writeError(subjectText);
    }
    writeError(stopped.build ? " was stopped" : " were stopped");
  } else {
    writeError("nothing was running for ");
    writeError(subjectText);
  }
  writeError("; nothing was lost\n");
}

extern "C" void stopChildrenAndDie(int signo) {
  if (stopping.exchange(true)) {
    // A second Ctrl-C while the build tools clean up: no more waiting.
    for (auto& slot : liveGroups) {
      int value = slot.load();
      if (value != 0) ::kill(-(value < 0 ? -value : value), SIGKILL);
    }
  } else {
    uv_tty_reset_mode();  // watch mode's raw terminal back to normal (async-signal-safe)
    sayInterrupted(stopAll());
  }
  ::signal(signo, SIG_DFL);
  ::raise(signo);
}

// While a build tool is spawned, the descriptor meant for it loses its
// close-on-exec flag; every other child still gets it closed.
class InheritedByBuildTool {
 public:
  explicit InheritedByBuildTool(bool buildTool) : fd_(buildTool ? descriptorForBuildTools : -1) {
    if (fd_ >= 0) ::fcntl(fd_, F_SETFD, 0);
  }
  ~InheritedByBuildTool() {
    if (fd_ >= 0) ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
  }
  InheritedByBuildTool(const InheritedByBuildTool&) = delete;
  InheritedByBuildTool& operator=(const InheritedByBuildTool&) = delete;

 private:
  int fd_;
};

class Collector;

// The Collectors whose process has not reported its end. A child that
// stopLiveChildren reaped itself never will (libuv finds no exit status to
// collect), so react() frees these once its reactor, which detaches them from
// their transports, is gone. Touched on the loop's thread only.
std::set<Collector*>& unfinishedCollectors() {
  static std::set<Collector*> collectors;
  return collectors;
}

// One child, from spawn to processEnded. It owns itself: it is freed on the
// reactor's next pass after processEnded (twist still uses it until that
// returns), or with that pending call if the reactor goes first; one whose
// process never reports its end, by releaseUnfinishedProcesses.
class Collector : public twist::ProcessProtocol {
 public:
  Collector(twist::Reactor& reactor, ProcessOptions options, bool buildTool)
      : reactor_(reactor),
        options_(std::move(options)),
        started_(std::chrono::steady_clock::now()),
        buildTool_(buildTool) {
    unfinishedCollectors().insert(this);
  }
  ~Collector() override { unfinishedCollectors().erase(this); }
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  twist::Deferred<ProcessResult> done;
  ProcessResult result;

  void connectionMade() override {
    pid_ = transport->pid();
    rememberGroup(pid_, buildTool_);
    transport->closeStdin();
    if (options_.timeout > 0) {
      timer_ = reactor_.callLater(options_.timeout, [this] {
        result.timedOut = true;
        try {
          transport->signalProcess("KILL");
        } catch (const twist::ProcessExitedAlready&) {
        }
      });
    }
  }

  void outReceived(std::string_view data) override { keep(result.out, data); }
  void errReceived(std::string_view data) override { keep(options_.mergeStderr ? result.out : result.err, data); }

  void processEnded(twist::Failure reason) override {
    unfinishedCollectors().erase(this);  // freed by the call below from now on
    forgetGroup(pid_);
    if (timer_.active()) timer_.cancel();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (reason.check<twist::ProcessDone>()) {
      result.exitCode = 0;
    } else if (const auto* terminated = reason.value<twist::ProcessTerminated>()) {
      result.exitCode = terminated->exitCode;
      result.signal = terminated->signal;
    }
    // Freed on the next pass; should the reactor stop first, with the call it never ran.
    reactor_.callLater(0, [self = std::shared_ptr<Collector>(this)] {});
    done.callback(std::move(result));
  }

 private:
  void keep(std::string& into, std::string_view data) {
    if (options_.onOutput) options_.onOutput(data);
    size_t room = into.size() < options_.outputCap ? options_.outputCap - into.size() : 0;
    if (data.size() > room) result.truncated = true;
    into.append(data.substr(0, room));
  }

  twist::Reactor& reactor_;
  ProcessOptions options_;
  std::chrono::steady_clock::time_point started_;
  twist::DelayedCall timer_;
  bool buildTool_;
  int pid_ = 0;
};

}  // namespace

twist::Deferred<ProcessResult> getProcessOutputAndValue(twist::Reactor& reactor, std::vector<std::string> argv,
                                                        ProcessOptions options) {
  std::optional<std::map<std::string, std::string>> env;
  if (!options.extraEnv.empty()) {
    env.emplace();
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const char* eq = std::strchr(*entry, '=');
      if (eq != nullptr) (*env)[std::string(*entry, static_cast<size_t>(eq - *entry))] = eq + 1;
    }
    for (const auto& [name, value] : options.extraEnv) (*env)[name] = value;
  }
  std::string cwd = options.cwd;
  bool buildTool = !argv.empty() && isBuildTool(argv.front());
  auto* collector = new Collector(reactor, std::move(options), buildTool);
  collector->result.argv = argv;
  twist::Deferred<ProcessResult> done = collector->done;
  try {
    InheritedByBuildTool inherited(buildTool);
    reactor.spawnProcess(*collector, std::move(argv), std::move(env), cwd);
  } catch (...) {
    delete collector;
    return twist::fail<ProcessResult>(twist::Failure::current());
  }
  return done;
}

ProcessResult runProcess(std::vector<std::string> argv, ProcessOptions options) {
  ProcessResult result;
  std::exception_ptr error;
  react([&](twist::Reactor& reactor) -> twist::Deferred<int> {
    try {
      result = co_await getProcessOutputAndValue(reactor, argv, std::move(options));
    } catch (...) {
      error = std::current_exception();
    }
    co_return 0;
  });
  if (error) std::rethrow_exception(error);
  return result;
}

std::string signalDescription(int signal) {
  const char* name = sigabbrev_np(signal);
  const char* what = sigdescr_np(signal);
  std::string text = name != nullptr ? "SIG" + std::string(name) : "signal " + std::to_string(signal);
  if (what != nullptr) {
    std::string lower = what;
    if (!lower.empty()) lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
    text += " (" + lower + ")";
  }
  return text;
}

std::string ProcessResult::describeEnd() const {
  if (timedOut) return "killed after the timeout, at " + std::to_string(static_cast<int>(seconds + 0.5)) + " s";
  if (signal) return "killed by " + signalDescription(*signal);
  if (exitCode) return "exit code " + std::to_string(*exitCode);
  return "ended";
}

void stopLiveChildren() { stopAll(); }

void releaseUnfinishedProcesses() {
  std::set<Collector*> left;
  left.swap(unfinishedCollectors());
  for (Collector* collector : left) delete collector;
}

void installChildKillingSignalHandlers() {
  stderrIsTerminal = ::isatty(STDERR_FILENO) == 1;
  struct sigaction action {};
  action.sa_handler = stopChildrenAndDie;
  action.sa_flags = SA_NODEFER;  // a second Ctrl-C reaches the handler while it waits
  sigemptyset(&action.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);
}

void setInterruptSubject(std::string_view subject) {
  subjectReady.store(false);
  if (subject.empty()) return;
  size_t n = std::min(subject.size(), sizeof subjectText - 1);
  std::memcpy(subjectText, subject.data(), n);
  subjectText[n] = '\0';
  subjectReady.store(true);
}

void setDescriptorForBuildTools(int fd) { descriptorForBuildTools = fd; }

bool isBuildTool(std::string_view program) {
  size_t slash = program.rfind('/');
  std::string_view name = slash == std::string_view::npos ? program : program.substr(slash + 1);
  return name == "cmake" || name == "ninja" || name == "make" || name == "gmake";
}

}  // namespace twistlings
