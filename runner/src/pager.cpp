// pager.cpp — see pager.hpp.
//
// Why not twist's spawnProcess (or runProcess in subprocess.hpp): it gives
// the child pipes for stdout and stderr and reads them itself, while a pager
// must write to the terminal directly and read its keys from it. It also
// runs the child in a process group of its own, which is not the terminal's
// foreground group, so the pager could not even read the keyboard. So this is
// plain fork/exec with one pipe, for the pager's stdin, and a blocking wait:
// nothing else runs while the attendee reads.
#include "pager.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <vector>

#include "terminal.hpp"

extern char** environ;

namespace twistlings {

namespace {

size_t lineCount(std::string_view text) {
  size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  if (!text.empty() && text.back() != '\n') ++lines;
  return lines;
}

// The full path of `name` in $PATH, or empty.
std::string findProgram(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return {};
    dirs.remove_prefix(colon + 1);
  }
}

// The program to run and its arguments; empty when there is no pager.
std::vector<std::string> pagerCommand() {
  const char* pager = std::getenv("PAGER");
  if (pager != nullptr && *pager != '\0') return {"/bin/sh", "-c", pager};
  if (std::string less = findProgram("less"); !less.empty()) return {less, "-R", "-F", "-X"};
  if (std::string more = findProgram("more"); !more.empty()) return {more};
  return {};
}

void printPlain(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Writes everything, unless the reader went away (EPIPE: the pager quit).
void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Sets the disposition of a signal for as long as it lives, then puts the
// old one back.
class SignalDisposition {
 public:
  SignalDisposition(int signo, void (*handler)(int)) : signo_(signo) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    ::sigaction(signo, &action, &old_);
  }
  ~SignalDisposition() { ::sigaction(signo_, &old_, nullptr); }
  SignalDisposition(const SignalDisposition&) = delete;
  SignalDisposition& operator=(const SignalDisposition&) = delete;

 private:
  int signo_;
  struct sigaction old_ {};
};

// Runs the pager on `text`. False when it could not be started (the text
// was not shown).
bool runPager(const std::vector<std::string>& command, const std::string& text) {
  // Everything the child needs is prepared before fork: between fork and
  // exec the child may only make async-signal-safe calls (no allocation).
  std::vector<std::string> argvStorage = command;
  std::vector<char*> argv;
  for (std::string& s : argvStorage) argv.push_back(s.data());
  argv.push_back(nullptr);
  // As git does: when LESS is unset, less gets FRX (colours pass through,
  // quit if it fits, no screen clearing); a $PAGER of "less" then works too.
  std::vector<char*> envp;
  std::string lessDefault = "LESS=FRX";
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  if (std::getenv("LESS") == nullptr) envp.push_back(lessDefault.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;

  std::cout.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  // While the pager runs it owns the terminal: Ctrl-C and Ctrl-\ are for it
  // (less uses them), not for us, as system(3) does it. SIGPIPE is ignored
  // so that a pager quit before the end makes write fail with EPIPE instead
  // of killing the runner. All three are restored on return.
  SignalDisposition ignorePipe(SIGPIPE, SIG_IGN);
  SignalDisposition ignoreInterrupt(SIGINT, SIG_IGN);
  SignalDisposition ignoreQuit(SIGQUIT, SIG_IGN);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    // The child: default signals and an empty mask (an ignored signal and
    // the mask survive exec), the pipe as stdin (dup2 clears its CLOEXEC).
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGQUIT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(fds[0], STDIN_FILENO) < 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  writeAll(fds[1], text);
  ::close(fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // 127: exec failed, or the shell did not find $PAGER's program.
  return !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

}  // namespace

void showPaged(const std::string& text) {
  if (!term::isTerminal(STDOUT_FILENO) || lineCount(text) <= static_cast<size_t>(term::height())) {
    printPlain(text);
    return;
  }
  std::vector<std::string> command = pagerCommand();
  if (command.empty() || !runPager(command, text)) printPlain(text);
}

}  // namespace twistlings
