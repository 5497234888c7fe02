#include "twist/reactor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "twist/error.hpp"

namespace twist {

namespace {
const Logger reactorLog{"twist.reactor"};

constexpr std::string_view phaseNames[3] = {"before", "during", "after"};

int phaseIndex(std::string_view phase) {
  for (int i = 0; i < 3; ++i)
    if (phaseNames[i] == phase) return i;
  throw std::invalid_argument("addSystemEventTrigger: invalid phase \"" + std::string(phase) +
                              "\"; use \"before\", \"during\" or \"after\"");
}

std::string uvError(const char* operation, int rc) {
  return std::string(operation) + ": " + uv_err_name(rc) + " (" + uv_strerror(rc) + ")";
}

// libuv's init functions fail only on programming errors or exhausted
// resources; either way the Reactor cannot work, so say which one failed.
void check(int rc, const char* operation) {
  if (rc < 0) throw std::runtime_error("twist::Reactor: " + uvError(operation, rc));
}
}  // namespace

struct Reactor::WorkRequest {
  uv_work_t request;
  Reactor* reactor;
  std::function<void()> work;   // runs on a pool thread; must not throw
  std::function<void()> after;  // runs on the reactor's thread
};

Reactor::Reactor()
    : queue_(*this, this), wakeAt_(std::numeric_limits<double>::infinity()), self_(std::make_shared<Reactor*>(this)) {
  check(uv_loop_init(&loop_), "uv_loop_init");
  loop_.data = this;
  check(uv_timer_init(&loop_, &timer_), "uv_timer_init");
  check(uv_check_init(&loop_, &check_), "uv_check_init");
  check(uv_idle_init(&loop_, &idle_), "uv_idle_init");
  check(uv_async_init(&loop_, &async_, &Reactor::onAsync), "uv_async_init");
  timer_.data = check_.data = idle_.data = async_.data = this;

  struct sigaction pipe {};
  if (sigaction(SIGPIPE, nullptr, &pipe) == 0 && pipe.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);

  // The Reactor's own triggers come first in their phases, as in Twisted.
  addTrigger("during", "startup", [this](TriggerDone done) {
    reallyStartRunning();
    done(nullptr);
  });
  addTrigger("during", "shutdown", [this](TriggerDone done) {
    crash();
    done(nullptr);
  });
  addTrigger("during", "shutdown", [this](TriggerDone done) {
    disconnectAll();
    done(nullptr);
  });
}

namespace {
Reactor::DestructionHook destructionHook = nullptr;  // test support: see reactor.hpp
}  // namespace

Reactor::DestructionHook Reactor::setDestructionHook(DestructionHook hook) {
  DestructionHook previous = destructionHook;
  destructionHook = hook;
  return previous;
}

Reactor::~Reactor() {
  if (destructionHook) destructionHook(*this);
  tearingDown_ = true;
  *self_ = nullptr;
  std::vector<detail::LoopResource*> resources(resources_.begin(), resources_.end());
  for (detail::LoopResource* resource : resources)
    if (resources_.count(resource)) resource->closeForReactorShutdown();
  closeOwnHandles();
  // Anything still open (a handle someone made on uvLoop() and did not
  // register) is closed too: the loop cannot be closed otherwise.
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void*) {
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      nullptr);
  // Runs the close callbacks, and waits for pool threads still working. A
  // uv_stop left over from a crash() outside the loop makes the first
  // uv_run return at once: it returns non-zero while something is left.
  while (uv_run(&loop_, UV_RUN_DEFAULT) != 0) {
  }
  int rc = uv_loop_close(&loop_);
  if (rc < 0) reactorLog.error("~Reactor: {error}", {{"error", uvError("uv_loop_close", rc)}});
}

// ---- run and stop ---------------------------------------------------------

void Reactor::run(bool installSignalHandlers) {
  if (started_) throw ReactorAlreadyRunning();
  if (startedBefore_) throw ReactorNotRestartable();
  started_ = true;
  stopped_ = false;
  installSignals_ = installSignalHandlers;
  fireSystemEvent("startup");
  // uv_run returns when crash() calls uv_stop; our async handle keeps the
  // loop alive meanwhile, so an idle reactor blocks in poll, as Twisted's does.
  while (started_) uv_run(&loop_, UV_RUN_DEFAULT);
  closeOwnHandles();
}

