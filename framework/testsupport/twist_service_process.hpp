// twist_service_process.hpp — a program that serves, run in the background
// while a test talks to it: the hidden tests of lesson 08 (a deployable chat
// server) and any test of a program that runs until it is stopped.
// twist_program.hpp runs a program to its end; this one starts it and hands
// it back: its pid, a signal, a bounded wait for its exit, what it printed.
//
//   twist_test::ScratchDir dir;                          // removed with what is in it
//   int port = twist_test::freeLocalPort();
//   twist_test::ServiceProcess server(TWISTLINGS_PROGRAM,
//       {"--listen", "tcp:" + std::to_string(port) + ":interface=127.0.0.1",
//        "--pidfile", dir.file("chat.pid")});
//   twist_test::LineClient alice(port, 2.0);             // retries until it listens
//   auto welcome = alice.readLine(2.0);                  // nullopt: nothing in time
//   server.signal(SIGTERM);
//   REQUIRE(server.waitForExit(2.0));                    // false: still running
//   CHECK(server.exitCode() == 0);
//   INFO(server.describe());       // "exited with status 0 0.12 s after SIGTERM; stderr: ..."
//
// The contract:
// - The program runs as runProgram runs it (twist_program.hpp): argv[0] is
//   its path, stdin reads /dev/null, the caller's environment (plus `env`),
//   every signal at its default disposition, a process group of its own,
//   killed with the caller on Linux (PR_SET_PDEATHSIG). stdout and stderr go
//   to two files of its own (so it never blocks on a pipe nobody reads);
//   out() and err() read them, at most 64 KiB each.
// - Every wait is bounded: waitForExit(seconds), LineClient's reads and
//   connect. Nothing here throws for what the program did.
// - The destructor kills what is left of the program's process group
//   (SIGKILL) and reaps it, so a failed REQUIRE never leaves a server
//   running: declare the ServiceProcess after the ScratchDir it writes into.
// - One thread, as runProgram: it forks.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace twist_test {

// A fresh directory under $TMPDIR (or /tmp), removed with its files (one
// level deep: what a program writes there) by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name (the file need not exist).
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class ServiceProcess {
 public:
  ServiceProcess(const std::string& path, const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env = {});
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  bool started() const { return startError_.empty(); }
  const std::string& startError() const { return startError_; }
  pid_t pid() const { return pid_; }

  // Sends sig to the program (not to its group), remembering the time of a
  // SIGTERM or SIGINT for secondsSinceStop. False when it has already ended.
  bool signal(int sig);
  // True once it has ended (it is reaped here); never waits.
  bool ended();
  // Waits at most `seconds` for it to end; true when it has.
  bool waitForExit(double seconds);
  std::optional<int> exitCode() const { return exitCode_; }       // set when it exited
  std::optional<int> killedBy() const { return killedBy_; }       // set when a signal ended it
  // Wall time from the last SIGTERM/SIGINT sent to its end (nullopt if not both).
  std::optional<double> secondsSinceStop() const { return stopToExit_; }

  std::string out() const;  // what it wrote on stdout so far (at most 64 KiB)
  std::string err() const;  // on stderr
  // "is still running", "exited with status 0 (0.12 s after SIGTERM)", "was
  // killed by SIGSEGV (segmentation fault)", with its stderr's last lines.
  std::string describe();

 private:
  void reaped(int status);

  pid_t pid_ = -1;
  std::string startError_;
  std::string outPath_, errPath_;
  std::optional<int> exitCode_, killedBy_;
  bool ended_ = false;
  double stopSentAt_ = -1;
  std::optional<double> stopToExit_;
};

// A port on 127.0.0.1 that was free a moment ago: the kernel's pick for a
// port-0 bind, closed again. (Another program may take it in between; on a
// test machine that is rare enough, and the test then fails saying so.)
int freeLocalPort();

// A blocking TCP client for tests, on 127.0.0.1, whose every wait is bounded.
// Lines end with "\r\n" (LineReceiver's default); readLine returns them
// without it.
class LineClient {
 public:
  // Connects to 127.0.0.1:port, retrying a refused connection every 20 ms
  // for at most `seconds` (a server that is still starting). connected()
  // says whether it worked, error() why not.
  LineClient(int port, double seconds);
  ~LineClient();
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  // Sends line + "\r\n"; false if the connection is gone.
  bool sendLine(const std::string& line);
  // The next line, or nullopt when none came within `seconds` or the
  // connection closed first (closed() then says which).
  std::optional<std::string> readLine(double seconds);
  // Reads until the server closes the connection, at most `seconds`: true
  // when it closed. The lines read meanwhile are kept for readLine.
  bool waitForClose(double seconds);
  // The peer closed (EOF or a reset) and every line read has been taken.
  bool closed() const { return peerClosed_ && lines_.empty(); }
  // Every line received so far, the taken ones included, in order.
  const std::vector<std::string>& transcript() const { return transcript_; }
  // Closes this side now (the server sees the connection end).
  void close();

 private:
  // Reads once (waiting at most `seconds`); false on timeout or close.
  bool readMore(double seconds);

  int fd_ = -1;
  std::string error_;
  std::string buffer_;
  std::vector<std::string> lines_;  // complete lines not taken yet
  std::vector<std::string> transcript_;
  bool peerClosed_ = false;
};

// Calls `ready` every 10 ms until it returns true, at most `seconds`;
// returns its last answer. For what a program writes to a file.
template <class F>
bool waitUntil(double seconds, F ready);

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> readWholeFile(const std::string& path);

// Whether a process with this pid exists (kill(pid, 0)).
bool processExists(pid_t pid);

// ---- implementation of the template ----------------------------------------
void sleepSeconds(double seconds);
double monotonicSeconds();

template <class F>
bool waitUntil(double seconds, F ready) {
  double deadline = monotonicSeconds() + seconds;
  // Look again after 1, 2, 4, 8, then every 10 ms: what a test waits for
  // (a line in a log, a process's end) is usually a few ms away, and a flat
  // 10 ms per wait added up to a tenth of a second in a test file.
  double pause = 0.001;
  for (;;) {
    if (ready()) return true;
    if (monotonicSeconds() >= deadline) return ready();
    sleepSeconds(pause);
    pause = pause * 2 < 0.01 ? pause * 2 : 0.01;
  }
}

}  // namespace twist_test
