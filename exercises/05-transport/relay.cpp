// relay.cpp — lesson 05, stretch exercise "relay". Write the five functions;
// relay.hpp states the contract. Do the core exercise, streamer, first.
#include "relay.hpp"

void Relay::start() {
  // TODO: register each side's reading as the streaming producer of the OTHER
  // side's transport.
}

void Relay::fromA(std::string_view data) {
  // TODO: forward to b (unless a side was lost).
  (void)data;
}

void Relay::fromB(std::string_view data) {
  // TODO: forward to a (unless a side was lost).
  (void)data;
}

void Relay::lostA() {
  // TODO: once only: unregister b's producer, then close b after its buffer.
}

void Relay::lostB() {
  // TODO: the same, the other way round.
}
