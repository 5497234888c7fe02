// detail/chain.hpp — the untyped machinery under twist::Deferred<T>.
// Read deferred.hpp first; this file is how it works, not how to use it.
//
// One Chain is shared by every Deferred<T> handle made from it:
//
//   Deferred<int> d ──┐                         ┌── Deferred<std::string> s
//                     ▼                         ▼
//   Chain { refs=2, result: [empty|value|failure],
//           steps: [ cb int→int ][ cb int→string ][ eb ] ...,
//           headType=int (what callback() takes), tailType=string (what the last step yields) }
//
// The result slot holds one value of the type the next step expects; a step
// reads it, calls the user's function, and writes the next value (or a
// Failure) back. Types are checked when a step is added and when the chain is
// fired, at run time, against headType and tailType: that is how a handle
// whose type the chain has moved past fails loudly instead of corrupting memory.
//
// Ownership: handles (Deferred<T>) hold counted references; the count is
// not atomic (one loop, one thread). A chain that waits on another (a
// callback returned a Deferred) is owned by the inner one, through the
// resume step appended there; the outer only points at the inner (waitingOn),
// so there are no reference cycles. A chain is destroyed when its last
// reference goes; a Failure still in its slot then is logged as
// "Unhandled error in Deferred".
#pragma once

#include <cstddef>
#include <cstdint>
#include <coroutine>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace twist::detail {

struct Chain;

// How to destroy and relocate a value of some type held in raw storage.
struct ValueOps {
  void (*destroy)(void* storage) noexcept;
  void (*relocate)(void* to, void* from) noexcept;  // move-construct, then destroy the source
  const std::type_info* type;
};

inline constexpr std::size_t kInlineValue = 32;
template <class T>
inline constexpr bool kStoredInline = sizeof(T) <= kInlineValue && alignof(T) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<T>;

// Trivial inline values need no destroy or relocate call: the null entries
// say so, and the slot copies their bytes.
template <class T>
struct ValueOpsFor {
  static constexpr bool kTrivial = kStoredInline<T> && std::is_trivially_copyable_v<T>;
  static void destroy(void* p) noexcept {
    if constexpr (kStoredInline<T>)
      static_cast<T*>(p)->~T();
    else
      delete *static_cast<T**>(p);
  }
  static void relocate(void* to, void* from) noexcept {
    if constexpr (kStoredInline<T>) {
      ::new (to) T(std::move(*static_cast<T*>(from)));
      static_cast<T*>(from)->~T();
    } else {
      *static_cast<T**>(to) = *static_cast<T**>(from);
    }
  }
  static constexpr ValueOps ops{kTrivial ? nullptr : &destroy, kTrivial ? nullptr : &relocate, &typeid(T)};
};

// The slot a chain's current result lives in: nothing yet, a value, or a failure.
class Result {
 public:
  enum class State : std::uint8_t { empty, value, failure };
  Result() = default;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { reset(); }

  State state() const { return state_; }
  bool isFailure() const { return state_ == State::failure; }
  bool isValue() const { return state_ == State::value; }
  // A failure that a DeferredList with consumeErrors has recorded: it stays in
  // the chain, where an errback may still handle it, but it is not reported as
  // unhandled. Raising it again (fail()) makes it an ordinary failure.
  bool isConsumed() const { return consumed_; }
  void markConsumed() { consumed_ = state_ == State::failure; }

  template <class T, class V>
  void emplace(V&& value) {
    reset();
    if constexpr (!std::is_void_v<T>) {
      if constexpr (kStoredInline<T>)
        ::new (static_cast<void*>(storage_)) T(std::forward<V>(value));
      else
        *reinterpret_cast<T**>(storage_) = new T(std::forward<V>(value));
      ops_ = &ValueOpsFor<T>::ops;
    }
    state_ = State::value;
  }
  void emplaceVoid() {
    reset();
    state_ = State::value;
  }
  void fail(std::exception_ptr error) {
    reset();
    error_ = std::move(error);
    state_ = State::failure;
  }

  template <class T>
  T& ref() {
    if constexpr (kStoredInline<T>)
      return *std::launder(reinterpret_cast<T*>(storage_));
    else
      return **reinterpret_cast<T**>(storage_);
  }
  // Moves the value out and leaves the slot empty.
  template <class T>
  T take() {
    if constexpr (std::is_void_v<T>) {
      reset();
    } else {
      T value(std::move(ref<T>()));
      reset();
      return value;
    }
  }
  std::exception_ptr takeFailure() {
    std::exception_ptr error = std::move(error_);
    error_ = nullptr;
    state_ = State::empty;
    consumed_ = false;
    return error;
  }
  const std::exception_ptr& failure() const { return error_; }

