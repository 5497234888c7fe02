// StandardIO on libuv: each of stdin and stdout is a "side", either a stream
// handle the loop watches (a terminal, a pipe, a socket) or a descriptor read
// and written by fs requests on the thread pool (a file, /dev/null).
//
//   open ──> reading stdin, writing stdout
//     │ end of input: the input side closes; readConnectionLost, or loseConnection
//     │ loseWriteConnection, once flushed: the output side closes; writeConnectionLost
//     │ loseConnection, once flushed / an error / the reactor going: both close
//     └─> both sides closed (their close callbacks, or their last fs request,
//         have run): connectionLost, then the transport and its protocol are freed.
//
// Every step that frees or calls connectionLost runs from a libuv callback,
// never from inside a call the protocol made, so a protocol is never
// destroyed under its own feet.
#include "twist/stdio.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "twist/error.hpp"
#include "twist/logger.hpp"
#include "twist/reactor.hpp"
#include "uv_buffers.hpp"
#include "uv_error.hpp"

namespace twist {

namespace {
const Logger stdioLog{"twist.stdio"};

using detail::uvError;

constexpr std::size_t kReadSize = 64 * 1024;

const char* sideName(bool input) { return input ? "stdin" : "stdout"; }
}  // namespace

namespace detail {

class StandardIOTransport final : public StandardIO, public LoopResource {
 public:
  StandardIOTransport(Reactor& reactor, std::unique_ptr<Protocol> protocol)
      : reactor_(reactor), protocol_(std::move(protocol)) {}

  // Duplicates both descriptors and opens a side on each; throws (leaving
  // nothing open) when a descriptor cannot be duplicated.
  void open(int stdinFd, int stdoutFd);
  // Registers with the reactor, starts reading, calls makeConnection.
  void connect();

  // ITransport
  void write(std::string_view data) override;
  void loseConnection() override;
  void abortConnection() override;
  void loseWriteConnection() override;
  Address getPeer() const override { return Address{"PIPE", "", 0}; }
  Address getHost() const override { return Address{"PIPE", "", 0}; }
  void registerProducer(IProducer& producer, bool streaming) override;
  void unregisterProducer() override;
  // IProducer: what is read from stdin.
  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override { loseConnection(); }
  // StandardIO
  std::size_t bufferedBytes() const override;
  bool readsTerminal() const override { return in_.terminal; }
  // LoopResource
  void reactorShuttingDown() override;
  void closeForReactorShutdown() override;
  std::string describe() const override { return "standard input and output"; }
  bool closeForCleanup() override {
    closeForReactorShutdown();
    return true;
  }

 private:
  // stdin or stdout. A stream side owns a heap handle, freed in its close
  // callback; a file side owns its descriptor and one fs request at a time.
  struct Side {
    bool input = false;
    int fd = -1;                      // ours (a duplicate) until libuv or uv_fs_close takes it
    int originalFlags = -1;           // its file status flags before libuv made it non-blocking
    uv_any_handle* handle = nullptr;  // a tty, pipe or tcp handle; nullptr for a file side
    bool terminal = false;
    uv_fs_t request{};                // file side: the read, write or close in flight
    bool requestInFlight = false;
    bool closeWhenIdle = false;       // file side: close once the request in flight is back
    bool closing = false;
    bool closed = false;
    bool stream() const { return handle != nullptr; }
    uv_stream_t* uvStream() const { return reinterpret_cast<uv_stream_t*>(handle); }
  };
  struct StreamWrite {
    uv_write_t request;
    std::string bytes;  // uv_write does not copy: these live until the write callback
  };

  void openSide(Side& side);
  bool openStream(Side& side, uv_handle_type type);
  void closeSide(Side& side);
  void closeFile(Side& side);
  void sideClosed(Side& side);
  void closeWith(Failure reason);
  void notifyLost();
  void finish();

  bool activelyReading() const { return reading_ && !paused_ && !closing_ && !in_.closing; }
  void startReading();
  void stopReading();
  void startFileRead();
  void fileReadDone(ssize_t result);
  void inputReceived(std::string_view data);
  void inputEnded();

