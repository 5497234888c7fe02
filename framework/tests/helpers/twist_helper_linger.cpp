// A child for test_process: forks a grandchild that keeps stdout open, writes
// "late\n" after 0.3 s and exits; the child itself writes "early\n" and exits 0
// at once. So the child has exited well before its stdout reaches end-of-file.
#include <cstdio>
#include <unistd.h>

int main() {
  alarm(30);
  pid_t grandchild = fork();
  if (grandchild < 0) return 1;
  if (grandchild == 0) {
    usleep(300 * 1000);
    if (write(1, "late\n", 5) < 0) _exit(1);
    _exit(0);
  }
  if (write(1, "early\n", 6) < 0) return 1;
  return 0;
}
