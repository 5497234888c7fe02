// scaffold.hpp — what lesson 08's `cpp fragment` and `cpp body` listings
// assume: the standard headers, twist's application layer and launcher, and
// the README's example, a job server (the demo's,
// lessons/08-deployment/demo/graceful_stop.cpp): a client sends "job" and is
// answered "job done" a while later. Declared only: the listings are
// compiled, not linked.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "twist/application.hpp"
#include "twist/basic.hpp"
#include "twist/deferred.hpp"
#include "twist/launcher.hpp"
#include "twist/logger.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"

// The job server's factory: one Worker (a LineReceiver) per connection.
class JobsFactory : public twist::Factory {
 public:
  JobsFactory();  // set `clock` before the first connection
  explicit JobsFactory(twist::IReactorTime& clock);
  twist::IReactorTime* clock = nullptr;  // the jobs' timers run on it
  // Fires once no job is in flight: at once when none is.
  twist::Deferred<void> whenIdle();
  // Sends `line` to every client, then closes each connection
  // (loseConnection); the Deferred fires once all have gone.
  twist::Deferred<void> closeAll(std::string_view line);
};