  bool flushed() const { return pending_.empty() && inFlight_ == nullptr && writing_.empty(); }
  void startWrite();
  void writeFile();
  void drained();
  void writeFailed(int rc);

  template <class F>
  void deliver(const char* what, F&& f);

  static void onAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onStreamWritten(uv_write_t* request, int status);
  static void onFileRead(uv_fs_t* request);
  static void onFileWritten(uv_fs_t* request);
  static void onFileClosed(uv_fs_t* request);
  static void onHandleClosed(uv_handle_t* handle);

  Reactor& reactor_;
  std::unique_ptr<Protocol> protocol_;
  Side in_{true};
  Side out_{false};
  std::unique_ptr<char[]> readBuffer_;
  std::optional<ssize_t> heldRead_;  // a file read that came back while paused
  std::string pending_;              // accepted by write(), not yet handed to libuv
  StreamWrite* inFlight_ = nullptr;  // stream side: at most one uv_write at a time
  std::string writing_;              // file side: the bytes of the uv_fs_write in flight
  std::size_t written_ = 0;          // how many of them are written
  IProducer* producer_ = nullptr;
  bool streaming_ = false;
  bool producerPaused_ = false;
  bool reading_ = false;  // stdin is open and wanted (not ended, not lost)
  bool paused_ = false;   // pauseProducing
  bool readLost_ = false;
  bool writeShutdownRequested_ = false;
  bool closing_ = false;  // both sides are closing; connectionLost follows
  bool silent_ = false;   // no user code any more
  bool registered_ = false;
  std::unique_ptr<Failure> reason_;
};

// ---- opening -------------------------------------------------------------------

void StandardIOTransport::open(int stdinFd, int stdoutFd) {
  // Both duplicates first: a failure then leaves nothing to close but them.
  for (auto [side, fd] : {std::pair{&in_, stdinFd}, std::pair{&out_, stdoutFd}}) {
    side->fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (side->fd < 0) {
      std::string why = uvError(uv_translate_sys_error(errno));
      if (in_.fd >= 0) ::close(in_.fd);
      in_.fd = -1;
      throw std::runtime_error("StandardIO: cannot use " + std::string(sideName(side->input)) + " (fd " +
                               std::to_string(fd) + "): " + why);
    }
  }
  openSide(in_);
  openSide(out_);
  readBuffer_ = std::make_unique<char[]>(kReadSize);
}

void StandardIOTransport::openSide(Side& side) {
  side.originalFlags = ::fcntl(side.fd, F_GETFL);
  uv_handle_type type = uv_guess_handle(side.fd);
  if (type == UV_TTY || type == UV_NAMED_PIPE || type == UV_TCP) {
    if (openStream(side, type)) return;
  }
  // A file, a device, or a stream libuv would not take: the thread pool reads and writes it.
}

bool StandardIOTransport::openStream(Side& side, uv_handle_type type) {
  auto* handle = new uv_any_handle{};
  int rc = 0;
  if (type == UV_TTY) {
    rc = uv_tty_init(reactor_.uvLoop(), &handle->tty, side.fd, side.input ? 1 : 0);
    if (rc < 0) {
      delete handle;  // uv_tty_init leaves nothing initialised when it fails
      return false;
    }
    // libuv reopens a terminal and keeps the new descriptor; ours then only
    // aliases it, and is ours to close.
    uv_os_fd_t used = -1;
    uv_fileno(&handle->handle, &used);
    if (used != side.fd) {
      ::close(side.fd);
      side.fd = used;
    }
    side.terminal = true;
  } else {
    rc = type == UV_TCP ? uv_tcp_init(reactor_.uvLoop(), &handle->tcp) : uv_pipe_init(reactor_.uvLoop(), &handle->pipe, 0);
    if (rc == 0) rc = type == UV_TCP ? uv_tcp_open(&handle->tcp, side.fd) : uv_pipe_open(&handle->pipe, side.fd);
    if (rc < 0) {
      // Initialised but not usable: close it on its own (it does not own our fd yet).
      handle->handle.data = nullptr;
      uv_close(&handle->handle, &StandardIOTransport::onHandleClosed);
      if (side.originalFlags >= 0) ::fcntl(side.fd, F_SETFL, side.originalFlags);
      return false;
    }
  }
  handle->handle.data = this;
  side.handle = handle;
  return true;
}

void StandardIOTransport::connect() {
  reactor_.registerResource(this);
  registered_ = true;
  reading_ = true;
  startReading();
  deliver("makeConnection", [&] { protocol_->makeConnection(*this); });
}

template <class F>
void StandardIOTransport::deliver(const char* what, F&& f) {
  if (closing_ || silent_) return;  // the protocol is never called once closing has begun
  try {
    f();
  } catch (...) {
    Failure failure = Failure::current();
    stdioLog.failure("Unhandled error in {what}; closing standard input and output", failure, {{"what", what}});
    closeWith(failure);
  }
}

// ---- reading -------------------------------------------------------------------

void StandardIOTransport::startReading() {
  if (!activelyReading()) return;
  if (!in_.stream()) {
    startFileRead();
    return;
  }
  int rc = uv_read_start(in_.uvStream(), &StandardIOTransport::onAlloc, &StandardIOTransport::onRead);
  if (rc < 0 && rc != UV_EALREADY) closeWith(ConnectionLost("reading stdin: uv_read_start: " + uvError(rc)));
}

void StandardIOTransport::stopReading() {
  if (in_.stream() && !in_.closing) uv_read_stop(in_.uvStream());
  // A file read in flight comes back and is held (paused) or dropped (not reading).
}

void StandardIOTransport::onAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<StandardIOTransport*>(handle->data);
  *buf = uv_buf_init(self->readBuffer_.get(), kReadSize);
}

void StandardIOTransport::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<StandardIOTransport*>(stream->data);
  if (nread > 0) {
    self->inputReceived(std::string_view(buf->base, static_cast<std::size_t>(nread)));
  } else if (nread == UV_EOF) {
    self->inputEnded();
  } else if (nread < 0) {
    self->closeWith(ConnectionLost("reading stdin: " + uvError(static_cast<int>(nread))));
  }
}

