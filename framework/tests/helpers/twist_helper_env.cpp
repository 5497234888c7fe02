// A child for test_process: prints its working directory ("cwd=/tmp/x"), then
// NAME=value for each variable named on the command line ("NAME=(unset)" when absent).
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

int main(int argc, char** argv) {
  char cwd[4096];
  std::printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "(unknown)");
  for (int i = 1; i < argc; ++i) {
    const char* value = std::getenv(argv[i]);
    std::printf("%s=%s\n", argv[i], value ? value : "(unset)");
  }
  return 0;
}
