// relay.cpp — lesson 05, stretch exercise "relay" (reference solution).
#include "relay.hpp"

void Relay::start() {
  b_.registerProducer(aReading_, /*streaming=*/true);  // b full: stop reading a
  a_.registerProducer(bReading_, /*streaming=*/true);  // a full: stop reading b
}

void Relay::fromA(std::string_view data) {
  if (!closed_) b_.write(data);
}

void Relay::fromB(std::string_view data) {
  if (!closed_) a_.write(data);
}

void Relay::lostA() {
  if (closed_) return;
  closed_ = true;
  b_.unregisterProducer();
  b_.loseConnection();  // after what is buffered for b
}

void Relay::lostB() {
  if (closed_) return;
  closed_ = true;
  a_.unregisterProducer();
  a_.loseConnection();
}
