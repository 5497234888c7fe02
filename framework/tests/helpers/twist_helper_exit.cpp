// A child for test_process: twist_helper_exit <stdout text> <stderr text> <exit code>
// writes the first text to stdout and the second to stderr, then exits with the code.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <stdout text> <stderr text> <exit code>\n", argv[0]);
    return 100;
  }
  if (write(1, argv[1], std::strlen(argv[1])) < 0) return 101;
  if (write(2, argv[2], std::strlen(argv[2])) < 0) return 102;
  return std::atoi(argv[3]);
}
