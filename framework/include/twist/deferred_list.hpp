// deferred_list.hpp — waiting for several Deferreds at once
// (Twisted: defer.DeferredList and defer.gatherResults).
// (Included by deferred.hpp; you never need to include it yourself.)
//
//   std::vector<twist::Deferred<std::string>> pages{fetch("a"), fetch("b")};
//   twist::gatherResults(pages)                       // Deferred<std::vector<std::string>>
//       .addCallback([](std::vector<std::string> both) { ... });
//
//   twist::DeferredList(pages, {.consumeErrors = true})
//       .addCallback([](std::vector<twist::ListResult<std::string>> all) {
//         for (auto& r : all)
//           if (!r.success) std::cerr << r.index << ": " << r.failure->getErrorMessage() << '\n';
//       });
//
// What a member gives to the list. The list adds one step to each member, as
// Twisted adds a callback pair that records the result and returns it
// unchanged (DeferredList._cbDeferred), so a member stays usable:
// - A copyable value is copied into the list. The member keeps it: callbacks
//   added to the member afterwards see it, as in Twisted.
// - A move-only value (std::unique_ptr, ...) cannot be shared, so it is moved
//   into the list. Adding a callback to that member afterwards (or co_await,
//   successResultOf) throws std::logic_error naming the list; an errback can
//   still be added, for the member's own failure. Add what such a member needs
//   before handing it over.
// - A failure is recorded in the list (a Failure is a handle: they share the
//   exception) and stays in the member, where an errback can still handle it.
//   If nothing does, it is reported as "Unhandled error in Deferred" when the
//   member's last handle goes, as in Twisted.
// - consumeErrors: Twisted turns the member's failure into None. A
//   Deferred<void> member likewise continues with success. A Deferred<T> has
//   no None to carry, so its failure stays, marked as consumed: an errback on
//   the member still sees it, and it is not reported as unhandled (unless an
//   errback raises it again).
// A copyable member may be in several lists, or twice in one, as in Twisted;
// a move-only one in one list, once (else std::logic_error).
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/failure.hpp"
#include "twist/logger.hpp"

namespace twist {

// One member's outcome, at its place in the input: success with the value, or
// the Failure. `index` is the member's position in the input vector, which is
// also where this entry sits in a full list.
template <class T>
struct ListResult {
  bool success = false;
  T result{};  // the value when success; T{} otherwise
  std::optional<Failure> failure;
  std::size_t index = 0;
};
// A Deferred<void> member has no value to report.
template <>
struct ListResult<void> {
  bool success = false;
  std::optional<Failure> failure;
  std::size_t index = 0;
};

// Twisted's keyword arguments, by name: twist::DeferredList(ds, {.fireOnOneErrback = true}).
struct DeferredListOptions {
  bool fireOnOneCallback = false;  // fire at the first success, with that member alone
  bool fireOnOneErrback = false;   // fail at the first failure, with FirstError
  bool consumeErrors = false;      // a member's failure does not stay in the member's chain
};

// The first member failure, when the list stops at it (fireOnOneErrback,
// gatherResults). A value: it shares the member's exception through subFailure.
struct FirstError : std::runtime_error {
  Failure subFailure;
  std::size_t index;
  FirstError(Failure failure, std::size_t where)
      : std::runtime_error("FirstError[#" + std::to_string(where) + ", " + failure.describe() + "]"),
        subFailure(std::move(failure)),
        index(where) {}
};

namespace detail {

struct NoValue {};  // stands in for T in signatures that exist only when T is not void
template <class T>
using ValueArg = std::conditional_t<std::is_void_v<T>, NoValue, T>;

// What the list's Deferred and the steps in its members share. Each member's
// step owns a reference; the list's Deferred reaches it only weakly (from its
// canceller), so nothing forms a cycle: when every member has reported (or
// died unfired), the state goes.
template <class T>
struct DeferredListState {
  using Results = std::vector<ListResult<T>>;

  Deferred<Results> result;  // held until fired, then let go
  Results entries;           // one per member, in input order
  std::vector<Chain*> pending;  // members whose result has not reached the list; not owned
  std::size_t finished = 0;
  DeferredListOptions options;

  bool fired() const { return chainOf(result) == nullptr || result.called(); }

  void fire(Results results) {
    Deferred<Results> out = std::move(result);  // the state no longer keeps a fired list alive
    out.callback(std::move(results));
  }

