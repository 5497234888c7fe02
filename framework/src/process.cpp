#include "twist/process.hpp"

#include <uv.h>

#include <csignal>
#include <memory>
#include <utility>
#include <vector>

#include "twist/logger.hpp"
#include "twist/reactor.hpp"
#include "uv_buffers.hpp"

namespace twist {

namespace {
const Logger processLog{"twist.process"};

std::string terminatedMessage(std::optional<int> exitCode, std::optional<int> signal) {
  std::string how = signal ? "process ended by signal " + std::to_string(*signal) + "."
                           : "process ended with exit code " + std::to_string(exitCode.value_or(-1)) + ".";
  return "A process has ended with a probable error condition: " + how;
}

int signalNumber(std::string_view name) {
  static const std::pair<std::string_view, int> known[] = {
      {"TERM", SIGTERM}, {"KILL", SIGKILL}, {"INT", SIGINT},   {"HUP", SIGHUP},   {"QUIT", SIGQUIT},
      {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"STOP", SIGSTOP}, {"CONT", SIGCONT},
  };
  for (const auto& [known_name, number] : known)
    if (name == known_name) return number;
  throw std::invalid_argument("signalProcess: unknown signal name \"" + std::string(name) +
                              "\"; use TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT or a signal number");
}
}  // namespace

ProcessTerminated::ProcessTerminated(std::optional<int> code, std::optional<int> sig)
    : std::runtime_error(terminatedMessage(code, sig)), exitCode(code), signal(sig) {}

namespace detail {

// The transport of one child process: a uv_process_t and three pipes, all
// pointing back here through handle->data. It frees itself when the last of
// the four handles has run its close callback.
//
//   spawn ──> reading stdout/stderr, writing stdin
//     │ exit callback: processExited, stdin closed
//     │ EOF on stdout and stderr: their pipes closed
//     └─> all three pipes closed and exited: processEnded, then the
//         process handle is closed; its close callback deletes us.
class ProcessTransport final : public IProcessTransport, public LoopResource {
 public:
  ProcessTransport(Reactor& reactor, ProcessProtocol& protocol) : reactor_(reactor), protocol_(&protocol) {}

  // Throws ProcessSpawnError after closing every handle (which then frees us).
  void start(const std::vector<std::string>& argv, const std::optional<std::map<std::string, std::string>>& env,
             const std::string& cwd);

  void write(std::string_view data) override;
  void closeStdin() override;
  void signalProcess(std::string_view signalName) override { signalProcess(signalNumber(signalName)); }
  void signalProcess(int signalNumber) override;
  void loseConnection() override;
  int pid() const override { return exited_ ? 0 : pid_; }

  void reactorShuttingDown() override {}  // the child keeps running, as in Twisted
  void closeForReactorShutdown() override;

  void detach() { protocol_ = nullptr; }
  ProcessProtocol* protocol() const { return protocol_; }

 private:
  enum { stdinPipe = 0, stdoutPipe = 1, stderrPipe = 2 };
  struct WriteRequest {
    uv_write_t request;
    std::string bytes;  // uv_write does not copy: these live until the write callback
    ProcessTransport* owner;
  };

  uv_handle_t* handleOf(int pipe) { return reinterpret_cast<uv_handle_t*>(&pipes_[pipe]); }
  uv_stream_t* streamOf(int pipe) { return reinterpret_cast<uv_stream_t*>(&pipes_[pipe]); }
  bool live() const { return protocol_ && !silent_; }
  template <class F>
  void tell(const char* what, F&& f) {
    if (live()) callContained(processLog, what, [&] { f(*protocol_); });
  }
  void closePipe(int pipe);
  void maybeEnd();
  void handleClosed();

  static void onExit(uv_process_t* process, int64_t exitStatus, int termSignal);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onWrite(uv_write_t* request, int status);
  static void onPipeClosed(uv_handle_t* handle);
  static void onProcessClosed(uv_handle_t* handle);

