#include "twist/time.hpp"

#include <algorithm>
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
  requireChangeable(state_.get());
  state_->queue->cancel(*state_);
}

void DelayedCall::reset(double secondsFromNow) {
  requireChangeable(state_.get());
  state_->queue->reschedule(state_, state_->queue->now() + secondsFromNow);
}

void DelayedCall::delay(double seconds) {
  requireChangeable(state_.get());
  state_->queue->reschedule(state_, state_->time + seconds);
}

bool DelayedCall::active() const { return state_ && !state_->called && !state_->cancelled && state_->queue; }
bool DelayedCall::called() const { return state_ && state_->called; }
bool DelayedCall::cancelled() const { return state_ && state_->cancelled; }

namespace detail {

namespace {
// std heap functions build a max-heap; "greater" puts the earliest on top.
bool later(const auto& a, const auto& b) { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
}  // namespace

TimerQueue::~TimerQueue() {
  // Handles may outlive us: they must see an inactive call, not a dangling queue.
  // The functions are destroyed after the loop: a captured object's destructor
  // may call back into us (a callLater), which must not touch heap_ mid-loop.
  std::vector<std::function<void()>> dropped;
  std::vector<Entry> entries = std::move(heap_);
  heap_.clear();
  for (auto& entry : entries) {
    entry.state->queue = nullptr;
    if (entry.state->fn) dropped.push_back(std::move(entry.state->fn));
    entry.state->fn = nullptr;
  }
  onChange = nullptr;
}

DelayedCall TimerQueue::schedule(double delay, std::function<void()> fn) {
  if (!(delay >= 0)) throw std::invalid_argument("callLater: delay must be >= 0 seconds, got " + std::to_string(delay));
  auto state = std::make_shared<DelayedCallState>();
  state->time = now() + delay;
  state->fn = std::move(fn);
  state->queue = this;
  push(state);
  return DelayedCall(std::move(state));
}

void TimerQueue::push(std::shared_ptr<DelayedCallState> state) {
  state->seq = nextSeq_++;
  heap_.push_back(Entry{state->time, state->seq, std::move(state)});
  std::push_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(a, b); });
  if (onChange) onChange();
}

void TimerQueue::reschedule(const std::shared_ptr<DelayedCallState>& state, double newTime) {
  state->time = newTime;
  // The old entry goes stale (its seq no longer matches); a fresh one takes its place.
  push(state);
}

void TimerQueue::cancel(DelayedCallState& state) {
  state.cancelled = true;
  state.fn = nullptr;  // release what the function captured now, not when the entry surfaces
  if (onChange) onChange();
}

void TimerQueue::dropStale() {
  auto cmp = [](const Entry& a, const Entry& b) { return later(a, b); };
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (!top.state->cancelled && !top.state->called && top.seq == top.state->seq) return;
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    heap_.pop_back();
  }
}

double TimerQueue::nextTime() {
  dropStale();
  return heap_.empty() ? -1.0 : heap_.front().time;
}

bool TimerQueue::empty() {
  dropStale();
  return heap_.empty();
}

std::size_t TimerQueue::runDue(double now, bool includeNew) {
  auto cmp = [](const Entry& a, const Entry& b) { return later(a, b); };
  const std::uint64_t seqLimit = includeNew ? UINT64_MAX : nextSeq_;
  std::size_t ran = 0;
  std::vector<Entry> later;  // scheduled during this pass: set aside, not allowed to end the pass
  for (;;) {
    dropStale();
    if (heap_.empty()) break;
    const Entry& top = heap_.front();
    if (top.time > now) break;
    if (top.seq >= seqLimit) {
      later.push_back(top);
      std::pop_heap(heap_.begin(), heap_.end(), cmp);
      heap_.pop_back();
      continue;
    }
    std::shared_ptr<DelayedCallState> state = top.state;
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    heap_.pop_back();
    state->called = true;  // before the call: cancelling from inside raises AlreadyCalled
    std::function<void()> fn = std::move(state->fn);
    state->fn = nullptr;
    callContained(timeLog, "delayed call", fn);
    ++ran;
  }
  for (Entry& entry : later) {
    heap_.push_back(std::move(entry));
    std::push_heap(heap_.begin(), heap_.end(), cmp);
  }
  if (ran && onChange) onChange();
  return ran;
}

std::vector<DelayedCall> TimerQueue::pending() const {
  std::vector<Entry> live;
  for (const auto& entry : heap_)
    if (!entry.state->cancelled && !entry.state->called && entry.seq == entry.state->seq) live.push_back(entry);
  std::sort(live.begin(), live.end(), [](const Entry& a, const Entry& b) { return later(b, a); });
  std::vector<DelayedCall> calls;
  for (auto& entry : live) calls.push_back(DelayedCall(entry.state));
  return calls;
}

}  // namespace detail
}  // namespace twist