  // Twisted's DeferredList._cbDeferred, after the entry is written.
  void collected(std::size_t index) {
    ++finished;
    if (fired()) return;  // already fired (one-shot flag) or cancelled
    ListResult<T>& entry = entries[index];
    if (entry.success && options.fireOnOneCallback) {
      Results one;
      one.push_back(std::move(entry));
      fire(std::move(one));
    } else if (!entry.success && options.fireOnOneErrback) {
      Deferred<Results> out = std::move(result);
      out.errback(FirstError(*entry.failure, index));
    } else if (finished == entries.size()) {
      fire(std::move(entries));
    }
  }

  // The list's canceller: cancels each member whose result has not reached
  // the list (a member that fired but waits on another Deferred forwards the
  // cancel to that one, as Deferred.cancel does). A member canceller that
  // throws is logged, as Twisted does, and the others are still cancelled.
  void cancelMembers() {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      Chain* member = pending[i];
      if (!member) continue;
      member->ref();  // cancelling may drop the member's last other handle
      callContained(Logger{"twist.defer"}, "a Deferred's canceller (cancelled by its DeferredList)",
                    [member] { member->cancel(); });
      member->release();
    }
  }
};

// Who takes a member's value, for the messages a member's handle gives afterwards.
struct ListTaker {
  const char* name;     // "gatherResults"
  const char* takenBy;  // completes "... whose result was already taken by <takenBy>"
};
inline constexpr ListTaker kDeferredListTaker{
    "DeferredList", "DeferredList, which moved this value (it cannot be copied) into the list it fires with"};
inline constexpr ListTaker kGatherResultsTaker{
    "gatherResults", "gatherResults, which moved this value (it cannot be copied) into the list it fires with"};

// Whether a member's value can be copied into the list. std::vector<T> (and
// the like) claims to be copyable even when its T is not; look inside.
template <class T, class = void>
struct CopyableValue : std::is_copy_constructible<T> {};
template <class T>
struct CopyableValue<T, std::void_t<typename T::value_type>>
    : std::bool_constant<std::is_copy_constructible_v<T> &&
                         (std::is_same_v<typename T::value_type, T> || CopyableValue<typename T::value_type>::value)> {};

// The step the list adds to member `index`: records the member's value or
// Failure in the list, and leaves the member's result as Twisted's callback
// pair does (see the top of this file). Destroying it unrun (the member died
// unfired) takes the member off the pending list.
template <class T>
struct ListMemberStep {
  std::shared_ptr<DeferredListState<T>> state;
  std::size_t index;
  const ListTaker* taker;

  ListMemberStep(std::shared_ptr<DeferredListState<T>> s, std::size_t i, const ListTaker* t)
      : state(std::move(s)), index(i), taker(t) {}
  ListMemberStep(ListMemberStep&&) noexcept = default;
  ListMemberStep& operator=(ListMemberStep&&) = delete;
  ~ListMemberStep() {
    if (state) state->pending[index] = nullptr;
  }

  void run(Chain& chain) {
    ListResult<T>& entry = state->entries[index];
    try {
      if (chain.result.isFailure()) {
        entry.failure = Failure(chain.result.failure());
        if (state->options.consumeErrors) {
          if constexpr (std::is_void_v<T>)
            chain.result.emplaceVoid();  // Twisted's None
          else
            chain.result.markConsumed();
        }
      } else if constexpr (std::is_void_v<T>) {
        entry.success = true;
      } else if constexpr (CopyableValue<T>::value) {
        entry.result = chain.result.template ref<T>();
        entry.success = true;
      } else {
        entry.result = chain.result.template take<T>();
        entry.success = true;
        chain.markTaken(taker->takenBy);
      }
    } catch (...) {  // copying the value failed: the list records why; the member keeps its value
      entry.failure = Failure::current();
    }
    state->pending[index] = nullptr;
    try {
      state->collected(index);  // may fire the list, whose own callbacks catch their errors
    } catch (...) {             // what is left (out of memory) goes down the member's chain
      chain.result.fail(std::current_exception());
    }
  }
};

// DeferredList and gatherResults: `taker` names which, in what members' handles say later.
template <class T>
Deferred<std::vector<ListResult<T>>> makeDeferredList(std::vector<Deferred<T>> ds, DeferredListOptions options,
                                                      const ListTaker& taker);

}  // namespace detail

