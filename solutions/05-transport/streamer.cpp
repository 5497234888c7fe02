// streamer.cpp — lesson 05, exercise "streamer" (reference solution).
#include "streamer.hpp"

void Streamer::writeSome() {
  while (!paused_ && !stopped_ && next_ < chunks_) transport_.write(chunkFor_(next_++));
  if (!paused_ && !stopped_ && !done_ && next_ == chunks_) {
    done_ = true;
    transport_.unregisterProducer();
    transport_.loseConnection();  // sends what is buffered first
  }
}

void Streamer::pauseProducing() { paused_ = true; }

void Streamer::resumeProducing() {
  if (stopped_ || done_) return;
  paused_ = false;
  writeSome();
}

void Streamer::stopProducing() { stopped_ = true; }
