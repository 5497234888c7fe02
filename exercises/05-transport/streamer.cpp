// streamer.cpp — lesson 05, exercise "streamer". Write the four functions;
// streamer.hpp states the contract.
#include "streamer.hpp"

void Streamer::writeSome() {
  // TODO: while not paused, not stopped and chunks are left, write
  // chunkFor_(next_) and move on to the next chunk. After the last chunk
  // (or at once, for 0 chunks): unregisterProducer(), loseConnection(), done_.
  // The placeholder below writes everything at once and never closes: the
  // unbounded buffer this lesson is about.
  while (next_ < chunks_) transport_.write(chunkFor_(next_++));
}

void Streamer::pauseProducing() {
  // TODO: remember to wait.
}

void Streamer::resumeProducing() {
  // TODO: go on writing from the next unsent chunk (unless stopped or done).
}

void Streamer::stopProducing() {
  // TODO: the connection is gone: never write again.
}
