// launcher.hpp — a deployable program in a few lines (Twisted: the `twist`
// and `twistd` launchers, twisted.application.runner and app.py).
//
//   int main(int argc, char** argv) {
//     return twist::runService(argc, argv, {"chat_service", "lesson 06's chat server",
//                                           {"tcp:8123:interface=127.0.0.1"}},
//                              [](twist::Reactor& reactor, const twist::LaunchOptions& options) {
//                                auto top = std::make_unique<twist::MultiService>();
//                                for (const auto& endpoint : options.listen)
//                                  top->own(twist::strportsService(reactor, endpoint, factory));
//                                return top;
//                              });
//   }
//
// runService does what twistd does for a Twisted application, in the
// foreground like Twisted's `twist` (no double fork: systemd and containers
// want the process they started), in this order:
//  1. Parses argv with CLI11: --listen ENDPOINT (repeatable), --logfile PATH,
//     --log-format text|json, --log-level debug|info|warn|error|critical,
//     --pidfile PATH, --shutdown-timeout SECONDS, --help; and the program's
//     own options (ProgramInfo::options), as a twistd plugin has its own.
//  2. Logging: one observer on the global publisher (logger.hpp) for the whole
//     run: text (textFileLogObserver) or Twisted's JSON (jsonFileLogObserver)
//     on stderr, stdout ("-") or a file opened for appending; events below
//     --log-level are dropped, except the "listening on" records of step 4,
//     written at every level. The launcher's own events use ProgramInfo::name
//     as their namespace.
//  3. The pidfile: one that names a live process refuses the start; one that
//     names no process (stale) is removed with a warning. The pid is written
//     to a temporary file in the same directory, then linked into place, so a
//     reader never sees a half-written pidfile and two starts cannot both
//     win. It is removed at exit, if it still holds this process's pid.
//  4. A Reactor; build(reactor, options) makes the service tree;
//     privilegedStartService(), then startService(). Each listening service
//     in the tree (StreamServerEndpointService, at any depth) is then logged
//     as "<name> listening on TCP:127.0.0.1:8123", with the fields "address",
//     "host" and "port": how a program started on port 0 tells its port. The
//     record is at info level but passes --log-level warn and above too.
//     Twisted's is the port's own "Site starting on 8123" (log.msg, so
//     info), which `twist --log-level warn` drops: there a program on port 0
//     run that way cannot tell its port.
//  5. notifyReady() (systemd.hpp: READY=1 when NOTIFY_SOCKET is set; an error
//     is logged and the program goes on), then the reactor runs until stopped.
//
// Signals (handled on the reactor's loop with uv_signal_t, from before the
// build: one that comes while the services start is handled once the reactor
// runs; Reactor::run is called with installSignalHandlers = false, so these
// replace its own):
// - SIGTERM or SIGINT, the first: logged, then reactor.stop(). The stop of the
//   service tree is a "before shutdown" trigger (as twistd registers
//   service.stopService), so a program that calls reactor.stop() itself stops
//   the same way: notifyStopping() (STOPPING=1), stopService() of the tree,
//   and the reactor waits for its Deferred, at most --shutdown-timeout
//   seconds (a stop that outlasts it is logged as such, and the shutdown goes
//   on). Then the reactor's shutdown closes every connection left, the
//   pidfile is removed, and runService returns 0.
// - SIGTERM or SIGINT, a second one: logged, the pidfile removed, and the
//   process ends at once with _exit(128 + the signal's number): 143 for
//   SIGTERM, 130 for SIGINT, as a shell reports a death by that signal.
// - SIGHUP: the log file is closed and opened again at its path, so that after
//   logrotate renames it, new records go to a new file (logrotate's
//   postrotate: kill -HUP <pid>). With the log on stderr or stdout it is
//   logged and ignored (a terminal closing no longer kills the program).
//
// Exit statuses (runService's return value, for main to return):
// - 0 after a clean stop (and after --help);
// - 2 for a usage error: an unknown option, a bad value, a missing argument;
//   the message names the option, on stderr, with a pointer to --help;
// - 1 when the start fails: the pidfile names a live process (the message
//   says which pid), the log file or pidfile cannot be written, build threw,
//   privilegedStartService or startService threw (an endpoint that cannot
//   listen: strportsService throws CannotListenError). The reason, with the
//   step that failed ("startService failed: ..."), is logged, and printed on
//   stderr too when the log goes elsewhere. When the tree had been built,
//   it is then stopped as on SIGTERM: the reactor runs just long enough for
//   stopService of the whole tree (a MultiService asks its children in
//   reverse order, those that had not started too, as Twisted's does), at
//   most --shutdown-timeout seconds; then the pidfile is removed and
//   runService returns 1. Twisted differs: twistd's startApplication lets
//   the exception escape before registering the tree's stopService, removes
//   the pidfile and exits with the traceback, leaving what started to the
//   process's end (twisted/scripts/_twistd_unix.py postApplication,
//   twisted/application/app.py startApplication, 22.4). twist stops it, so a
//   connection or port that started is closed in order, not cut.
//
// Ownership: runService owns the Reactor, the service tree and the log file,
// all for the duration of the call; the tree is destroyed before the Reactor,
// after the reactor has stopped. The builder is called once, on the calling
// thread, before the reactor runs. Call runService once per process: the
// signal handlers and the log observer are process-wide.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "twist/application.hpp"
#include "twist/logger.hpp"
#include "twist/reactor.hpp"

