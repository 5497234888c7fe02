// TCP on libuv: the connection (TCPConnection), the listening port (TCPPort)
// and the client connector (TCPConnector); Reactor::listenTCP / connectTCP.
#include "twist/tcp.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "twist/error.hpp"
#include "twist/logger.hpp"
#include "twist/reactor.hpp"
#include "uv_buffers.hpp"
#include "uv_error.hpp"

namespace twist {

namespace {
const Logger tcpLog{"twist.tcp"};

using detail::uvError;

Address toAddress(const sockaddr* sa) {
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    uv_ip4_name(in, ip, sizeof ip);
    port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    uv_ip6_name(in6, ip, sizeof ip);
    port = ntohs(in6->sin6_port);
  }
  return Address{"TCP", ip, port};
}

// Parses a numeric IPv4 or IPv6 address; false when it is not one.
bool parseIp(const std::string& host, int port, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (host.find(':') != std::string::npos)
    return uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out)) == 0;
  return uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&out)) == 0;
}

// One read buffer per thread. A read is handed to dataReceived and finished
// before libuv asks for the next buffer, so connections can share it and an
// idle connection holds none. Should a read ever begin while the shared
// buffer is lent out (a loop run from inside dataReceived), that read gets a
// buffer of its own.
constexpr std::size_t kReadBufferSize = 64 * 1024;
struct SharedReadBuffer {
  std::unique_ptr<char[]> bytes;
  bool lent = false;
};
thread_local SharedReadBuffer sharedReadBuffer;

void allocRead(uv_handle_t*, size_t, uv_buf_t* buf) {
  SharedReadBuffer& shared = sharedReadBuffer;
  if (shared.lent) {
    *buf = uv_buf_init(new char[kReadBufferSize], kReadBufferSize);
    return;
  }
  if (!shared.bytes) shared.bytes = std::make_unique<char[]>(kReadBufferSize);
  shared.lent = true;
  *buf = uv_buf_init(shared.bytes.get(), kReadBufferSize);
}

struct ReadBufferReturn {
  const uv_buf_t* buf;
  ~ReadBufferReturn() {
    if (!buf->base) return;
    if (buf->base == sharedReadBuffer.bytes.get())
      sharedReadBuffer.lent = false;
    else
      delete[] buf->base;
  }
};
}  // namespace

namespace detail {

class TCPConnector;

// One TCP connection, server or client side. States: connecting (client,
// before uv_tcp_connect's callback) → connected → closing (uv_close called)
// → freed in the close callback, after connectionLost. `silent_` means no
// user code is called any more (refused by buildProtocol, a failed connect,
// or ~Reactor).
class TCPConnection final : public ITCPTransport, public LoopResource {
 public:
  explicit TCPConnection(Reactor& reactor);

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle_); }
  // Server side: after uv_accept. Client side: once connected.
  void start(std::unique_ptr<Protocol> protocol);
  // Client side: starts uv_tcp_connect; a libuv error code or 0.
  int connect(const sockaddr* address, std::shared_ptr<TCPConnector> connector);
  // Closes with no callbacks at all; frees itself in the close callback.
  void closeSilently();
  void cacheAddresses();
  Address peerAddress() const { return toAddress(reinterpret_cast<const sockaddr*>(&peer_)); }

  // ITransport
  void write(std::string_view data) override;
  void loseConnection() override;
  void abortConnection() override;
  void loseWriteConnection() override;
  Address getPeer() const override { return peerAddress(); }
  Address getHost() const override { return toAddress(reinterpret_cast<const sockaddr*>(&host_)); }
  void registerProducer(IProducer& producer, bool streaming) override;
  void unregisterProducer() override;
  std::size_t bufferedBytes() const override;
  // IProducer: the bytes this connection reads.
  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override { loseConnection(); }
  void setTcpNoDelay(bool enabled) override { uv_tcp_nodelay(&handle_, enabled ? 1 : 0); }
  void setTcpKeepAlive(bool enabled, unsigned delaySeconds) override {
    uv_tcp_keepalive(&handle_, enabled ? 1 : 0, delaySeconds);
  }

  // LoopResource
  void reactorShuttingDown() override;
  void closeForReactorShutdown() override;
  std::string describe() const override;
  bool closeForCleanup() override {
    closeForReactorShutdown();
    return true;
  }

 private:
  struct WriteRequest {
    uv_write_t request;
    std::string bytes;  // uv_write does not copy: these live until the write callback
  };

  void closeWith(Failure reason);
  void notifyLost();
  void stopReading();
  bool startReading();  // false when it failed and the connection is closing
  void startWrite();
  void drained();
  void peerClosed();
  void sendShutdown();
  bool flushed() const { return !inFlight_ && pending_.empty(); }
  // Calls into the protocol (or producer); what it throws is logged and
  // closes this connection with that Failure.
  template <class F>
  void deliver(const char* what, F&& f);

  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onWrite(uv_write_t* request, int status);
  static void onShutdown(uv_shutdown_t* request, int status);
  static void onConnect(uv_connect_t* request, int status);
  static void onClosed(uv_handle_t* handle);

  Reactor& reactor_;
  uv_tcp_t handle_{};
  std::unique_ptr<Protocol> protocol_;
  std::shared_ptr<TCPConnector> connector_;  // client side only
  std::string pending_;                      // accepted by write(), not yet given to uv_write
  WriteRequest* inFlight_ = nullptr;         // at most one uv_write at a time
  IProducer* producer_ = nullptr;
  std::unique_ptr<Failure> reason_;  // set when closing begins
  sockaddr_in6 peer_{};              // large enough for an IPv4 one too
  sockaddr_in6 host_{};
  bool streaming_ = false;
  bool producerPaused_ = false;
  bool connecting_ = false;
  bool closing_ = false;
  bool silent_ = false;
  bool reading_ = false;
  bool readLost_ = false;            // the peer sent EOF (half-close)
  bool readPaused_ = false;          // pauseProducing stopped reading
  bool writeShutdownRequested_ = false;
  bool shutdownSent_ = false;
  bool writeShutdownDone_ = false;
  // loseConnection with nothing buffered closes at the end of this turn, not
  // at once: a write later in the same turn is still sent (Twisted's
  // loseConnection only starts writing; doWrite closes once the buffer is empty).
  DelayedCall closeWhenFlushed_;
};

