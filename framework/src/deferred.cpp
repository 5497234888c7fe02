#include "twist/deferred.hpp"

#include <memory>
#include <unordered_set>

#include "twist/logger.hpp"

namespace twist {

namespace {
const Logger deferLog{"twist.defer"};
}

namespace detail {

namespace {
// What a fire has still to do once its own chain has run: chains that were
// waiting on it (resumed), and coroutines that were awaiting it. Every fire
// (runCallbacks) opens a scope and finishes its items, in a loop, before it
// returns, so callback() returns with everything it unblocked already run, as
// in Twisted. Fires nested more than kMaxNesting deep open no scope of their
// own: their items go to the innermost open scope and run when the stack has
// unwound to it. That is what keeps 100,000 nested Deferreds or awaiting
// coroutines off the C++ stack.
struct Resumption {
  Chain* chain = nullptr;             // one reference: the chain to resume, or the one the coroutine awaited
  std::coroutine_handle<> coroutine;  // a suspended coroutine, owned until resumed
};
struct FireScope {
  std::vector<Resumption> items;
  ~FireScope() {  // only on an exceptional exit: nothing may leak
    for (Resumption& item : items) {
      if (item.chain) item.chain->release();
      if (item.coroutine) item.coroutine.destroy();
    }
  }
};
constexpr int kMaxNesting = 64;
thread_local FireScope* innermost = nullptr;
thread_local int nesting = 0;

void runScope(FireScope& scope) {
  // Index loop: running an item may add more.
  for (std::size_t i = 0; i < scope.items.size(); ++i) {
    Resumption item = std::exchange(scope.items[i], Resumption{});
    if (item.coroutine) {
      item.coroutine.resume();  // reads the awaited chain, which item.chain keeps alive
      item.chain->release();
    } else {
      if (!item.chain->running) item.chain->runLoop();  // a running one picks up where it is
      item.chain->release();
    }
  }
  scope.items.clear();
}

// Chains whose last reference went while another was being destroyed: freed
// in a loop by the outermost destroy, so that a long chain of abandoned
// Deferreds (each owning the next through a step) does not recurse.
struct Graveyard {
  std::vector<Chain*> dying;
  bool reaping = false;
};
thread_local Graveyard graveyard;
}  // namespace

void resumeLater(Chain* chain) {
  if (innermost) {
    innermost->items.push_back(Resumption{chain, nullptr});
  } else {  // not inside a fire (cannot happen from a step; kept safe anyway)
    chain->runCallbacks();
    chain->release();
  }
}

void resumeCoroutineLater(Chain* awaited, std::coroutine_handle<> coroutine) {
  awaited->ref();  // the coroutine reads its result when resumed, maybe after the chain's last handle went
  if (innermost) {
    innermost->items.push_back(Resumption{awaited, coroutine});
  } else {
    coroutine.resume();
    awaited->release();
  }
}

namespace {
void reportUnhandled(Result& result) noexcept {
  if (!result.isFailure() || result.isConsumed()) return;  // a consumed one is in its DeferredList's result
  try {
    Failure failure(result.failure());
    deferLog.failure("Unhandled error in Deferred:", failure);
  } catch (...) {
    // Logging must never throw out of a destructor.
  }
}

// Recycled chains, per thread. Bounded, and only chains with modest step
// storage are kept, so the pool never hoards memory.
struct ChainPool {
  static constexpr std::size_t kMaxChains = 256;
  static constexpr std::size_t kMaxSteps = 32;
  std::vector<Chain*> free;
  bool alive = true;  // chains destroyed after the thread's pool (static Deferreds at exit) are just freed
  ~ChainPool() {
    alive = false;
    for (Chain* c : free) delete c;
    free.clear();
  }
};
thread_local ChainPool pool;
}  // namespace

Chain::~Chain() { reportUnhandled(result); }

Chain* Chain::create(const std::type_info* type) {
  if (!pool.alive || pool.free.empty()) return new Chain(type);
  Chain* c = pool.free.back();
  pool.free.pop_back();
  c->headType = c->tailType = type;
  return c;
}

void Chain::destroy() {
  if (graveyard.reaping) {
    graveyard.dying.push_back(this);
    return;
  }
  graveyard.reaping = true;
  reap();
  while (!graveyard.dying.empty()) {
    Chain* next = graveyard.dying.back();
    graveyard.dying.pop_back();
    next->reap();
  }
  graveyard.reaping = false;
}

void Chain::reap() {
  if (!pool.alive || pool.free.size() >= ChainPool::kMaxChains || steps.capacity() > ChainPool::kMaxSteps) {
    delete this;
    return;
  }
  reportUnhandled(result);
  result.reset();
  steps.clear();  // runs the destructors of unrun steps (they may release other chains)
  incoming.clear();
  refs = 1;
  paused = 0;
  called = running = suppressAlreadyCalled = false;
  next = 0;
  takenBy = nullptr;
  givenTo = nullptr;
  givenType = nullptr;
  waitingOn = nullptr;
  waitingOnMembers = nullptr;
  canceller = nullptr;
  pool.free.push_back(this);
}

void Chain::append(Step step, const std::type_info* out) {
  if (running)
    incoming.push_back(std::move(step));
  else
    steps.push_back(std::move(step));
  tailType = out;
  if (called && !running && paused == 0) runCallbacks();
}

bool Chain::beginFire() {
  if (called) {
    if (suppressAlreadyCalled) {
      suppressAlreadyCalled = false;
      return false;
    }
    throw AlreadyCalledError();
  }
  called = true;
  return true;
}

void Chain::fire() { runCallbacks(); }

void Chain::unpause() {
  if (paused == 0) throw std::logic_error("Deferred.unpause() called more times than pause()");
  if (--paused == 0 && called) runCallbacks();
}

void Chain::cancel() {
  // After the fire, a cancel is forwarded to the Deferred this one waits on;
  // walk down to it in a loop, so 100,000 nested Deferreds do not recurse.
  Chain* target = this;
  while (target->called && target->waitingOn) target = target->waitingOn;
  if (target->called) return;
  // The canceller may drop the last handle, or throw: hold a reference either way.
  struct Hold {
    Chain* chain;
    ~Hold() { chain->release(); }
  } hold{target};
  target->ref();
  if (target->canceller) {
    auto cancellerFn = std::move(target->canceller);
    target->canceller = nullptr;
    cancellerFn(target);
  } else {
    target->suppressAlreadyCalled = true;  // eat the producer's eventual fire
  }
  if (!target->called) {
    target->called = true;
    target->result.fail(std::make_exception_ptr(CancelledError()));
    target->runCallbacks();
  }
}

namespace {
// A counted reference to a chain that can be copied, as std::function needs:
// the timer's function holds the chain until it runs or is cancelled.
struct ChainHandle {
  Chain* chain;
  explicit ChainHandle(Chain* c) : chain(c) { chain->ref(); }
  ChainHandle(const ChainHandle& other) : chain(other.chain) { chain->ref(); }
  ChainHandle& operator=(const ChainHandle&) = delete;
  ~ChainHandle() { chain->release(); }
};

// addTimeout's step: stops the timer when the result arrives first, and turns
// the cancellation it caused into a TimeoutError.
struct TimeoutStep {
  DelayedCall call;
  std::shared_ptr<bool> timedOut;
  double seconds;
  void run(Chain& chain) {
    if (call.active()) call.cancel();
    if (*timedOut && chain.result.isFailure()) {
      Failure failure(chain.result.failure());
      if (failure.check<CancelledError>()) chain.result.fail(std::make_exception_ptr(TimeoutError(seconds)));
    }
  }
};
}  // namespace

void addTimeout(Chain& chain, double seconds, IReactorTime& time) {
  auto timedOut = std::make_shared<bool>(false);
  DelayedCall call = time.callLater(seconds, [self = ChainHandle(&chain), timedOut] {
    *timedOut = true;
    self.chain->cancel();
  });
  chain.append(Step::make<TimeoutStep>(TimeoutStep{call, timedOut, seconds}), chain.tailType);
}

namespace {
// Appended to the inner chain: hands its result to the outer one and resumes it.
struct ResumeOuterStep {
  Chain* outer;  // one reference, held until run or destroyed
  explicit ResumeOuterStep(Chain* o) : outer(o) {}
  ResumeOuterStep(ResumeOuterStep&& other) noexcept : outer(std::exchange(other.outer, nullptr)) {}
  ~ResumeOuterStep() {
    if (outer) {  // the inner chain died unfired: the outer waits forever, as in Twisted
      outer->waitingOn = nullptr;
      outer->release();
    }
  }
  void run(Chain& inner) {
    Chain* o = std::exchange(outer, nullptr);
    o->result.moveFrom(inner.result);
    inner.markTaken("a Deferred that waited on it (a callback returned this Deferred)");
    o->waitingOn = nullptr;
    --o->paused;
    resumeLater(o);  // o's reference moves to the resume queue
  }
};
}  // namespace

namespace {
// Whether `target` is among what `from` waits for: the chains it waits on, and
// the unreported members of the lists among them, however deep.
bool waitsThroughListsOn(Chain* from, const Chain* target) {
  std::vector<Chain*> toVisit{from};
  std::unordered_set<const Chain*> seen;
  while (!toVisit.empty()) {
    Chain* c = toVisit.back();
    toVisit.pop_back();
    if (c == target) return true;
    if (!seen.insert(c).second) continue;
    if (c->waitingOn) toVisit.push_back(c->waitingOn);
    if (c->waitingOnMembers)
      for (Chain* member : *c->waitingOnMembers)
        if (member) toVisit.push_back(member);
  }
  return false;
}
}  // namespace

void Chain::chainTo(Chain* inner) {
  if (inner == this) {
    result.fail(std::make_exception_ptr(std::logic_error(
        "a callback returned the Deferred it was added to: the chain would wait on itself forever")));
    return;
  }
  // A cycle (b's callback returns a, which waits on b) would wait forever,
  // leak both chains (each holds the other through its resume step), and make
  // cancel() walk round it forever (issue 10, 1.6; Twisted raises
  // RecursionError there). Refused here, where it is made.
  std::size_t between = 0;
  bool throughList = inner->waitingOnMembers != nullptr;
  for (Chain* c = inner->waitingOn; c != nullptr; c = c->waitingOn, ++between) {
    throughList = throughList || c->waitingOnMembers != nullptr;
    if (c == this) {
      result.fail(std::make_exception_ptr(std::logic_error(
          "a callback returned a Deferred that is waiting" +
          (between == 0 ? std::string() : ", through " + std::to_string(between) + " other(s),") +
          " on the Deferred this callback belongs to: the two would wait for each other forever")));
      return;
    }
  }
  if (inner->hasResult()) {
    result.moveFrom(inner->result);
    inner->markTaken("a Deferred that waited on it (a callback returned this Deferred)");
    return;
  }
  // A DeferredList waits on each member not yet reported: one of them may be
  // this chain, further down (an errback returned the gatherResults of its own
  // Deferred). Found by fuzz_deferred; the search runs only when a list is on the way.
  if (throughList && waitsThroughListsOn(inner, this)) {
    result.fail(std::make_exception_ptr(std::logic_error(
        "a callback returned a Deferred that waits, through a DeferredList or gatherResults, on the Deferred this "
        "callback belongs to: the two would wait for each other forever")));
    return;
  }
  ref();
  waitingOn = inner;
  ++paused;
  inner->append(Step::make<ResumeOuterStep>(this), &typeid(ResultTaken));
}

void Chain::markTaken(const char* by) {
  result.reset();
  tailType = &typeid(ResultTaken);
  takenBy = by;
}

void Chain::runCallbacks() {
  if (running) return;  // a step added from inside a callback runs after the current one
  if (innermost && nesting >= kMaxNesting) {
    runLoop();  // too deep for a scope of our own: the innermost one finishes our items
    return;
  }
  FireScope scope;
  FireScope* outer = std::exchange(innermost, &scope);
  ++nesting;
  struct Restore {
    FireScope* outer;
    ~Restore() {
      innermost = outer;
      --nesting;
    }
  } restore{outer};
  runLoop();
  runScope(scope);
}

void Chain::runLoop() {
  ref();  // a step may drop the last handle to this chain
  running = true;
  while (paused == 0 && next < steps.size()) {
    Step& step = steps[next];
    step.run(*this);
    step.clear();  // what the callback captured is released once it has run, as in Twisted
    ++next;
    if (!incoming.empty()) {
      for (Step& added : incoming) steps.push_back(std::move(added));
      incoming.clear();
    }
  }
  running = false;
  if (next == steps.size()) {  // keep the capacity for the steps to come
    steps.clear();
    next = 0;
  }
  release();
}

[[noreturn]] void throwTypeMismatch(const char* operation, const std::type_info& handle,
                                    const std::type_info& chain, bool atHead, const char* takenBy) {
  const std::string handleName = "Deferred<" + demangle(handle) + ">";
  if (chain == typeid(ResultTaken)) {
    throw std::logic_error(std::string(operation) + " on a " + handleName + " whose result was already taken by " +
                           (takenBy ? takenBy : "someone else") +
                           ": once a result is taken out of a Deferred, add to the Deferred you get back instead");
  }
  if (atHead) {
    throw std::logic_error(std::string(operation) + " through a " + handleName + ", but this chain starts at Deferred<" +
                           demangle(chain) +
                           ">: fire a chain through the handle it was created as, not one returned by addCallback");
  }
  throw std::logic_error(std::string(operation) + " through a " + handleName + ", but the chain has moved on to Deferred<" +
                         demangle(chain) +
                         ">: an earlier addCallback changed the type; keep the handle it returned and add to that one");
}

namespace {
[[noreturn]] void throwValueGivenToList(const char* operation, const std::type_info& handle, const char* list) {
  const std::string l(list);
  throw std::logic_error(std::string(operation) + " on a Deferred<" + demangle(handle) + "> that was given to " + l +
                         ": " + l + " moves a value that cannot be copied into the list it fires with, so this " +
                         "handle has no value left to give. Add what this Deferred needs before handing it to " + l +
                         ", or use the value in the result of " + l + "; only an errback (for this Deferred's own " +
                         "failure) can still be added here");
}
}  // namespace

void Chain::throwTailMismatch(const std::type_info& handle, const char* operation) const {
  if (*tailType == typeid(ValueGivenToList)) {
    if (*givenType == handle) throwValueGivenToList(operation, handle, givenTo);
    throwTypeMismatch(operation, handle, *givenType, false, nullptr);
  }
  throwTypeMismatch(operation, handle, *tailType, false, takenBy);
}

}  // namespace detail
}  // namespace twist
