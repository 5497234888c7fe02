// A child for test_process that sleeps until a signal ends it.
//   twist_helper_sleep             prints "pid=P pgid=G sid=S\n", then sleeps
//   twist_helper_sleep grandchild  first forks a grandchild that sleeps too and
//                                  shares its stdout, then prints the same line
//                                  with " grandchild=C" added
// Both exit by themselves after 30 s, so a crashed test leaves nothing behind.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char** argv) {
  alarm(30);
  pid_t grandchild = 0;
  if (argc > 1 && std::strcmp(argv[1], "grandchild") == 0) {
    grandchild = fork();
    if (grandchild < 0) return 1;
    if (grandchild == 0) {
      alarm(30);  // alarms are not inherited across fork
      for (;;) pause();
    }
  }
  std::printf("pid=%d pgid=%d sid=%d", static_cast<int>(getpid()), static_cast<int>(getpgrp()),
              static_cast<int>(getsid(0)));
  if (grandchild) std::printf(" grandchild=%d", static_cast<int>(grandchild));
  std::printf("\n");
  std::fflush(stdout);
  for (;;) pause();
}
