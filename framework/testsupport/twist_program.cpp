// twist_program.cpp — see twist_program.hpp.
#include "twist_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

namespace twist_test {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A pipe whose two ends are closed on exec: the child gets its end by dup2
// (which clears the flag on the copy), and nothing else it starts holds ours.
bool closeOnExecPipe(int fds[2]) {
  if (::pipe(fds) != 0) return false;
  for (int i = 0; i < 2; ++i) ::fcntl(fds[i], F_SETFD, FD_CLOEXEC);
  return true;
}

void closeIfOpen(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

namespace detail {

// In the child, between fork and exec: async-signal-safe calls only.
// (twist_service_process.cpp starts its programs the same way.)
[[noreturn]] void becomeProgram(const std::string& path, char* const argv[], int in, int out, int err, int report,
                                pid_t parent) {
  ::setpgid(0, 0);
#ifdef __linux__
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before the line above
#else
  (void)parent;
#endif
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  // Dispositions and the mask survive exec: give the program the defaults
  // (a test framework may ignore SIGPIPE or block signals).
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execv(path.c_str(), argv);
  int error = errno;
  (void)!::write(report, &error, sizeof error);
  ::_exit(127);
}

}  // namespace detail

namespace {

enum class Read { data, nothing, end };

// Reads what is there from fd into `into`, keeping at most cap bytes.
Read readSome(int fd, std::string& into, bool& cut, std::size_t cap) {
  char buffer[16384];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? Read::nothing : Read::end;
  if (n == 0) return Read::end;
  std::size_t got = static_cast<std::size_t>(n);
  std::size_t room = into.size() < cap ? cap - into.size() : 0;
  if (got > room) cut = true;
  into.append(buffer, std::min(got, room));
  return Read::data;
}

void recordStatus(ProgramRun& run, int status) {
  if (WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
}

}  // namespace

std::string signalName(int signal) {
  struct Known {
    int number;
    const char* name;
    const char* what;
  };
  static const Known known[] = {
      {SIGSEGV, "SIGSEGV", "segmentation fault"}, {SIGABRT, "SIGABRT", "aborted"},
      {SIGFPE, "SIGFPE", "arithmetic error"},    {SIGBUS, "SIGBUS", "bus error"},
      {SIGILL, "SIGILL", "illegal instruction"}, {SIGKILL, "SIGKILL", "killed"},
      {SIGTERM, "SIGTERM", "terminated"},        {SIGINT, "SIGINT", "interrupted"},
      {SIGPIPE, "SIGPIPE", "broken pipe"},       {SIGHUP, "SIGHUP", "hangup"},
      {SIGQUIT, "SIGQUIT", "quit"},              {SIGTRAP, "SIGTRAP", "trace trap"},
      {SIGALRM, "SIGALRM", "alarm clock"},       {SIGSYS, "SIGSYS", "bad system call"},
      {SIGXCPU, "SIGXCPU", "CPU time limit exceeded"},
  };
  for (const Known& k : known) {
    if (k.number == signal) return std::string(k.name) + " (" + k.what + ")";
  }
  return "signal " + std::to_string(signal);
}

std::string ProgramRun::describe() const {
  std::ostringstream text;
  if (!started()) {
    text << "could not be started: " << startError;
  } else if (timedOut) {
    text << "was still running after " << timeoutSeconds << " s, so it was killed";
  } else if (signal) {
    text << "was killed by " << signalName(*signal);
  } else if (std::string report = sanitizerReport(); exitCode && !report.empty()) {
    text << "was stopped by a sanitizer (" << report << ") and exited with status " << *exitCode;
  } else if (exitCode) {
    text << "exited with status " << *exitCode;
  } else {
    text << "ended in a way nobody reported";
  }
  return text.str();
}

std::string ProgramRun::sanitizerReport() const {
  for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: "}) {
    std::size_t at = err.find(mark);
    if (at == std::string::npos) continue;
    if (mark[0] == ':') at += 2;  // from "runtime error:" on; the file and line before it are in the INFO
    else at += 7;                 // from the sanitizer's name on
    std::size_t end = err.find('\n', at);
    return err.substr(at, end == std::string::npos ? std::string::npos : end - at);
  }
  return {};
}

std::string ProgramRun::crash() const {
  if (signal) return signalName(*signal);
  std::string report = sanitizerReport();
  return report.empty() ? "none" : report;
}

ProgramRun runProgram(const std::string& path, const std::vector<std::string>& args, double timeoutSeconds,
                      std::size_t outputCap) {
  ProgramRun run;
  run.timeoutSeconds = timeoutSeconds;
  // Everything the child needs is made before fork: it may not allocate.
  std::vector<std::string> words{path};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);

  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
  if (in < 0 || !closeOnExecPipe(out) || !closeOnExecPipe(err) || !closeOnExecPipe(report)) {
    run.startError = std::string("no pipe or /dev/null (") + std::strerror(errno) + ")";
    for (int* fd : {&in, &out[0], &out[1], &err[0], &err[1], &report[0], &report[1]}) closeIfOpen(*fd);
    return run;
  }
  pid_t parent = ::getpid();
  Clock::time_point start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) detail::becomeProgram(path, argv.data(), in, out[1], err[1], report[1], parent);
  for (int* fd : {&in, &out[1], &err[1], &report[1]}) closeIfOpen(*fd);
  if (pid < 0) {
    run.startError = std::string("fork failed (") + std::strerror(errno) + ")";
    for (int* fd : {&out[0], &err[0], &report[0]}) closeIfOpen(*fd);
    return run;
  }
  ::setpgid(pid, pid);  // as the child does: whichever runs first, the group exists before we may kill it

