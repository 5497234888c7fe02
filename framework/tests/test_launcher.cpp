// test_launcher.cpp — parseLaunchOptions, the launcher's parsing step, in
// process (runService itself is run as a process by test_launcher.py).
#include "twist/launcher.hpp"

#include <sstream>
#include <string>
#include <vector>

#include "twist_catch.hpp"

namespace {

struct Parsed {
  int status;
  twist::LaunchOptions options;
  std::string out;
  std::string err;
};

const twist::ProgramInfo info{"prog", "a program", {"tcp:8123:interface=127.0.0.1"}};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Parsed parsed{};
  std::ostringstream out, err;
  parsed.status =
      twist::parseLaunchOptions(static_cast<int>(args.size()), argv.data(), info, parsed.options, out, err);
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

}  // namespace

TEST_CASE("parseLaunchOptions without options gives the defaults and the program's default endpoints") {
  Parsed parsed = parse({});
  CHECK(parsed.status == -1);
  CHECK(parsed.options.listen == std::vector<std::string>{"tcp:8123:interface=127.0.0.1"});
  CHECK(parsed.options.logfile.empty());
  CHECK(parsed.options.logFormat == twist::LogFormat::text);
  CHECK(parsed.options.logLevel == twist::LogLevel::info);
  CHECK(parsed.options.pidfile.empty());
  CHECK(parsed.options.shutdownTimeout == 5.0);
}

TEST_CASE("parseLaunchOptions keeps every --listen in order and replaces the defaults with them") {
  Parsed parsed = parse({"--listen", "tcp:1:interface=127.0.0.1", "--listen=tcp:2", "--listen", "tcp:3"});
  CHECK(parsed.status == -1);
  CHECK(parsed.options.listen == std::vector<std::string>{"tcp:1:interface=127.0.0.1", "tcp:2", "tcp:3"});
}

TEST_CASE("parseLaunchOptions reads the log, pidfile and timeout options") {
  Parsed parsed = parse({"--logfile", "-", "--log-format", "json", "--log-level", "warn", "--pidfile", "/run/p.pid",
                         "--shutdown-timeout", "0.25"});
  REQUIRE(parsed.status == -1);
  CHECK(parsed.options.logfile == "-");
  CHECK(parsed.options.logFormat == twist::LogFormat::json);
  CHECK(parsed.options.logLevel == twist::LogLevel::warn);
  CHECK(parsed.options.pidfile == "/run/p.pid");
  CHECK(parsed.options.shutdownTimeout == 0.25);
  CHECK(parse({"--log-level", "critical"}).options.logLevel == twist::LogLevel::critical);
  CHECK(parse({"--log-level", "debug"}).options.logLevel == twist::LogLevel::debug);
}

TEST_CASE("parseLaunchOptions answers a bad option with status 2 and a message naming it") {
  for (const auto& [args, named] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--nope"}, "--nope"},
           {{"--log-format", "yaml"}, "--log-format"},
           {{"--log-level", "verbose"}, "--log-level"},
           {{"--shutdown-timeout", "0"}, "--shutdown-timeout"},
           {{"--shutdown-timeout", "1e999"}, "--shutdown-timeout"},
           {{"--shutdown-timeout", "2s"}, "--shutdown-timeout"},
           {{"--logfile"}, "--logfile"},
           {{"leftover"}, "leftover"}}) {
    INFO(args.front());
    Parsed parsed = parse(args);
    CHECK(parsed.status == 2);
    CHECK(parsed.err.find(named) != std::string::npos);
    CHECK(parsed.out.empty());
  }
}

TEST_CASE("parseLaunchOptions prints --help on out and answers 0") {
  Parsed parsed = parse({"--help"});
  CHECK(parsed.status == 0);
  CHECK(parsed.out.find("a program") != std::string::npos);
  CHECK(parsed.out.find("--shutdown-timeout") != std::string::npos);
  CHECK(parsed.out.find("tcp:8123:interface=127.0.0.1") != std::string::npos);
  CHECK(parsed.err.empty());
}