void StandardIOTransport::startFileRead() {
  if (in_.requestInFlight || heldRead_ || !activelyReading()) return;
  uv_buf_t buf = uv_buf_init(readBuffer_.get(), kReadSize);
  in_.request.data = this;
  int rc = uv_fs_read(reactor_.uvLoop(), &in_.request, in_.fd, &buf, 1, -1, &StandardIOTransport::onFileRead);
  if (rc < 0) {
    uv_fs_req_cleanup(&in_.request);
    closeWith(ConnectionLost("reading stdin: uv_fs_read: " + uvError(rc)));
    return;
  }
  in_.requestInFlight = true;
}

void StandardIOTransport::onFileRead(uv_fs_t* request) {
  auto* self = static_cast<StandardIOTransport*>(request->data);
  ssize_t result = request->result;
  uv_fs_req_cleanup(request);
  Side& in = self->in_;
  in.requestInFlight = false;
  if (in.closeWhenIdle) {
    self->closeFile(in);
    return;
  }
  if (!self->reading_) return;  // loseConnection stopped reading: what came is dropped
  if (self->paused_) {
    self->heldRead_ = result;
    return;
  }
  self->fileReadDone(result);
}

void StandardIOTransport::fileReadDone(ssize_t result) {
  if (result > 0) {
    inputReceived(std::string_view(readBuffer_.get(), static_cast<std::size_t>(result)));
    startFileRead();
  } else if (result == 0) {
    inputEnded();
  } else {
    closeWith(ConnectionLost("reading stdin: " + uvError(static_cast<int>(result))));
  }
}

