// delay.cpp — lesson 01, stretch exercise "delay": the reference solution.
// (The contract is at the top of exercises/01-install/delay.cpp.)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "twist/reactor.hpp"

std::optional<double> parseSeconds(const char* text) {
  char* end = nullptr;
  double seconds = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

// The two lines of a usage error, and the status that goes with it.
int usage(const std::string& problem) {
  std::fprintf(stderr, "delay: %s\nusage: delay SECONDS\n", problem.c_str());
  return 2;
}

int main(int argc, char** argv) {
  if (argc != 2) return usage("expected one argument, the delay in seconds, got " + std::to_string(argc - 1));
  std::optional<double> seconds = parseSeconds(argv[1]);
  if (!seconds) return usage("'" + std::string(argv[1]) + "' is not a number of seconds, 0 or more");

  const std::string line = "Hello after " + std::string(argv[1]) + " s!";
  twist::Reactor reactor;
  reactor.callLater(*seconds, [&] {
    std::puts(line.c_str());
    reactor.stop();
  });
  reactor.run();
  return 0;
}
