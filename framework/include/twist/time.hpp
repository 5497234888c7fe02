// time.hpp — IReactorTime and DelayedCall (Twisted: IReactorTime, base.DelayedCall).
//
// IReactorTime is the small seam that makes time testable: code that only
// needs `callLater` and `seconds` takes an IReactorTime&, and a test passes a
// twist::Clock (task.hpp) instead of the real Reactor (reactor.hpp).
//
//   twist::DelayedCall call = time.callLater(2.5, [] { std::puts("later"); });
//   call.reset(5);      // now + 5 s
//   call.cancel();      // throws AlreadyCalled / AlreadyCancelled when too late
//
// Calls due at the same time run in the order they were scheduled (FIFO),
// in the Reactor and in Clock alike; Twisted leaves that order undefined.
//
// Ownership: a DelayedCall is a small value handle; copies refer to the same
// scheduled call. The call's function is owned by the scheduler until it runs
// or is cancelled, then released. A handle may outlive its scheduler: it then
// reports !active() and cancel/reset/delay throw AlreadyCalled or AlreadyCancelled.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace twist {

class DelayedCall;
namespace detail {
class TimerQueue;
struct DelayedCallState;
}  // namespace detail

class IReactorTime {
 public:
  virtual ~IReactorTime() = default;
  // Runs fn once, `delay` seconds from now (delay >= 0, else std::invalid_argument).
  virtual DelayedCall callLater(double delay, std::function<void()> fn) = 0;
  // The current time, in seconds, as this scheduler counts it.
  virtual double seconds() const = 0;
  // The calls scheduled and not yet run or cancelled, earliest first.
  virtual std::vector<DelayedCall> getDelayedCalls() const = 0;
};

class DelayedCall {
 public:
  DelayedCall() = default;  // an empty handle: !active()

  // Absolute time at which the call is due (seconds() + delay when scheduled).
  double getTime() const;
  // Cancels the call: AlreadyCalled once it has run (or is running),
  // AlreadyCancelled when cancelled before.
  void cancel();
  // Reschedules to seconds() + secondsFromNow.
  void reset(double secondsFromNow);
  // Moves the due time later (or earlier, when negative) by `seconds`.
  void delay(double seconds);
  // False once the call has run, started running, or been cancelled.
  bool active() const;
  bool called() const;
  bool cancelled() const;
  explicit operator bool() const { return state_ != nullptr; }

 private:
  friend class detail::TimerQueue;
  explicit DelayedCall(std::shared_ptr<detail::DelayedCallState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::DelayedCallState> state_;
};

namespace detail {

struct DelayedCallState {
  double time = 0;
  std::uint64_t seq = 0;  // FIFO among equal times; renewed by reset/delay
  std::function<void()> fn;
  bool called = false;
  bool cancelled = false;
  TimerQueue* queue = nullptr;  // null once the scheduler is gone
};

// The one timer store both Clock and Reactor use, ordered on (time, seq):
//
//   run_   [t=5,#1][t=5,#2][t=7,#4] ...   sorted: each call due no earlier than the last
//   heap_  min-heap of the others (a call due before the end of run_)
//
// The earliest call is the smaller of the two fronts. Most calls land on run_
// in O(1) (callLater(0), the same timeout again); the heap takes the rest.
// Deletion is lazy: a cancelled or rescheduled call leaves a stale entry
// (its seq no longer matches) that is skipped when it surfaces.
// Not thread-safe: one loop, one thread.
class TimerQueue {
 public:
  explicit TimerQueue(const IReactorTime& time) : time_(time) {}
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  DelayedCall schedule(double delay, std::function<void()> fn);
  void reschedule(const std::shared_ptr<DelayedCallState>& state, double newTime);
  void cancel(DelayedCallState& state);

  // Earliest active call's time, or a negative number when there is none.
  double nextTime();
  // Runs every call due at or before `now`, earliest first, FIFO on ties.
  // With includeNew, calls scheduled while running that are due run too
  // (Clock.advance); without, they wait for the next pass (the reactor, where
  // a callLater(0) made in a timed call runs on the next iteration).
  // An exception from a call is logged and contained. Returns how many ran.
  std::size_t runDue(double now, bool includeNew);
  std::vector<DelayedCall> pending() const;
  bool empty();

  // Called whenever the earliest due time may have changed (the Reactor
  // re-arms its uv timer there).
  std::function<void()> onChange;
  double now() const { return time_.seconds(); }

 private:
  struct Entry {
    double time;
    std::uint64_t seq;
    std::shared_ptr<DelayedCallState> state;
  };
  void push(std::shared_ptr<DelayedCallState> state);
  void pushHeap(Entry entry);
  void dropStale();
  Entry* earliest();  // null when nothing is pending
  Entry popEarliest(Entry* top);
  const IReactorTime& time_;
  std::deque<Entry> run_;
  std::vector<Entry> heap_;
  std::uint64_t nextSeq_ = 0;
};

}  // namespace detail
}  // namespace twist
