// program_probe — a program that misbehaves on request, for the tests of
// runProgram (test_twist_program.cpp). The first argument says how:
//   print OUT ERR STATUS   OUT on stdout, ERR on stderr (each with a newline), exit STATUS
//   args ...               each further argument on a line of its own
//   hang                   wait forever, doing nothing
//   silent-hang            close stdout and stderr, then wait forever
//   segv | abort           die by SIGSEGV / SIGABRT
//   flood BYTES            BYTES bytes of 'x' on stdout and on stderr, then exit 0
//   leave-child            start a child that waits forever holding stdout, print its pid, exit 0
//   pipe-signal            report whether SIGPIPE is at its default disposition
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  std::string how = argc > 1 ? argv[1] : "";
  if (how == "print" && argc == 5) {
    std::printf("%s\n", argv[2]);
    std::fprintf(stderr, "%s\n", argv[3]);
    return std::atoi(argv[4]);
  }
  if (how == "args") {
    for (int i = 2; i < argc; ++i) std::printf("%s\n", argv[i]);
    return 0;
  }
  if (how == "hang" || how == "silent-hang") {
    if (how == "silent-hang") {
      ::close(STDOUT_FILENO);
      ::close(STDERR_FILENO);
    }
    for (;;) ::pause();
  }
  if (how == "segv") ::raise(SIGSEGV);
  if (how == "abort") std::abort();
  if (how == "flood" && argc == 3) {
    std::string block(4096, 'x');
    for (long left = std::atol(argv[2]); left > 0; left -= 4096) {
      size_t n = left < 4096 ? static_cast<size_t>(left) : 4096;
      std::fwrite(block.data(), 1, n, stdout);
      std::fwrite(block.data(), 1, n, stderr);
    }
    return 0;
  }
  if (how == "leave-child") {
    pid_t child = ::fork();
    if (child == 0) {
      for (;;) ::pause();
    }
    std::printf("%d\n", static_cast<int>(child));
    return 0;
  }
  if (how == "pipe-signal") {
    struct sigaction now {};
    ::sigaction(SIGPIPE, nullptr, &now);
    std::puts(now.sa_handler == SIG_DFL ? "default" : "changed");
    return 0;
  }
  std::fprintf(stderr, "program_probe: unknown request '%s'\n", how.c_str());
  return 2;
}
