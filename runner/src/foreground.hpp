// foreground.hpp — runs a program as the terminal's foreground job, the way a
// shell does, for `twistlings demo`: the demo is the room's to watch and to
// stop, not a child the runner reads from.
//
//   ForegroundOptions options;
//   options.stopAfterSeconds = 2;              // 0: wait for it to end
//   ForegroundResult r = runInForeground({"build/bin/chat_server", "tcp:0"}, options);
//
// The program gets a process group of its own, with the terminal's
// stdin/stdout/stderr; when stdin is a terminal, that group becomes the
// terminal's foreground group, so Ctrl-C reaches the demo and its children
// (not the runner), and the runner takes the terminal back afterwards. Not in
// a terminal (ctest, a pipe), SIGINT, SIGTERM and SIGHUP sent to the runner
// are passed on to the group. When the program has ended, whatever it left
// in its group is killed (SIGKILL, by the group's id), so no demo server
// outlives its demo.
//
// Blocking: no reactor runs meanwhile (there is nothing else to do).
// Ownership: nothing outlives the call.
#pragma once

#include <string>
#include <vector>

namespace twistlings {

struct ForegroundOptions {
  // After this many seconds, SIGTERM to the group (a server demo's smoke
  // run); 0: none. A group still there 5 s later is killed.
  double stopAfterSeconds = 0;
  // After this many seconds in all, SIGKILL to the group; 0: no limit.
  double killAfterSeconds = 0;
};

struct ForegroundResult {
  bool started = false;
  int group = 0;         // the program's pid, which was its process group's id
  std::string error;     // why it could not start (exec failed: "No such file or directory")
  int exitCode = -1;     // when it exited
  int signal = 0;        // when a signal ended it
  bool stoppedByUs = false;  // stopAfterSeconds sent it SIGTERM
  bool killedByUs = false;   // killAfterSeconds (or a SIGTERM ignored) killed it
};

ForegroundResult runInForeground(const std::vector<std::string>& argv, const ForegroundOptions& options = {});

}  // namespace twistlings
