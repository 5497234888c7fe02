// streamer.hpp — lesson 05, exercise "streamer": a push producer that streams
// a large payload without ever holding more than the transport's high-water
// mark in its buffer.
//
// A Streamer sends `chunks` chunks, chunkFor(0), chunkFor(1), ..., to one
// client, in order, and then closes the connection. It is a streaming (push)
// producer (Twisted: IPushProducer): it writes on its own until the transport
// tells it to wait, and goes on when the transport tells it to.
//
//   Streamer s(*transport, 1000, [](std::size_t i) { return std::string(1024, 'a' + i % 26); });
//   s.start();                // registers itself and writes until paused
//   // ... the transport's buffer passes 64 KiB: it calls s.pauseProducing()
//   // ... the peer reads, the buffer drains: it calls s.resumeProducing()
//
// The contract:
// - start() registers the Streamer with transport.registerProducer(*this,
//   /*streaming=*/true), then writes (given).
// - Writing: while not paused, not stopped and chunks are left, write the next
//   chunk with transport.write. A write may pause the Streamer from inside
//   (a real TCP transport calls pauseProducing inside write() once its buffer
//   passes 64 KiB): the very next chunk must then wait.
// - pauseProducing(): write nothing until resumeProducing().
// - resumeProducing(): go on from the next unsent chunk (never resend one).
// - After the last chunk has been written (or at once, for 0 chunks): unregister
//   (transport.unregisterProducer()), then transport.loseConnection(), which
//   closes once the buffered bytes have been sent. Never abortConnection(): it
//   drops the buffer, and with it the end of the payload.
// - stopProducing(): the connection is gone. Write nothing more, ever, and do
//   not call the transport again (no unregister, no loseConnection).
// - resumeProducing() after the end (done or stopped) does nothing.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "twist/transport.hpp"

class Streamer : public twist::IProducer {
 public:
  using ChunkFn = std::function<std::string(std::size_t)>;

  // `transport` must outlive the Streamer. Writes nothing yet.
  Streamer(twist::ITransport& transport, std::size_t chunks, ChunkFn chunkFor)
      : transport_(transport), chunks_(chunks), chunkFor_(std::move(chunkFor)) {}

  // Registers as a streaming producer, then writes what it may. Call once.
  void start() {
    transport_.registerProducer(*this, /*streaming=*/true);
    writeSome();
  }

  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override;

  std::size_t sent() const { return next_; }  // chunks written so far
  bool done() const { return done_; }         // every chunk written and the close asked for

 private:
  // Writes chunks while allowed; after the last one, unregisters and closes.
  void writeSome();

  twist::ITransport& transport_;
  std::size_t chunks_;
  ChunkFn chunkFor_;
  std::size_t next_ = 0;  // the next chunk to write
  bool paused_ = false;
  bool stopped_ = false;
  bool done_ = false;
};