  // Steals other's content (value or failure), leaving other empty.
  void moveFrom(Result& other) noexcept {
    reset();
    state_ = other.state_;
    ops_ = other.ops_;
    if (ops_) {
      if (ops_->relocate)
        ops_->relocate(storage_, other.storage_);
      else
        std::memcpy(storage_, other.storage_, kInlineValue);
    }
    error_ = std::move(other.error_);
    consumed_ = std::exchange(other.consumed_, false);
    other.error_ = nullptr;
    other.ops_ = nullptr;
    other.state_ = State::empty;
  }

  void reset() noexcept {
    if (ops_) {
      if (ops_->destroy) ops_->destroy(storage_);
      ops_ = nullptr;
    }
    if (state_ == State::failure) {
      error_ = nullptr;
      consumed_ = false;
    }
    state_ = State::empty;
  }

 private:
  State state_ = State::empty;
  bool consumed_ = false;  // only ever true with State::failure
  const ValueOps* ops_ = nullptr;  // null when there is no stored value (void, or empty)
  std::exception_ptr error_;
  alignas(std::max_align_t) unsigned char storage_[kInlineValue];
};

// One link of the chain: a callback, an errback, both, or an internal step
// (resume a waiting chain, resume a coroutine). Small functions live inline.
class Step {
 public:
  struct Ops {
    void (*run)(void* self, Chain& chain);
    void (*destroy)(void* self) noexcept;
    void (*relocate)(void* to, void* from) noexcept;
  };
  static constexpr std::size_t kInline = 48;

  template <class S, class... Args>
  static Step make(Args&&... args) {
    Step step;
    if constexpr (sizeof(S) <= kInline && alignof(S) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<S>) {
      ::new (static_cast<void*>(step.storage_)) S(std::forward<Args>(args)...);
      step.ops_ = &InlineOps<S>::ops;
    } else {
      *reinterpret_cast<S**>(step.storage_) = new S(std::forward<Args>(args)...);
      step.ops_ = &HeapOps<S>::ops;
    }
    return step;
  }

