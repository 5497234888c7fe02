// doctor.cpp — see doctor.hpp.
//
// Layout: the Report that prints results, then one small coroutine per check,
// then doctor() running them in order (the pure helpers they use, package
// names, versions and CMake's files, are in doctor_facts.cpp). Each check co_awaits the reactor's work
// (processes, sockets, file events), so a slow one never blocks the loop.
#include "doctor.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "doctor_facts.hpp"
#include "files.hpp"
#include "subprocess.hpp"
#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/inotify.hpp"
#include "twist/logger.hpp"
#include "twist/process.hpp"
#include "twist/task.hpp"
#include "twist/tcp.hpp"

namespace twistlings {

namespace fs = std::filesystem;

// --- The report: what the attendee reads ---------------------------------------

namespace {

constexpr double kCompileTimeout = 20;  // seconds, for each compile and link
constexpr double kProgramTimeout = 10;  // any other program: --version, pkg-config, a probe
constexpr double kNetworkTimeout = 5;   // listen, connect, a line there and back, all closed
constexpr double kWatcherTimeout = 3;   // from writing a file to its event

// Prints each result as soon as it is known. On a terminal the "checking …"
// line is replaced by the result (\r, erase line); elsewhere (a pipe, a log)
// both stay, one per line, so the output is readable as text.
class Report {
 public:
  Report(term::Painter paint, std::function<void(std::string_view)> write)
      : paint_(paint), write_(std::move(write)) {}

  void say(std::string_view text) { line(std::string(text)); }
  void checking(std::string_view what) {
    std::string text = paint_.dim("checking " + std::string(what) + "…");
    if (paint_.enabled()) {
      write_(text);
      progressShown_ = true;
    } else {
      write_(text + "\n");
    }
  }
  void pass(std::string_view name, std::string_view detail) {
    line(paint_.green("✓") + " " + paint_.bold(name) + ": " + std::string(detail));
  }
  // Something the course works around.
  void warn(std::string_view name, std::string_view problem, std::string_view fix) {
    ++warnings_;
    line(paint_.yellow("!") + " " + paint_.bold(name) + ": " + std::string(problem));
    showFix(fix);
  }
  // Neither good nor bad: something worth knowing.
  void info(std::string_view name, std::string_view detail) {
    line(paint_.dim("·") + " " + paint_.bold(name) + ": " + std::string(detail));
  }
  // Something the course cannot work without.
  void fail(std::string_view name, std::string_view problem, std::string_view fix) {
    ++failures_;
    line(paint_.red("✗") + " " + paint_.bold(name) + ": " + std::string(problem));
    showFix(fix);
  }
  void summary() {
    std::string warned = warnings_ == 0 ? ""
                         : warnings_ == 1 ? " (1 warning: the course works around it)"
                                          : " (" + std::to_string(warnings_) + " warnings: the course works around them)";
    if (failures_ == 0) {
      line("\n" + paint_.green("All checks passed") + ": this machine is ready for the workshop" + warned + ".");
    } else {
      line("\n" + paint_.red(std::to_string(failures_) + (failures_ == 1 ? " problem" : " problems")) +
           ": run the fix commands above, then ./twistlings doctor again" + warned + ".");
    }
  }
  int failures() const { return failures_; }

 private:
  void showFix(std::string_view fix) {
    if (!fix.empty()) line("    " + paint_.dim("fix:") + " " + std::string(fix));
  }
  void line(const std::string& text) {
    if (progressShown_) write_("\r\033[K");
    progressShown_ = false;
    write_(text + "\n");
  }