void Reactor::stop() {
  if (stopped_) throw ReactorNotRunning();
  stopped_ = true;
  justStopped_ = true;
  startedBefore_ = true;
  updateIdle();
}

void Reactor::reallyStartRunning() {
  running_ = true;
  if (installSignals_) installSignalHandlers();
}

void Reactor::crash() {
  started_ = false;
  running_ = false;
  stopped_ = true;  // nothing left to stop
  startedBefore_ = true;
  uv_stop(&loop_);
}

void Reactor::disconnectAll() {
  std::vector<detail::LoopResource*> resources(resources_.begin(), resources_.end());
  for (detail::LoopResource* resource : resources)
    if (resources_.count(resource))  // an earlier one may have closed this one
      callContained(reactorLog, "disconnectAll", [&] { resource->reactorShuttingDown(); });
}

// The idle handle runs the calls that are due, and while it is started poll
// does not block; the check handle runs at the end of every pass while it is
// started. A pending stop needs both: the end of this pass comes soon.
void Reactor::updateIdle() {
  if (ownHandlesClosed_) return;
  bool wantIdle = justStopped_ || wakeAt_ == -std::numeric_limits<double>::infinity();
  if (wantIdle != idleStarted_) {
    if (wantIdle)
      uv_idle_start(&idle_, &Reactor::onIdle);
    else
      uv_idle_stop(&idle_);
    idleStarted_ = wantIdle;
  }
  if (justStopped_)
    uv_check_start(&check_, &Reactor::onCheck);
  else
    uv_check_stop(&check_);
}

void Reactor::onCheck(uv_check_t* handle) {
  auto* self = static_cast<Reactor*>(handle->data);
  if (self->justStopped_) {
    self->justStopped_ = false;
    self->fireSystemEvent("shutdown");
  }
  self->updateIdle();
}

// ---- system event triggers --------------------------------------------------

Reactor::TriggerId Reactor::addTrigger(std::string_view phase, std::string_view event, TriggerBody body) {
  int index = phaseIndex(phase);
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), SystemEvent{}).first;
  TriggerId id = nextTriggerId_++;
  it->second.phases[index].push_back(Trigger{id, std::move(body)});
  return id;
}

void Reactor::removeSystemEventTrigger(TriggerId id) {
  for (auto& [name, event] : events_) {
    for (auto& phase : event.phases) {
      auto found = std::find_if(phase.begin(), phase.end(), [id](const Trigger& t) { return t.id == id; });
      if (found != phase.end()) {
        phase.erase(found);
        return;
      }
    }
  }
  throw std::invalid_argument("removeSystemEventTrigger: no pending trigger with id " + std::to_string(id) +
                              " (never added, already removed, or already run)");
}

std::optional<Reactor::TriggerId> Reactor::callWhenRunning(std::function<void()> fn) {
  if (running_) {
    fn();
    return std::nullopt;
  }
  return addSystemEventTrigger("after", "startup", std::move(fn));
}

// Twisted's _ThreePhaseEvent.fireEvent: the "before" triggers run now; the
// Deferreds they return are waited for; then "during" and "after" run.
void Reactor::fireSystemEvent(std::string_view eventName) {
  auto it = events_.find(eventName);
  if (it == events_.end()) return;
  const std::string name = it->first;
  struct Barrier {
    int outstanding = 0;
    bool allStarted = false;
  };
  auto barrier = std::make_shared<Barrier>();
  std::shared_ptr<Reactor*> self = self_;
  auto& before = it->second.phases[0];  // map nodes are stable; triggers may add to it
  while (!before.empty()) {
    Trigger trigger = std::move(before.front());
    before.pop_front();
    ++barrier->outstanding;
    auto finished = std::make_shared<bool>(false);
    TriggerDone done = [self, barrier, finished, name](const Failure* failure) {
      if (*finished) return;
      *finished = true;
      Reactor* reactor = *self;
      if (failure)
        reactorLog.failure("A \"before {event}\" trigger's Deferred failed; the event goes on", *failure,
                           {{"event", name}}, LogLevel::error);
      if (--barrier->outstanding == 0 && barrier->allStarted && reactor) reactor->continueFiring(name);
    };
    try {
      trigger.body(done);
    } catch (...) {
      reactorLog.failure("Unhandled error in system event trigger", Failure::current(), {{"event", name}});
      done(nullptr);
    }
  }
  barrier->allStarted = true;
  if (barrier->outstanding == 0) continueFiring(name);
}

