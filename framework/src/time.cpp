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
  for (auto& entry : run_) entries.push_back(std::move(entry));
  run_.clear();
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
  Entry entry{state->time, state->seq, std::move(state)};
  // Most calls are due no earlier than the last one queued (callLater(0), the
  // same timeout again and again): they go on the sorted run in O(1).
  if (run_.empty() || entry.time >= run_.back().time)
    run_.push_back(std::move(entry));
  else
    pushHeap(std::move(entry));
  if (onChange) onChange();
}

void TimerQueue::pushHeap(Entry entry) {
  heap_.push_back(std::move(entry));
  std::push_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(a, b); });
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

namespace {
bool live(const auto& entry) {
  return !entry.state->cancelled && !entry.state->called && entry.seq == entry.state->seq;
}
}  // namespace

void TimerQueue::dropStale() {
  auto cmp = [](const Entry& a, const Entry& b) { return later(a, b); };
  while (!heap_.empty() && !live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    heap_.pop_back();
  }
  while (!run_.empty() && !live(run_.front())) run_.pop_front();
}

TimerQueue::Entry* TimerQueue::earliest() {
  dropStale();
  if (heap_.empty()) return run_.empty() ? nullptr : &run_.front();
  if (run_.empty()) return &heap_.front();
  return later(heap_.front(), run_.front()) ? &run_.front() : &heap_.front();
}

TimerQueue::Entry TimerQueue::popEarliest(Entry* top) {
  Entry entry = std::move(*top);
  if (!run_.empty() && top == &run_.front()) {
    run_.pop_front();
  } else {
    std::pop_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(a, b); });
    heap_.pop_back();
  }
  return entry;
}

double TimerQueue::nextTime() {
  Entry* top = earliest();
  return top ? top->time : -1.0;
}

bool TimerQueue::empty() { return earliest() == nullptr; }

std::size_t TimerQueue::runDue(double now, bool includeNew) {
  const std::uint64_t seqLimit = includeNew ? UINT64_MAX : nextSeq_;
  std::size_t ran = 0;
  std::vector<Entry> setAside;  // scheduled during this pass: not allowed to end the pass
  for (;;) {
    Entry* top = earliest();
    if (!top || top->time > now) break;
    Entry entry = popEarliest(top);
    if (entry.seq >= seqLimit) {
      setAside.push_back(std::move(entry));
      continue;
    }
    DelayedCallState& state = *entry.state;
    state.called = true;  // before the call: cancelling from inside raises AlreadyCalled
    std::function<void()> fn = std::move(state.fn);
    state.fn = nullptr;
    callContained(timeLog, "delayed call", fn);
    ++ran;
  }
  for (Entry& entry : setAside) pushHeap(std::move(entry));
  if (ran && onChange) onChange();
  return ran;
}

std::vector<DelayedCall> TimerQueue::pending() const {
  std::vector<Entry> pending;
  for (const auto& entry : heap_)
    if (live(entry)) pending.push_back(entry);
  for (const auto& entry : run_)
    if (live(entry)) pending.push_back(entry);
  std::sort(pending.begin(), pending.end(), [](const Entry& a, const Entry& b) { return later(b, a); });
  std::vector<DelayedCall> calls;
  for (auto& entry : pending) calls.push_back(DelayedCall(entry.state));
  return calls;
}

}  // namespace detail
}  // namespace twist
