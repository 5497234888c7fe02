// launcher.cpp — runService: options, logging, pidfile, the service tree and
// the signals (launcher.hpp says what each does and why).
#include "twist/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>

#include "twist/endpoints.hpp"
#include "twist/error.hpp"
#include "twist/systemd.hpp"
#include "twist/testing.hpp"
#include "uv_error.hpp"

namespace twist {
namespace {

// "open chat.log: EACCES (permission denied)": the operation, the path, and
// errno as libuv names it (the convention of every error in twist).
std::string systemError(const std::string& operation, const std::string& path, int error) {
  return operation + " " + path + ": " + detail::uvError(uv_translate_sys_error(error));
}

const std::vector<std::pair<std::string, LogLevel>> kLevels = {{"debug", LogLevel::debug},
                                                                {"info", LogLevel::info},
                                                                {"warn", LogLevel::warn},
                                                                {"error", LogLevel::error},
                                                                {"critical", LogLevel::critical}};

// What is wrong with `value` as a number of seconds, or "" when nothing is:
// the rule of --shutdown-timeout and of every OptionType::seconds option.
std::string secondsProblem(const std::string& value) {
  double seconds = 0;
  try {
    std::size_t used = 0;
    seconds = std::stod(value, &used);
    if (used != value.size()) return "not a number of seconds: " + value;
  } catch (const std::exception&) {
    return "not a number of seconds: " + value;
  }
  if (!std::isfinite(seconds) || seconds <= 0) return "must be a finite number of seconds above 0, not " + value;
  return "";
}

// secondsProblem as CLI11's check of an option's value.
CLI::Validator secondsValidator() {
  return CLI::Validator([](std::string& value) { return secondsProblem(value); }, "SECONDS > 0");
}

// The launcher's own option names: a program's own may not take them.
const char* const kLauncherOptions[] = {"listen",   "logfile",          "log-format", "log-level",
                                        "pidfile",  "shutdown-timeout", "help",       "h"};

// The program's mistakes in its ProgramOptions, before any is added to CLI11
// (whose own error for a clash would not say whose option it was).
void checkProgramOptions(const ProgramInfo& info) {
  std::vector<std::string> seen;
  for (const ProgramOption& option : info.options) {
    std::string what = info.name + "'s ProgramOption \"" + option.name + "\"";
    bool wellFormed = !option.name.empty() && option.name.front() != '-';
    for (char c : option.name) {
      bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      wellFormed = wellFormed && allowed;
    }
    if (!wellFormed) throw std::invalid_argument(what + ": a name is letters, digits and '-', without the leading --");
    for (const char* own : kLauncherOptions) {
      if (option.name == own) throw std::invalid_argument(what + ": --" + option.name + " is the launcher's own");
    }
    for (const std::string& name : seen) {
      if (name == option.name) throw std::invalid_argument(what + ": given twice");
    }
    seen.push_back(option.name);
    if (option.type == OptionType::seconds) {
      std::string problem = secondsProblem(option.defaultValue);
      if (!problem.empty()) throw std::invalid_argument(what + ": its default " + problem);
    }
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

// ---- the log's destination ---------------------------------------------------
// stderr, stdout, or a file that SIGHUP closes and opens again at its path
// (logrotate has renamed the old one). The observers write to stream(), a
// reference that stays valid across reopen(); the mutex keeps a worker
// thread's event from being written while the file is reopened.
class LogDestination {
 public:
  explicit LogDestination(std::string path) : path_(std::move(path)) {}

  // Opens the file (nothing to do for stderr / stdout). Returns the error, or "".
  std::string open() {
    if (!isFile()) return "";
    // ::open first, for errno: std::ofstream does not say why it failed.
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return systemError("open", path_, errno);
    ::close(fd);
    file_.open(path_, std::ios::out | std::ios::app);
    if (!file_) return "open " + path_ + ": std::ofstream could not open it";
    return "";
  }

  std::string reopen() {
    std::lock_guard lock(mutex_);
    file_.close();
    file_.clear();
    return open();
  }

  bool isFile() const { return !path_.empty() && path_ != "-"; }
  // "stderr", "stdout" or the path: for messages.
  std::string name() const { return path_.empty() ? "stderr" : path_ == "-" ? "stdout" : path_; }
  std::ostream& stream() { return path_.empty() ? std::cerr : path_ == "-" ? static_cast<std::ostream&>(std::cout) : file_; }
  std::mutex& mutex() { return mutex_; }

 private:
  std::string path_;
  std::ofstream file_;
  std::mutex mutex_;
};

// ---- the pidfile ---------------------------------------------------------------

// What the pidfile at `path` holds: nullopt when there is none, -1 when it
// holds no number.
std::optional<long> readPidfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  long pid = -1;
  if (!(in >> pid) || pid <= 0) return -1;
  return pid;
}

// Twisted's checkPID: refuses a live process, removes a stale pidfile with a
// warning. Returns the reason to refuse, or "".
std::string checkPidfile(const std::string& path, const Logger& log) {
  std::optional<long> pid = readPidfile(path);
  if (!pid) return "";
  if (*pid < 0)
    return "pidfile " + path + " holds no pid: remove it if no instance of this program is running";
  if (*pid != static_cast<long>(::getpid())) {  // our own pid: a container restarted with the same pid
    if (::kill(static_cast<pid_t>(*pid), 0) == 0 || errno == EPERM)
      return "pidfile " + path + " names process " + std::to_string(*pid) +
             ", which is running: another instance? Stop it, or start this one with another --pidfile";
  }
  log.warn("Removing stale pidfile {pidfile} (process {pid} is not running)",
           {{"pidfile", path}, {"pid", std::to_string(*pid)}});
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return systemError("unlink", path, errno);
  return "";
}

// Writes "<pid>\n" to a temporary file beside `path`, then links it into
// place: a reader never sees a half-written pidfile, and link() refuses a
// path that exists, so of two starts at once only one wins (rename would let
// the second overwrite the first). Where hard links are not supported, rename.
std::string writePidfile(const std::string& path) {
  std::string pid = std::to_string(::getpid());
  std::string temporary = path + ".tmp." + pid;
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return systemError("open", temporary, errno);
  std::string content = pid + "\n";
  bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  int writeError = errno;
  ::close(fd);
  if (!written) {
    ::unlink(temporary.c_str());
    return systemError("write", temporary, writeError);
  }
  std::string error;
  if (::link(temporary.c_str(), path.c_str()) != 0) {
    int linkError = errno;
    if (linkError == EEXIST) {
      error = "pidfile " + path + " was created meanwhile: another instance is starting";
    } else if (linkError == EPERM || linkError == ENOTSUP || linkError == ENOSYS) {
      if (::rename(temporary.c_str(), path.c_str()) != 0) error = systemError("rename", path, errno);
    } else {
      error = systemError("link", path, linkError);
    }
  }
  ::unlink(temporary.c_str());
  return error;
}

// Removes the pidfile if it still names this process (another instance may
// have taken the path since, after a stale check of its own).
void removePidfile(const std::string& path) {
  if (path.empty()) return;
  std::optional<long> pid = readPidfile(path);
  if (pid && *pid == static_cast<long>(::getpid())) ::unlink(path.c_str());
}

// ---- the listening services, logged with their ports ---------------------------

const char* const kListeningFormat = "{service} listening on {address}";

// The launcher's "listening on" records pass the --log-level filter whatever
// the level: they are how a program started on port 0 tells its port.
bool isListeningRecord(const LogEvent& event, const std::string& launcherNamespace) {
  return event.logNamespace == launcherNamespace && event.format == kListeningFormat;
}

void logListening(const Service& service, const Logger& log) {
  if (auto* listening = dynamic_cast<const StreamServerEndpointService*>(&service)) {
    if (auto port = listening->port()) {
      Address address = port->getHost();
      std::string name = listening->name().empty() ? listening->description() : listening->name();
      log.info(kListeningFormat, {{"service", name},
                                  {"address", address.str()},
                                  {"host", address.host},
                                  {"port", std::to_string(address.port)}});
    }
  }
  if (auto* multi = dynamic_cast<const MultiService*>(&service))
    for (const Service* child : multi->services()) logListening(*child, log);
}

// ---- the run -----------------------------------------------------------------

class Launch {
 public:
  Launch(const ProgramInfo& info, LaunchOptions options)
      : info_(info), options_(std::move(options)), log_(info.name.empty() ? "twist.launcher" : info.name),
        destination_(options_.logfile) {}

  ~Launch() {
    if (observer_) globalLogPublisher().removeObserver(*observer_);
  }

  int run(const ServiceBuilder& build);

 private:
  std::string startLogging();
  // Logs why the start failed (with the Failure when there is one), and
  // prints it on stderr as well when the log goes elsewhere. Returns 1, the
  // status for it.
  int startFailed(const std::string& why, const Failure* failure = nullptr);
  void installSignals(Reactor& reactor);
  void closeSignals();
  void onSignal(int signum);
  Deferred<void> stopTree();

  const ProgramInfo& info_;
  LaunchOptions options_;
  Logger log_;
  LogDestination destination_;
  std::optional<LogPublisher::ObserverId> observer_;
  Reactor* reactor_ = nullptr;
  Service* tree_ = nullptr;
  std::vector<uv_signal_t*> signals_;
  int stopSignals_ = 0;  // SIGTERM / SIGINT received so far
  bool pidfileOurs_ = false;
};

std::string Launch::startLogging() {
  std::string error = destination_.open();
  if (!error.empty()) return error;
  std::ostream& out = destination_.stream();
  LogObserver write = options_.logFormat == LogFormat::json ? jsonFileLogObserver(out) : textFileLogObserver(out);
  observer_ = globalLogPublisher().addObserver(
      [write = std::move(write), level = options_.logLevel, &mutex = destination_.mutex(),
       launcher = log_.logNamespace()](const LogEvent& event) {
        if (event.level < level && !isListeningRecord(event, launcher)) return;
        std::lock_guard lock(mutex);
        write(event);
      });
  return "";
}

int Launch::startFailed(const std::string& why, const Failure* failure) {
  if (failure)
    log_.failure("{program} could not start: {reason}", *failure, {{"program", info_.name}, {"reason", why}});
  else
    log_.critical("{program} could not start: {reason}", {{"program", info_.name}, {"reason", why}});
  if (destination_.name() != "stderr")
    std::cerr << info_.name << ": could not start: " << why << "\n";
  return 1;  // the pidfile goes at the end of run(), once what started has stopped
}

int Launch::run(const ServiceBuilder& build) {
  if (std::string error = startLogging(); !error.empty()) {
    std::cerr << info_.name << ": could not start: " << error << "\n";
    return 1;
  }
  if (!options_.pidfile.empty()) {
    if (std::string refusal = checkPidfile(options_.pidfile, log_); !refusal.empty()) return startFailed(refusal);
    if (std::string error = writePidfile(options_.pidfile); !error.empty()) return startFailed(error);
    pidfileOurs_ = true;
  }
  int status = 0;
  {
    Reactor reactor;
    reactor_ = &reactor;
    std::unique_ptr<Service> tree;
    // Before the build: a SIGTERM that comes while the services start waits
    // in libuv's signal pipe, and stops them once the reactor runs.
    installSignals(reactor);
    const char* stage = "the service builder";
    try {
      tree = build(reactor, options_);
      if (!tree) throw std::runtime_error("the service builder returned no service");
      tree_ = tree.get();
      stage = "privilegedStartService";
      tree->privilegedStartService();
      stage = "startService";
      tree->startService();
    } catch (...) {
      Failure failure = Failure::current();
      status = startFailed(std::string(stage) + " failed: " + failure.getErrorMessage(), &failure);
    }
    // The tree's stop, as twistd registers it; on a failed start it runs at
    // once, so what started stops as it would on SIGTERM (see the header).
    if (tree) reactor.addSystemEventTrigger("before", "shutdown", [this] { return stopTree(); });
    if (status != 0 && tree) {
      reactor.callWhenRunning([&reactor] { reactor.stop(); });
      reactor.run(false);
    }
    if (status == 0) {
      logListening(*tree, log_);
      try {
        notifyReady();
      } catch (const std::exception& e) {
        log_.warn("Could not tell systemd that {program} is ready: {error}",
                  {{"program", info_.name}, {"error", e.what()}});
      }
      log_.info("{program} started (pid {pid})", {{"program", info_.name}, {"pid", std::to_string(::getpid())}});
      reactor.run(false);
      log_.info("{program} stopped", {{"program", info_.name}});
    }
    closeSignals();
    tree.reset();  // before the reactor, which its ports and connections need
    tree_ = nullptr;
    reactor_ = nullptr;
  }
  if (pidfileOurs_) removePidfile(options_.pidfile);
  return status;
}

// The "before shutdown" trigger: the tree's stop, waited for at most
// shutdownTimeout seconds.
Deferred<void> Launch::stopTree() {
  try {
    notifyStopping();
  } catch (const std::exception& e) {
    log_.warn("Could not tell systemd that {program} is stopping: {error}",
              {{"program", info_.name}, {"error", e.what()}});
  }
  Reactor& reactor = *reactor_;
  double began = reactor.seconds();
  std::ostringstream grace;
  grace << options_.shutdownTimeout;
  log_.info("Stopping the services (waiting at most {timeout} s)", {{"timeout", grace.str()}});
  Deferred<void> stopping;
  try {
    stopping = tree_->stopService();
  } catch (...) {
    log_.failure("stopService threw", Failure::current());
    return succeed();
  }
  // Whichever comes first, the stop or the end of the grace period, fires `done`.
  struct Race {
    Deferred<void> done;
    DelayedCall timer;
    bool over = false;
  };
  auto race = std::make_shared<Race>();
  Logger log = log_;
  race->timer = reactor.callLater(options_.shutdownTimeout, [race, log, grace = grace.str()] {
    if (std::exchange(race->over, true)) return;
    log.warn("The services did not stop within the grace period ({timeout} s): shutting down anyway",
             {{"timeout", grace}});
    race->done.callback();
  });
  auto finished = [race, log, began, &reactor](const Failure* failure) {
    if (std::exchange(race->over, true)) return;
    if (race->timer.active()) race->timer.cancel();
    if (failure) log.failure("The services' stop failed", *failure);
    std::ostringstream took;
    took << reactor.seconds() - began;
    log.info("The services stopped in {seconds} s", {{"seconds", took.str()}});
    race->done.callback();
  };
  stopping.addCallbacks([finished] { finished(nullptr); }, [finished](Failure failure) { finished(&failure); });
  return race->done;
}

// ---- signals ---------------------------------------------------------------------

void Launch::installSignals(Reactor& reactor) {
  for (int signum : {SIGTERM, SIGINT, SIGHUP}) {
    auto* handle = new uv_signal_t;
    int rc = uv_signal_init(reactor.uvLoop(), handle);
    if (rc == 0) {
      handle->data = this;
      rc = uv_signal_start(
          handle, [](uv_signal_t* h, int number) { static_cast<Launch*>(h->data)->onSignal(number); }, signum);
      signals_.push_back(handle);  // initialised: closed (and freed) in closeSignals
    } else {
      delete handle;
    }
    if (rc != 0)
      log_.error("Cannot handle signal {signal}: {error}",
                 {{"signal", std::to_string(signum)}, {"error", detail::uvError(rc)}});
  }
}

// Freed in the close callback (libuv's rule); the reactor's destructor runs it.
void Launch::closeSignals() {
  for (uv_signal_t* handle : signals_)
    uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) { delete reinterpret_cast<uv_signal_t*>(h); });
  signals_.clear();
}

void Launch::onSignal(int signum) {
  const char* name = signum == SIGTERM ? "SIGTERM" : signum == SIGINT ? "SIGINT" : "SIGHUP";
  if (signum == SIGHUP) {
    if (!destination_.isFile()) {
      log_.info("Received SIGHUP: the log goes to {destination}, nothing to reopen",
                {{"destination", destination_.name()}});
      return;
    }
    std::string error = destination_.reopen();
    if (!error.empty()) {
      std::cerr << info_.name << ": SIGHUP: " << error << "\n";
      return;
    }
    log_.info("Received SIGHUP: reopened the log file {logfile}", {{"logfile", destination_.name()}});
    return;
  }
  if (++stopSignals_ > 1) {
    log_.warn("Received {signal} again while stopping: exiting at once", {{"signal", name}});
    if (pidfileOurs_) removePidfile(options_.pidfile);
    std::cout.flush();
    std::cerr.flush();
    ::_exit(128 + signum);
  }
  log_.info("Received {signal}, shutting down.", {{"signal", name}});
  try {
    reactor_->stop();
  } catch (const ReactorNotRunning&) {
    // the program is already stopping (it called reactor.stop() itself)
  }
}

}  // namespace

