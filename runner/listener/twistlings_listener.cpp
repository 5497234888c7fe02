// twistlings_listener.cpp — the grader's half of the grading pipeline: a Catch2
// event listener, linked into every exercise and solution program, that tells
// the runner what each hidden test did.
//
// It is silent unless the runner sets TWISTLINGS_REPORT to a file path. Then:
// - each test case writes one JSON line when it starts and one when it ends
//   (name, file, line, status, the first failures with expected and actual),
//   written with write(2) at once, so that a test that crashes or hangs is
//   still known: its "start" line is there and its "end" line is not;
// - stdout gets a marker (\x1e twistlings-test N \x1e) before each test, so the
//   runner can give each test the output it printed;
// - TWISTLINGS_MEMORY_MB, when set, caps the address space (setrlimit), so a
//   runaway allocation fails in the test instead of swapping the laptop;
// - a crash (Catch's FatalErrorCondition, reported from inside its signal
//   handler, on the crashed thread) adds a "crash" line: the stack's return
//   addresses as offsets from the program's load address, "" for a frame in a
//   shared library. The runner turns them into file:line (symbolize.hpp).
//   Frames on Linux with glibc only (backtrace, dl_iterate_phdr); elsewhere
//   the line is written with none, still naming the test that crashed.
//
// - each test's "end" line has its wall time ("seconds"; the grader reports a
//   test that takes real time: tests never sleep), and, for a test that
//   destroyed a twist::Reactor with delayed calls pending or ports and
//   connections open, what was left ("unclean": lines worded as
//   twist::cleanReactor's), seen by a hook in ~Reactor
//   (Reactor::setDestructionHook) that only looks.
//
// Catch2 2 (Debian 12) and 3 (Ubuntu 24.04, Homebrew) differ in the listener's
// base class and in assertionEnded's return type; the #if below is the only
// difference.
#if TWIST_CATCH_MAJOR == 2
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // the listener base classes, outside the main's file
#include <catch2/catch.hpp>
#else
// The reporter interface only declares TestCaseInfo; its fields are in its own header.
#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#endif
#include "twist_catch.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <execinfo.h>
#include <link.h>
#define TWISTLINGS_HAVE_BACKTRACE 1
#else
#define TWISTLINGS_HAVE_BACKTRACE 0
#endif

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "twist/reactor.hpp"

// An address-space limit would break AddressSanitizer's shadow memory.
#if defined(__SANITIZE_ADDRESS__)
#define TWISTLINGS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TWISTLINGS_UNDER_ASAN 1
#endif
#endif
#ifndef TWISTLINGS_UNDER_ASAN
#define TWISTLINGS_UNDER_ASAN 0
#endif

