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
// Handles count their references without atomics (one loop, one thread):
// copy, keep and drop them on the scheduler's thread only, as every twist
// object but Reactor::callFromThread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <utility>
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
  DelayedCall(const DelayedCall& other) noexcept;
  DelayedCall(DelayedCall&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  DelayedCall& operator=(DelayedCall other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~DelayedCall();

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
  explicit DelayedCall(detail::DelayedCallState* state) noexcept;  // adds a reference
  detail::DelayedCallState* state_ = nullptr;
};

namespace detail {

struct DelayedCallState {
  double time = 0;        // due time (getTime)
  std::uint64_t seq = 0;  // FIFO among equal times; renewed by reset/delay
  // The queue entry that stands for this call; any other entry naming it is
  // stale. Its key (entryTime, entrySeq) is behind (time, seq) after a reset
  // to a later time, which moves nothing: the entry is moved when it surfaces.
  double entryTime = 0;
  std::uint64_t entrySeq = 0;
  std::function<void()> fn;
  TimerQueue* queue = nullptr;  // null once the scheduler is gone
  std::uint32_t refs = 0;       // handles and queue entries
  bool called = false;
  bool cancelled = false;
};

// Out of line: GCC 12 warns falsely (-Wuse-after-free) about an inline delete
// reached through fluent chains of handles.
void destroy(DelayedCallState* state) noexcept;

// The one timer store both Clock and Reactor use, ordered on (time, seq):
//
//   runs_[0]  [t=5,#1][t=5,#2][t=7,#4] ...   in order: each no earlier than the last
//   runs_[1]  [t=35,#3][t=36,#6] ...         a second such run
//   heap_     min-heap of the others
//
// The earliest call is the smallest of the three fronts. A new call goes on
// the back of a run that stays in order, the one whose back is latest, in
// O(1): callLater(0)s form one run, timeouts of a fixed length (a timeout per
// connection) the other; only a call due before both backs goes on the heap.
// Deletion is lazy: a cancelled call, or one moved earlier, leaves a stale
// entry that is skipped when it surfaces, and when stale entries outnumber
// the live ones they are swept out at once (Twisted compacts its heap so).
// A call reset or delayed to a later time keeps its entry, which is moved to
// the new time when it surfaces (Twisted's delayed_time), so resetting a
// timeout on every packet costs no memory.
// Not thread-safe: one loop, one thread.
class TimerQueue {
 public:
  // Told when a call is queued that may be due earlier than every call before
  // it (the Reactor wakes its loop for it). Not told about cancelled calls or
  // calls moved later: a wake-up that finds nothing due costs less than
  // looking for the new earliest call on every cancel.
  class Observer {
   public:
    virtual void callQueued(double time) = 0;

   protected:
    ~Observer() = default;
  };

  explicit TimerQueue(const IReactorTime& time, Observer* observer = nullptr) : time_(time), observer_(observer) {}
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  DelayedCall schedule(double delay, std::function<void()>&& fn);  // fn is moved from only when scheduled
  void reschedule(DelayedCallState& state, double newTime);
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
  double now() const { return time_.seconds(); }
  // Entries held, stale ones included (for tests of the memory promises above).
  std::size_t entries() const { return runs_[0].size() + runs_[1].size() + heap_.size(); }

 private:
  struct Entry {
    double time;
    std::uint64_t seq;
    DelayedCall call;  // a reference to the state
  };
  static DelayedCallState& stateOf(const Entry& entry) { return *entry.call.state_; }
  static bool live(const Entry& entry);
  void push(DelayedCallState& state, double time, std::uint64_t seq, bool fresh);
  void pushHeap(Entry entry);
  Entry popHeap();
  Entry* liveHeapFront();  // drops the stale entries before it; null when empty
  Entry* liveFront(std::deque<Entry>& run);
  void dropped(Entry& entry) noexcept;  // a stale entry leaves
  void recycle(Entry& entry) noexcept;
  void sweepIfMostlyStale();
  const IReactorTime& time_;
  Observer* observer_;
  std::deque<Entry> runs_[2];
  std::vector<Entry> heap_;
  std::vector<Entry> setAside_;  // runDue's: calls queued during the pass
  std::vector<DelayedCallState*> spare_;  // owned: states kept for reuse (recycle)
  std::uint64_t nextSeq_ = 0;
  std::size_t stale_ = 0;  // entries known to be stale (an estimate: it only guides sweeping)
};

}  // namespace detail

inline DelayedCall::DelayedCall(detail::DelayedCallState* state) noexcept : state_(state) { ++state->refs; }
inline DelayedCall::DelayedCall(const DelayedCall& other) noexcept : state_(other.state_) {
  if (state_) ++state_->refs;
}
inline DelayedCall::~DelayedCall() {
  if (state_ && --state_->refs == 0) detail::destroy(state_);
}

}  // namespace twist
