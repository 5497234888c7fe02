// Hidden tests for lesson 00, exercise "cancel" (cancel.hpp), on the ToyLoop
// of toy_loop.hpp. Deterministic: the ToyLoop's clock is virtual.
#include <string>
#include <vector>

#include "cancel.hpp"
#include "twist_catch.hpp"

using Names = std::vector<std::string>;

TEST_CASE("a cancelled callback never runs, and the others still do") {
  ToyLoop loop;
  Names ran;
  Call keep = callLaterCancellable(loop, 1, [&] { ran.push_back("kept"); });
  Call drop = callLaterCancellable(loop, 1, [&] { ran.push_back("cancelled"); });
  drop.cancel();
  loop.run();
  INFO("the scheduled callback checks the cancelled mark before it calls fn: scheduling fn itself leaves "
       "nothing that cancel() can stop");
  CHECK(ran == Names{"kept"});
  CHECK(keep.active() == false);
}

TEST_CASE("active is true while pending, false once called and false once cancelled") {
  ToyLoop loop;
  bool activeInside = true;
  Call call = callLaterCancellable(loop, 1, [] {});
  Call inside = callLaterCancellable(loop, 2, [&] { activeInside = inside.active(); });
  Call cancelled = callLaterCancellable(loop, 3, [] {});
  CHECK(call.active());
  cancelled.cancel();
  INFO("active() is !called && !cancelled (Twisted's DelayedCall.active())");
  CHECK_FALSE(cancelled.active());
  loop.run();
  CHECK_FALSE(call.active());
  INFO("set called before calling fn: inside its own callback a Call is no longer active");
  CHECK_FALSE(activeInside);
}

TEST_CASE("cancel after the callback ran, and a second cancel, throw AlreadyDone") {
  ToyLoop loop;
  Call ran = callLaterCancellable(loop, 1, [] {});
  Call twice = callLaterCancellable(loop, 2, [] {});
  loop.advance(1);
  INFO("too late to cancel what has run: Twisted raises AlreadyCalled");
  CHECK_THROWS_AS(ran.cancel(), AlreadyDone);
  twice.cancel();
  INFO("cancelling twice is a mistake too: Twisted raises AlreadyCancelled");
  CHECK_THROWS_AS(twice.cancel(), AlreadyDone);
}

TEST_CASE("a callback may cancel another that is due in the same turn") {
  ToyLoop loop;
  Names ran;
  Call second = callLaterCancellable(loop, 1, [&] { ran.push_back("second"); });
  // Scheduled after `second` but sooner: it runs first and cancels it.
  callLaterCancellable(loop, 0.5, [&] {
    ran.push_back("first");
    second.cancel();
  });
  loop.advance(1);
  INFO("the mark is read when the callback's turn comes, so a cancel made earlier in the same turn still counts");
  CHECK(ran == Names{"first"});
}

TEST_CASE("a cancelled callback stays queued but does nothing, as in Twisted's reactor") {
  ToyLoop loop;
  int calls = 0;
  Call call = callLaterCancellable(loop, 1, [&] { ++calls; });
  call.cancel();
  INFO("cancel() only marks: the queue still holds the callback until its turn, which then does nothing");
  CHECK(loop.pending() == 1);
  loop.advance(1);
  CHECK(loop.pending() == 0);
  CHECK(calls == 0);
}

TEST_CASE("dropping the Call does not cancel, and the callback still runs") {
  ToyLoop loop;
  int calls = 0;
  { callLaterCancellable(loop, 1, [&] { ++calls; }); }
  loop.run();
  INFO("the scheduled callback shares the state with the Call (capture the shared_ptr by value), so it lives on");
  CHECK(calls == 1);
}