// What connectTCP returns. States: disconnected → connecting (resolving, then
// a TCPConnection connecting) → connected → disconnected. It holds itself
// (selfRef_) from connect() until the attempt or the connection has ended.
class TCPConnector final : public IConnector {
 public:
  TCPConnector(Reactor& reactor, std::string host, int port, ClientFactory& factory, double timeout)
      : reactor_(reactor), host_(std::move(host)), port_(port), factory_(factory), timeout_(timeout) {}

  void stopConnecting() override;
  void disconnect() override;
  void connect() override;
  Address getDestination() const override { return Address{"TCP", host_, port_}; }

  // From the connection:
  void fail(Failure reason);                                        // before a connection was made
  std::unique_ptr<Protocol> connectionMade(const Address& peer);  // buildProtocol
  void connectionLost(const Failure& reason);
  void abandon();  // ~Reactor: forget everything, call no one

 private:
  struct Resolution {
    uv_getaddrinfo_t request;
    std::shared_ptr<TCPConnector> connector;
    unsigned attempt;
  };
  enum class State { disconnected, connecting, connected };

  void startConnecting(const sockaddr* address);
  void cancelTimeout();
  void finished();  // after clientConnectionFailed / clientConnectionLost
  std::string destination() const { return getDestination().str(); }
  static void onResolved(uv_getaddrinfo_t* request, int status, addrinfo* result);

  Reactor& reactor_;
  std::string host_;
  int port_;
  ClientFactory& factory_;
  double timeout_;
  State state_ = State::disconnected;
  bool factoryStarted_ = false;
  unsigned attempt_ = 0;  // a resolution or timer from an older attempt is ignored
  TCPConnection* transport_ = nullptr;
  DelayedCall timeoutCall_;
  std::shared_ptr<TCPConnector> selfRef_;
};

// What listenTCP returns; holds itself (selfRef_) until its handle is closed.
class TCPPort final : public IListeningPort, public LoopResource, public std::enable_shared_from_this<TCPPort> {
 public:
  TCPPort(Reactor& reactor, Factory& factory, int port, int backlog, std::string interface)
      : reactor_(reactor), factory_(factory), port_(port), backlog_(backlog), interface_(std::move(interface)) {}

  void startListening();  // throws CannotListenError
  // adoptStreamPort: listen on this descriptor (a duplicate the port owns) instead of binding a new socket.
  void adopt(int fd) { adoptedFd_ = fd; }
  Deferred<void> stopListening() override;
  Address getHost() const override { return host_; }