  Reactor& reactor_;
  ProcessProtocol* protocol_;  // null once detached or ended
  uv_process_t process_{};
  uv_pipe_t pipes_[3]{};
  bool pipeClosing_[3] = {false, false, false};
  bool pipeClosed_[3] = {false, false, false};
  int openHandles_ = 0;  // initialised and not yet through their close callback
  bool processClosing_ = false;
  bool exited_ = false;
  bool ended_ = false;
  bool silent_ = false;  // no more user calls: the spawn failed, or the Reactor is going
  bool stdinCloseRequested_ = false;
  int pendingWrites_ = 0;
  int pid_ = 0;
  std::optional<Failure> reason_;
  std::unique_ptr<char[]> readBuffer_;  // stdout and stderr reads never overlap: one buffer serves both
  static constexpr std::size_t readBufferSize = 64 * 1024;
};

void ProcessTransport::start(const std::vector<std::string>& argv,
                             const std::optional<std::map<std::string, std::string>>& env, const std::string& cwd) {
  uv_loop_t* loop = reactor_.uvLoop();
  reactor_.registerResource(this);
  for (int i = 0; i < 3; ++i) {
    uv_pipe_init(loop, &pipes_[i], 0);
    pipes_[i].data = this;
    ++openHandles_;
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envStrings;
  std::vector<char*> envp;
  if (env) {
    for (const auto& [key, value] : *env) envStrings.push_back(key + "=" + value);
    for (std::string& entry : envStrings) envp.push_back(entry.data());
    envp.push_back(nullptr);
  }
  uv_stdio_container_t stdio[3];
  stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  for (int i = 0; i < 3; ++i) stdio[i].data.stream = streamOf(i);

  uv_process_options_t options{};
  options.exit_cb = &ProcessTransport::onExit;
  options.file = args[0];
  options.args = args.data();
  options.env = env ? envp.data() : nullptr;
  options.cwd = cwd.empty() ? nullptr : cwd.c_str();
  // Its own session and process group, so that kill(-pid) reaches all of it.
  // The handle stays referenced: the loop keeps watching for the exit.
  options.flags = UV_PROCESS_DETACHED;
  options.stdio_count = 3;
  options.stdio = stdio;
  process_.data = this;
  int rc = uv_spawn(loop, &process_, &options);
  ++openHandles_;  // on Unix uv_spawn initialises the handle even when it fails
  if (rc < 0) {
    silent_ = true;
    for (int i = 0; i < 3; ++i) closePipe(i);
    processClosing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&process_), &ProcessTransport::onProcessClosed);
    std::string message = "spawnProcess: cannot start \"" + argv[0] + "\"";
    if (!cwd.empty()) message += " in \"" + cwd + "\"";
    message += ": " + std::string(uv_err_name(rc)) + " (" + uv_strerror(rc) + ")";
    throw ProcessSpawnError(argv[0], uv_err_name(rc), message);
  }
  pid_ = process_.pid;
  readBuffer_ = std::make_unique<char[]>(readBufferSize);
  for (int pipe : {stdoutPipe, stderrPipe}) {
    int readRc = uv_read_start(
        streamOf(pipe),
        [](uv_handle_t* handle, size_t, uv_buf_t* buf) {
          auto* self = static_cast<ProcessTransport*>(handle->data);
          *buf = uv_buf_init(self->readBuffer_.get(), readBufferSize);
        },
        &ProcessTransport::onRead);
    if (readRc < 0) {
      processLog.error("spawnProcess: {error}", {{"error", std::string("uv_read_start: ") + uv_err_name(readRc)}});
      closePipe(pipe);
    }
  }
}

void ProcessTransport::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<ProcessTransport*>(stream->data);
  int pipe = stream == self->streamOf(stdoutPipe) ? stdoutPipe : stderrPipe;
  if (nread > 0) {
    std::string_view data(buf->base, static_cast<std::size_t>(nread));
    if (pipe == stdoutPipe)
      self->tell("outReceived", [&](ProcessProtocol& p) { p.outReceived(data); });
    else
      self->tell("errReceived", [&](ProcessProtocol& p) { p.errReceived(data); });
  } else if (nread < 0) {  // UV_EOF, or an error: either way this pipe is done
    self->closePipe(pipe);
  }
}

void ProcessTransport::write(std::string_view data) {
  if (data.empty() || stdinCloseRequested_ || pipeClosing_[stdinPipe]) return;
  auto* request = new WriteRequest{{}, std::string(data), this};
  request->request.data = request;
  std::vector<uv_buf_t> bufs = uvBuffers(request->bytes.data(), request->bytes.size());
  int rc = uv_write(&request->request, streamOf(stdinPipe), bufs.data(), static_cast<unsigned>(bufs.size()),
                    &ProcessTransport::onWrite);
  if (rc < 0) {  // the child has closed its stdin: what follows is dropped, as after closeStdin
    delete request;
    closePipe(stdinPipe);
    return;
  }
  ++pendingWrites_;
}

void ProcessTransport::onWrite(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> request(static_cast<WriteRequest*>(req->data));
  ProcessTransport* self = request->owner;
  --self->pendingWrites_;
  if (status < 0 || (self->stdinCloseRequested_ && self->pendingWrites_ == 0)) self->closePipe(stdinPipe);
}

void ProcessTransport::closeStdin() {
  stdinCloseRequested_ = true;
  if (pendingWrites_ == 0) closePipe(stdinPipe);
}