void Reactor::continueFiring(const std::string& eventName) {
  auto it = events_.find(eventName);
  if (it == events_.end()) return;
  for (int phase : {1, 2}) {
    auto& triggers = it->second.phases[phase];
    while (!triggers.empty()) {
      Trigger trigger = std::move(triggers.front());
      triggers.pop_front();
      callContained(reactorLog, "system event trigger", [&] { trigger.body([](const Failure*) {}); });
    }
  }
}

// ---- time -----------------------------------------------------------------------

DelayedCall Reactor::callLater(double delay, std::function<void()> fn) { return queue_.schedule(delay, std::move(fn)); }

double Reactor::seconds() const { return lastSeconds_ = static_cast<double>(uv_hrtime()) / 1e9; }

std::vector<DelayedCall> Reactor::getDelayedCalls() const { return queue_.pending(); }

// Told by the queue of every new call (and every call moved earlier): only a
// call due before the planned wake-up needs the loop to wake sooner.
void Reactor::callQueued(double time) {
  if (time >= wakeAt_ || runningCalls_ || ownHandlesClosed_) return;
  if (time <= seconds())
    startCallsDue();
  else
    armTimer(time);
}

// Calls are due: the idle handle runs them in this pass, before poll (or in
// the next, when this one is past its idle phase).
void Reactor::startCallsDue() {
  wakeAt_ = -std::numeric_limits<double>::infinity();
  updateIdle();
}

// One uv timer, set for the earliest call in the future. The delay is measured
// against the loop's own clock (uv_now, which may lag the precise one, never
// lead it) and rounded up, so the timer cannot fire before the call is due.
void Reactor::armTimer(double time) {
  wakeAt_ = time;
  if (timerArmed_ && time == timerArmedFor_) return;
  uv_update_time(&loop_);
  double deltaMs = time * 1000.0 - static_cast<double>(uv_now(&loop_));
  // A call years away (callLater(1e17)) waits in steps: its millisecond count
  // overflowed uint64_t, became 0, and the loop spun deaf to stop().
  // onTimer finds nothing due yet and arms the next step.
  constexpr double kLongestWaitMs = 1e12;  // about 31 years
  deltaMs = std::min(deltaMs, kLongestWaitMs);
  auto timeout = deltaMs <= 1 ? std::uint64_t{1} : static_cast<std::uint64_t>(std::ceil(deltaMs));
  uv_timer_start(&timer_, &Reactor::onTimer, timeout, 0);
  timerArmed_ = true;
  timerArmedFor_ = time;
}

// The timer runs no call itself: the idle handle does, so that the calls of
// a pass run in one place, once. (libuv 1.44 runs idle handles right after
// timers, in the same pass; later versions run timers at the end of a pass,
// and the idle handle then runs them at the start of the next, before poll.)
void Reactor::onTimer(uv_timer_t* handle) {
  auto* self = static_cast<Reactor*>(handle->data);
  self->timerArmed_ = false;
  self->startCallsDue();
}

void Reactor::onIdle(uv_idle_t* handle) { static_cast<Reactor*>(handle->data)->runCallsDue(); }

// One batch a pass, as Twisted's runUntilCurrent: the thread calls, then every
// call that was due when the pass began. Calls queued meanwhile wait for the
// next pass (and the idle handle stays started when they are due already).
void Reactor::runCallsDue() {
  runningCalls_ = true;
  runThreadCalls();
  queue_.runDue(seconds(), /*includeNew=*/false);
  runningCalls_ = false;
  if (ownHandlesClosed_) return;
  double next = queue_.nextTime();
  // lastSeconds_ (a callLater(0) of this pass read it) spares a clock read.
  if (next >= 0 && (next <= lastSeconds_ || next <= seconds())) {
    wakeAt_ = -std::numeric_limits<double>::infinity();
    return;  // the idle handle stays started
  }
  if (next < 0) {
    wakeAt_ = std::numeric_limits<double>::infinity();
    if (timerArmed_) uv_timer_stop(&timer_);
    timerArmed_ = false;
  } else {
    armTimer(next);
  }
  updateIdle();
}

// ---- threads ----------------------------------------------------------------------

void Reactor::callFromThread(std::function<void()> fn) {
  std::lock_guard lock(threadCallsMutex_);
  threadCalls_.push_back(std::move(fn));
  threadCallsWaiting_.store(true, std::memory_order_release);
  if (asyncOpen_) uv_async_send(&async_);
}