  void reactorShuttingDown() override;
  void closeForReactorShutdown() override;
  std::string describe() const override { return "listening port " + host_.str(); }
  bool closeForCleanup() override {
    closeForReactorShutdown();
    return true;
  }

 private:
  void close();
  void stopFactory();
  static void onConnection(uv_stream_t* server, int status);
  static void onClosed(uv_handle_t* handle);

  Reactor& reactor_;
  Factory& factory_;
  int port_;
  int backlog_;
  std::string interface_;
  int adoptedFd_ = -1;
  uv_tcp_t handle_{};
  Address host_;
  bool closing_ = false;
  bool closed_ = false;
  bool silent_ = false;
  bool factoryStarted_ = false;
  std::vector<Deferred<void>> waiters_;
  std::shared_ptr<TCPPort> selfRef_;
};

// ---- TCPConnection -----------------------------------------------------------

TCPConnection::TCPConnection(Reactor& reactor) : reactor_(reactor) {
  int rc = uv_tcp_init(reactor.uvLoop(), &handle_);
  if (rc < 0) throw std::runtime_error("twist tcp: uv_tcp_init: " + uvError(rc));
  handle_.data = this;
  reactor_.registerResource(this);
}

void TCPConnection::cacheAddresses() {
  int length = sizeof peer_;
  uv_tcp_getpeername(&handle_, reinterpret_cast<sockaddr*>(&peer_), &length);
  length = sizeof host_;
  uv_tcp_getsockname(&handle_, reinterpret_cast<sockaddr*>(&host_), &length);
}

template <class F>
void TCPConnection::deliver(const char* what, F&& f) {
  if (closing_ || silent_) return;  // the protocol is never called once closing has begun
  try {
    f();
  } catch (...) {
    Failure failure = Failure::current();
    tcpLog.failure("Unhandled error in {what}; closing the connection to {peer}", failure,
                   {{"what", what}, {"peer", peerAddress().str()}});
    closeWith(failure);
  }
}

void TCPConnection::start(std::unique_ptr<Protocol> protocol) {
  protocol_ = std::move(protocol);
  connecting_ = false;
  if (!startReading()) return;
  deliver("makeConnection", [&] { protocol_->makeConnection(*this); });
}

int TCPConnection::connect(const sockaddr* address, std::shared_ptr<TCPConnector> connector) {
  connector_ = std::move(connector);
  connecting_ = true;
  auto* request = new uv_connect_t{};
  int rc = uv_tcp_connect(request, &handle_, address, &TCPConnection::onConnect);
  if (rc < 0) delete request;
  return rc;
}

void TCPConnection::onConnect(uv_connect_t* request, int status) {
  auto* self = static_cast<TCPConnection*>(request->handle->data);
  delete request;
  if (status == UV_ECANCELED || self->closing_) return;
  std::shared_ptr<TCPConnector> connector = self->connector_;
  if (status < 0) {
    connector->fail(status == UV_ECONNREFUSED
                        ? Failure(ConnectionRefusedError("Connection was refused by other side: " + uvError(status) +
                                                         " connecting to " + connector->getDestination().str()))
                        : Failure(ConnectError("An error occurred while connecting to " +
                                               connector->getDestination().str() + ": " + uvError(status))));
    return;
  }
  self->cacheAddresses();
  self->connecting_ = false;
  std::unique_ptr<Protocol> protocol = connector->connectionMade(self->peerAddress());
  if (!protocol) {
    // Twisted: a stand-in protocol, and the connection is dropped; the
    // factory hears clientConnectionLost with ConnectionDone.
    self->protocol_ = std::make_unique<Protocol>();
    self->closeWith(ConnectionDone());
    return;
  }
  self->start(std::move(protocol));
}

void TCPConnection::closeSilently() {
  silent_ = true;
  if (closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), &TCPConnection::onClosed);
}

void TCPConnection::closeWith(Failure reason) {
  if (closing_) return;
  closing_ = true;
  reason_ = std::make_unique<Failure>(std::move(reason));
  // uv_close stops reading and cancels a write or shutdown in progress
  // (their callbacks run first, with UV_ECANCELED).
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), &TCPConnection::onClosed);
}

