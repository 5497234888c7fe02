// The untyped half of DeferredList and gatherResults (deferred_list.hpp):
// everything that does not depend on the members' type.
#include "twist/deferred_list.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "twist/logger.hpp"

namespace twist::detail {

namespace {

// Holds one reference on a chain for the length of a scope (the list's chain
// while it fires: its callbacks may drop every other handle).
struct ChainReference {
  Chain* chain;
  ~ChainReference() {
    if (chain) chain->release();
  }
};

// What the list's chain and the steps in its members share. Each member's
// step owns a reference; the list's chain reaches it only weakly (from its
// canceller), so nothing forms a cycle: when every member has reported (or
// died unfired), the state goes, and with it its reference on an unfired list.
struct DeferredListState {
  Chain* list = nullptr;  // one reference, held until the list fires; null after
  std::unique_ptr<ListEntry[]> entries;  // one per member, in input order
  std::size_t size = 0;
  std::vector<Chain*> pending;  // members whose result has not reached the list; not owned
  std::size_t finished = 0;
  DeferredListOptions options;
  const ListTaker* taker = nullptr;
  const ListValueOps* ops = nullptr;

  DeferredListState() = default;
  DeferredListState(const DeferredListState&) = delete;
  DeferredListState& operator=(const DeferredListState&) = delete;
  ~DeferredListState() {
    if (list) {
      list->waitingOnMembers = nullptr;
      list->release();
    }
  }

  bool fired() const { return list == nullptr || list->called; }

  // Fires the list with entries [first, first + count), moved out.
  void fire(std::size_t first, std::size_t count) {
    Result value;  // built before the fire: if building throws, the list has not fired
    ops->fireWith(value, entries.get(), first, count);
    ChainReference out{std::exchange(list, nullptr)};  // the state no longer keeps a fired list alive
    out.chain->waitingOnMembers = nullptr;
    if (!out.chain->beginFire()) return;
    out.chain->result.moveFrom(value);
    out.chain->fire();
  }

  void fail(std::exception_ptr error) {
    ChainReference out{std::exchange(list, nullptr)};
    out.chain->waitingOnMembers = nullptr;
    if (!out.chain->beginFire()) return;
    out.chain->result.fail(std::move(error));
    out.chain->fire();
  }

  // Twisted's DeferredList._cbDeferred, after the entry is written.
  void collected(std::size_t index) {
    ++finished;
    if (fired()) return;  // already fired (one-shot flag) or cancelled
    ListEntry& entry = entries[index];
    if (entry.success && options.fireOnOneCallback)
      fire(index, 1);
    else if (!entry.success && options.fireOnOneErrback)
      fail(std::make_exception_ptr(FirstError(*entry.failure, index)));
    else if (finished == size)
      fire(0, size);
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
      ChainReference hold{member};
      callContained(Logger{"twist.defer"}, "a Deferred's canceller (cancelled by its DeferredList)",
                    [member] { member->cancel(); });
    }
  }
};

// The step the list adds to member `index`: records the member's value or
// Failure in the list, and leaves the member's result as Twisted's callback
// pair does (see the top of deferred_list.hpp). Destroying it unrun (the
// member died unfired) takes the member off the pending list.
struct ListMemberStep {
  std::shared_ptr<DeferredListState> state;
  std::size_t index;

  ListMemberStep(std::shared_ptr<DeferredListState> s, std::size_t i) : state(std::move(s)), index(i) {}
  ListMemberStep(ListMemberStep&&) noexcept = default;
  ListMemberStep& operator=(ListMemberStep&&) = delete;
  ~ListMemberStep() {
    if (state) state->pending[index] = nullptr;
  }

  void run(Chain& chain) {
    DeferredListState& list = *state;
    ListEntry& entry = list.entries[index];
    try {
      if (chain.result.isFailure()) {
        entry.failure = Failure(chain.result.failure());
        if (list.options.consumeErrors) {
          if (list.ops->isVoid)
            chain.result.emplaceVoid();  // Twisted's None
          else
            chain.result.markConsumed();
        }
      } else {
        if (list.ops->record) list.ops->record(chain.result, entry.value);
        entry.success = true;
        if (list.ops->movesValue) chain.markTaken(list.taker->takenBy);
      }
    } catch (...) {  // copying the value failed: the list records why; the member keeps its value
      entry.failure = Failure::current();
    }
    list.pending[index] = nullptr;
    try {
      list.collected(index);  // may fire the list, whose own callbacks catch their errors
    } catch (...) {           // what is left (out of memory) goes down the member's chain
      chain.result.fail(std::current_exception());
    }
  }
};

}  // namespace

void startDeferredList(Chain& list, const std::vector<Chain*>& members, DeferredListOptions options,
                       const ListTaker& taker, const ListValueOps& ops) {
  // Check every member before attaching to any, so a bad one leaves the others untouched.
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!members[i])
      throw std::logic_error(std::string(taker.name) + ": member " + std::to_string(i) +
                             " is a moved-from Deferred handle: pass the handle you moved it to");
    members[i]->checkTail(*ops.type, taker.name);
  }
  if (ops.movesValue) {
    std::vector<Chain*> sorted = members;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      throw std::logic_error(std::string(taker.name) + ": the same Deferred<" + demangle(*ops.type) +
                             "> is given twice; its value cannot be copied, so it can go into the list once");
  }

  auto state = std::make_shared<DeferredListState>();
  state->options = options;
  state->taker = &taker;
  state->ops = &ops;
  state->size = members.size();
  state->entries = std::make_unique<ListEntry[]>(members.size());
  state->pending = members;
  list.canceller = [weak = std::weak_ptr<DeferredListState>(state)](Chain*) {
    if (auto s = weak.lock()) s->cancelMembers();
  };
  list.ref();
  state->list = &list;
  list.waitingOnMembers = &state->pending;

  if (members.empty()) {
    if (!options.fireOnOneCallback) state->fire(0, 0);
    return;
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::type_info* tail = ops.type;
    if (ops.movesValue) {
      members[i]->giveValueToList(taker.name, *ops.type);
      tail = &typeid(ValueGivenToList);
    }
    members[i]->append(Step::make<ListMemberStep>(state, i), tail);  // runs now if fired
  }
}

}  // namespace twist::detail
