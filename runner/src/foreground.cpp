#include "foreground.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace twistlings {

namespace {

std::atomic<pid_t> foregroundGroup{0};

void passOn(int signo) {
  pid_t group = foregroundGroup.load();
  if (group > 0) ::kill(-group, signo);
}

// The runner's own handlers (subprocess.cpp's, which stop the runner) are put
// back when the demo ends.
struct PassSignalsOn {
  struct sigaction saved[3] {};
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  PassSignalsOn() {
    struct sigaction action {};
    action.sa_handler = passOn;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &action, &saved[i]);
  }
  ~PassSignalsOn() {
    for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &saved[i], nullptr);
  }
};

// tcsetpgrp from a background group stops the caller with SIGTTOU unless it is ignored.
void giveTerminalTo(pid_t group) {
  struct sigaction ignore {}, saved {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGTTOU, &ignore, &saved);
  ::tcsetpgrp(STDIN_FILENO, group);
  ::sigaction(SIGTTOU, &saved, nullptr);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ForegroundResult runInForeground(const std::vector<std::string>& argv, const ForegroundOptions& options) {
  ForegroundResult result;
  if (argv.empty()) {
    result.error = "nothing to run";
    return result;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  bool terminal = ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp();

  // exec's failure comes back through a close-on-exec pipe: EOF means it ran.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  PassSignalsOn passing;
  pid_t pid = ::fork();
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    ::close(report[0]);
    ::close(report[1]);
    return result;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    if (terminal) giveTerminalTo(::getpid());
    for (int signo : {SIGINT, SIGTERM, SIGHUP, SIGTTOU, SIGPIPE}) ::signal(signo, SIG_DFL);
    ::execvp(args[0], args.data());
    int error = errno;
    (void)!::write(report[1], &error, sizeof error);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // both sides set it: whichever runs first
  result.group = pid;
  foregroundGroup.store(pid);
  if (terminal) giveTerminalTo(pid);
  ::close(report[1]);
  int execError = 0;
  ssize_t n;
  do n = ::read(report[0], &execError, sizeof execError);
  while (n < 0 && errno == EINTR);
  ::close(report[0]);

  auto start = std::chrono::steady_clock::now();
  int status = 0;
  double termSentAt = -1;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    double elapsed = secondsSince(start);
    if (options.stopAfterSeconds > 0 && termSentAt < 0 && elapsed >= options.stopAfterSeconds) {
      ::kill(-pid, SIGTERM);
      termSentAt = elapsed;
      result.stoppedByUs = true;
    }
    bool ignoredTerm = termSentAt >= 0 && elapsed - termSentAt > 5;
    if ((options.killAfterSeconds > 0 && elapsed >= options.killAfterSeconds) || ignoredTerm) {
      ::kill(-pid, SIGKILL);
      result.killedByUs = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // what it left in its group (a server's children)
  foregroundGroup.store(0);
  if (terminal) giveTerminalTo(::getpgrp());

  if (n == sizeof execError) {
    result.error = std::strerror(execError);
    return result;
  }
  result.started = true;
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace twistlings
