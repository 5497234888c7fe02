// relay.hpp — lesson 05, stretch exercise "relay": the two sides of a proxy,
// where a slow reader on one side slows the sender on the other.
//
// A Relay joins two connections, a and b: what a sends is written to b, what
// b sends is written to a. Each side is given twice: as the transport to write
// to, and as the producer of the bytes it reads (a TCP transport is both, so a
// proxy passes it twice; a StringTransport in a test is both too).
//
//   Relay relay(*clientTransport, *clientReading, *serverTransport, *serverReading);
//   relay.start();
//   // client protocol's dataReceived(data)  -> relay.fromA(data)
//   // server protocol's dataReceived(data)  -> relay.fromB(data)
//   // either side's connectionLost          -> relay.lostA() / relay.lostB()
//
// The contract:
// - start(): back-pressure across: a's reading is registered as the streaming
//   producer of b's transport (b's buffer full pauses reading from a), and
//   b's reading as the streaming producer of a's transport.
// - fromA(data) writes data to b; fromB(data) writes data to a. After either
//   side was lost, both do nothing.
// - lostA(): a is gone. Unregister the producer of b's transport (a's reading
//   is gone with a), then b.loseConnection(), so b still gets what is buffered.
//   lostB() likewise, the other way round. Only the first lost call acts: the
//   second side's connectionLost, which the first one's loseConnection causes,
//   changes nothing (a second unregisterProducer would throw).
#pragma once

#include <string_view>

#include "twist/transport.hpp"

class Relay {
 public:
  // All four must outlive the Relay.
  Relay(twist::ITransport& a, twist::IProducer& aReading, twist::ITransport& b, twist::IProducer& bReading)
      : a_(a), aReading_(aReading), b_(b), bReading_(bReading) {}

  void start();
  void fromA(std::string_view data);
  void fromB(std::string_view data);
  void lostA();
  void lostB();

 private:
  twist::ITransport& a_;
  twist::IProducer& aReading_;
  twist::ITransport& b_;
  twist::IProducer& bReading_;
  bool closed_ = false;  // a side was lost
};
