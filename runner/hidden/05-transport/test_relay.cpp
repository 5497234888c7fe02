// Hidden tests for lesson 05, stretch exercise "relay" (relay.hpp).
// No sockets: each side is one twist::StringTransport, which is both a
// transport (value() is what was written to that side) and the producer of
// what that side reads (producerState is "producing", "paused" or "stopped").
#include "relay.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

TEST_CASE("start makes each side's reading the streaming producer of the other side's transport") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  INFO("Back-pressure across a proxy: b's buffer filling up must pause reading from a, so b's transport gets a's "
       "reading as its producer (b.registerProducer(aReading, true)), and the other way round");
  CHECK(b.producer == &a);
  CHECK(a.producer == &b);
  CHECK(a.streaming);
  CHECK(b.streaming);
}

TEST_CASE("a slow reader on b pauses reading from a, and only from a") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  REQUIRE(b.producer != nullptr);
  b.producer->pauseProducing();  // what b's transport does once its buffer passes 64 KiB
  INFO("Registering a side as its own producer (the echo server's trick) is wrong here: b being slow must stop "
       "the bytes that go to b, which come from a");
  CHECK(a.producerState == "paused");
  CHECK(b.producerState == "producing");
}

TEST_CASE("bytes from a go to b and bytes from b go to a") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  relay.fromA("GET / HTTP/1.0\r\n\r\n");
  relay.fromB("HTTP/1.0 200 OK\r\n");
  INFO("A relay writes what one side sent to the OTHER side's transport: fromA writes to b");
  CHECK(b.value() == "GET / HTTP/1.0\r\n\r\n");
  CHECK(a.value() == "HTTP/1.0 200 OK\r\n");
}

TEST_CASE("when a is lost, b is unregistered and closed after its buffer, never aborted") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  relay.fromA("the last request");
  relay.lostA();
  INFO("a is gone, so its reading can no longer be b's producer (unregisterProducer), and b must still get what "
       "a sent before it went: loseConnection sends the buffer first, abortConnection would drop it");
  CHECK(b.producer == nullptr);
  CHECK(b.disconnecting);
  CHECK_FALSE(b.disconnected);
  CHECK(b.value() == "the last request");
}

TEST_CASE("when b is lost, a is unregistered and closed") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  relay.lostB();
  INFO("lostB is lostA the other way round: unregister a's producer, then a.loseConnection()");
  CHECK((a.producer == nullptr && a.disconnecting && !a.disconnected));
}

TEST_CASE("only the first lost side acts, and nothing is forwarded after it") {
  twist::StringTransport a, b;
  Relay relay(a, a, b, b);
  relay.start();
  relay.lostA();
  INFO("Closing b makes b's connectionLost call lostB later: it must change nothing (a second "
       "unregisterProducer throws std::logic_error), and late bytes from either side are dropped");
  CHECK_NOTHROW(relay.lostB());
  relay.fromB("too late");
  relay.fromA("too late");
  CHECK(a.value().empty());
  CHECK(b.value().empty());
  CHECK_FALSE(a.disconnecting);
}
