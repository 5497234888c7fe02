// process.hpp — child processes (Twisted: IReactorProcess.spawnProcess,
// protocol.ProcessProtocol, twisted.internet.process).
//
// A ProcessProtocol is to a child process what a Protocol is to a connection:
// you subclass it, override the events you care about, and the reactor calls
// them as the child writes, closes its pipes and exits.
//
//   struct Grep : twist::ProcessProtocol {
//     std::string out;
//     void connectionMade() override { transport->write("b\na\nb\n"); transport->closeStdin(); }
//     void outReceived(std::string_view data) override { out += data; }
//     void processEnded(twist::Failure reason) override { /* ProcessDone or ProcessTerminated */ }
//   };
//   Grep grep;
//   reactor.spawnProcess(grep, {"grep", "b"});
//
// Events, in the order they can come:
// - connectionMade(), inside spawnProcess, once the child has started.
// - outReceived / errReceived: bytes from the child's stdout / stderr, in
//   chunks of any size (a line may arrive in two pieces).
// - inConnectionLost / outConnectionLost / errConnectionLost: a pipe is
//   closed (by closeStdin or loseConnection, by the child, or at its exit).
// - processExited(reason): the child has exited; its pipes may still be open
//   (a grandchild may hold them). Its stdin is closed now.
// - processEnded(reason): the child has exited AND all three pipes are
//   closed; called once, last. reason holds ProcessDone (exit code 0) or
//   ProcessTerminated (exitCode, or signal when a signal killed it).
// An exception thrown by one of them is logged and contained.
//
// How twist differs from Twisted, and why:
// - argv[0] names the program (looked up in PATH) and is also its argv[0];
//   Twisted takes the executable separately.
// - env: std::nullopt (the default) inherits this process's environment;
//   a map gives exactly those variables. Twisted's default, env={}, is empty.
// - The child runs in its own session and process group (UV_PROCESS_DETACHED:
//   setsid), so a Ctrl-C in the terminal does not reach it, and
//   signalProcess signals the whole group (kill(-pid)): a shell script's
//   children go down with it. Twisted signals the child alone.
// - A program that cannot be started (not found, not executable, bad cwd)
//   makes spawnProcess throw ProcessSpawnError naming the program and the
//   libuv error. Twisted reports it later, as exit code 1.
// - When the child exits, its stdin is closed at once (what was not written
//   yet is dropped); Twisted notices only when the last reader of the pipe closes.
//
// Ownership and lifetime:
// - You own the ProcessProtocol; it must stay alive while its process runs,
//   or be destroyed early: then the process runs on, unobserved, and its
//   transport frees itself when the child has exited and the pipes closed.
// - The Reactor owns the transport. spawnProcess returns a reference that is
//   valid until processEnded returns; twist then sets protocol.transport to
//   nullptr and frees the transport in the close callback of its last libuv
//   handle (the uv_process_t, closed after the three pipes).
// - write() copies the bytes: the transport owns them until libuv has
//   written them (or dropped them because stdin closed).
// - A process still running when the Reactor is destroyed is left running
//   (not killed, not waited for) and its protocol gets no more calls.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "twist/failure.hpp"

namespace twist {

// The process exited with code 0 (Twisted: error.ProcessDone).
struct ProcessDone : std::runtime_error {
  ProcessDone()
      : std::runtime_error("A process has ended without apparent errors: process finished with exit code 0.") {}
  std::optional<int> exitCode = 0;
  std::optional<int> signal;  // always empty
};

// The process exited with a non-zero code, or was killed by a signal; exactly
// one of exitCode and signal has a value (Twisted: error.ProcessTerminated).
struct ProcessTerminated : std::runtime_error {
  ProcessTerminated(std::optional<int> exitCode, std::optional<int> signal);
  std::optional<int> exitCode;
  std::optional<int> signal;
};

// signalProcess on a process that has already exited (Twisted: error.ProcessExitedAlready).
struct ProcessExitedAlready : std::runtime_error {
  ProcessExitedAlready() : std::runtime_error("The process has already exited: there is nothing to signal") {}
};

// spawnProcess could not start the program: "cannot start \"nosuch\": ENOENT (no such file or directory)".
struct ProcessSpawnError : std::runtime_error {
  ProcessSpawnError(std::string program, std::string uvErrorName, const std::string& message)
      : std::runtime_error(message), program(std::move(program)), uvErrorName(std::move(uvErrorName)) {}
  std::string program;
  std::string uvErrorName;  // "ENOENT", "EACCES", ...
};

// What a ProcessProtocol can do to its child (Twisted: IProcessTransport).
class IProcessTransport {
 public:
  // Writes to the child's stdin. Empty writes, and writes once stdin is
  // closed, are dropped silently.
  virtual void write(std::string_view data) = 0;
  // Closes the child's stdin once what was written has been written: the
  // child reads end-of-file.
  virtual void closeStdin() = 0;
  // Sends a signal to the child's process group: "TERM", "KILL", "INT",
  // "HUP", "QUIT", "USR1", "USR2", "STOP", "CONT", or a signal number.
  // Throws ProcessExitedAlready once the child has exited, and
  // std::invalid_argument for a name it does not know.
  virtual void signalProcess(std::string_view signalName) = 0;
  virtual void signalProcess(int signalNumber) = 0;
  // Closes stdin (after pending writes), stdout and stderr. The child is not
  // killed: it sees end-of-file on stdin and a broken pipe if it writes.
  virtual void loseConnection() = 0;
  // The child's process id (also its process group id); 0 once it has
  // exited (Twisted: None).
  virtual int pid() const = 0;

 protected:
  ~IProcessTransport() = default;
};

class Reactor;
namespace detail {
class ProcessTransport;
}

class ProcessProtocol {
 public:
  ProcessProtocol() = default;
  ProcessProtocol(const ProcessProtocol&) = delete;
  ProcessProtocol& operator=(const ProcessProtocol&) = delete;
  // Detaches from a process still running: it gets no more calls.
  virtual ~ProcessProtocol();

  // Sets transport, then calls connectionMade (spawnProcess calls this).
  void makeConnection(IProcessTransport* processTransport);

  virtual void connectionMade() {}
  virtual void outReceived(std::string_view data) { (void)data; }
  virtual void errReceived(std::string_view data) { (void)data; }
  virtual void inConnectionLost() {}
  virtual void outConnectionLost() {}
  virtual void errConnectionLost() {}
  virtual void processExited(Failure reason) { (void)reason; }
  virtual void processEnded(Failure reason) { (void)reason; }

  // Valid from connectionMade until processEnded returns; nullptr otherwise.
  IProcessTransport* transport = nullptr;

 private:
  friend class detail::ProcessTransport;
  friend class Reactor;
  detail::ProcessTransport* connected_ = nullptr;  // the live transport, told when we go first
};

}  // namespace twist