void TCPConnection::onClosed(uv_handle_t* handle) {
  std::unique_ptr<TCPConnection> self(static_cast<TCPConnection*>(handle->data));
  if (self->closeWhenFlushed_.active()) self->closeWhenFlushed_.cancel();  // it would reach a freed connection
  self->reactor_.unregisterResource(self.get());
  if (self->reactor_.tearingDown()) {
    if (std::shared_ptr<TCPConnector> connector = std::move(self->connector_)) connector->abandon();
    return;  // the protocol (if any) is destroyed with us, unasked
  }
  self->notifyLost();
  // The protocol goes now, with this connection, after connectionLost has returned.
}

// stopProducing, connectionLost, then the connector's clientConnectionLost;
// once, and never for a silent connection.
void TCPConnection::notifyLost() {
  std::shared_ptr<TCPConnector> connector = std::move(connector_);
  if (silent_) return;
  silent_ = true;
  Failure reason = reason_ ? *reason_ : Failure(ConnectionDone());
  if (IProducer* producer = std::exchange(producer_, nullptr))
    callContained(tcpLog, "stopProducing", [&] { producer->stopProducing(); });
  if (protocol_) {
    Protocol& protocol = *protocol_;
    protocol.connected = false;
    callContained(tcpLog, "connectionLost", [&] { protocol.connectionLost(reason); });
  }
  if (connector) connector->connectionLost(reason);
}

void TCPConnection::pauseProducing() {
  if (!reading_ || closing_) return;
  stopReading();
  readPaused_ = true;
}

void TCPConnection::resumeProducing() {
  if (!readPaused_ || closing_ || readLost_ || disconnecting) return;
  readPaused_ = false;
  startReading();
}

bool TCPConnection::startReading() {
  int rc = uv_read_start(stream(), &allocRead, &TCPConnection::onRead);
  if (rc < 0) {
    closeWith(ConnectionLost("uv_read_start: " + uvError(rc)));
    return false;
  }
  reading_ = true;
  return true;
}

void TCPConnection::stopReading() {
  if (!reading_) return;
  reading_ = false;
  uv_read_stop(stream());
}

void TCPConnection::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  ReadBufferReturn giveBack{buf};
  auto* self = static_cast<TCPConnection*>(stream->data);
  if (nread > 0) {
    std::string_view data(buf->base, static_cast<std::size_t>(nread));
    self->deliver("dataReceived", [&] { self->protocol_->dataReceived(data); });
  } else if (nread == UV_EOF) {
    self->peerClosed();
  } else if (nread < 0) {
    self->closeWith(ConnectionLost("Connection to the other side was lost in a non-clean fashion: " +
                                   uvError(static_cast<int>(nread))));
  }
}

void TCPConnection::peerClosed() {
  stopReading();
  readLost_ = true;
  if (!protocol_->wantsHalfClose()) {
    closeWith(ConnectionDone("Connection was closed cleanly: the peer closed it."));
    return;
  }
  deliver("readConnectionLost", [&] { protocol_->readConnectionLost(); });
  if (writeShutdownDone_) closeWith(ConnectionDone());
}

std::size_t TCPConnection::bufferedBytes() const {
  return pending_.size() + (inFlight_ ? inFlight_->bytes.size() : 0);
}

void TCPConnection::write(std::string_view data) {
  if (data.empty() || closing_ || connecting_ || writeShutdownRequested_) return;
  // The fast path: the kernel usually takes it all at once. A pull producer
  // needs a write callback to be asked for more, so it always queues.
  bool pullProducer = producer_ && !streaming_;
  if (flushed() && !pullProducer) {
    uv_buf_t buf = firstUvBuffer(data.data(), data.size());
    int written = uv_try_write(stream(), &buf, 1);
    if (written >= 0 && static_cast<std::size_t>(written) == data.size()) return;
    if (written < 0 && written != UV_EAGAIN && written != UV_ENOSYS) {
      closeWith(ConnectionLost("Connection to the other side was lost in a non-clean fashion: write: " +
                               uvError(written)));
      return;
    }
    if (written > 0) data.remove_prefix(static_cast<std::size_t>(written));
  }
  pending_.append(data);
  if (!inFlight_) startWrite();
  if (producer_ && streaming_ && !producerPaused_ && bufferedBytes() > kBufferSize) {
    producerPaused_ = true;
    producer_->pauseProducing();
  }
}