void ProcessTransport::loseConnection() {
  closeStdin();
  closePipe(stdoutPipe);
  closePipe(stderrPipe);
}

void ProcessTransport::signalProcess(int signalNumber) {
  if (exited_) throw ProcessExitedAlready();
  int rc = uv_kill(-pid_, signalNumber);
  if (rc < 0)
    throw std::runtime_error("signalProcess(" + std::to_string(signalNumber) + ") to process group " +
                             std::to_string(pid_) + ": " + uv_err_name(rc) + " (" + uv_strerror(rc) + ")");
}

void ProcessTransport::onExit(uv_process_t* process, int64_t exitStatus, int termSignal) {
  auto* self = static_cast<ProcessTransport*>(process->data);
  self->exited_ = true;
  if (termSignal != 0)
    self->reason_ = Failure(ProcessTerminated(std::nullopt, termSignal));
  else if (exitStatus != 0)
    self->reason_ = Failure(ProcessTerminated(static_cast<int>(exitStatus), std::nullopt));
  else
    self->reason_ = Failure(ProcessDone());
  Failure reason = *self->reason_;
  self->tell("processExited", [&](ProcessProtocol& p) { p.processExited(reason); });
  self->closePipe(stdinPipe);  // nobody will read it now; pending writes are dropped
  self->maybeEnd();
}

void ProcessTransport::closePipe(int pipe) {
  if (pipeClosing_[pipe]) return;
  pipeClosing_[pipe] = true;
  uv_close(handleOf(pipe), &ProcessTransport::onPipeClosed);
}

void ProcessTransport::onPipeClosed(uv_handle_t* handle) {
  auto* self = static_cast<ProcessTransport*>(handle->data);
  int pipe = handle == self->handleOf(stdinPipe) ? stdinPipe : handle == self->handleOf(stdoutPipe) ? stdoutPipe : stderrPipe;
  self->pipeClosed_[pipe] = true;
  if (pipe == stdinPipe) self->tell("inConnectionLost", [](ProcessProtocol& p) { p.inConnectionLost(); });
  if (pipe == stdoutPipe) self->tell("outConnectionLost", [](ProcessProtocol& p) { p.outConnectionLost(); });
  if (pipe == stderrPipe) self->tell("errConnectionLost", [](ProcessProtocol& p) { p.errConnectionLost(); });
  self->maybeEnd();
  self->handleClosed();
}

void ProcessTransport::maybeEnd() {
  if (ended_ || !exited_ || silent_) return;
  for (bool closed : pipeClosed_)
    if (!closed) return;
  ended_ = true;
  Failure reason = *reason_;
  tell("processEnded", [&](ProcessProtocol& p) { p.processEnded(reason); });
  if (protocol_) {
    protocol_->transport = nullptr;
    protocol_->connected_ = nullptr;
    protocol_ = nullptr;
  }
  processClosing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&process_), &ProcessTransport::onProcessClosed);
}

void ProcessTransport::onProcessClosed(uv_handle_t* handle) { static_cast<ProcessTransport*>(handle->data)->handleClosed(); }

void ProcessTransport::handleClosed() {
  if (--openHandles_ > 0) return;
  reactor_.unregisterResource(this);
  delete this;
}

void ProcessTransport::closeForReactorShutdown() {
  silent_ = true;
  if (protocol_) {
    protocol_->transport = nullptr;
    protocol_->connected_ = nullptr;
    protocol_ = nullptr;
  }
  for (int i = 0; i < 3; ++i) closePipe(i);
  if (!processClosing_) {
    processClosing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&process_), &ProcessTransport::onProcessClosed);
  }
}

}  // namespace detail

ProcessProtocol::~ProcessProtocol() {
  if (connected_) connected_->detach();
}

void ProcessProtocol::makeConnection(IProcessTransport* processTransport) {
  transport = processTransport;
  connectionMade();
}

IProcessTransport& Reactor::spawnProcess(ProcessProtocol& protocol, std::vector<std::string> argv,
                                         std::optional<std::map<std::string, std::string>> env, std::string cwd) {
  if (argv.empty()) throw std::invalid_argument("spawnProcess: argv is empty; argv[0] names the program to run");
  if (protocol.connected_)
    throw std::logic_error("spawnProcess: this ProcessProtocol is already connected to a running process; "
                           "use one protocol object per process");
  auto* transport = new detail::ProcessTransport(*this, protocol);
  transport->start(argv, env, cwd);  // on failure it frees itself in its close callbacks
  protocol.connected_ = transport;
  callContained(processLog, "connectionMade", [&] { protocol.makeConnection(transport); });
  return *transport;
}

}  // namespace twist
