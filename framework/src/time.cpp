#include "twist/time.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "twist/error.hpp"
#include "twist/logger.hpp"

namespace twist {

namespace {
const Logger timeLog{"twist.time"};

void requireChangeable(const detail::DelayedCallState* state) {
  if (!state) throw AlreadyCancelled();  // an empty handle names no pending call
  if (state->called) throw AlreadyCalled();
  if (state->cancelled || !state->queue) throw AlreadyCancelled();
}
}  // namespace

double DelayedCall::getTime() const { return state_ ? state_->time : 0; }

void DelayedCall::cancel() {
  requireChangeable(state_);
  state_->queue->cancel(*state_);
}

namespace {
double requireFiniteTime(const char* what, double seconds, double time) {
  if (!std::isfinite(seconds) || !std::isfinite(time))
    throw std::invalid_argument(std::string(what) + ": seconds must be a finite number, got " + std::to_string(seconds));
  return time;
}
}  // namespace

void DelayedCall::reset(double secondsFromNow) {
  requireChangeable(state_);
  double now = state_->queue->now();
  state_->queue->reschedule(*state_, requireFiniteTime("DelayedCall.reset", secondsFromNow, now + secondsFromNow));
}

void DelayedCall::delay(double seconds) {
  requireChangeable(state_);
  state_->queue->reschedule(*state_, requireFiniteTime("DelayedCall.delay", seconds, state_->time + seconds));
}

bool DelayedCall::active() const { return state_ && !state_->called && !state_->cancelled && state_->queue; }
bool DelayedCall::called() const { return state_ && state_->called; }
bool DelayedCall::cancelled() const { return state_ && state_->cancelled; }

namespace detail {

void destroy(DelayedCallState* state) noexcept { delete state; }

namespace {
// std heap functions build a max-heap; "later" puts the earliest on top.
bool later(double timeA, std::uint64_t seqA, double timeB, std::uint64_t seqB) {
  return timeA != timeB ? timeA > timeB : seqA > seqB;
}
bool laterEntry(const auto& a, const auto& b) { return later(a.time, a.seq, b.time, b.seq); }
constexpr auto heapOrder = [](const auto& a, const auto& b) { return laterEntry(a, b); };

// States kept for reuse (see recycle): enough for the calls of a busy pass,
// little memory (about 100 bytes each) when idle.
constexpr std::size_t spareStatesKept = 256;
}  // namespace

TimerQueue::~TimerQueue() {
  // Handles may outlive us: they must see an inactive call, not a dangling queue.
  // The functions are destroyed after the loop: a captured object's destructor
  // may call back into us (a callLater), which must not touch the containers mid-loop.
  std::vector<std::function<void()>> dropped;
  std::vector<Entry> entries = std::move(heap_);
  heap_.clear();
  for (auto& run : runs_) {
    for (auto& entry : run) entries.push_back(std::move(entry));
    run.clear();
  }
  for (auto& entry : setAside_) entries.push_back(std::move(entry));
  setAside_.clear();
  for (auto& entry : entries) {
    DelayedCallState& state = stateOf(entry);
    state.queue = nullptr;
    if (state.fn) dropped.push_back(std::move(state.fn));
    state.fn = nullptr;
  }
  for (DelayedCallState* state : spare_) delete state;
  spare_.clear();
  observer_ = nullptr;
}

DelayedCall TimerQueue::schedule(double delay, std::function<void()>&& fn) {
  // An infinite delay never comes due; a NaN compares false with every time.
  // Both are refused here, where the caller can still be told (issue 10, 1.2).
  if (!(delay >= 0) || !std::isfinite(delay))
    throw std::invalid_argument("callLater: delay must be a finite number of seconds >= 0, got " + std::to_string(delay));
  DelayedCallState* state;
  if (spare_.empty()) {
    state = new DelayedCallState;
  } else {
    state = spare_.back();
    spare_.pop_back();
  }
  DelayedCall call(state);
  state->time = now() + delay;
  state->seq = nextSeq_++;
  state->fn = std::move(fn);
  state->queue = this;
  push(*state, state->time, state->seq, /*fresh=*/true);
  return call;
}

// An entry leaves the queue. When it holds the last reference to its call's
// state (no handle was kept: the usual case), the state is kept for the next
// schedule instead of being freed: one allocation less per call.
void TimerQueue::recycle(Entry& entry) noexcept {
  DelayedCallState* state = entry.call.state_;
  if (state->refs != 1 || spare_.size() >= spareStatesKept) return;  // ~Entry releases it
  entry.call.state_ = nullptr;
  // Its function is gone already: moved out to run, or dropped by cancel().
  state->refs = 0;
  state->called = state->cancelled = false;
  spare_.push_back(state);
}

// Queues a new entry for `state` under (time, seq); it becomes the entry that
// stands for the call. A fresh seq (just taken from nextSeq_: a new or an
// earlier call, of which the Observer is told) may go on a run; an entry
// moved on after a reset to later keeps an older seq and goes on the heap,
// so that each run holds seqs in increasing order, which runDue relies on.
void TimerQueue::push(DelayedCallState& state, double time, std::uint64_t seq, bool fresh) {
  state.entryTime = time;
  state.entrySeq = seq;
  Entry entry{time, seq, DelayedCall(&state)};
  // Of the runs this entry can follow in order, the one whose back is latest;
  // an empty run only when no other can take it.
  std::deque<Entry>* best = nullptr;
  if (fresh) {
    for (auto& run : runs_) {
      if (run.empty()) {
        if (!best) best = &run;
      } else if (run.back().time <= time && (!best || best->empty() || run.back().time > best->back().time)) {
        best = &run;
      }
    }
  }
  if (best)
    best->push_back(std::move(entry));
  else
    pushHeap(std::move(entry));
  if (fresh && observer_) observer_->callQueued(time);
}

void TimerQueue::pushHeap(Entry entry) {
  heap_.push_back(std::move(entry));
  std::push_heap(heap_.begin(), heap_.end(), heapOrder);
}

TimerQueue::Entry TimerQueue::popHeap() {
  std::pop_heap(heap_.begin(), heap_.end(), heapOrder);
  Entry entry = std::move(heap_.back());
  heap_.pop_back();
  return entry;
}

void TimerQueue::reschedule(DelayedCallState& state, double newTime) {
  std::uint64_t seq = nextSeq_++;  // a moved call goes after the calls already at its new time
  state.time = newTime;
  state.seq = seq;
  // Later than its entry: the entry stays, and is moved when it surfaces.
  if (newTime >= state.entryTime) return;
  // Earlier: a fresh entry takes its place; the old one goes stale.
  ++stale_;
  push(state, newTime, seq, /*fresh=*/true);
  sweepIfMostlyStale();
}

void TimerQueue::cancel(DelayedCallState& state) {
  state.cancelled = true;
  state.fn = nullptr;  // release what the function captured now, not when the entry surfaces
  ++stale_;
  sweepIfMostlyStale();
}

bool TimerQueue::live(const Entry& entry) {
  const DelayedCallState& state = stateOf(entry);
  return !state.cancelled && !state.called && entry.seq == state.entrySeq;
}

void TimerQueue::dropped(Entry& entry) noexcept {
  if (stale_ > 0) --stale_;
  recycle(entry);
}

TimerQueue::Entry* TimerQueue::liveHeapFront() {
  while (!heap_.empty() && !live(heap_.front())) {
    Entry entry = popHeap();
    dropped(entry);
  }
  return heap_.empty() ? nullptr : &heap_.front();
}

TimerQueue::Entry* TimerQueue::liveFront(std::deque<Entry>& run) {
  while (!run.empty() && !live(run.front())) {
    dropped(run.front());
    run.pop_front();
  }
  return run.empty() ? nullptr : &run.front();
}

// Twisted rebuilds its heap when more than 50 cancelled calls make up over
// half of it; so does this, over every store. (Safe during a pass too: the
// call being run is out of the stores, and runDue looks at their fronts afresh
// after each call.)
void TimerQueue::sweepIfMostlyStale() {
  if (stale_ <= 50 || stale_ <= entries() / 2) return;
  for (auto& run : runs_) std::erase_if(run, [](const Entry& entry) { return !live(entry); });
  std::erase_if(heap_, [](const Entry& entry) { return !live(entry); });
  std::make_heap(heap_.begin(), heap_.end(), heapOrder);
  stale_ = 0;
}

double TimerQueue::nextTime() {
  // An entry moved later by a reset still stands at its old time, which is
  // never later than the call's: waking for it early is harmless.
  const Entry* top = liveHeapFront();
  for (auto& run : runs_) {
    const Entry* front = liveFront(run);
    if (front && (!top || front->time < top->time)) top = front;
  }
  return top ? top->time : -1.0;
}

bool TimerQueue::empty() { return nextTime() < 0; }

std::size_t TimerQueue::runDue(double now, bool includeNew) {
  // Calls queued from here on (seq >= seqLimit) wait for the next pass. The
  // runs hold fresh seqs only, in increasing order: a run whose front is new
  // is new all through, and is left alone.
  const std::uint64_t seqLimit = includeNew ? UINT64_MAX : nextSeq_;
  std::size_t ran = 0;
  for (;;) {
    // The earliest front that may run in this pass.
    Entry* top = liveHeapFront();
    std::deque<Entry>* topRun = nullptr;
    for (auto& run : runs_) {
      Entry* front = liveFront(run);
      if (!front || front->seq >= seqLimit) continue;
      if (!top || laterEntry(*top, *front)) {
        top = front;
        topRun = &run;
      }
    }
    if (!top || top->time > now) break;
    Entry entry = topRun ? std::move(*top) : popHeap();
    if (topRun) topRun->pop_front();
    DelayedCallState& state = stateOf(entry);
    if (entry.seq >= seqLimit) {  // queued during this pass (on the heap)
      setAside_.push_back(std::move(entry));
      continue;
    }
    if (entry.time != state.time || entry.seq != state.seq) {
      // Reset to a later time while this entry stood for it: move it there.
      push(state, state.time, state.seq, /*fresh=*/false);
      continue;
    }
    state.called = true;  // before the call: cancelling from inside raises AlreadyCalled
    std::function<void()> fn = std::move(state.fn);
    state.fn = nullptr;
    callContained(timeLog, "delayed call", fn);
    ++ran;
    recycle(entry);
  }
  for (Entry& entry : setAside_) pushHeap(std::move(entry));
  setAside_.clear();
  return ran;
}

std::vector<DelayedCall> TimerQueue::pending() const {
  std::vector<const Entry*> pending;
  auto collect = [&](const Entry& entry) {
    if (live(entry)) pending.push_back(&entry);
  };
  for (const auto& entry : heap_) collect(entry);
  for (const auto& run : runs_)
    for (const auto& entry : run) collect(entry);
  for (const auto& entry : setAside_) collect(entry);
  std::sort(pending.begin(), pending.end(), [](const Entry* a, const Entry* b) {
    const DelayedCallState &sa = stateOf(*a), &sb = stateOf(*b);
    return later(sb.time, sb.seq, sa.time, sa.seq);
  });
  std::vector<DelayedCall> calls;
  calls.reserve(pending.size());
  for (const Entry* entry : pending) calls.push_back(entry->call);
  return calls;
}

}  // namespace detail
}  // namespace twist
