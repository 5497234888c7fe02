// A child for test_process, about signals.
//   twist_helper_signal handle   on SIGTERM writes "got TERM\n" and exits 7
//   twist_helper_signal ignore   ignores SIGTERM (only SIGKILL ends it)
// Either prints "ready\n" once its disposition is set, then sleeps.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {
void onTerm(int) {
  const char message[] = "got TERM\n";
  if (write(1, message, sizeof message - 1) < 0) _exit(8);
  _exit(7);
}
}  // namespace

int main(int argc, char** argv) {
  alarm(30);
  if (argc != 2) return 100;
  if (std::strcmp(argv[1], "handle") == 0)
    std::signal(SIGTERM, onTerm);
  else if (std::strcmp(argv[1], "ignore") == 0)
    std::signal(SIGTERM, SIG_IGN);
  else
    return 100;
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) pause();
}