void Reactor::onAsync(uv_async_t* handle) { static_cast<Reactor*>(handle->data)->runThreadCalls(); }

void Reactor::runThreadCalls() {
  // A call queued just after this look is run by the async handle, or by the next pass.
  if (!threadCallsWaiting_.load(std::memory_order_acquire)) return;
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(threadCallsMutex_);
    calls.swap(threadCalls_);
    threadCallsWaiting_.store(false, std::memory_order_relaxed);
  }
  for (auto& call : calls) callContained(reactorLog, "callFromThread call", call);
}

void Reactor::queueWork(std::function<void()> work, std::function<void()> after) {
  auto* request = new WorkRequest{{}, this, std::move(work), std::move(after)};
  request->request.data = request;
  int rc = uv_queue_work(
      &loop_, &request->request, [](uv_work_t* r) { static_cast<WorkRequest*>(r->data)->work(); },
      [](uv_work_t* r, int status) {
        // Owned here, on the reactor's thread: what the functions captured is destroyed here too.
        std::unique_ptr<WorkRequest> request(static_cast<WorkRequest*>(r->data));
        if (status < 0 || request->reactor->tearingDown_ || !request->after) return;
        callContained(reactorLog, "thread result callback", request->after);
      });
  if (rc < 0) {
    delete request;
    throw std::runtime_error("callInThread: " + uvError("uv_queue_work", rc));
  }
}

void Reactor::callInThread(std::function<void()> fn) {
  queueWork([fn = std::move(fn)] { callContained(reactorLog, "callInThread function", fn); }, nullptr);
}

// ---- signals ----------------------------------------------------------------------

void Reactor::installSignalHandlers() {
  struct sigaction current {};
  if (sigaction(SIGINT, nullptr, &current) == 0 && !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL) {
    check(uv_signal_init(&loop_, &sigint_), "uv_signal_init");
    sigint_.data = this;
    check(uv_signal_start(&sigint_, &Reactor::onSignal, SIGINT), "uv_signal_start(SIGINT)");
    sigintInstalled_ = true;
  }
  sigaction(SIGTERM, nullptr, &previousSigterm_);
  check(uv_signal_init(&loop_, &sigterm_), "uv_signal_init");
  sigterm_.data = this;
  check(uv_signal_start(&sigterm_, &Reactor::onSignal, SIGTERM), "uv_signal_start(SIGTERM)");
  sigtermInstalled_ = true;
}

void Reactor::onSignal(uv_signal_t* handle, int signum) {
  auto* self = static_cast<Reactor*>(handle->data);
  reactorLog.info("Received {signal}, shutting down.", {{"signal", signum == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (!self->stopped_) self->stop();  // a second signal while stopping changes nothing
}

// ---- the clean-reactor check (testing.hpp) ----------------------------------------

void Reactor::iterate() {
  if (started_)
    throw std::logic_error("Reactor::iterate: the reactor is running; iterate() is for a reactor outside run()");
  if (tearingDown_) return;
  uv_run(&loop_, UV_RUN_NOWAIT);
}

std::vector<std::string> Reactor::describeResources() const {
  std::vector<std::string> descriptions;
  for (const detail::LoopResource* resource : resources_) descriptions.push_back(resource->describe());
  std::sort(descriptions.begin(), descriptions.end());
  return descriptions;
}

std::size_t Reactor::closeResources() {
  std::size_t closed = 0;
  std::vector<detail::LoopResource*> resources(resources_.begin(), resources_.end());
  for (detail::LoopResource* resource : resources)
    if (resources_.count(resource) && resource->closeForCleanup()) ++closed;
  return closed;
}

// ---- closing ----------------------------------------------------------------------

void Reactor::closeOwnHandles() {
  if (ownHandlesClosed_) return;
  ownHandlesClosed_ = true;
  {
    std::lock_guard lock(threadCallsMutex_);
    asyncOpen_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  timerArmed_ = false;
  idleStarted_ = false;
  // uv_close stops a signal handle at once and puts back the default
  // disposition; SIGTERM gets back what it had before run().
  if (sigintInstalled_) uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  if (sigtermInstalled_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
    sigaction(SIGTERM, &previousSigterm_, nullptr);
  }
  sigintInstalled_ = sigtermInstalled_ = false;
}

}  // namespace twist