namespace twist {

enum class LogFormat { text, json };

// What the command line said (every field has its default when not given).
struct LaunchOptions {
  std::vector<std::string> listen;   // each --listen ENDPOINT in order; ProgramInfo::defaultListen when none
  std::string logfile;               // --logfile: "" = stderr (default), "-" = stdout, else a path
  LogFormat logFormat = LogFormat::text;  // --log-format text|json
  LogLevel logLevel = LogLevel::info;     // --log-level debug|info|warn|error|critical
  std::string pidfile;               // --pidfile PATH, "" = none
  double shutdownTimeout = 5.0;      // --shutdown-timeout SECONDS, finite, > 0
  // Each ProgramOption's value, by its name: as given, or its default.
  std::map<std::string, std::string> values;

  // The value of the program's own option `name` (ProgramInfo::options).
  // Throws std::out_of_range naming it when the program declared none so named.
  const std::string& value(const std::string& name) const;
  // The same, read as seconds (an OptionType::seconds option, already checked
  // to be a finite number above 0). Throws std::out_of_range as value() does,
  // and std::invalid_argument naming it when it is not such a number.
  double seconds(const std::string& name) const;
};

// What a program's own option holds, checked as the command line is parsed: a
// bad value is a usage error (status 2) before anything starts.
enum class OptionType {
  text,     // any text
  seconds,  // a finite number of seconds above 0, as --shutdown-timeout
};

// An option of the program's own, beside the launcher's (Twisted: a twistd
// plugin's Options.optParameters, [name, short, default, help, coerce]):
// --NAME VALUE, listed by --help with its default. Read it in the builder with
// options.value(NAME) or options.seconds(NAME).
struct ProgramOption {
  std::string name;          // without the dashes: "census-interval"; letters, digits and '-'
  std::string defaultValue;  // as it would be written on the command line: "1"
  std::string help;          // one line for --help
  OptionType type = OptionType::text;
};

// What --help says about the program, and its defaults.
struct ProgramInfo {
  std::string name;                        // for --help and the log namespace
  std::string description;                 // one line for --help
  std::vector<std::string> defaultListen;  // used when no --listen is given
  std::vector<ProgramOption> options = {};  // the program's own, if any (= {}: may be left out)
};

// Builds the service tree (called once, before the reactor runs). What it
// throws is logged and runService returns 1.
using ServiceBuilder = std::function<std::unique_ptr<Service>(Reactor&, const LaunchOptions&)>;

// Parses argv with CLI11, sets up logging and the pidfile, builds the service tree,
// privilegedStartService + startService, notifyReady(), runs the reactor in the
// foreground. SIGTERM/SIGINT: notifyStopping(), stopService() of the tree, waiting for its
// Deferred up to shutdownTimeout, then removes the pidfile and returns 0 (a stop that
// outlasts the grace period is logged as such, then the same). A second SIGTERM/SIGINT:
// exits at once with status 128+signal. SIGHUP: reopens the log file.
// Returns main's exit status: 0 after a clean stop; 2 for a usage error (the option named,
// on stderr); 1 when the start fails (pidfile of a live process, builder or start threw,
// an endpoint that cannot listen), with the reason logged/printed, after what started
// has been stopped.
int runService(int argc, char** argv, const ProgramInfo& info, ServiceBuilder build);

// The parsing step alone (for tests, and for a program that wants the values
// without running): fills `options` from argv. Returns -1 when the program
// should go on, else the exit status to return at once: 0 after --help
// (printed on `out`), 2 after a usage error (printed on `err`).
// A ProgramOption whose name is empty, not letters, digits and '-', one of
// the launcher's own (listen, logfile, ..., help) or given twice, or whose
// default its type refuses, is the program's mistake, not the user's: it
// throws std::invalid_argument naming it (runService: on stderr, status 1).
int parseLaunchOptions(int argc, char** argv, const ProgramInfo& info, LaunchOptions& options, std::ostream& out,
                       std::ostream& err);

}  // namespace twist