  term::Painter paint_;
  std::function<void(std::string_view)> write_;
  bool progressShown_ = false;
  int failures_ = 0;
  int warnings_ = 0;
};

// What every check shares. Lives in doctor's coroutine frame, which outlives each check.
struct Context {
  twist::Reactor& reactor;
  Paths paths;
  Report report;
  std::string manager;            // apt, dnf, brew or none
  std::vector<std::string> cxx;   // the compiler command
  CompilerId compiler;
  bool compilerWorks = false;     // the sanitizer check needs it
};

// A fresh directory under paths.state/doctor/, removed with everything in it
// when it goes (and doctor/ too, once empty): doctor leaves nothing behind.
class ScratchDir {
 public:
  ScratchDir(const Paths& paths, std::string_view name) : parent_(paths.state / "doctor") {
    fs::create_directories(parent_);  // throws filesystem_error naming the path
    std::string pattern = (parent_ / (std::string(name) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a directory " + pattern + ": " + std::strerror(errno));
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
    fs::remove(parent_, ignored);  // fails, harmlessly, while another check's directory is there
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  void write(const std::string& name, std::string_view text) const {
    std::ofstream out(path / name, std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + (path / name).string());
  }

  fs::path path;

 private:
  fs::path parent_;
};

std::string joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& word : argv) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::vector<std::string> plus(std::vector<std::string> argv, std::initializer_list<std::string> more) {
  argv.insert(argv.end(), more);
  return argv;
}

// A program's result (stderr merged into out), or nullopt when it cannot be started.
twist::Deferred<std::optional<ProcessResult>> tryRun(Context& ctx, std::vector<std::string> argv, double timeout,
                                                     std::string cwd = "") {
  ProcessOptions options;
  options.timeout = timeout;
  options.mergeStderr = true;
  options.outputCap = 64 * 1024;
  options.cwd = std::move(cwd);
  try {
    co_return co_await getProcessOutputAndValue(ctx.reactor, std::move(argv), std::move(options));
  } catch (const twist::ProcessSpawnError&) {
  }
  co_return std::nullopt;
}

// The line of a compiler's output that says what went wrong: its first error
// (the linker's "cannot find -lasan" rather than the driver's summary of it,
// "collect2: error: ld returned 1 exit status"), else its first line.
std::string firstError(const ProcessResult& result) {
  if (result.timedOut || result.signal) return result.describeEnd();
  auto has = [](const std::string& line, std::string_view what) { return line.find(what) != std::string::npos; };
  std::istringstream lines(result.out);
  std::string first;
  for (std::string line; std::getline(lines, line);) {
    if (first.empty() && !line.empty()) first = line;
    if (has(line, "collect2:") || has(line, "linker command failed")) continue;
    if (has(line, "error") || has(line, "cannot find") || has(line, "undefined reference")) return line;
  }
  return first.empty() ? result.describeEnd() : first;
}

std::string compilerName(const CompilerId& id) {
  if (id.family == "gcc") return "g++ " + id.version;
  if (id.family == "clang") return "clang " + id.version;
  if (id.family == "apple-clang") return "Apple clang " + id.version;
  return "an unknown compiler" + (id.version.empty() ? "" : " " + id.version);
}

// --- 1. The compiler ---------------------------------------------------------------

// Everything twist leans on from C++20: a coroutine, a concept, std::span.
constexpr std::string_view kCxx20Probe = R"(#include <concepts>
#include <coroutine>
#include <span>

template <std::integral T>
T sum(std::span<const T> values) {
  T total{};
  for (T v : values) total += v;
  return total;
}

struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

Task answer(int& out) {
  out = 42;
  co_return;
}

int main() {
  const int values[] = {1, 2, 3};
  int out = 0;
  answer(out);
  return sum(std::span<const int>(values)) == 6 && out == 42 ? 0 : 1;
}
)";

twist::Deferred<void> checkCompiler(Context& ctx) {
  ctx.report.checking("the compiler");
  const char* cxxEnv = std::getenv("CXX");
  ctx.cxx = compilerCommand(ctx.paths.build, cxxEnv);
  const std::string shown = joined(ctx.cxx);
  // (argv is built before each co_await: g++ 12 rejects a braced list inside one.)
  auto argv = plus(ctx.cxx, {"--version"});
  auto version = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  if (!version) {
    ctx.report.fail("compiler", shown + " is not installed", fixCommand("compiler", ctx.manager));
    co_return;
  }
  if (!version->ok()) {
    ctx.report.fail("compiler", "`" + shown + " --version` failed: " + version->describeEnd(),
                    fixCommand("compiler", ctx.manager));
    co_return;
  }
  ctx.compiler = parseCompilerVersion(version->out);
  const std::string name = compilerName(ctx.compiler) + " at " + shown;

  ScratchDir dir(ctx.paths, "cxx20");
  dir.write("probe.cpp", kCxx20Probe);
  // Compiling says whether it knows C++20; linking, whether it can make programs at all.
  argv = plus(ctx.cxx, {"-std=c++20", "-c", "probe.cpp", "-o", "probe.o"});
  auto compile = co_await tryRun(ctx, std::move(argv), kCompileTimeout, dir.path.string());
  if (!compile || !compile->ok()) {
    ctx.report.fail("compiler", name + " (C++20: no): " + (compile ? firstError(*compile) : "it stopped running"),
                    newerCompilerFix(ctx.manager));
    co_return;
  }
  argv = plus(ctx.cxx, {"probe.o", "-o", "probe"});
  auto link = co_await tryRun(ctx, std::move(argv), kCompileTimeout, dir.path.string());
  if (!link || !link->ok()) {
    ctx.report.fail("compiler", name + " compiles C++20 but cannot link a program: " +
                                    (link ? firstError(*link) : "it stopped running"),
                    fixCommand("compiler", ctx.manager));
    co_return;
  }
  argv = {(dir.path / "probe").string()};
  auto ran = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  if (!ran || !ran->ok()) {
    ctx.report.fail("compiler", name + " (C++20: no): the test program built but " +
                                    (ran ? ran->describeEnd() : std::string("could not start")),
                    newerCompilerFix(ctx.manager));
    co_return;
  }
  ctx.compilerWorks = true;
  ctx.report.pass("compiler", name + " (C++20: yes)");
  // The probe is small; twist itself is built and tested with these versions.
  bool old = (ctx.compiler.family == "gcc" && ctx.compiler.major < 12) ||
             (ctx.compiler.family == "clang" && ctx.compiler.major < 14);
  if (old) {
    ctx.report.warn("compiler", compilerName(ctx.compiler) + " is older than g++ 12 / clang 14, the versions twist is tested with: if the build fails, use a newer one",
                    newerCompilerFix(ctx.manager));
  }
}

// --- 2. CMake and Ninja --------------------------------------------------------

// The program the build recorded in its cache (the one it really uses), else `fallback` from PATH.
std::string cachedProgram(const Context& ctx, std::string_view key, std::string_view fallback,
                          std::string_view mustContain) {
  auto value = cmakeCacheValue(ctx.paths.build / "CMakeCache.txt", key);
  if (value && !value->empty() && fs::path(*value).filename().string().find(mustContain) != std::string::npos &&
      fs::exists(*value))
    return *value;
  return std::string(fallback);
}

twist::Deferred<void> checkBuildTools(Context& ctx) {
  ctx.report.checking("CMake and Ninja");
  const std::string cmake = cachedProgram(ctx, "CMAKE_COMMAND", "cmake", "cmake");
  std::vector<std::string> argv = {cmake, "--version"};
  auto cmakeVersion = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  if (!cmakeVersion || !cmakeVersion->ok()) {
    ctx.report.fail("cmake", cmakeVersion ? "`cmake --version` failed: " + cmakeVersion->describeEnd() : "not installed",
                    fixCommand("cmake", ctx.manager));
  } else {
    std::string version = parseToolVersion(cmakeVersion->out);
    if (versionAtLeast(version, "3.21")) {
      ctx.report.pass("cmake", version);
    } else {
      // Distribution packages lag behind; pip has every CMake release.
      ctx.report.fail("cmake", "CMake " + version + " is too old: twistlings needs CMake >= 3.21",
                      "python3 -m pip install cmake");
    }
  }

  const std::string ninja = cachedProgram(ctx, "CMAKE_MAKE_PROGRAM", "ninja", "ninja");
  argv = {ninja, "--version"};
  auto ninjaVersion = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  if (!ninjaVersion || !ninjaVersion->ok()) {
    ctx.report.warn("ninja", "not installed: CMake builds with Make instead, and rebuilds are slower",
                    fixCommand("ninja", ctx.manager));
  } else {
    ctx.report.pass("ninja", parseToolVersion(ninjaVersion->out));
  }
}

// --- 3. The libraries -------------------------------------------------------------

struct Library {
  std::string_view name;          // as printed
  std::string_view requirement;   // the driver's name, for the fix
  std::string_view pkgConfig;     // its pkg-config module
  std::string_view cmakePackage;  // its find_package name; "" when CMake finds it with pkg-config
  std::string_view minimum;       // "" when any version will do
};

// As the top CMakeLists.txt finds them.
constexpr Library kLibraries[] = {
    {"libuv", "libuv", "libuv", "", "1.40"},
    {"md4c", "md4c", "md4c", "", ""},
    {"md4c-html", "md4c-html", "md4c-html", "", ""},
    {"nlohmann_json", "nlohmann-json", "nlohmann_json", "nlohmann_json", "3.10"},
    {"CLI11", "cli11", "CLI11", "CLI11", ""},
    {"Catch2", "catch2", "catch2", "Catch2", ""},
};

void reportLibrary(Context& ctx, const Library& library, const std::string& version, const std::string& where) {
  std::string requirement(library.requirement);
  if (!library.minimum.empty() && !versionAtLeast(version, library.minimum)) {
    ctx.report.fail(library.name,
                    version + " is too old: twistlings needs " + std::string(library.minimum) + " or newer (" + where + ")",
                    fixCommand(requirement, ctx.manager));
  } else {
    ctx.report.pass(library.name, version + " (" + where + ")");
  }
}

twist::Deferred<void> checkLibraries(Context& ctx) {
  ctx.report.checking("the libraries");
  std::vector<std::string> argv = {"pkg-config", "--version"};
  auto pkgConfig = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  const bool havePkgConfig = pkgConfig && pkgConfig->ok();
  if (havePkgConfig) {
    std::string version = parseToolVersion(pkgConfig->out);
    ctx.report.pass("pkg-config", version.empty() ? std::string(firstLine(pkgConfig->out)) : version);
  } else {
    ctx.report.fail("pkg-config", "not installed (CMake finds libuv and md4c with it)",
                    fixCommand("pkg-config", ctx.manager));
  }
  const auto prefixes = defaultPackagePrefixes();
  for (const Library& library : kLibraries) {
    std::string requirement(library.requirement);
    if (!library.cmakePackage.empty()) {
      if (auto found = findCMakePackage(library.cmakePackage, ctx.paths.build, prefixes)) {
        reportLibrary(ctx, library, found->version, found->where.string());
        continue;
      }
    }
    if (havePkgConfig) {
      argv = {"pkg-config", "--modversion", std::string(library.pkgConfig)};
      auto modversion = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
      if (modversion && modversion->ok()) {
        reportLibrary(ctx, library, std::string(firstLine(modversion->out)), "pkg-config");
        continue;
      }
    }
    std::string problem;
    if (library.cmakePackage.empty()) {
      problem = havePkgConfig ? "not found (pkg-config does not know it)"
                              : "cannot tell without pkg-config, which CMake finds it with";
    } else {
      problem = havePkgConfig ? "not found (no CMake package file, and pkg-config does not know it)"
                              : "not found (no CMake package file)";
    }
    ctx.report.fail(library.name, problem, fixCommand(requirement, ctx.manager));
  }
}

// --- 4. The network ------------------------------------------------------------------

constexpr std::string_view kPing = "twistlings doctor: ping";

struct NetworkProbe;

// The server side: sends every line back.
struct EchoLine : twist::LineReceiver {
  explicit EchoLine(NetworkProbe& probe) : probe(probe) {}
  void lineReceived(std::string_view line) override { sendLine(line); }
  void connectionLost(twist::Failure reason) override;
  NetworkProbe& probe;
};

// The client side: sends kPing and waits for it to come back.
struct PingLine : twist::LineReceiver {
  explicit PingLine(NetworkProbe& probe) : probe(probe) {}
  void connectionMade() override;
  void lineReceived(std::string_view line) override;
  void connectionLost(twist::Failure reason) override;
  NetworkProbe& probe;
};

struct EchoFactory : twist::Factory {
  explicit EchoFactory(NetworkProbe& probe) : probe(probe) {}
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override;
  NetworkProbe& probe;
};

struct PingFactory : twist::ClientFactory {
  explicit PingFactory(NetworkProbe& probe) : probe(probe) {}
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override {
    return std::make_unique<PingLine>(probe);
  }
  void clientConnectionFailed(twist::IConnector&, twist::Failure reason) override;
  void clientConnectionLost(twist::IConnector&, twist::Failure) override;
  NetworkProbe& probe;
};

// Both ends of the round trip, and what has happened so far. Each Deferred is
// fired at most once (a late event after a timeout is ignored).
struct NetworkProbe {
  std::string stage = "connect";            // what was being tried when it failed
  twist::Deferred<std::string> echoed;      // the line that came back, or why not
  bool accepted = false;                    // the server got a connection
  twist::Deferred<void> serverClosed;       // the server's connectionLost
  bool connected = false;
  twist::Deferred<void> clientClosed;       // the client factory's clientConnectionLost
  EchoFactory server{*this};
  PingFactory client{*this};
};

template <class T>
void fireOnce(twist::Deferred<T>& d) {
  if (!d.called()) d.callback();
}

void EchoLine::connectionLost(twist::Failure) { fireOnce(probe.serverClosed); }

std::unique_ptr<twist::Protocol> EchoFactory::buildProtocol(const twist::Address&) {
  probe.accepted = true;
  return std::make_unique<EchoLine>(probe);
}

void PingLine::connectionMade() {
  probe.connected = true;
  probe.stage = "exchange";
  sendLine(kPing);
}

void PingLine::lineReceived(std::string_view line) {
  if (!probe.echoed.called()) probe.echoed.callback(std::string(line));
  transport->loseConnection();
}

void PingLine::connectionLost(twist::Failure reason) {
  if (!probe.echoed.called())
    probe.echoed.errback(std::runtime_error("the connection closed before the line came back: " + reason.getErrorMessage()));
}

void PingFactory::clientConnectionFailed(twist::IConnector&, twist::Failure reason) {
  if (!probe.echoed.called()) probe.echoed.errback(reason);
}

void PingFactory::clientConnectionLost(twist::IConnector&, twist::Failure) { fireOnce(probe.clientClosed); }

// Waits for d, but at most until `deadline` (reactor seconds): true if it fired in time.
twist::Deferred<bool> firedBy(Context& ctx, twist::Deferred<void> d, double deadline) {
  double left = std::max(0.01, deadline - ctx.reactor.seconds());
  try {
    co_await d.addTimeout(left, ctx.reactor);
  } catch (const twist::TimeoutError&) {
    co_return false;
  }
  co_return true;
}

// twist.tcp logs each port's start and stop at info level ("Factory starting
// on 38673"), as Twisted does; in doctor's report that is noise. While the
// probe runs, those are dropped, and every other event still reaches stderr.
class QuietTcpInfo {
 public:
  QuietTcpInfo()
      : id_(twist::globalLogPublisher().addObserver([](const twist::LogEvent& event) {
          if (event.logNamespace == "twist.tcp" && event.level <= twist::LogLevel::info) return;
          std::fputs(twist::formatEventAsText(event).c_str(), stderr);
        })) {}
  ~QuietTcpInfo() { twist::globalLogPublisher().removeObserver(id_); }
  QuietTcpInfo(const QuietTcpInfo&) = delete;
  QuietTcpInfo& operator=(const QuietTcpInfo&) = delete;