// ---- options -----------------------------------------------------------------------

const std::string& LaunchOptions::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) {
    throw std::out_of_range("LaunchOptions::value(\"" + name + "\"): the program has no option --" + name +
                            " (ProgramInfo::options)");
  }
  return it->second;
}

double LaunchOptions::seconds(const std::string& name) const {
  const std::string& text = value(name);
  std::string problem = secondsProblem(text);
  if (!problem.empty()) throw std::invalid_argument("--" + name + ": " + problem);
  return std::stod(text);
}

int parseLaunchOptions(int argc, char** argv, const ProgramInfo& info, LaunchOptions& options, std::ostream& out,
                       std::ostream& err) {
  checkProgramOptions(info);
  options.values.clear();
  CLI::App app{info.description, info.name};
  std::string defaults = info.defaultListen.empty() ? "none" : joined(info.defaultListen);
  app.add_option("--listen", options.listen,
                 "Listen on ENDPOINT, e.g. tcp:8123:interface=127.0.0.1, or systemd:domain=INET:index=0 under "
                 "socket activation. Repeat it for several. Default: " +
                     defaults)
      ->type_name("ENDPOINT")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            // The syntax is checked here, so that a typo is a usage error (status 2) before
            // anything starts; a MemoryReactor only records, it opens nothing.
            MemoryReactor reactor;
            try {
              serverFromString(reactor, value);
            } catch (const std::invalid_argument& e) {
              return e.what();
            }
            return "";
          },
          "ENDPOINT"))
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--logfile", options.logfile,
                 "Write the log to PATH (appending; SIGHUP reopens it, for logrotate), or - for standard output. "
                 "Default: standard error")
      ->type_name("PATH");
  std::string format = "text";
  app.add_option("--log-format", format, "text (one readable line per event) or json (Twisted's jsonFileLogObserver "
                                         "format, one record per event). Default: text")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  std::string level = "info";
  app.add_option("--log-level", level, "Drop events below LEVEL: debug, info, warn, error or critical; the info record \"<service> listening on "
                 "<address>\", which tells the port, is kept at every level. Default: info")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "critical"}));
  app.add_option("--pidfile", options.pidfile,
                 "Write this process's pid to PATH while it runs; refuse to start if PATH names a running process")
      ->type_name("PATH");
  app.add_option("--shutdown-timeout", options.shutdownTimeout,
                 "On SIGTERM or SIGINT, wait at most SECONDS for the services to stop. Default: 5")
      ->type_name("SECONDS")
      ->check(secondsValidator());
  for (const ProgramOption& option : info.options) {
    options.values[option.name] = option.defaultValue;
    std::string help = option.help;
    if (!help.empty() && help.back() == '.') help.pop_back();  // the default follows as a sentence of its own
    CLI::Option* added =
        app.add_option("--" + option.name, options.values[option.name], help + ". Default: " + option.defaultValue);
    if (option.type == OptionType::seconds) {
      added->type_name("SECONDS")->check(secondsValidator());
    } else {
      added->type_name("TEXT");
    }
  }
  app.footer(
      "Signals: SIGTERM or SIGINT stops the services gracefully (at most --shutdown-timeout seconds), removes the "
      "pidfile and exits 0; a second one exits at once with 128 + the signal's number. SIGHUP reopens the log file.\n"
      "Exit status: 0 after a clean stop, 1 when the start fails (a live pidfile, a port in use, ...), 2 for a bad "
      "option.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e, out, err);
    return status == 0 ? 0 : 2;
  }
  options.logFormat = format == "json" ? LogFormat::json : LogFormat::text;
  for (const auto& [levelName, value] : kLevels)
    if (levelName == level) options.logLevel = value;
  if (options.listen.empty()) options.listen = info.defaultListen;
  return -1;
}

int runService(int argc, char** argv, const ProgramInfo& info, ServiceBuilder build) {
  LaunchOptions options;
  int status = -1;
  try {
    status = parseLaunchOptions(argc, argv, info, options, std::cout, std::cerr);
  } catch (const std::invalid_argument& e) {
    std::cerr << info.name << ": " << e.what() << "\n";  // the log is not set up yet
    return 1;
  }
  if (status >= 0) return status;
  Launch launch(info, std::move(options));
  return launch.run(build);
}

}  // namespace twist
