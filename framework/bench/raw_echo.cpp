// raw_echo — the floor: an echo server written directly on libuv, in C style,
// with no framework in between. echo_compare.sh measures twist's echo_server
// against it; whatever twist costs on top of this is the price of its layers.
//
//   build/bin/raw_echo [PORT]        # 0 or nothing picks a free port
//
// It listens on 127.0.0.1 only, prints its port on the first line of stdout,
// and serves until SIGINT or SIGTERM.
//
// It is the good raw server, not a naive one, so that the floor is honest:
// - one 64 KiB read buffer for the whole process: libuv hands every read to
//   onRead before it asks for the next buffer, so connections can share it
//   and an idle connection holds no buffer at all (a malloc per read is
//   about 1.7x slower at 16 KiB);
// - uv_try_write first: the kernel usually takes the whole echo at once, and
//   only what it does not take is copied into a write request and queued
//   (uv_write does not copy: the request owns the copy until its callback).
//   libuv keeps writes in order: uv_try_write refuses (EAGAIN) while a queued
//   write is pending, so a later echo cannot overtake an earlier one.
//
// Ownership: each Connection is malloc'ed on accept and freed in its close
// callback (libuv's rule: a handle is freed only there); each WriteRequest is
// freed in its write callback, whatever its status.
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct Connection {
  uv_tcp_t handle;
};

struct WriteRequest {
  uv_write_t request;
  uv_buf_t buf;  // the copy of the bytes not taken by uv_try_write
};

constexpr size_t kReadBufferSize = 64 * 1024;
char readBuffer[kReadBufferSize];

uv_tcp_t server;
uv_signal_t sigint;
uv_signal_t sigterm;

void fail(const char* what, int rc) {
  std::fprintf(stderr, "raw_echo: %s: %s (%s)\n", what, uv_err_name(rc), uv_strerror(rc));
  std::exit(1);
}

void onClosed(uv_handle_t* handle) { std::free(handle->data); }

void closeConnection(uv_stream_t* stream) {
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(stream)))
    uv_close(reinterpret_cast<uv_handle_t*>(stream), onClosed);
}

void allocRead(uv_handle_t*, size_t, uv_buf_t* buf) { *buf = uv_buf_init(readBuffer, kReadBufferSize); }

void onWrite(uv_write_t* request, int status) {
  auto* write = static_cast<WriteRequest*>(request->data);
  if (status < 0 && status != UV_ECANCELED) closeConnection(request->handle);
  std::free(write->buf.base);
  std::free(write);
}

void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {  // UV_EOF or an error: either way the connection is over
    closeConnection(stream);
    return;
  }
  if (nread == 0) return;  // EAGAIN: nothing this time
  uv_buf_t echo = uv_buf_init(buf->base, static_cast<unsigned>(nread));
  int written = uv_try_write(stream, &echo, 1);
  if (written == nread) return;
  if (written < 0 && written != UV_EAGAIN) {
    closeConnection(stream);
    return;
  }
  size_t offset = written > 0 ? static_cast<size_t>(written) : 0;
  size_t rest = static_cast<size_t>(nread) - offset;
  auto* write = static_cast<WriteRequest*>(std::malloc(sizeof(WriteRequest)));
  write->buf = uv_buf_init(static_cast<char*>(std::malloc(rest)), static_cast<unsigned>(rest));
  std::memcpy(write->buf.base, buf->base + offset, rest);
  write->request.data = write;
  int rc = uv_write(&write->request, stream, &write->buf, 1, onWrite);
  if (rc < 0) {
    std::free(write->buf.base);
    std::free(write);
    closeConnection(stream);
  }
}

void onConnection(uv_stream_t* listener, int status) {
  if (status < 0) {
    std::fprintf(stderr, "raw_echo: accept: %s\n", uv_err_name(status));
    return;
  }
  auto* connection = static_cast<Connection*>(std::malloc(sizeof(Connection)));
  uv_tcp_init(listener->loop, &connection->handle);
  connection->handle.data = connection;
  auto* stream = reinterpret_cast<uv_stream_t*>(&connection->handle);
  if (uv_accept(listener, stream) < 0 || uv_read_start(stream, allocRead, onRead) < 0) closeConnection(stream);
}

void closeAny(uv_handle_t* handle, void*) {
  if (!uv_is_closing(handle)) uv_close(handle, handle->data == nullptr ? nullptr : onClosed);
}

// SIGINT / SIGTERM: close every handle (connections free themselves in their
// close callbacks) so uv_run returns and the loop can be closed cleanly.
void onSignal(uv_signal_t* signal, int) { uv_walk(signal->loop, closeAny, nullptr); }

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0))) {
    std::fprintf(stderr, "usage: %s [PORT]   (0 or nothing: pick a free port; listens on 127.0.0.1)\n", argv[0]);
    return 2;
  }
  int port = argc == 2 ? std::atoi(argv[1]) : 0;
  uv_loop_t* loop = uv_default_loop();

  // The long-lived handles have data == nullptr: they are static, not freed.
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  sigint.data = nullptr;
  sigterm.data = nullptr;
  uv_signal_start(&sigint, onSignal, SIGINT);
  uv_signal_start(&sigterm, onSignal, SIGTERM);

  sockaddr_in address;
  uv_ip4_addr("127.0.0.1", port, &address);
  uv_tcp_init(loop, &server);
  server.data = nullptr;
  int rc = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&address), 0);
  // backlog 50, as twist's and Twisted's listenTCP default
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server), 50, onConnection);
  if (rc < 0) fail("listen on 127.0.0.1", rc);

  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&bound), &length);
  std::printf("%d\n", ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port));
  std::fflush(stdout);

  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
  return 0;
}