void TCPConnection::startWrite() {
  if (closing_) return;
  auto* request = new WriteRequest{};
  request->bytes.swap(pending_);
  request->request.data = request;
  std::vector<uv_buf_t> bufs = uvBuffers(request->bytes.data(), request->bytes.size());
  int rc = uv_write(&request->request, stream(), bufs.data(), static_cast<unsigned>(bufs.size()), &TCPConnection::onWrite);
  if (rc < 0) {
    delete request;
    closeWith(ConnectionLost("Connection to the other side was lost in a non-clean fashion: uv_write: " +
                             uvError(rc)));
    return;
  }
  inFlight_ = request;
}

void TCPConnection::onWrite(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> request(static_cast<WriteRequest*>(req->data));
  auto* self = static_cast<TCPConnection*>(req->handle->data);
  self->inFlight_ = nullptr;
  if (status == UV_ECANCELED || self->closing_) return;
  if (status < 0) {
    self->closeWith(ConnectionLost("Connection to the other side was lost in a non-clean fashion: write: " +
                                   uvError(status)));
    return;
  }
  if (!self->pending_.empty()) {
    self->startWrite();
    return;
  }
  self->drained();
}

// Twisted's doWrite once the buffer is empty: ask the producer for more, or
// finish a loseConnection / loseWriteConnection that waited for the flush.
void TCPConnection::drained() {
  if (producer_ && (!streaming_ || producerPaused_)) {
    producerPaused_ = false;
    deliver("resumeProducing", [&] { producer_->resumeProducing(); });
    return;
  }
  if (disconnecting) {
    if (!producer_) closeWith(ConnectionDone());
  } else if (writeShutdownRequested_ && !shutdownSent_) {
    sendShutdown();
  }
}

void TCPConnection::loseConnection() {
  if (closing_ || disconnecting) return;
  disconnecting = true;
  stopReading();
  if (connecting_) return;  // a client not yet connected: nothing to flush
  if (flushed() && !producer_) {
    closeWhenFlushed_ = reactor_.callLater(0, [this] {
      if (!closing_ && flushed() && !producer_) closeWith(ConnectionDone());  // else drained() closes
    });
  }
}

void TCPConnection::abortConnection() {
  if (closing_) return;
  pending_.clear();
  pending_.shrink_to_fit();
  // connectionLost comes from the close callback, on a later pass (Twisted: callLater(0)).
  closeWith(ConnectionAborted());
}

void TCPConnection::loseWriteConnection() {
  if (closing_ || writeShutdownRequested_) return;
  writeShutdownRequested_ = true;
  if (flushed()) sendShutdown();
}

void TCPConnection::sendShutdown() {
  shutdownSent_ = true;
  auto* request = new uv_shutdown_t{};
  request->data = this;
  int rc = uv_shutdown(request, stream(), &TCPConnection::onShutdown);
  if (rc < 0) {
    delete request;
    closeWith(ConnectionLost("uv_shutdown: " + uvError(rc)));
  }
}

void TCPConnection::onShutdown(uv_shutdown_t* req, int status) {
  auto* self = static_cast<TCPConnection*>(req->data);
  delete req;
  if (status == UV_ECANCELED || self->closing_) return;
  if (status < 0) {
    self->closeWith(ConnectionLost("shutdown: " + uvError(status)));
    return;
  }
  self->writeShutdownDone_ = true;
  if (self->protocol_->wantsHalfClose()) self->deliver("writeConnectionLost", [&] { self->protocol_->writeConnectionLost(); });
  if (self->readLost_) self->closeWith(ConnectionDone());
}

void TCPConnection::registerProducer(IProducer& producer, bool streaming) {
  if (producer_)
    throw std::logic_error("registerProducer: a producer is already registered on this transport; "
                           "unregisterProducer first (Twisted: RuntimeError)");
  if (closing_) {
    producer.stopProducing();
    return;
  }
  producer_ = &producer;
  streaming_ = streaming;
  producerPaused_ = false;
  if (!streaming) producer.resumeProducing();
}

void TCPConnection::unregisterProducer() {
  producer_ = nullptr;
  producerPaused_ = false;
  if (closing_ || !flushed()) return;
  if (disconnecting)
    closeWith(ConnectionDone());
  else if (writeShutdownRequested_ && !shutdownSent_)
    sendShutdown();
}