  Step() = default;
  Step(Step&& other) noexcept : ops_(other.ops_) {
    if (ops_) ops_->relocate(storage_, other.storage_);
    other.ops_ = nullptr;
  }
  Step& operator=(Step&& other) noexcept {
    if (this != &other) {
      clear();
      ops_ = other.ops_;
      if (ops_) ops_->relocate(storage_, other.storage_);
      other.ops_ = nullptr;
    }
    return *this;
  }
  ~Step() { clear(); }
  void run(Chain& chain) { ops_->run(storage_, chain); }
  void clear() noexcept {
    if (ops_) {
      ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  template <class S>
  struct InlineOps {
    static void run(void* p, Chain& c) { static_cast<S*>(p)->run(c); }
    static void destroy(void* p) noexcept { static_cast<S*>(p)->~S(); }
    static void relocate(void* to, void* from) noexcept {
      ::new (to) S(std::move(*static_cast<S*>(from)));
      static_cast<S*>(from)->~S();
    }
    static constexpr Ops ops{&run, &destroy, &relocate};
  };
  template <class S>
  struct HeapOps {
    static void run(void* p, Chain& c) { (*static_cast<S**>(p))->run(c); }
    static void destroy(void* p) noexcept { delete *static_cast<S**>(p); }
    static void relocate(void* to, void* from) noexcept { *static_cast<S**>(to) = *static_cast<S**>(from); }
    static constexpr Ops ops{&run, &destroy, &relocate};
  };
  const Ops* ops_ = nullptr;
  alignas(std::max_align_t) unsigned char storage_[kInline];
};

[[noreturn]] void throwTypeMismatch(const char* operation, const std::type_info& handle,
                                    const std::type_info& chain, bool atHead, const char* takenBy);

// What an operation through a handle does with the chain's value: most read it;
// addErrback and addTimeout do not, so they stay allowed on a member whose
// move-only value a DeferredList takes (its own failure can still be handled).
enum class Reads : bool { failureOnly, value };

// The tail type of a chain whose move-only value a DeferredList will take
// (Chain::giveValueToList): no handle's type is this, so every add through a
// handle fails the inline compare, and checkTail lets only steps that read no
// value through.
struct ValueGivenToList {};

// Marks a chain whose result was taken out (successResultOf, co_await, or a
// Deferred that waited on it): nothing more can be added through any handle.
struct ResultTaken {};

struct Chain {
  std::uint32_t refs = 1;
  std::int32_t paused = 0;
  bool called = false;
  bool running = false;
  bool suppressAlreadyCalled = false;  // cancel() without a canceller eats the producer's one late fire
  Result result;
  std::vector<Step> steps;
  std::size_t next = 0;      // index of the next step to run
  std::vector<Step> incoming;  // steps added while one runs: a step runs in place, so `steps` must not grow under it
  const std::type_info* headType;
  const std::type_info* tailType;
  const char* takenBy = nullptr;  // who took the result, when tailType is ResultTaken
  const char* givenTo = nullptr;  // the list, when tailType is ValueGivenToList
  const std::type_info* givenType = nullptr;  // and the type the chain carries then
  Chain* waitingOn = nullptr;     // the inner chain a callback returned; not owned
  // A DeferredList's chain, until it fires: the members whose result has not
  // reached it (null entries have). Not owned: the list's state keeps it.
  // chainTo follows it, so that a wait through a list cannot close a cycle.
  const std::vector<Chain*>* waitingOnMembers = nullptr;
  std::function<void(Chain*)> canceller;

  // From a small per-thread pool of recycled chains, whose step storage is
  // kept: most Deferreds live briefly, and this saves their allocations.
  static Chain* create(const std::type_info* type);
  explicit Chain(const std::type_info* type) : headType(type), tailType(type) {}
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;
  ~Chain();

  void ref() noexcept { ++refs; }
  void release() {
    if (--refs == 0) destroy();
  }
  void destroy();  // out of line: avoids GCC 12's false -Wuse-after-free in fluent chains
  void reap();     // reports an unhandled failure, then recycles or frees the chain

  // A result is there to be read now: fired, not paused, every step has run.
  bool hasResult() const { return called && paused == 0 && !running && next == steps.size() && waitingOn == nullptr; }

  // Type checks with messages that teach; `handle` is the T of the handle used.
  // Only the compare is inline, and what follows a mismatch never returns: a
  // call that may return, or a second check here, makes add() cost 4 to 46
  // more instructions (callgrind, deferred_bench's chain10).
  template <Reads reads = Reads::value>
  void checkTail(const std::type_info& handle, const char* operation) const {
    if (tailType != &handle && *tailType != handle) [[unlikely]] {
      if constexpr (reads == Reads::failureOnly)
        if (givenType && *tailType == typeid(ValueGivenToList) && *givenType == handle) return;
      throwTailMismatch(handle, operation);
    }
  }
  [[noreturn]] void throwTailMismatch(const std::type_info& handle, const char* operation) const;
  // A DeferredList will move this chain's value (a `type`) out, with the step
  // it appends next, whose out type is ValueGivenToList: from there on, handles
  // may add only steps that read no value, and `list` is named if they try.
  void giveValueToList(const char* list, const std::type_info& type) {
    givenTo = list;
    givenType = &type;
  }
  void checkHead(const std::type_info& handle, const char* operation) const {
    if (headType != &handle && *headType != handle) throwTypeMismatch(operation, handle, *headType, true, nullptr);
  }

  // Appends a step whose output type is `out`, and runs it at once if the chain has fired.
  void append(Step step, const std::type_info* out);
  // Fires: the head value is already in `result` (or a failure). Raises AlreadyCalledError.
  bool beginFire();  // false when the fire is swallowed after a cancel
  void fire();
  void cancel();
  void pause() { ++paused; }
  void unpause();

  // A callback returned `inner`: take its result now if it has one, else wait for it.
  void chainTo(Chain* inner);
  // Marks the result as taken (successResultOf, co_await).
  void markTaken(const char* by);

  // Runs steps until the end, a pause, or a wait; then runs any chains that
  // were waiting on this one (iteratively, so deep nesting never recurses).
  void runCallbacks();

  // Runs steps until the end, a pause, or a wait (the fire's own work, without
  // finishing what it unblocked: runCallbacks does that).
  void runLoop();
};

// Hands work to the fire in progress, which runs it before callback() returns
// (see FireScope in deferred.cpp): a chain that waited on the one firing
// (takes over one reference), or a coroutine that awaited it (owns the frame).
void resumeLater(Chain* chain);
void resumeCoroutineLater(Chain* awaited, std::coroutine_handle<> coroutine);

}  // namespace twist::detail
