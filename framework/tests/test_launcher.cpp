// test_launcher.cpp — parseLaunchOptions, the launcher's parsing step, in
// process (runService itself is run as a process by test_launcher.py).
#include "twist/launcher.hpp"

#include <sstream>
#include <string>
#include <utility>
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

Parsed parseWith(const twist::ProgramInfo& program, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Parsed parsed{};
  std::ostringstream out, err;
  parsed.status =
      twist::parseLaunchOptions(static_cast<int>(args.size()), argv.data(), program, parsed.options, out, err);
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

Parsed parse(std::vector<std::string> args) { return parseWith(info, std::move(args)); }

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

namespace {

const twist::ProgramInfo withOptions{"prog",
                                     "a program",
                                     {"tcp:8123"},
                                     {{"census-interval", "1", "Seconds between two census records",
                                       twist::OptionType::seconds},
                                      {"greeting", "hello", "What to say first."}}};

}  // namespace

TEST_CASE("a program's own options: their defaults, or the values given") {
  Parsed defaults = parseWith(withOptions, {});
  REQUIRE(defaults.status == -1);
  CHECK(defaults.options.value("census-interval") == "1");
  CHECK(defaults.options.seconds("census-interval") == 1.0);
  CHECK(defaults.options.value("greeting") == "hello");

  Parsed given = parseWith(withOptions, {"--census-interval", "0.25", "--greeting=hi there", "--listen", "tcp:1"});
  REQUIRE(given.status == -1);
  CHECK(given.options.seconds("census-interval") == 0.25);
  CHECK(given.options.value("greeting") == "hi there");
  CHECK(given.options.listen == std::vector<std::string>{"tcp:1"});
}

TEST_CASE("a program's own option: a bad value is a usage error naming it, and --help lists it with its default") {
  for (const char* bad : {"0", "-1", "inf", "2s", "soon"}) {
    INFO(bad);
    Parsed parsed = parseWith(withOptions, {"--census-interval", bad});
    CHECK(parsed.status == 2);
    CHECK(parsed.err.find("--census-interval") != std::string::npos);
  }
  Parsed help = parseWith(withOptions, {"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("--census-interval") != std::string::npos);
  CHECK(help.out.find("Seconds between two census records. Default: 1") != std::string::npos);
  CHECK(help.out.find("What to say first. Default: hello") != std::string::npos);
  // Without options of its own, a program refuses one it does not have.
  CHECK(parse({"--census-interval", "1"}).status == 2);
}

TEST_CASE("LaunchOptions::value and seconds name an option the program does not have") {
  Parsed parsed = parseWith(withOptions, {});
  REQUIRE(parsed.status == -1);
  CHECK_THROWS_WITH(parsed.options.value("census"), twist_catch::Contains("no option --census"));
  CHECK_THROWS_AS(parsed.options.seconds("census"), std::out_of_range);
  CHECK_THROWS_WITH(parsed.options.seconds("greeting"), twist_catch::Contains("--greeting: not a number of seconds"));
}

TEST_CASE("a ProgramOption that is the program's mistake throws, naming it, before anything is parsed") {
  for (const auto& [option, named] : std::vector<std::pair<twist::ProgramOption, std::string>>{
           {{"", "1", "x"}, "a name is letters"},
           {{"--census", "1", "x"}, "without the leading --"},
           {{"two words", "1", "x"}, "a name is letters"},
           {{"pidfile", "x", "x"}, "--pidfile is the launcher's own"},
           {{"help", "x", "x"}, "--help is the launcher's own"},
           {{"every", "0", "x", twist::OptionType::seconds}, "its default must be a finite number"},
           {{"every", "soon", "x", twist::OptionType::seconds}, "its default not a number of seconds"}}) {
    INFO(named);
    twist::ProgramInfo program{"prog", "a program", {}, {option}};
    CHECK_THROWS_WITH(parseWith(program, {}), twist_catch::Contains(named));
  }
  twist::ProgramInfo twice{"prog", "a program", {}, {{"every", "1", "x"}, {"every", "2", "y"}}};
  CHECK_THROWS_WITH(parseWith(twice, {}), twist_catch::Contains("\"every\": given twice"));
}
