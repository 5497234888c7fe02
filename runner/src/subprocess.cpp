// subprocess.cpp — see subprocess.hpp.
#include "subprocess.hpp"

#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>

#include "react.hpp"
#include "twist/process.hpp"

namespace twistlings {

namespace {

// The process groups of the children running now, for the signal handler:
// plain atomics, because a handler may touch nothing else.
std::array<std::atomic<int>, 16> liveGroups{};

void rememberGroup(int pid) {
  for (auto& slot : liveGroups) {
    int empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void forgetGroup(int pid) {
  for (auto& slot : liveGroups) {
    int expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

extern "C" void killChildrenAndDie(int signo) {
  uv_tty_reset_mode();  // watch mode's raw terminal back to normal (async-signal-safe)
  killLiveChildren();   // lock-free atomics and kill(2): safe in a handler
  ::signal(signo, SIG_DFL);
  ::raise(signo);
}

// One child, from spawn to processEnded. It owns itself: it is freed on the
// reactor's next pass after processEnded (twist still uses it until that
// returns), or with that pending call if the reactor goes first.
class Collector : public twist::ProcessProtocol {
 public:
  Collector(twist::Reactor& reactor, ProcessOptions options)
      : reactor_(reactor), options_(std::move(options)), started_(std::chrono::steady_clock::now()) {}

  twist::Deferred<ProcessResult> done;
  ProcessResult result;

  void connectionMade() override {
    pid_ = transport->pid();
    rememberGroup(pid_);
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
  auto* collector = new Collector(reactor, std::move(options));
  collector->result.argv = argv;
  twist::Deferred<ProcessResult> done = collector->done;
  try {
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

void killLiveChildren() {
  for (auto& slot : liveGroups) {
    int pid = slot.exchange(0);
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
}

void installChildKillingSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = killChildrenAndDie;
  sigemptyset(&action.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);
}

}  // namespace twistlings
