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
// What a member gives to the list (the typed consequence): the list adds one
// step to each member, as Twisted adds a callback pair. That step MOVES the
// member's value into the list, so the member's own chain carries void from
// then on: adding to a member through its old Deferred<T> handle throws the
// chain's type-mismatch error ("... the chain has moved on to Deferred<void>").
// Add what the member itself needs before handing it to the list. (Copying
// would keep T, but only for copyable T; one rule for every T, move-only ones
// included, is the simpler honest choice.) Deferred<void> members are not
// changed. A member's Failure is shared with the list (a Failure is a handle)
// and, unless consumeErrors, also stays in the member's chain, where it is
// reported as "Unhandled error in Deferred" when the member's last handle goes,
// as in Twisted. A Deferred may be in one DeferredList only (else
// std::logic_error), since its value can be taken once.
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

// The step the list adds to member `index` (through addBoth): records the
// value or the Failure in the list. Destroying it unrun (the member died
// unfired) takes the member off the pending list.
template <class T>
struct ListMember {
  std::shared_ptr<DeferredListState<T>> state;
  std::size_t index;

  ListMember(std::shared_ptr<DeferredListState<T>> s, std::size_t i) : state(std::move(s)), index(i) {}
  ListMember(ListMember&&) noexcept = default;
  ListMember& operator=(ListMember&&) = delete;
  ~ListMember() {
    if (state) state->pending[index] = nullptr;
  }

  void operator()(ValueArg<T> value)
    requires(!std::is_void_v<T>)
  {
    ListResult<T>& entry = state->entries[index];
    entry.success = true;
    entry.result = std::move(value);
    state->pending[index] = nullptr;
    state->collected(index);
  }
  void operator()()
    requires std::is_void_v<T>
  {
    state->entries[index].success = true;
    state->pending[index] = nullptr;
    state->collected(index);
  }
  void operator()(Failure& failure) {
    state->entries[index].failure = failure;
    state->pending[index] = nullptr;
    state->collected(index);
    if (!state->options.consumeErrors) failure.raise();  // it stays in the member's chain
  }
};

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
// consumeErrors: a failed member's chain continues with no error (so it is not
// reported as unhandled); without it, the Failure stays in the member's chain.
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
// T, or the same non-void Deferred given twice.
template <class T>
Deferred<std::vector<ListResult<T>>> DeferredList(std::vector<Deferred<T>> ds, DeferredListOptions options = {}) {
  static_assert(std::is_void_v<T> || std::is_default_constructible_v<T>,
                "DeferredList<T>: a failed member's ListResult holds T{} as its result, so T must be "
                "default-constructible; wrap it in std::optional<T> if it is not");
  using State = detail::DeferredListState<T>;
  using Results = typename State::Results;

  // Check every member before attaching to any, so a bad one leaves the others untouched.
  std::vector<detail::Chain*> chains;
  chains.reserve(ds.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    detail::Chain* c = chainOf(ds[i]);
    if (!c)
      throw std::logic_error("DeferredList: member " + std::to_string(i) +
                             " is a moved-from Deferred handle: pass the handle you moved it to");
    c->checkTail(typeid(T), "DeferredList");
    chains.push_back(c);
  }
  if constexpr (!std::is_void_v<T>) {
    std::vector<detail::Chain*> sorted = chains;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      throw std::logic_error(
          "DeferredList: the same Deferred is given twice; the list takes a member's value, which can be taken once");
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
  for (std::size_t i = 0; i < ds.size(); ++i) ds[i].addBoth(detail::ListMember<T>(state, i));  // runs now if fired
  return out;
}
template <class T>
Deferred<std::vector<ListResult<T>>> DeferredList(std::initializer_list<Deferred<T>> ds, DeferredListOptions options = {}) {
  return DeferredList(std::vector<Deferred<T>>(ds), options);
}

// Fires with every member's value, in input order, or fails with FirstError
// at the first failure (Twisted: gatherResults, a DeferredList with
// fireOnOneErrback). For Deferred<void> members it returns Deferred<void>.
// Members are taken as DeferredList takes them (see above).
template <class T>
auto gatherResults(std::vector<Deferred<T>> ds, bool consumeErrors = false) {
  auto all = DeferredList(std::move(ds), {.fireOnOneErrback = true, .consumeErrors = consumeErrors});
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

}  // namespace twist