namespace {

#if TWIST_CATCH_MAJOR == 2
using ListenerBase = Catch::TestEventListenerBase;
const Catch::TestCaseInfo& infoOf(const Catch::TestCaseStats& stats) { return stats.testInfo; }
#else
using ListenerBase = Catch::EventListenerBase;
const Catch::TestCaseInfo& infoOf(const Catch::TestCaseStats& stats) { return *stats.testInfo; }
#endif

constexpr int kMaxFailuresPerTest = 3;

// Where the program itself (not a shared library) is mapped, found once at the
// start: a signal handler must not look it up (dl_iterate_phdr takes a lock).
class ProgramImage {
 public:
  void locate() {
#if TWISTLINGS_HAVE_BACKTRACE
    // The first object dl_iterate_phdr reports is the program.
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* self) -> int {
          auto& image = *static_cast<ProgramImage*>(self);
          image.bias_ = info->dlpi_addr;
          for (int i = 0; i < info->dlpi_phnum && image.segments_ < kMaxSegments; ++i) {
            const auto& ph = info->dlpi_phdr[i];
            if (ph.p_type != PT_LOAD) continue;
            image.begin_[image.segments_] = info->dlpi_addr + ph.p_vaddr;
            image.end_[image.segments_] = info->dlpi_addr + ph.p_vaddr + ph.p_memsz;
            ++image.segments_;
          }
          return 1;  // the program only
        },
        this);
    // backtrace() loads the unwinder on its first call, which allocates: do it now, not in a crash.
    void* warmUp[2];
    backtrace(warmUp, 2);
#endif
  }

  // Writes {"event":"crash","index":N,"frames":["1a2b",""...]} to fd without
  // allocating: it runs inside the signal handler, maybe with the heap broken.
  // Without backtrace() the frames are empty: the line still says which test crashed.
  void writeCrash(int fd, int index) const {
    void* frames[kMaxFrames];
#if TWISTLINGS_HAVE_BACKTRACE
    int count = backtrace(frames, kMaxFrames);
#else
    int count = 0;
#endif
    char line[96 + kMaxFrames * 20];
    size_t at = 0;
    auto put = [&](const char* text) {
      while (*text && at < sizeof line) line[at++] = *text++;
    };
    auto putNumber = [&](unsigned long value, unsigned base) {
      char digits[24];
      int n = 0;
      do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
      } while (value != 0 && n < 24);
      while (n > 0 && at < sizeof line) line[at++] = digits[--n];
    };
    put("{\"event\":\"crash\",\"index\":");
    putNumber(static_cast<unsigned long>(index), 10);
    put(",\"frames\":[");
    for (int i = 0; i < count; ++i) {
      put(i == 0 ? "\"" : ",\"");
      auto address = reinterpret_cast<uintptr_t>(frames[i]);
      if (contains(address)) putNumber(address - bias_, 16);
      put("\"");
    }
    put("]}\n");
    for (size_t done = 0; done < at;) {
      ssize_t n = ::write(fd, line + done, at - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

 private:
  static constexpr int kMaxSegments = 8;
  static constexpr int kMaxFrames = 48;
  bool contains(uintptr_t address) const {
    for (int i = 0; i < segments_; ++i)
      if (address >= begin_[i] && address < end_[i]) return true;
    return false;
  }
  uintptr_t bias_ = 0;
  uintptr_t begin_[kMaxSegments] = {};
  uintptr_t end_[kMaxSegments] = {};
  int segments_ = 0;
};

// Catch puts a long expansion on several lines ("{ ... }\n==\n{ ... }"): keep them under their heading.
std::string indentContinuation(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

nlohmann::json describeFailure(const Catch::AssertionStats& stats) {
  const Catch::AssertionResult& result = stats.assertionResult;
  nlohmann::json failure;
  failure["file"] = std::string(result.getSourceInfo().file);
  failure["line"] = result.getSourceInfo().line;
  std::string text;
  switch (result.getResultType()) {
    case Catch::ResultWas::ThrewException:
      text = "threw an unexpected exception: " + std::string(result.getMessage());
      if (result.hasExpression()) text = result.getExpressionInMacro() + " " + text;
      break;
    case Catch::ResultWas::FatalErrorCondition:
      text = "crashed: " + std::string(result.getMessage());
      break;
    case Catch::ResultWas::ExplicitFailure:
      text = std::string(result.getMessage());
      break;
    default:
      if (result.hasExpression()) {
        text = result.getExpressionInMacro();
        if (result.hasExpandedExpression() && result.getExpandedExpression() != result.getExpression())
          text += "\n  with expansion: " + indentContinuation(result.getExpandedExpression(), "    ");
      }
      if (result.hasMessage()) text += (text.empty() ? "" : "\n  ") + std::string(result.getMessage());
  }
  failure["text"] = text;
  nlohmann::json info = nlohmann::json::array();
  for (const auto& message : stats.infoMessages) {
    if (message.type == Catch::ResultWas::Info) info.push_back(std::string(message.message));
  }
  failure["info"] = info;
  return failure;
}

// What the Reactors destroyed during the current test left behind, one line
// each, in twist::cleanReactor's words ("Reactor was unclean." is the
// grader's heading). Filled by the ~Reactor hook, which runs on the test's
// thread while the test runs; cleared when a test starts.
std::vector<std::string> uncleanLines;
bool inTest = false;

std::string secondsText(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}

// Whether a handle of a resource (not the reactor's own timers, idle, async
// and signal handles) is open and not closing.
bool hasOpenHandle(twist::Reactor& reactor) {
  bool open = false;
  uv_walk(
      reactor.uvLoop(),
      [](uv_handle_t* handle, void* found) {
        switch (handle->type) {
          case UV_TCP: case UV_NAMED_PIPE: case UV_TTY: case UV_UDP: case UV_PROCESS: case UV_FS_EVENT: case UV_POLL:
            if (!uv_is_closing(handle)) *static_cast<bool*>(found) = true;
            break;
          default:
            break;
        }
      },
      &open);
  return open;
}

void noteUncleanReactor(twist::Reactor& reactor) {
  if (!inTest) return;  // a static Reactor, destroyed after the last test: no test to name
  std::vector<twist::DelayedCall> calls = reactor.getDelayedCalls();
  if (!calls.empty()) {
    uncleanLines.push_back("DelayedCalls: (cancelled)");
    double now = reactor.seconds();
    for (twist::DelayedCall& call : calls)
      uncleanLines.push_back("  a call due at t=" + secondsText(call.getTime()) + " s (in " +
                             secondsText(call.getTime() - now) + " s)");
  }
  // Resources whose close has begun (stopListening, loseConnection) stay
  // registered until the loop runs their close callbacks, which the hook must
  // not do (trial's janitor iterates the loop instead): only a socket, pipe,
  // process or watcher handle not yet closing makes the reactor unclean.
  std::vector<std::string> resources = reactor.describeResources();
  if (resources.empty() || !hasOpenHandle(reactor)) return;
  uncleanLines.push_back("Selectables: (closed)");
  for (const std::string& resource : resources) uncleanLines.push_back("  " + resource);
}

class TwistlingsListener : public ListenerBase {
 public:
  using ListenerBase::ListenerBase;

  void testRunStarting(const Catch::TestRunInfo& info) override {
    ListenerBase::testRunStarting(info);
    if (const char* path = std::getenv("TWISTLINGS_REPORT")) {
      fd_ = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      // Line by line, so that what a test printed before it hung or crashed reaches the runner.
      std::setvbuf(stdout, nullptr, _IOLBF, 0);
      // stderr into stdout's pipe: the runner reads the two on separate pipes,
      // which keep no order between them, so a test's log lines (stderr) could
      // arrive before the marker (stdout) that says which test printed them
      // and be given to another test. On one pipe they arrive in program order.
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      image_.locate();
      twist::Reactor::setDestructionHook(noteUncleanReactor);
    }
#if !TWISTLINGS_UNDER_ASAN
    if (const char* mb = std::getenv("TWISTLINGS_MEMORY_MB")) {
      rlim_t bytes = static_cast<rlim_t>(std::strtoull(mb, nullptr, 10)) * 1024 * 1024;
      if (bytes > 0) {
        rlimit limit{bytes, bytes};
        ::setrlimit(RLIMIT_AS, &limit);
      }
    }
#endif
  }

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    ListenerBase::testCaseStarting(info);
    if (fd_ < 0) return;
    failures_ = nlohmann::json::array();
    failed_ = 0;
    uncleanLines.clear();
    inTest = true;
    started_ = std::chrono::steady_clock::now();
    nlohmann::json line{{"event", "start"},
                        {"index", index_},
                        {"name", std::string(info.name)},
                        {"file", std::string(info.lineInfo.file)},
                        {"line", info.lineInfo.line}};
    emit(line);
    std::fflush(stderr);
    std::fprintf(stdout, "\x1etwistlings-test %d\x1e", index_);
    std::fflush(stdout);
  }

#if TWIST_CATCH_MAJOR == 2
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    record(stats);
    return ListenerBase::assertionEnded(stats);
  }
#else
  void assertionEnded(const Catch::AssertionStats& stats) override {
    record(stats);
    ListenerBase::assertionEnded(stats);
  }
#endif

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    if (fd_ >= 0) {
      std::fflush(stdout);
      std::fflush(stderr);
      bool passed = stats.totals.assertions.failed == 0 && stats.totals.testCases.failed == 0;
      inTest = false;
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started_;
      nlohmann::json line{{"event", "end"},
                          {"index", index_},
                          {"name", std::string(infoOf(stats).name)},
                          {"status", passed ? "pass" : "fail"},
                          {"assertions", stats.totals.assertions.total()},
                          {"failed", failed_},
                          {"failures", failures_},
                          {"seconds", took.count()}};
      if (!uncleanLines.empty()) line["unclean"] = uncleanLines;
      emit(line);
      ++index_;
    }
    ListenerBase::testCaseEnded(stats);
  }

 private:
  void record(const Catch::AssertionStats& stats) {
    if (fd_ < 0 || stats.assertionResult.isOk()) return;
    // First, before anything allocates: we may be in a signal handler, on the crashed stack.
    if (stats.assertionResult.getResultType() == Catch::ResultWas::FatalErrorCondition) image_.writeCrash(fd_, index_);
    ++failed_;
    if (failed_ <= kMaxFailuresPerTest) {
      failures_.push_back(describeFailure(stats));
      // Written at once too: if the test then crashes or hangs, the runner still knows why.
      nlohmann::json line{{"event", "failure"}, {"index", index_}, {"failure", failures_.back()}};
      emit(line);
    }
  }

  void emit(const nlohmann::json& line) {
    std::string text = line.dump() + "\n";
    const char* data = text.data();
    size_t left = text.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, data, left);
      if (n <= 0) return;
      data += n;
      left -= static_cast<size_t>(n);
    }
  }

  ProgramImage image_;
  std::chrono::steady_clock::time_point started_;
  int fd_ = -1;
  int index_ = 0;
  int failed_ = 0;
  nlohmann::json failures_ = nlohmann::json::array();
};

}  // namespace

CATCH_REGISTER_LISTENER(TwistlingsListener)
