// Hidden tests for lesson 05, exercise "streamer" (streamer.hpp).
// No sockets: a SlowPeer is a StringTransport that behaves like twist's TCP
// transport towards its producer. Its buffer (value()) is what the peer has
// not read yet; once a write takes it past `mark`, it calls pauseProducing on
// the registered streaming producer, inside write(), as TCP does at 64 KiB.
// read() plays the peer: it takes the buffer and, if the producer is paused,
// resumes it, as TCP does when its buffer drains.
#include <cstddef>
#include <string>

#include "streamer.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

constexpr std::size_t kChunk = 1000;

std::string chunkFor(std::size_t i) { return std::string(kChunk, static_cast<char>('a' + i % 26)); }

std::string payload(std::size_t chunks) {
  std::string all;
  for (std::size_t i = 0; i < chunks; ++i) all += chunkFor(i);
  return all;
}

struct SlowPeer : twist::StringTransport {
  std::size_t mark = 8 * kChunk;
  bool paused = false;       // this transport has paused its producer
  std::size_t writesAfterClose = 0;
  bool closedWithProducer = false;  // loseConnection while a producer was still registered

  void write(std::string_view data) override {
    if (disconnecting) ++writesAfterClose;
    twist::StringTransport::write(data);
    if (producer && streaming && !paused && value().size() > mark) {
      paused = true;
      producer->pauseProducing();
    }
  }
  void loseConnection() override {
    if (producer) closedWithProducer = true;
    twist::StringTransport::loseConnection();
  }
  // The peer reads everything buffered; the drained transport resumes its producer.
  std::string read() {
    std::string got = value();
    clear();
    if (producer && paused) {
      paused = false;
      producer->resumeProducing();
    }
    return got;
  }
};

}  // namespace

TEST_CASE("start registers the streamer as a streaming producer of its transport") {
  SlowPeer peer;
  Streamer streamer(peer, 100, chunkFor);
  streamer.start();
  INFO("A transport can only pause a producer it knows: start() calls registerProducer(*this, true) (given). "
       "Twisted: transport.registerProducer(producer, streaming=True)");
  CHECK(peer.producer != nullptr);
}

TEST_CASE("the streamer stops writing as soon as the transport pauses it") {
  SlowPeer peer;
  Streamer streamer(peer, 100, chunkFor);
  streamer.start();
  INFO("Back-pressure: the transport calls pauseProducing inside write() once its buffer passes the high-water mark, "
       "and the very next chunk must wait. Writing all 100 chunks at once (the starter), or a pauseProducing that "
       "sets nothing the write loop checks, puts the whole payload in the buffer: the unbounded buffer of the demo");
  CHECK(peer.value().size() <= peer.mark + kChunk);
  CHECK(streamer.sent() < 100);
  CHECK_FALSE(streamer.done());
}

TEST_CASE("resumeProducing goes on from the next unsent chunk, in order, and the peer gets the whole payload") {
  SlowPeer peer;
  Streamer streamer(peer, 100, chunkFor);
  streamer.start();
  std::string received;
  for (int reads = 0; reads < 1000 && !streamer.done(); ++reads) {
    received += peer.read();
    INFO("Each drain may only refill the buffer up to the mark, never the rest of the payload at once");
    REQUIRE(peer.value().size() <= peer.mark + kChunk);
  }
  received += peer.read();
  INFO("resumeProducing must clear the pause and write again from next_: a streamer that is never resumed "
       "stalls (done() stays false), one that starts over or skips a chunk sends the wrong bytes");
  CHECK(streamer.done());
  CHECK(received.size() == payload(100).size());
  CHECK(received == payload(100));
}

TEST_CASE("the connection closes only after the last chunk, with loseConnection and never abortConnection") {
  SlowPeer peer;
  Streamer streamer(peer, 30, chunkFor);
  streamer.start();
  {
    INFO("Closing too early: loseConnection before the last chunk has been written cuts the payload short "
         "(a write after it may be dropped), so the streamer must not close while chunks are left");
    CHECK_FALSE(peer.disconnecting);
  }
  while (!streamer.done() && streamer.sent() < 30) peer.read();
  peer.read();
  INFO("After the last write: unregisterProducer(), then loseConnection(), which sends what is buffered and then "
       "closes. abortConnection() would drop the buffer, the end of the payload (disconnected is its mark). "
       "A producer left registered keeps a real TCP connection open for ever");
  CHECK(peer.disconnecting);
  CHECK_FALSE(peer.disconnected);
  CHECK(peer.producer == nullptr);
  CHECK_FALSE(peer.closedWithProducer);
  CHECK(peer.writesAfterClose == 0);
}

TEST_CASE("a streamer that is never paused writes everything and closes within start") {
  twist::StringTransport fast;  // a peer that keeps up: the transport never pauses its producer
  Streamer streamer(fast, 20, chunkFor);
  streamer.start();
  INFO("Pausing is the transport's decision, not the producer's: unpaused, the streamer writes every chunk, "
       "unregisters and asks to close, all inside start()");
  CHECK(fast.value() == payload(20));
  CHECK(streamer.done());
  CHECK(fast.disconnecting);
  CHECK(fast.producer == nullptr);
}

TEST_CASE("a streamer with no chunks unregisters and closes at once") {
  twist::StringTransport fast;
  Streamer streamer(fast, 0, chunkFor);
  streamer.start();
  INFO("The end of the stream is reached before any write: the check for 'no chunk left' must also run when the "
       "loop wrote nothing, or an empty payload leaves the connection open");
  CHECK(fast.value().empty());
  CHECK(streamer.done());
  CHECK(fast.disconnecting);
  CHECK(fast.producer == nullptr);
}

TEST_CASE("after stopProducing the streamer writes nothing and leaves the transport alone") {
  SlowPeer peer;
  Streamer streamer(peer, 100, chunkFor);
  streamer.start();
  const std::size_t sentBefore = streamer.sent();
  streamer.stopProducing();  // the connection is gone (a real transport calls it from connectionLost)
  peer.clear();
  streamer.resumeProducing();
  INFO("stopProducing means the connection is lost: write nothing more, even when resumed, and do not call the "
       "transport (no unregisterProducer, no loseConnection: the transport has dropped the producer itself)");
  CHECK(peer.value().empty());
  CHECK(streamer.sent() == sentBefore);
  CHECK_FALSE(streamer.done());
  CHECK_FALSE(peer.disconnecting);
}

TEST_CASE("resumeProducing after the end writes nothing twice") {
  twist::StringTransport fast;
  Streamer streamer(fast, 5, chunkFor);
  streamer.start();
  fast.clear();
  streamer.resumeProducing();
  streamer.resumeProducing();
  INFO("A late resumeProducing (a transport may call it once more as its buffer drains) must find nothing left: "
       "no chunk resent and no second unregisterProducer (StringTransport throws std::logic_error for that)");
  CHECK(fast.value().empty());
  CHECK(streamer.sent() == 5);
}
