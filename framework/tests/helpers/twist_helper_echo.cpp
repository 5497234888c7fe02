// A child for test_process: copies its stdin to its stdout until end-of-file,
// then exits 0. The stdin round trip and loseConnection tests talk to it.
#include <unistd.h>

int main() {
  alarm(30);  // never outlive a test that crashed
  char buf[65536];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0) return n == 0 ? 0 : 1;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, static_cast<size_t>(n - done));
      if (w <= 0) return 1;
      done += w;
    }
  }
}