void TCPConnection::reactorShuttingDown() {
  if (closing_) return;
  if (connecting_ && connector_) {
    std::shared_ptr<TCPConnector> connector = connector_;
    connector->fail(ConnectError("An error occurred while connecting to " + connector->getDestination().str() +
                                 ": the reactor is shutting down"));
    return;
  }
  // Twisted's disconnectAll calls connectionLost right away, before the
  // "after shutdown" triggers; the close callback then only frees us.
  closeWith(ConnectionLost("Connection to the other side was lost: the reactor is shutting down."));
  notifyLost();
}

// The connector (client side) forgets this connection now: nothing will call
// it back, and it must not keep holding itself (selfRef_) once we are gone.
void TCPConnection::closeForReactorShutdown() {
  if (connector_) connector_->abandon();
  closeSilently();
}

std::string TCPConnection::describe() const {
  if (connecting_ && connector_) return "connection to " + connector_->getDestination().str() + " (connecting)";
  return "connection to " + peerAddress().str();
}

// ---- TCPConnector ----------------------------------------------------------

void TCPConnector::connect() {
  if (state_ != State::disconnected)
    throw std::logic_error("connect: can't connect in this state (already connecting or connected to " +
                           destination() + ")");
  state_ = State::connecting;
  selfRef_ = std::static_pointer_cast<TCPConnector>(shared_from_this());
  unsigned attempt = ++attempt_;
  if (!factoryStarted_) {
    factoryStarted_ = true;
    callContained(tcpLog, "doStart", [&] { factory_.doStart(); });
  }
  if (timeout_ > 0) {
    timeoutCall_ = reactor_.callLater(timeout_, [this, attempt] {
      if (attempt != attempt_ || state_ != State::connecting) return;
      fail(ConnectingTimeoutError("User timeout caused connection failure: connecting to " + destination() +
                                  " took longer than " + std::to_string(timeout_) + " s"));
    });
  }
  callContained(tcpLog, "startedConnecting", [&] { factory_.startedConnecting(*this); });
  if (state_ != State::connecting || attempt != attempt_) return;  // stopped from startedConnecting

  sockaddr_storage address;
  if (parseIp(host_, port_, address)) {
    startConnecting(reinterpret_cast<const sockaddr*>(&address));
    return;
  }
  auto* resolution = new Resolution{{}, selfRef_, attempt};
  resolution->request.data = resolution;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  std::string service = std::to_string(port_);
  int rc = uv_getaddrinfo(reactor_.uvLoop(), &resolution->request, &TCPConnector::onResolved, host_.c_str(),
                          service.c_str(), &hints);
  if (rc < 0) {
    delete resolution;
    fail(DNSLookupError("DNS lookup failed: address \"" + host_ + "\" not found: " + uvError(rc)));
  }
}

void TCPConnector::onResolved(uv_getaddrinfo_t* request, int status, addrinfo* result) {
  std::unique_ptr<Resolution> resolution(static_cast<Resolution*>(request->data));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> results(result, &uv_freeaddrinfo);
  TCPConnector& self = *resolution->connector;
  if (self.reactor_.tearingDown()) {
    if (resolution->attempt == self.attempt_) self.abandon();
    return;
  }
  if (resolution->attempt != self.attempt_ || self.state_ != State::connecting) return;
  if (status < 0 || !result) {
    self.fail(DNSLookupError("DNS lookup failed: address \"" + self.host_ + "\" not found: " +
                             (status < 0 ? uvError(status) : std::string("no address"))));
    return;
  }
  // IPv4 first: "localhost" often lists ::1 first, and most servers listen on IPv4.
  const addrinfo* chosen = result;
  for (const addrinfo* candidate = result; candidate; candidate = candidate->ai_next)
    if (candidate->ai_family == AF_INET) {
      chosen = candidate;
      break;
    }
  self.startConnecting(chosen->ai_addr);
}

void TCPConnector::startConnecting(const sockaddr* address) {
  auto* connection = new TCPConnection(reactor_);
  transport_ = connection;
  int rc = connection->connect(address, selfRef_);
  if (rc < 0)
    fail(rc == UV_ECONNREFUSED ? Failure(ConnectionRefusedError("Connection was refused by other side: " +
                                                                uvError(rc) + " connecting to " + destination()))
                               : Failure(ConnectError("An error occurred while connecting to " + destination() +
                                                      ": " + uvError(rc))));
}

