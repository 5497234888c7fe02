#include "twist/task.hpp"

#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

#include "twist/logger.hpp"

namespace twist {

namespace {
const Logger taskLog{"twist.task"};
}  // namespace

// ---- Clock -----------------------------------------------------------------

DelayedCall Clock::callLater(double delay, std::function<void()> fn) { return queue_.schedule(delay, std::move(fn)); }

std::vector<DelayedCall> Clock::getDelayedCalls() const { return queue_.pending(); }

void Clock::advance(double amount) {
  if (!(amount >= 0) || !std::isfinite(amount))
    throw std::invalid_argument(
        "Clock.advance: amount must be a finite number of seconds >= 0 (time never runs backwards), got " +
        std::to_string(amount));
  now_ += amount;
  // includeNew: a callLater(0) made by a call that runs here is due now, so it runs now too.
  queue_.runDue(now_, /*includeNew=*/true);
}

void Clock::pump(const std::vector<double>& timings) {
  for (double amount : timings) advance(amount);
}

// ---- LoopingCall -----------------------------------------------------------

namespace detail {
struct LoopingCallState {
  explicit LoopingCallState(IReactorTime& t) : time(t) {}
  IReactorTime& time;
  std::function<std::optional<Deferred<void>>()> fn;
  bool running = false;
  bool destroyed = false;  // the LoopingCall is gone: results still in flight are ignored
  double interval = 0;
  double starttime = 0;
  bool runAtStart = false;
  std::optional<double> realLastTime;  // withCount: when the count was last taken
  std::uint64_t generation = 0;        // one per start(): tells a stopped run's late result from the current run's
  DelayedCall call;                    // the pending call; empty while fn (or its Deferred) is in flight
  std::optional<Deferred<void>> deferred;  // the start Deferred, until it fires
};
}  // namespace detail

namespace {
using State = detail::LoopingCallState;

// Python's float modulo: the result takes the divisor's sign (fmod takes the dividend's).
double pythonMod(double x, double y) {
  double mod = std::fmod(x, y);
  if (mod != 0 && ((y < 0) != (mod < 0))) mod += y;
  return mod;
}

void scheduleFrom(const std::shared_ptr<State>& s, double when);

// One iteration ended well: schedule the next, or finish the run stop() ended.
void iterationSucceeded(const std::shared_ptr<State>& s, std::uint64_t generation, Deferred<void> runDeferred) {
  if (s->destroyed) return;
  if (generation == s->generation && s->running) {
    scheduleFrom(s, s->time.seconds());
    return;
  }
  // stop() came while this iteration was in flight; its run's Deferred fires now.
  if (generation == s->generation) s->deferred.reset();
  runDeferred.callback();
}

void iterationFailed(const std::shared_ptr<State>& s, std::uint64_t generation, Deferred<void> runDeferred,
                     const Failure& failure) {
  if (s->destroyed) {
    // Nobody can hear about it through the start Deferred any more; never lose an error silently.
    taskLog.failure("Unhandled error in LoopingCall function (its LoopingCall was destroyed)", failure);
    return;
  }
  if (generation == s->generation) {
    s->running = false;
    s->deferred.reset();
  }
  runDeferred.errback(failure);
}

// Twisted's LoopingCall.__call__: run fn (maybeDeferred-style), then react to its outcome.
void iterate(const std::shared_ptr<State>& s) {
  s->call = DelayedCall();  // nothing is pending while fn runs: stop() from inside fn defers the firing
  const std::uint64_t generation = s->generation;
  Deferred<void> runDeferred = *s->deferred;
  std::optional<Deferred<void>> result;
  try {
    result = s->fn();
  } catch (...) {
    iterationFailed(s, generation, std::move(runDeferred), Failure::current());
    return;
  }
  if (!result) {
    iterationSucceeded(s, generation, std::move(runDeferred));
    return;
  }
  // The callbacks hold the state weakly: destroying the LoopingCall must not wait for fn's Deferred.
  std::weak_ptr<State> weak = s;
  result->addCallbacks(
      [weak, generation, runDeferred]() {
        if (auto locked = weak.lock()) iterationSucceeded(locked, generation, runDeferred);
      },
      [weak, generation, runDeferred](Failure failure) {
        if (auto locked = weak.lock()) {
          iterationFailed(locked, generation, runDeferred, failure);
        } else {
          taskLog.failure("Unhandled error in LoopingCall function (its LoopingCall was destroyed)", failure);
        }
      });
}

// Twisted's LoopingCall._scheduleFrom: the next call at the next multiple of
// the interval after `when`, counted from starttime; ticks already missed are skipped.
void scheduleFrom(const std::shared_ptr<State>& s, double when) {
  double delay = 0;
  if (s->interval != 0) {
    double runningFor = when - s->starttime;
    double untilNextInterval = s->interval - pythonMod(runningFor, s->interval);
    // A step too small to change `when` means we are on a boundary already: wait a whole interval.
    delay = (when == when + untilNextInterval) ? s->interval : untilNextInterval;
  }
  std::weak_ptr<State> weak = s;
  s->call = s->time.callLater(delay, [weak] {
    if (auto locked = weak.lock()) iterate(locked);
  });
}

// Twisted's LoopingCall._intervalOf: whole intervals from starttime to t (int() truncates toward zero).
long long intervalOf(const State& s, double t) {
  double intervals = std::trunc((t - s.starttime) / s.interval);
  if (intervals > 9e18) return LLONG_MAX / 2;
  if (intervals < -9e18) return LLONG_MIN / 2;
  return static_cast<long long>(intervals);
}
}  // namespace

LoopingCall::LoopingCall(IReactorTime& time) : state_(std::make_shared<detail::LoopingCallState>(time)) {}

LoopingCall::LoopingCall(LoopingCall&& other) noexcept : state_(std::move(other.state_)) {}

LoopingCall& LoopingCall::operator=(LoopingCall&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

LoopingCall::~LoopingCall() { release(); }

void LoopingCall::release() noexcept {
  if (!state_) return;
  state_->destroyed = true;
  state_->running = false;
  if (state_->call.active()) state_->call.cancel();
  state_->call = DelayedCall();
  // fn is not destroyed here: this may be running inside fn; the state goes with its last owner.
  state_.reset();
}

void LoopingCall::setFunctionErased(Function fn) { state_->fn = std::move(fn); }

Deferred<void> LoopingCall::start(double interval, bool now) {
  if (!state_) throw std::logic_error("LoopingCall.start: this LoopingCall was moved from; start the one it moved to");
  State& s = *state_;
  if (s.running)
    throw std::logic_error(
        "LoopingCall.start: tried to start an already running LoopingCall; call stop() first "
        "(Twisted asserts the same)");
  if (!(interval >= 0) || !std::isfinite(interval))
    throw std::invalid_argument("LoopingCall.start: interval must be a finite number of seconds >= 0, got " +
                                std::to_string(interval));
  s.running = true;
  Deferred<void> deferred;
  s.deferred = deferred;
  ++s.generation;
  s.starttime = s.time.seconds();
  s.interval = interval;
  s.runAtStart = now;
  std::shared_ptr<State> keep = state_;  // fn may destroy this LoopingCall
  if (now) {
    iterate(keep);
  } else {
    scheduleFrom(keep, s.starttime);
  }
  return deferred;
}

void LoopingCall::stop() {
  if (!state_ || !state_->running)
    throw std::logic_error(
        "LoopingCall.stop: tried to stop a LoopingCall that was not running (never started, stopped already, "
        "or stopped by a failure of its function)");
  State& s = *state_;
  s.running = false;
  if (s.call) {
    if (s.call.active()) s.call.cancel();
    s.call = DelayedCall();
    Deferred<void> deferred = std::move(*s.deferred);
    s.deferred.reset();
    deferred.callback();
  }
  // Otherwise fn (or its Deferred) is in flight: the start Deferred fires when it finishes.
}

bool LoopingCall::running() const { return state_ && state_->running; }

double LoopingCall::interval() const { return state_ ? state_->interval : 0; }

int LoopingCall::countSinceLastCall(detail::LoopingCallState& s) {
  const double now = s.time.seconds();
  if (s.interval == 0) {
    s.realLastTime = now;
    return 1;
  }
  double lastTime;
  if (s.realLastTime) {
    lastTime = *s.realLastTime;
  } else {
    lastTime = s.starttime;
    if (s.runAtStart) lastTime -= s.interval;  // the call made inside start() counts as one interval
  }
  const long long count = intervalOf(s, now) - intervalOf(s, lastTime);
  if (count <= 0) return 0;
  s.realLastTime = now;
  return count > INT_MAX ? INT_MAX : static_cast<int>(count);
}

// ---- deferLater ------------------------------------------------------------

Deferred<void> deferLater(IReactorTime& time, double delay) {
  // The canceller needs the call, which needs the Deferred: a shared slot ties the knot.
  auto call = std::make_shared<DelayedCall>();
  Deferred<void> deferred([call](Deferred<void>&) {
    if (call->active()) call->cancel();
  });
  *call = time.callLater(delay, [deferred]() mutable { deferred.callback(); });
  return deferred;
}

}  // namespace twist
