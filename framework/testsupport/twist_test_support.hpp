// twist_test_support.hpp — helpers shared by twist's own tests (framework/tests),
// once each instead of a copy per test file. Needs only twist/logger.hpp; the
// helpers that need a Reactor are in twist_reactor_test_support.hpp.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "twist/logger.hpp"

namespace twist_test {

// Registers a log observer for one scope (which also silences the stderr default)
// and removes it after, so that one test's observers never see another's events.
class ScopedObserver {
 public:
  explicit ScopedObserver(twist::LogObserver observer) : id_(twist::globalLogPublisher().addObserver(std::move(observer))) {}
  ~ScopedObserver() { twist::globalLogPublisher().removeObserver(id_); }
  ScopedObserver(const ScopedObserver&) = delete;
  ScopedObserver& operator=(const ScopedObserver&) = delete;

 private:
  twist::LogPublisher::ObserverId id_;
};

// Captures every log event while alive, so a test can check what was logged (and
// stderr stays quiet); thread-safe, since reactor pool threads log too.
class CapturedLog {
 public:
  CapturedLog() = default;
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // A copy of the events captured so far, in the order they were logged.
  std::vector<twist::LogEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  // Whether the text() of any captured event contains `text`.
  bool contains(const std::string& text) const {
    std::lock_guard lock(mutex_);
    for (const auto& e : events_)
      if (e.text().find(text) != std::string::npos) return true;
    return false;
  }

  // The "Unhandled error in Deferred:" events (a failed chain dropped unhandled), in order.
  std::vector<twist::LogEvent> unhandled() const {
    std::lock_guard lock(mutex_);
    std::vector<twist::LogEvent> found;
    for (const auto& e : events_)
      if (e.format.find("Unhandled error in Deferred") != std::string::npos) found.push_back(e);
    return found;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<twist::LogEvent> events_;
  // Declared last: removed first, before the events it appends to are destroyed.
  ScopedObserver observer_{[this](const twist::LogEvent& e) {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
  }};
};

// The what() of what fn throws, to match several substrings of one message.
template <class F>
std::string messageOf(F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(nothing was thrown)";
}

// Runs fn in a child process, so that a stack overflow fails one test instead
// of killing the whole binary. "ok" when fn returned true, else what happened.
inline std::string runInChild(const std::function<bool()>& fn) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    // The child reports by exit status only: without Catch's handlers, a crash
    // is a plain signal (else Catch prints a second report from the child).
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) std::signal(sig, SIG_DFL);
    bool ok = false;
    try {
      ok = fn();
    } catch (...) {
      _exit(3);
    }
    _exit(ok ? 0 : 4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 0) return "ok";
    if (code == 3) return "threw an exception";
    if (code == 4) return "returned a wrong result";
    return "exited with " + std::to_string(code) + " (a sanitizer report above?)";
  }
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status)) + " (a crash: stack overflow or memory error)";
  return "unknown status";
}

}  // namespace twist_test