 private:
  twist::LogPublisher::ObserverId id_;
};

const char* const kNetworkFix =
    "make sure the loopback interface is up and no firewall blocks 127.0.0.1 (Linux: sudo ip link set lo up)";

twist::Deferred<void> checkNetwork(Context& ctx) {
  ctx.report.checking("TCP on 127.0.0.1");
  QuietTcpInfo quiet;
  const double deadline = ctx.reactor.seconds() + kNetworkTimeout;
  auto probe = std::make_shared<NetworkProbe>();
  // The factories must outlive every connection and connector they made
  // (tcp.hpp). One that hangs is closed only when the reactor shuts down, so
  // the reactor keeps the probe until then.
  ctx.reactor.addSystemEventTrigger("after", "shutdown", [probe] {});

  std::shared_ptr<twist::IListeningPort> port;
  std::string bindError;
  try {
    port = twist::listenTCP(ctx.reactor, 0, probe->server, 50, "127.0.0.1");
  } catch (const std::exception& e) {
    bindError = e.what();
  }
  if (!port) {
    ctx.report.fail("network", "bind: " + bindError, kNetworkFix);
    co_return;
  }
  const int portNumber = port->getHost().port;
  auto connector = twist::connectTCP(ctx.reactor, "127.0.0.1", portNumber, probe->client, kNetworkTimeout);

  std::string problem;
  try {
    std::string back = co_await probe->echoed.addTimeout(std::max(0.01, deadline - ctx.reactor.seconds()), ctx.reactor);
    if (back != kPing) problem = "exchange: sent \"" + std::string(kPing) + "\", got \"" + back + "\"";
  } catch (const twist::TimeoutError&) {
    problem = probe->stage + ": nothing happened within " + std::to_string(static_cast<int>(kNetworkTimeout)) + " s";
  } catch (const std::exception& e) {
    problem = probe->stage + ": " + e.what();
  }

  // Close everything, and see it closed: a check that leaked sockets would be no check.
  connector->disconnect();  // nothing to do when it is closed already
  bool closed = co_await firedBy(ctx, port->stopListening(), deadline);
  if (probe->connected) closed = co_await firedBy(ctx, probe->clientClosed, deadline) && closed;
  if (probe->accepted) closed = co_await firedBy(ctx, probe->serverClosed, deadline) && closed;
  if (problem.empty() && !closed) problem = "close: the connection or the port did not close in time";

  if (problem.empty()) {
    ctx.report.pass("network", "listened on 127.0.0.1:" + std::to_string(portNumber) +
                                   ", connected, a line went there and back, all closed");
  } else {
    ctx.report.fail("network", problem, kNetworkFix);
  }
}

// The clients a lesson's reader might reach for, and the one that is always there.
twist::Deferred<void> checkLineClients(Context& ctx) {
  ctx.report.info("line clients", lineClientsNote(onPath));
  co_return;
}

// --- 5. The file watcher ---------------------------------------------------------

const char* const kPollFix = "./twistlings watch --poll";

// Linux caps inotify per user; editors and IDEs use up the default caps.
std::string watchErrorFix(const std::string& error) {
  if (error.find("ENOSPC") != std::string::npos)
    return "sudo sysctl fs.inotify.max_user_watches=524288 (or use ./twistlings watch --poll)";
  if (error.find("EMFILE") != std::string::npos)
    return "sudo sysctl fs.inotify.max_user_instances=1024 (or use ./twistlings watch --poll)";
  return kPollFix;
}

twist::Deferred<void> checkWatcher(Context& ctx) {
  ctx.report.checking("the file watcher");
  ScratchDir dir(ctx.paths, "watch");
  twist::INotify notifier(ctx.reactor);
  twist::Deferred<double> seen;  // seconds from the write to the first event
  auto written = std::make_shared<double>(ctx.reactor.seconds());
  std::string watchError;
  try {
    notifier.watch(dir.path.string(), [seen, &reactor = ctx.reactor, written](const std::string&, unsigned) mutable {
      if (!seen.called()) seen.callback(std::max(0.0, reactor.seconds() - *written));
    });
  } catch (const std::exception& e) {
    watchError = e.what();
  }
  if (!watchError.empty()) {
    ctx.report.warn("file watcher", "cannot watch a directory: " + watchError, watchErrorFix(watchError));
    co_return;
  }
  // A moment after the watch starts: some systems (macOS FSEvents) need it to
  // begin reporting. A failed write shows as the missing event.
  ctx.reactor.callLater(0.05, [file = dir.path / "probe.txt", written, &reactor = ctx.reactor] {
    *written = reactor.seconds();
    std::ofstream(file) << "twistlings doctor\n";
  });
  bool arrived = true;
  double after = 0;
  try {
    after = co_await seen.addTimeout(kWatcherTimeout, ctx.reactor);
  } catch (const twist::TimeoutError&) {
    arrived = false;
  }
  notifier.ignore(dir.path.string());
  if (arrived) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", after);
    ctx.report.pass("file watcher", std::string("a new file was reported ") + seconds + " s after it was written");
  } else {
    ctx.report.warn("file watcher", "file change events do not arrive here (WSL /mnt, network drive?): use `" +
                                        std::string(kPollFix) + "`",
                    kPollFix);
  }
}

// --- 6. The sanitizers ---------------------------------------------------------------

constexpr std::string_view kSanitizerProbe = R"(#include <cstdio>
#include <memory>
#include <vector>

int main(int argc, char**) {
  std::vector<int> values(4, argc);
  auto sum = std::make_unique<int>(values[3] + 1);
  std::printf("%d\n", *sum);
  return *sum == argc + 1 ? 0 : 1;
}
)";

twist::Deferred<void> checkSanitizers(Context& ctx) {
  ctx.report.checking("the sanitizers");
  if (!ctx.compilerWorks) {
    ctx.report.warn("sanitizers", "not checked: the compiler check failed", "fix the compiler first (above)");
    co_return;
  }
  ScratchDir dir(ctx.paths, "sanitize");
  dir.write("probe.cpp", kSanitizerProbe);
  auto argv = plus(ctx.cxx, {"-std=c++20", "-g", "-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                             "probe.cpp", "-o", "probe"});
  auto build = co_await tryRun(ctx, std::move(argv), kCompileTimeout, dir.path.string());
  if (!build || !build->ok()) {
    ctx.report.warn("sanitizers",
                    "-fsanitize=address,undefined does not build: " + (build ? firstError(*build) : "the compiler stopped running"),
                    sanitizerFix(ctx.compiler.family, ctx.compiler.major, ctx.manager));
    co_return;
  }
  argv = {(dir.path / "probe").string()};
  auto ran = co_await tryRun(ctx, std::move(argv), kProgramTimeout);
  if (ran && ran->ok()) {
    ctx.report.pass("sanitizers", "-fsanitize=address,undefined builds and runs");
    co_return;
  }
  std::string output = ran ? ran->out : "";
  std::string fix = "see the message: the sanitizer builds (./twistlings selftest --sanitize) will fail the same way";
  // Kernels with 32 bits of mmap randomness break the ASan of g++ 12 and clang 14.
  if (output.find("DEADLYSIGNAL") != std::string::npos) fix = "sudo sysctl vm.mmap_rnd_bits=28";
  // LeakSanitizer cannot run under ptrace (a debugger, strace, some containers).
  if (output.find("LeakSanitizer") != std::string::npos) fix = "export ASAN_OPTIONS=detect_leaks=0";
  ctx.report.warn("sanitizers",
                  "a sanitized program builds but does not run: " + (ran ? firstError(*ran) : "it could not start"), fix);
}

// --- doctor --------------------------------------------------------------------------

twist::Deferred<int> runDoctor(twist::Reactor& reactor, Paths paths, term::Painter paint,
                               std::function<void(std::string_view)> write) {
  Context ctx{reactor, std::move(paths), Report(paint, std::move(write)), "none", {}, {}, false};
  std::string badChoice;
  try {
    ctx.manager = detectPackageManager();
  } catch (const std::invalid_argument& e) {
    badChoice = e.what();
    ctx.manager = detectPackageManager("", runningOnMacOS(), onPath);
  }
  ctx.report.say("Checking this machine for the workshop (package manager: " + ctx.manager + ").");
  if (!badChoice.empty())
    ctx.report.fail("package manager", badChoice, "unset TWISTLINGS_PKG_MANAGER, or set it to apt, dnf, brew or none");

  using Check = twist::Deferred<void> (*)(Context&);
  const std::pair<const char*, Check> checks[] = {
      {"compiler", checkCompiler},  {"build tools", checkBuildTools}, {"libraries", checkLibraries},
      {"network", checkNetwork},    {"line clients", checkLineClients}, {"file watcher", checkWatcher},
      {"sanitizers", checkSanitizers},
  };
  for (const auto& [name, check] : checks) {
    std::string error;
    try {
      co_await check(ctx);
    } catch (...) {
      error = twist::Failure::current().getErrorMessage();
    }
    // A check that broke is a problem doctor cannot diagnose further: show it as it is.
    if (!error.empty()) ctx.report.fail(name, "the check itself failed: " + error, "");
  }
  ctx.report.summary();
  // One more pass of the loop before we fire: a finished child's collector
  // (subprocess.cpp) frees itself on the pass after its end, and react()
  // stops the reactor as soon as our Deferred fires.
  co_await twist::deferLater(ctx.reactor, 0);
  co_return ctx.report.failures() == 0 ? 0 : 1;
}

}  // namespace

twist::Deferred<int> doctor(twist::Reactor& reactor, const Paths& paths, const term::Painter& paint,
                            std::function<void(std::string_view)> write) {
  return runDoctor(reactor, paths, paint, std::move(write));
}

twist::Deferred<int> doctor(twist::Reactor& reactor, const Paths& paths, const term::Painter& paint) {
  return runDoctor(reactor, paths, paint, [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);  // each line as it completes, even into a pipe
  });
}

}  // namespace twistlings