void TCPConnector::cancelTimeout() {
  if (timeoutCall_.active()) timeoutCall_.cancel();
  timeoutCall_ = DelayedCall();
}

void TCPConnector::fail(Failure reason) {
  if (state_ != State::connecting) return;
  if (TCPConnection* connection = std::exchange(transport_, nullptr)) connection->closeSilently();
  cancelTimeout();
  state_ = State::disconnected;
  ++attempt_;
  std::shared_ptr<TCPConnector> keep = selfRef_;
  callContained(tcpLog, "clientConnectionFailed", [&] { factory_.clientConnectionFailed(*this, reason); });
  finished();
}

std::unique_ptr<Protocol> TCPConnector::connectionMade(const Address& peer) {
  cancelTimeout();
  state_ = State::connected;
  std::unique_ptr<Protocol> protocol;
  callContained(tcpLog, "buildProtocol", [&] { protocol = factory_.buildProtocol(peer); });
  return protocol;
}

void TCPConnector::connectionLost(const Failure& reason) {
  transport_ = nullptr;
  state_ = State::disconnected;
  std::shared_ptr<TCPConnector> keep = selfRef_;
  callContained(tcpLog, "clientConnectionLost", [&] { factory_.clientConnectionLost(*this, reason); });
  finished();
}

void TCPConnector::finished() {
  if (state_ != State::disconnected) return;  // the factory connected again
  if (factoryStarted_) {
    factoryStarted_ = false;
    callContained(tcpLog, "doStop", [&] { factory_.doStop(); });
  }
  selfRef_.reset();  // the caller holds a reference while this returns
}

void TCPConnector::abandon() {
  cancelTimeout();
  state_ = State::disconnected;
  transport_ = nullptr;
  ++attempt_;
  std::shared_ptr<TCPConnector> last = std::move(selfRef_);  // may free us as it goes
}

void TCPConnector::stopConnecting() {
  if (state_ != State::connecting)
    throw std::logic_error("stopConnecting: not connecting to " + destination() +
                           " (Twisted: NotConnectingError)");
  fail(UserError("User aborted connection."));
}

void TCPConnector::disconnect() {
  if (state_ == State::connecting)
    stopConnecting();
  else if (state_ == State::connected && transport_)
    transport_->loseConnection();
}

// ---- TCPPort -----------------------------------------------------------------

void TCPPort::startListening() {
  std::string ip = interface_.empty() ? "0.0.0.0" : interface_;
  if (port_ < 0 || port_ > 65535)
    throw CannotListenError(interface_, port_, "port out of range 0-65535");
  sockaddr_storage address;
  if (adoptedFd_ < 0 && !parseIp(ip, port_, address))
    throw CannotListenError(interface_, port_, "\"" + ip + "\" is not an IPv4 or IPv6 address");
  int rc = uv_tcp_init(reactor_.uvLoop(), &handle_);
  if (rc < 0) {
    if (adoptedFd_ >= 0) ::close(adoptedFd_);
    throw CannotListenError(interface_, port_, "uv_tcp_init: " + uvError(rc));
  }
  handle_.data = this;
  selfRef_ = shared_from_this();
  reactor_.registerResource(this);
  if (adoptedFd_ >= 0) {
    rc = uv_tcp_open(&handle_, adoptedFd_);  // from here on, uv_close closes it
    if (rc < 0) ::close(adoptedFd_);
  } else {
    // libuv reports EADDRINUSE from uv_listen on Linux (bind is deferred), so both are checked.
    rc = uv_tcp_bind(&handle_, reinterpret_cast<const sockaddr*>(&address), 0);
  }
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&handle_), backlog_, &TCPPort::onConnection);
  if (rc < 0) {
    silent_ = true;
    close();
    throw CannotListenError(interface_, port_, uvError(rc));
  }
  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(&handle_, reinterpret_cast<sockaddr*>(&bound), &length);
  host_ = toAddress(reinterpret_cast<const sockaddr*>(&bound));
  tcpLog.info("Factory starting on {port}", {{"port", std::to_string(host_.port)}});
  factoryStarted_ = true;
  callContained(tcpLog, "doStart", [&] { factory_.doStart(); });
}