void StandardIOTransport::inputReceived(std::string_view data) {
  if (disconnecting) return;
  deliver("dataReceived", [&] { protocol_->dataReceived(data); });
}

// Twisted's _readConnectionLost: a half-close protocol is told and may go on
// writing; any other loses the connection (politely: see stdio.hpp).
void StandardIOTransport::inputEnded() {
  reading_ = false;
  readLost_ = true;
  closeSide(in_);
  if (closing_ || silent_) return;
  if (protocol_->wantsHalfClose()) {
    deliver("readConnectionLost", [&] { protocol_->readConnectionLost(); });
  } else {
    loseConnection();
  }
}

void StandardIOTransport::pauseProducing() {
  if (paused_) return;
  paused_ = true;
  stopReading();
}

void StandardIOTransport::resumeProducing() {
  if (!paused_) return;
  paused_ = false;
  if (!activelyReading()) return;
  if (heldRead_) {
    ssize_t result = *std::exchange(heldRead_, std::nullopt);
    fileReadDone(result);
    return;
  }
  startReading();
}

// ---- writing -------------------------------------------------------------------

std::size_t StandardIOTransport::bufferedBytes() const {
  return pending_.size() + (inFlight_ ? inFlight_->bytes.size() : 0) + (writing_.size() - written_);
}

void StandardIOTransport::write(std::string_view data) {
  if (data.empty() || closing_ || writeShutdownRequested_ || out_.closing) return;
  // The fast path, as TCP's: a terminal or a pipe usually takes it all at once.
  // A pull producer is asked for more from the write callback, so it always queues.
  bool pullProducer = producer_ && !streaming_;
  if (out_.stream() && flushed() && !pullProducer) {
    uv_buf_t buf = firstUvBuffer(data.data(), data.size());
    int written = uv_try_write(out_.uvStream(), &buf, 1);
    if (written >= 0 && static_cast<std::size_t>(written) == data.size()) return;
    if (written < 0 && written != UV_EAGAIN && written != UV_ENOSYS) {
      writeFailed(written);
      return;
    }
    if (written > 0) data.remove_prefix(static_cast<std::size_t>(written));
  }
  pending_.append(data);
  startWrite();
  if (producer_ && streaming_ && !producerPaused_ && bufferedBytes() > kBufferSize) {
    producerPaused_ = true;
    producer_->pauseProducing();
  }
}

void StandardIOTransport::startWrite() {
  if (closing_ || out_.closing || pending_.empty()) return;
  if (!out_.stream()) {
    if (out_.requestInFlight) return;
    writing_.swap(pending_);
    pending_.clear();
    written_ = 0;
    writeFile();
    return;
  }
  if (inFlight_) return;
  auto* request = new StreamWrite{};
  request->bytes.swap(pending_);
  request->request.data = request;
  std::vector<uv_buf_t> bufs = uvBuffers(request->bytes.data(), request->bytes.size());
  int rc = uv_write(&request->request, out_.uvStream(), bufs.data(), static_cast<unsigned>(bufs.size()),
                    &StandardIOTransport::onStreamWritten);
  if (rc < 0) {
    delete request;
    writeFailed(rc);
    return;
  }
  inFlight_ = request;
}

void StandardIOTransport::onStreamWritten(uv_write_t* req, int status) {
  std::unique_ptr<StreamWrite> request(static_cast<StreamWrite*>(req->data));
  auto* self = static_cast<StandardIOTransport*>(req->handle->data);
  self->inFlight_ = nullptr;
  if (status == UV_ECANCELED || self->closing_) return;
  if (status < 0) {
    self->writeFailed(status);
    return;
  }
  if (!self->pending_.empty()) {
    self->startWrite();
    return;
  }
  self->drained();
}

void StandardIOTransport::writeFile() {
  uv_buf_t buf = firstUvBuffer(writing_.data() + written_, writing_.size() - written_);  // the rest on the next call
  out_.request.data = this;
  int rc = uv_fs_write(reactor_.uvLoop(), &out_.request, out_.fd, &buf, 1, -1, &StandardIOTransport::onFileWritten);
  if (rc < 0) {
    uv_fs_req_cleanup(&out_.request);
    writeFailed(rc);
    return;
  }
  out_.requestInFlight = true;
}

