// Hidden tests for lesson 01, stretch exercise "delay" (a program exercise):
// the attendee's delay.cpp, built as a program of its own, is run once with
// each list of arguments below; a delay it accepts, the usage errors it gives
// for the rest.
#include <string>
#include <vector>

#include "program_run.hpp"

using lesson01::quoted;
using lesson01::requireEnded;
using lesson01::runOnce;
using lesson01::whatHappened;

namespace {

// Every run below, started together on the first runOnce (program_run.hpp).
const bool planned = (lesson01::plannedRuns() = {{"0.3"}, {"0"}, {}, {"abc"}, {"1s"}, {""}, {"-1"}, {"inf"}, {"1", "2"}},
                      true);

// A refusal: status 2, nothing on stdout, the usage line on stderr.
void checkRefused(const std::vector<std::string>& args) {
  const auto& run = runOnce(args);
  requireEnded(run);
  std::string shown;
  for (const auto& a : args) shown += " " + quoted(a);
  INFO("with the arguments" << (shown.empty() ? " (none)" : shown) << ": " << whatHappened(run));
  INFO("a usage error is refused before any reactor is made: the two lines on stderr, the second of them "
       "\"usage: delay SECONDS\", nothing on stdout, and return 2 from main (2 says: called the wrong way)");
  CHECK(run.exitCode == 2);
  CHECK(run.out.empty());
  CHECK_THAT(run.err, twist_catch::Contains("usage: delay SECONDS\n"));
}

}  // namespace

TEST_CASE("with 0.3 it waits 0.3 s, then greets with the delay as it was written, and exits 0") {
  const auto& run = runOnce({"0.3"});
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("argv[1] is the text \"0.3\": parseSeconds turns it into 0.3 for callLater, and the line says it as "
       "written, \"Hello after \" + std::string(argv[1]) + \" s!\"");
  CHECK(run.out == "Hello after 0.3 s!\n");
  CHECK(run.exitCode == 0);
  CHECK(run.err.empty());
  INFO("the greeting is due 0.3 s after callLater(seconds, ...): a fixed 0.2, or a delay of 0, ends too soon");
  CHECK(run.seconds >= 0.3);
}

TEST_CASE("with 0.3 it stops right after the greeting, well before the timeout") {
  const auto& run = runOnce({"0.3"});
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("stop the reactor inside the greeting's function: anything later makes the program slow");
  CHECK(run.seconds < 1.5);
}

TEST_CASE("with 0 it greets at once and exits 0") {
  const auto& run = runOnce({"0"});
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("0 is a valid delay (the reactor's next turn): parseSeconds must accept it, not treat 0 as a failure");
  CHECK(run.out == "Hello after 0 s!\n");
  CHECK(run.exitCode == 0);
  CHECK(run.seconds < 1.0);
}

TEST_CASE("without an argument it prints the usage on stderr and exits with status 2") {
  INFO("argc counts the program's name too: one argument means argc == 2, and none argc == 1; reading argv[1] "
       "without checking argc reads past the end of argv");
  checkRefused({});
}

TEST_CASE("an argument that is not a number of seconds is refused, and named") {
  INFO("std::strtod(text, &end) stops at the first character that is not part of a number: accept the text only "
       "when end points at its end ('\\0') and it is not empty");
  for (const char* bad : {"abc", "1s", ""}) {
    checkRefused({bad});
    INFO("the first line on stderr names the argument in quotes: '" << bad << "'");
    CHECK_THAT(runOnce({bad}).err, twist_catch::Contains(std::string("'") + bad + "'"));
  }
}

TEST_CASE("a negative or endless delay is refused") {
  INFO("strtod reads \"-1\" and \"inf\" in full: what it returns must also be 0 or more (a negative delay is an "
       "error in twist's callLater) and finite (std::isfinite: an endless wait never greets)");
  checkRefused({"-1"});
  checkRefused({"inf"});
}

TEST_CASE("two arguments are refused, and the count is said") {
  INFO("one argument exactly: argc == 2. The first line on stderr says how many there were");
  checkRefused({"1", "2"});
  CHECK_THAT(runOnce({"1", "2"}).err, twist_catch::Contains("got 2"));
}