// Waits for every Deferred in `ds` and fires with one ListResult per member,
// in input order (not firing order). An empty list fires [] at once, except
// with fireOnOneCallback, where it never fires (as in Twisted).
//
// fireOnOneCallback: fires at the first success with a one-element list
// holding that member's value and index. Twisted fires (result, index) there;
// twist fires a one-element list so that DeferredList returns one Deferred
// type for every combination of flags. If every member fails, it fires with
// the full list, as Twisted does.
// fireOnOneErrback: fails at the first member failure with FirstError
// (.index, .subFailure); if every member succeeds, fires with the full list.
// consumeErrors: a member's failure is not reported as unhandled in the
// member (see the top of this file); without it, it stays there as any
// failure does.
// cancel() on the returned Deferred, before it fires, cancels every member whose
// result has not reached the list (a member canceller that throws is logged,
// and the others are still cancelled); the list then usually fires with their
// CancelledErrors (or FirstError, with fireOnOneErrback), as Twisted's does. If
// it still has not fired, it fails with CancelledError itself.
//
// Ownership: the list holds no member; each member holds the list's state, so
// the returned Deferred fires even if you drop it, and a member that dies
// unfired leaves the list waiting forever (as in Twisted). Throws
// std::logic_error for a moved-from member, a member whose chain has moved past
// T, or a move-only member given twice or already given to a list.
template <class T>
Deferred<std::vector<ListResult<T>>> DeferredList(std::vector<Deferred<T>> ds, DeferredListOptions options = {}) {
  return detail::makeDeferredList(std::move(ds), options, detail::kDeferredListTaker);
}
template <class T>
Deferred<std::vector<ListResult<T>>> DeferredList(std::initializer_list<Deferred<T>> ds, DeferredListOptions options = {}) {
  return DeferredList(std::vector<Deferred<T>>(ds), options);
}

// Fires with every member's value, in input order, or fails with FirstError
// at the first failure (Twisted: gatherResults, a DeferredList with
// fireOnOneErrback). For Deferred<void> members it returns Deferred<void>.
// Members stay usable as DeferredList leaves them (see the top of this file).
template <class T>
auto gatherResults(std::vector<Deferred<T>> ds, bool consumeErrors = false) {
  auto all = detail::makeDeferredList(std::move(ds), {.fireOnOneErrback = true, .consumeErrors = consumeErrors},
                                      detail::kGatherResultsTaker);
  if constexpr (std::is_void_v<T>) {
    return all.addCallback([](std::vector<ListResult<void>>) {});
  } else {
    return all.addCallback([](std::vector<ListResult<T>> results) {
      std::vector<T> values;
      values.reserve(results.size());
      for (ListResult<T>& r : results) values.push_back(std::move(r.result));
      return values;
    });
  }
}
template <class T>
auto gatherResults(std::initializer_list<Deferred<T>> ds, bool consumeErrors = false) {
  return gatherResults(std::vector<Deferred<T>>(ds), consumeErrors);
}

namespace detail {
template <class T>
Deferred<std::vector<ListResult<T>>> makeDeferredList(std::vector<Deferred<T>> ds, DeferredListOptions options,
                                                      const ListTaker& taker) {
  static_assert(std::is_void_v<T> || std::is_default_constructible_v<T>,
                "DeferredList<T>: a failed member's ListResult holds T{} as its result, so T must be "
                "default-constructible; wrap it in std::optional<T> if it is not");
  using State = DeferredListState<T>;
  using Results = typename State::Results;
  constexpr bool kMovesValues = !std::is_void_v<T> && !CopyableValue<T>::value;

  // Check every member before attaching to any, so a bad one leaves the others untouched.
  std::vector<Chain*> chains;
  chains.reserve(ds.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    Chain* c = chainOf(ds[i]);
    if (!c)
      throw std::logic_error(std::string(taker.name) + ": member " + std::to_string(i) +
                             " is a moved-from Deferred handle: pass the handle you moved it to");
    c->checkTail(typeid(T), taker.name);
    chains.push_back(c);
  }
  if constexpr (kMovesValues) {
    std::vector<Chain*> sorted = chains;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      throw std::logic_error(std::string(taker.name) + ": the same Deferred<" + demangle(typeid(T)) +
                             "> is given twice; its value cannot be copied, so it can go into the list once");
  }

  auto state = std::make_shared<State>();
  state->options = options;
  state->result = Deferred<Results>([weak = std::weak_ptr<State>(state)](Deferred<Results>&) {
    if (auto s = weak.lock()) s->cancelMembers();
  });
  Deferred<Results> out = state->result;
  state->entries.resize(ds.size());
  state->pending = chains;
  for (std::size_t i = 0; i < ds.size(); ++i) state->entries[i].index = i;

  if (ds.empty()) {
    if (!options.fireOnOneCallback) state->fire({});
    return out;
  }
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const std::type_info* tail = &typeid(T);
    if constexpr (kMovesValues) {
      chains[i]->giveValueToList(taker.name, typeid(T));
      tail = &typeid(ValueGivenToList);
    }
    chains[i]->append(Step::make<ListMemberStep<T>>(state, i, &taker), tail);  // runs now if fired
  }
  return out;
}
}  // namespace detail

}  // namespace twist
