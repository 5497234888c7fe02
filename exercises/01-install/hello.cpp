// hello.cpp — lesson 01, exercise "hello": your first twist program, all of
// it, main() included.
//
// The program, once you have written it:
//   1. makes a twist::Reactor;
//   2. asks it, with callLater, to run a function 0.2 s later that prints
//      exactly this line on stdout (a newline at its end, nothing else):
//        Hello from the reactor!
//      and then stops the reactor;
//   3. runs the reactor: run() returns once the reactor has stopped;
//   4. returns 0 from main, its exit status.
// It never sleeps (the reactor does the waiting), prints nothing on stderr,
// and ends by itself, about 0.2 s after it started.
//
// Graded as a program: the build makes this file into a program of its own,
// build/bin/exercise_01-install_hello_program, and the hidden tests run it as
// a child process, kill it if it is still running after 3 s, and check what
// it printed, its exit status, and that it took at least 0.2 s and well
// under a second. Run it yourself:
//   cmake --build build --target exercise_01-install_hello_program
//   build/bin/exercise_01-install_hello_program; echo "exit status: $?"
// and check it with
//   ./twistlings check 01-install/hello
#include <cstdio>

#include "twist/reactor.hpp"

int main() {
  // TODO: make a twist::Reactor.
  // TODO: schedule the greeting 0.2 s from now with the reactor's callLater:
  //       a function that prints the line above, then stops the reactor.
  // TODO: run the reactor.
  std::fputs("TODO: main() in exercises/01-install/hello.cpp is not written yet\n", stderr);  // TODO: remove
  return 1;  // TODO: return 0 once the reactor has run
}