  // The report pipe closes at exec (success) or carries errno (failure).
  int error = 0;
  ssize_t got;
  do {
    got = ::read(report[0], &error, sizeof error);
  } while (got < 0 && errno == EINTR);
  closeIfOpen(report[0]);
  if (got == static_cast<ssize_t>(sizeof error)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.startError = path + " (" + std::strerror(error) + ")";
    closeIfOpen(out[0]);
    closeIfOpen(err[0]);
    return run;
  }

  // Read both streams until both end; check for its end on every pass, since
  // something it started may hold the pipes open after it has gone.
  Clock::time_point deadline = start + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(timeoutSeconds));
  bool reaped = false;
  int status = 0;
  auto reap = [&](int options) {
    if (!reaped && ::waitpid(pid, &status, options) == pid) {
      reaped = true;
      run.seconds = secondsSince(start);
      ::kill(-pid, SIGKILL);  // what it left running in its group, which may hold the pipes
    }
  };
  Clock::time_point drainUntil = Clock::time_point::max();
  int emptyPasses = 0;
  while (out[0] >= 0 || err[0] >= 0 || !reaped) {
    Clock::time_point now = Clock::now();
    if (!reaped && now >= deadline) {
      run.timedOut = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      reap(0);
      break;
    }
    if (reaped && now >= drainUntil) break;  // a pipe held by something outside its group
    pollfd fds[2];
    int count = 0;
    for (int fd : {out[0], err[0]}) {
      if (fd >= 0) fds[count++] = pollfd{fd, POLLIN, 0};
    }
    // Both pipes at their end and the program not reaped yet: it is exiting,
    // so look again soon (1, 2, 4 ... 20 ms), not a whole 20 ms later, which
    // was most of a short run's time.
    auto slice = std::chrono::milliseconds(count > 0 ? 20 : std::min(20, 1 << std::min(emptyPasses++, 5)));
    Clock::time_point until = std::min(reaped ? drainUntil : deadline, now + slice);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
    int ready = ::poll(fds, static_cast<nfds_t>(count), static_cast<int>(std::max<long long>(wait, 0) + 1));
    for (int i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      bool isOut = fds[i].fd == out[0];
      int& fd = isOut ? out[0] : err[0];
      if (readSome(fd, isOut ? run.out : run.err, isOut ? run.outCut : run.errCut, outputCap) == Read::end) {
        closeIfOpen(fd);
      }
    }
    bool wasReaped = reaped;
    reap(WNOHANG);
    if (reaped && !wasReaped) drainUntil = Clock::now() + std::chrono::milliseconds(500);
  }
  if (run.timedOut) {
    // Keep what was already in the pipes: it was written before the kill.
    for (int* fd : {&out[0], &err[0]}) {
      if (*fd < 0) continue;
      bool isOut = fd == &out[0];
      ::fcntl(*fd, F_SETFL, O_NONBLOCK);
      while (readSome(*fd, isOut ? run.out : run.err, isOut ? run.outCut : run.errCut, outputCap) == Read::data) {
      }
    }
  }
  closeIfOpen(out[0]);
  closeIfOpen(err[0]);
  recordStatus(run, status);
  if (run.timedOut) run.exitCode.reset();
  return run;
}

}  // namespace twist_test