void StandardIOTransport::onFileWritten(uv_fs_t* request) {
  auto* self = static_cast<StandardIOTransport*>(request->data);
  ssize_t result = request->result;
  uv_fs_req_cleanup(request);
  self->out_.requestInFlight = false;
  if (self->out_.closeWhenIdle) {
    self->closeFile(self->out_);
    return;
  }
  if (result <= 0) {
    self->writeFailed(result < 0 ? static_cast<int>(result) : UV_EIO);
    return;
  }
  self->written_ += static_cast<std::size_t>(result);
  if (self->written_ < self->writing_.size()) {
    self->writeFile();
    return;
  }
  self->writing_.clear();
  self->written_ = 0;
  if (!self->pending_.empty()) {
    self->startWrite();
    return;
  }
  self->drained();
}

void StandardIOTransport::writeFailed(int rc) {
  closeWith(ConnectionLost("writing stdout: " + uvError(rc)));
}

// Twisted's doWrite once the buffer is empty: ask the producer for more, or
// finish a loseConnection / loseWriteConnection that waited for the flush.
void StandardIOTransport::drained() {
  if (producer_ && (!streaming_ || producerPaused_)) {
    producerPaused_ = false;
    deliver("resumeProducing", [&] { producer_->resumeProducing(); });
    return;
  }
  if (disconnecting) {
    if (!producer_) closeWith(ConnectionDone());
  } else if (writeShutdownRequested_) {
    closeSide(out_);
  }
}

void StandardIOTransport::registerProducer(IProducer& producer, bool streaming) {
  if (producer_)
    throw std::logic_error("registerProducer: a producer is already registered on this transport; "
                           "unregisterProducer first (Twisted: RuntimeError)");
  if (closing_ || out_.closing) {
    producer.stopProducing();
    return;
  }
  producer_ = &producer;
  streaming_ = streaming;
  producerPaused_ = false;
  if (!streaming) producer.resumeProducing();
}

void StandardIOTransport::unregisterProducer() {
  producer_ = nullptr;
  producerPaused_ = false;
  if (closing_ || !flushed()) return;
  if (disconnecting)
    closeWith(ConnectionDone());
  else if (writeShutdownRequested_)
    closeSide(out_);
}

// ---- closing -------------------------------------------------------------------

void StandardIOTransport::loseConnection() {
  if (closing_ || disconnecting) return;
  disconnecting = true;
  reading_ = false;
  stopReading();
  if (flushed() && !producer_) closeWith(ConnectionDone());
}

void StandardIOTransport::abortConnection() {
  if (closing_) return;
  pending_.clear();
  closeWith(ConnectionAborted());
}

void StandardIOTransport::loseWriteConnection() {
  if (closing_ || writeShutdownRequested_) return;
  writeShutdownRequested_ = true;
  if (flushed()) closeSide(out_);
}

void StandardIOTransport::closeWith(Failure reason) {
  if (closing_) return;
  closing_ = true;
  reason_ = std::make_unique<Failure>(std::move(reason));
  reading_ = false;
  pending_.clear();
  closeSide(in_);
  closeSide(out_);  // uv_close cancels a write in flight; a file write in flight finishes first
}

void StandardIOTransport::closeSide(Side& side) {
  if (side.closing) return;
  side.closing = true;
  if (side.stream()) {
    // Put back the blocking mode libuv changed on a description others may share.
    uv_os_fd_t fd = -1;
    if (side.originalFlags >= 0 && uv_fileno(&side.handle->handle, &fd) == 0)
      ::fcntl(fd, F_SETFL, side.originalFlags);
    uv_close(&side.handle->handle, &StandardIOTransport::onHandleClosed);
    return;
  }
  if (side.requestInFlight) {
    side.closeWhenIdle = true;  // a read or write still uses the descriptor
    return;
  }
  closeFile(side);
}

