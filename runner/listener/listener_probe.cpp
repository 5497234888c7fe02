// listener_probe.cpp — a program linked with the listener, as an exercise is,
// for check_listener_probe.sh to run: each test prints on stdout and stderr,
// and one check fails on purpose comparing pairs. Not a test of twist.
#include <cstdio>
#include <utility>

#include "twist_catch.hpp"

TEST_CASE("the first prints on both streams and fails comparing pairs") {
  std::printf("stdout of the first\n");
  std::fprintf(stderr, "stderr of the first\n");
  CHECK(std::pair{1, 2} == std::pair{1, 3});
}

TEST_CASE("the second prints on stderr only") { std::fprintf(stderr, "stderr of the second\n"); }
