// Hidden tests for lesson 01, exercise "hello" (a program exercise): the
// attendee's hello.cpp, built as a program of its own, is run once as a child
// process, and each test checks one thing about that run, in the order an
// attendee fixes them: it ends, it does not crash, its exit status, its line,
// its timing, and a quiet stderr.
#include <csignal>
#include <string>

#include "program_run.hpp"

using lesson01::requireEnded;
using lesson01::runOnce;
using lesson01::whatHappened;

namespace {

const std::string greeting = "Hello from the reactor!\n";

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("the program ends by itself: the reactor is stopped") {
  const auto& run = runOnce();
  requireEnded(run);
  SUCCEED("it ended by itself");
}

TEST_CASE("the program does not crash") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  // (An INFO lasts to the end of its block: the note is chosen here, and given at the check's level.)
  std::string why =
      run.signal == SIGABRT
          ? "SIGABRT: usually an exception that left main(). reactor.stop() called before reactor.run() throws "
            "twist::ReactorNotRunning, and so does run() called twice: call stop() from inside the function you "
            "gave callLater, and run() once"
          : "a crash: memory that is not the program's. A lambda that captures by reference something that is gone "
            "by the time the reactor calls it, or a null pointer? (What it printed is lost with it: stdout into a "
            "pipe is written out at exit)";
  INFO(why);
  std::string crash = run.crash();
  CHECK(crash == "none");
}

TEST_CASE("the program exits with status 0") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("a program's exit status is what main() returns: 0 says it went well. Return 0 once run() has returned "
       "(the starter's `return 1` and its TODO line are to go)");
  CHECK(run.exitCode == 0);
}

TEST_CASE("the program prints the greeting, exactly, as one line on stdout") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("exactly this line and nothing else on stdout, capitals, punctuation and the newline at its end included: "
       "std::puts(\"...\") adds the newline, std::printf needs \\n");
  CHECK(run.out == greeting);
}

TEST_CASE("the program prints one line, not more: the greeting runs once") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("one callLater, run once, prints one line: a function that schedules itself again, a LoopingCall, or a "
       "second print (a debugging line?) prints more");
  CHECK(count(run.out, "\n") <= 1);
}

TEST_CASE("the greeting waits 0.2 s for the callLater, so the program takes at least that") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("callLater(0.2, fn) runs fn 0.2 s after it was called, once the reactor runs: printing before run(), or "
       "a delay of 0, ends too soon. The reactor does the waiting, so there is no sleep to write");
  CHECK(run.seconds >= 0.2);
}

TEST_CASE("the program stops right after the greeting, well before the timeout") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("a greeting due after 0.2 s and a stop right after it take about 0.2 s in all, far less than 1.5 s: a second delay (a longer "
       "callLater, a sleep, the stop scheduled apart, later) makes the program slow");
  CHECK(run.seconds < 1.5);
}

TEST_CASE("nothing is printed on stderr") {
  const auto& run = runOnce();
  requireEnded(run);
  INFO(whatHappened(run));
  INFO("stderr is for errors. twist writes \"Unhandled error\" there when a function the reactor calls throws "
       "(stop() called twice throws twist::ReactorNotRunning), and the starter's TODO line goes there too");
  CHECK(run.err.empty());
}