void StandardIOTransport::closeFile(Side& side) {
  side.closeWhenIdle = false;
  side.request.data = this;
  int rc = uv_fs_close(reactor_.uvLoop(), &side.request, side.fd, &StandardIOTransport::onFileClosed);
  side.fd = -1;
  if (rc < 0) {
    // Not queued (it cannot fail for a valid loop and descriptor): the side
    // counts as closed all the same, and the rest runs from the loop.
    uv_fs_req_cleanup(&side.request);
    stdioLog.error("StandardIO: closing {side}: {error}", {{"side", sideName(side.input)}, {"error", uvError(rc)}});
    reactor_.callLater(0, [this, &side] { sideClosed(side); });
    return;
  }
  side.requestInFlight = true;
}

void StandardIOTransport::onFileClosed(uv_fs_t* request) {
  auto* self = static_cast<StandardIOTransport*>(request->data);
  uv_fs_req_cleanup(request);
  Side& side = request == &self->in_.request ? self->in_ : self->out_;
  side.requestInFlight = false;
  self->sideClosed(side);
}

void StandardIOTransport::onHandleClosed(uv_handle_t* handle) {
  auto* self = static_cast<StandardIOTransport*>(handle->data);
  auto* any = reinterpret_cast<uv_any_handle*>(handle);
  if (self == nullptr) {  // a handle that could not be opened (openStream)
    delete any;
    return;
  }
  Side& side = any == self->in_.handle ? self->in_ : self->out_;
  side.handle = nullptr;
  delete any;
  self->sideClosed(side);
}

void StandardIOTransport::sideClosed(Side& side) {
  side.closed = true;
  // stdout closed by loseWriteConnection: a half-close protocol hears of it
  // (Twisted: _writeConnectionLost); after loseConnection, connectionLost follows.
  if (!side.input && !closing_ && !silent_ && !reactor_.tearingDown() && protocol_->wantsHalfClose())
    deliver("writeConnectionLost", [&] { protocol_->writeConnectionLost(); });
  if (in_.closed && out_.closed) finish();
}

// connectionLost once, never for a silent transport; stops a registered producer first, as TCP does.
void StandardIOTransport::notifyLost() {
  if (silent_) return;
  silent_ = true;
  Failure reason = reason_ ? *reason_ : Failure(ConnectionDone());
  if (IProducer* producer = std::exchange(producer_, nullptr))
    callContained(stdioLog, "stopProducing", [&] { producer->stopProducing(); });
  protocol_->connected = false;
  callContained(stdioLog, "connectionLost", [&] { protocol_->connectionLost(reason); });
}

// Both sides are closed: the last callback that concerns us has run.
void StandardIOTransport::finish() {
  if (registered_) reactor_.unregisterResource(this);
  if (!reactor_.tearingDown()) notifyLost();
  delete this;  // and the protocol with it, after its connectionLost has returned
}

void StandardIOTransport::reactorShuttingDown() {
  if (closing_) return;
  // Twisted's disconnectAll: connectionLost right away, before "after shutdown".
  closeWith(ConnectionLost("Standard input and output were lost: the reactor is shutting down."));
  notifyLost();
}

void StandardIOTransport::closeForReactorShutdown() {
  silent_ = true;
  closing_ = true;
  reading_ = false;
  closeSide(in_);
  closeSide(out_);
}

}  // namespace detail

StandardIO& StandardIO::open(Reactor& reactor, std::unique_ptr<Protocol> protocol, int stdinFd, int stdoutFd) {
  if (!protocol) throw std::invalid_argument("StandardIO::open: no protocol (nullptr)");
  auto transport = std::make_unique<detail::StandardIOTransport>(reactor, std::move(protocol));
  transport->open(stdinFd, stdoutFd);  // throws before anything is open on the loop
  auto* raw = transport.release();     // from here on it frees itself (finish)
  raw->connect();
  return *raw;
}

}  // namespace twist