void TCPPort::onConnection(uv_stream_t* server, int status) {
  auto* self = static_cast<TCPPort*>(server->data);
  if (status < 0) {
    tcpLog.error("accept on {port} failed: {error}", {{"port", self->host_.str()}, {"error", uvError(status)}});
    return;
  }
  TCPConnection* connection;
  try {
    connection = new TCPConnection(self->reactor_);
  } catch (const std::exception& e) {
    tcpLog.error("accept on {port} failed: {error}", {{"port", self->host_.str()}, {"error", e.what()}});
    return;
  }
  int rc = uv_accept(server, connection->stream());
  if (rc < 0) {
    tcpLog.error("accept on {port} failed: {error}", {{"port", self->host_.str()}, {"error", uvError(rc)}});
    connection->closeSilently();
    return;
  }
  connection->cacheAddresses();
  std::unique_ptr<Protocol> protocol;
  callContained(tcpLog, "buildProtocol", [&] { protocol = self->factory_.buildProtocol(connection->peerAddress()); });
  if (!protocol) {
    connection->closeSilently();  // refused: no callbacks
    return;
  }
  connection->start(std::move(protocol));
}

Deferred<void> TCPPort::stopListening() {
  if (closed_) return succeed();
  Deferred<void> done;
  waiters_.push_back(done);
  close();
  return done;
}

void TCPPort::close() {
  if (closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), &TCPPort::onClosed);
}

void TCPPort::closeForReactorShutdown() {
  silent_ = true;
  close();
}

void TCPPort::onClosed(uv_handle_t* handle) {
  auto* self = static_cast<TCPPort*>(handle->data);
  std::shared_ptr<TCPPort> keep = std::move(self->selfRef_);  // we may be freed when this returns
  self->reactor_.unregisterResource(self);
  self->closed_ = true;
  std::vector<Deferred<void>> waiters = std::move(self->waiters_);
  if (self->silent_ || self->reactor_.tearingDown()) return;
  self->stopFactory();
  for (Deferred<void>& waiter : waiters) waiter.callback();
}

void TCPPort::stopFactory() {
  if (!factoryStarted_) return;
  factoryStarted_ = false;
  tcpLog.info("(TCP Port {port} Closed)", {{"port", std::to_string(host_.port)}});
  callContained(tcpLog, "doStop", [&] { factory_.doStop(); });
}

// As Twisted's disconnectAll: the port stops now and its factory's doStop
// runs before the "after shutdown" triggers; the handle closes on the loop.
void TCPPort::reactorShuttingDown() {
  close();
  stopFactory();
}

}  // namespace detail

// ---- the Reactor's IReactorTCP ---------------------------------------------------

std::shared_ptr<IListeningPort> Reactor::listenTCP(int port, Factory& factory, int backlog,
                                                   const std::string& interface) {
  auto listening = std::make_shared<detail::TCPPort>(*this, factory, port, backlog, interface);
  listening->startListening();
  return listening;
}

std::shared_ptr<IListeningPort> adoptStreamPort(Reactor& reactor, int fileDescriptor, int addressFamily,
                                                Factory& factory, int backlog) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  Address host;
  if (::getsockname(fileDescriptor, reinterpret_cast<sockaddr*>(&bound), &length) == 0)
    host = toAddress(reinterpret_cast<const sockaddr*>(&bound));
  const std::string where = "fd " + std::to_string(fileDescriptor) + (host.host.empty() ? "" : " " + host.str());
  if (addressFamily != AF_INET && addressFamily != AF_INET6)
    throw CannotListenError(where, host.port, "address family " + std::to_string(addressFamily) +
                                                  " is not supported (AF_INET or AF_INET6)");
  int copy = ::fcntl(fileDescriptor, F_DUPFD_CLOEXEC, 0);  // Twisted too listens on a duplicate
  if (copy < 0) throw CannotListenError(where, host.port, "fcntl(F_DUPFD_CLOEXEC): " + uvError(-errno));
  // Errors name the address, or the descriptor when it has none (not a socket).
  const std::string interface = host.host.empty() ? "fd " + std::to_string(fileDescriptor) : host.host;
  auto listening = std::make_shared<detail::TCPPort>(reactor, factory, host.port, backlog, interface);
  listening->adopt(copy);
  listening->startListening();
  return listening;
}

std::shared_ptr<IConnector> Reactor::connectTCP(const std::string& host, int port, ClientFactory& factory,
                                                double timeout) {
  auto connector = std::make_shared<detail::TCPConnector>(*this, host, port, factory, timeout);
  connector->connect();
  return connector;
}

}  // namespace twist
