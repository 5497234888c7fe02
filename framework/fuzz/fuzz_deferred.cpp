// fuzz_deferred.cpp — an interpreter of Deferred programs (issue 10, §2).
//
// The input is a program: each byte an operation, the bytes after it its
// operands. The operations work on up to 16 slots holding Deferred<int>
// handles, and a twist::Clock:
//   new (with or without a canceller that may fire it), callback, errback,
//   addCallback / addErrback / addBoth whose function returns a value, throws,
//   or returns the Deferred of another slot (chaining, cycles included),
//   a detour through another type and back (which leaves the old handle stale),
//   cancel, addTimeout + Clock::advance, gatherResults and DeferredList (with
//   their options), pause / unpause, copying and dropping handles,
//   successResultOf / failureResultOf.
// It must never crash, leak (LeakSanitizer runs at exit), loop or hang. The
// std::logic_error that misuse earns (AlreadyCalledError, a stale handle, a
// cycle refused, unpause without pause) and testing.hpp's FailTest are part
// of the contract and caught here.
//
// Functions added to a chain never hold a handle: they find the Deferred they
// return by slot number when they run. A handle captured inside its own
// chain would be a reference cycle the harness made, which LeakSanitizer
// would report as twist's leak.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/logger.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"

namespace {

constexpr std::size_t kSlots = 16;
constexpr int kMaxOps = 256;

struct Machine {
  twist::Clock clock;  // first: destroyed last, after every handle
  std::vector<twist::Deferred<int>> slots;
  FuzzedDataProvider& fdp;
  bool dying = false;  // functions that run while the slots go return plain values

  // Callbacks add slots while step() holds a pointer to one: never reallocate.
  explicit Machine(FuzzedDataProvider& fdp) : fdp(fdp) { slots.reserve(kSlots); }
  ~Machine() {
    dying = true;
    slots.clear();
  }

  // TWIST_FUZZ_TRACE=1 prints the program as it runs, to read a reproducer.
  const bool trace = std::getenv("TWIST_FUZZ_TRACE") != nullptr;

  std::size_t pick() {
    const std::size_t i = fdp.ConsumeIntegralInRange<std::size_t>(0, kSlots - 1) % std::max<std::size_t>(slots.size(), 1);
    if (trace) std::fprintf(stderr, " [slot %zu]", i);
    return i;
  }
  twist::Deferred<int>* slot() { return slots.empty() ? nullptr : &slots[pick()]; }
  void push(twist::Deferred<int> d) {
    if (slots.size() < kSlots) {
      slots.push_back(std::move(d));
    } else {
      slots[pick()] = std::move(d);
    }
  }

  // What a function added to a chain does, chosen when it is added.
  enum class Does { Value, Throw, ReturnSlot, ReturnNew };
  Does does() {
    const auto what = static_cast<Does>(fdp.ConsumeIntegralInRange(0, 3));
    static const char* const names[] = {"value", "throw", "return-slot", "return-new"};
    if (trace) std::fprintf(stderr, " %s", names[static_cast<int>(what)]);
    return what;
  }
  // A Deferred a callback returns: a slot's (found when it runs), or a new one kept in a slot.
  twist::Deferred<int> returned(Does what, std::size_t target, int value) {
    if (!dying && what == Does::ReturnSlot && target < slots.size()) return slots[target];
    twist::Deferred<int> fresh;
    if (!dying && slots.size() < kSlots) {
      slots.push_back(fresh);  // fired later by a callback op, or never
    } else {
      fresh.callback(value);
    }
    return fresh;
  }

  void step(std::uint8_t op) {
    if (trace) std::fprintf(stderr, "\nop %d, %zu slots:", op % 22, slots.size());
    twist::Deferred<int>* d = slot();
    switch (op % 22) {
      case 0: push(twist::Deferred<int>()); break;
      case 1: {
        const int how = fdp.ConsumeIntegralInRange(0, 2);  // fire, fail, or let cancel() fail it
        push(twist::Deferred<int>([how](twist::Deferred<int>& self) {
          if (how == 0) self.callback(-1);
          if (how == 1) self.errback(std::runtime_error("cancelled by its canceller"));
        }));
        break;
      }
      case 2: if (d) d->callback(fdp.ConsumeIntegral<int>()); break;
      case 3: if (d) d->errback(std::runtime_error("errback")); break;
      case 4:
      case 5: {
        if (!d) break;
        const Does what = does();
        const std::size_t target = fdp.ConsumeIntegralInRange<std::size_t>(0, kSlots - 1);
        if (trace && what == Does::ReturnSlot) std::fprintf(stderr, " %zu", target);
        if (what == Does::Value) {
          *d = d->addCallback([](int x) { return x / 2 + 1; });
        } else if (what == Does::Throw) {
          *d = d->addCallback([](int) -> int { throw std::runtime_error("callback threw"); });
        } else {
          *d = d->addCallback([this, what, target](int x) { return returned(what, target, x); });
        }
        break;
      }
      case 6: {
        if (!d) break;
        const Does what = does();
        const std::size_t target = fdp.ConsumeIntegralInRange<std::size_t>(0, kSlots - 1);
        if (trace && what == Does::ReturnSlot) std::fprintf(stderr, " %zu", target);
        if (what == Does::Value) {
          *d = d->addErrback([](twist::Failure) { return 7; });
        } else if (what == Does::Throw) {
          *d = d->addErrback([](twist::Failure f) -> int { f.raise(); });
        } else {
          *d = d->addErrback([this, what, target](twist::Failure) { return returned(what, target, 0); });
        }
        break;
      }
      case 7:
        if (d) *d = d->addBoth([](auto&&...) { return 3; });
        break;
      case 8:
        if (d) {
          // Through another type and back; the old handle, kept, is now stale.
          twist::Deferred<int> old = *d;
          *d = d->addCallback([](int x) { return std::to_string(x); }).addCallback([](std::string s) {
            return static_cast<int>(s.size());
          });
          push(old);
        }
        break;
      case 9: if (d) d->cancel(); break;
      case 10:
        if (d) *d = d->addTimeout(fdp.ConsumeIntegralInRange(0, 8) * 0.5, clock);
        break;
      case 11: clock.advance(fdp.ConsumeIntegralInRange(0, 8) * 0.5); break;
      case 12:
      case 13: {
        std::vector<twist::Deferred<int>> members;
        for (int n = fdp.ConsumeIntegralInRange(0, 4); n > 0 && !slots.empty(); --n) members.push_back(*slot());
        if (op % 22 == 12) {
          push(twist::gatherResults(members, fdp.ConsumeBool()).addCallback([](std::vector<int> all) {
            return static_cast<int>(all.size());
          }));
        } else {
          twist::DeferredListOptions options{fdp.ConsumeBool(), fdp.ConsumeBool(), fdp.ConsumeBool()};
          push(twist::DeferredList(members, options).addCallback([](std::vector<twist::ListResult<int>> all) {
            return static_cast<int>(all.size());
          }));
        }
        break;
      }
      case 14: if (d) d->pause(); break;
      case 15: if (d) d->unpause(); break;
      case 16:
        if (!slots.empty()) slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(pick()));
        break;
      case 17: if (d) push(*d); break;
      case 18: if (d) (void)twist::successResultOf(*d); break;
      case 19: if (d) (void)twist::failureResultOf(*d); break;
      case 20: if (d) *d = twist::Deferred<int>(); break;  // a handle dropped, another kept
      default:
        if (d) *d = d->addErrback([](twist::Failure f) -> int {
          f.trap<twist::CancelledError, twist::TimeoutError>();
          return 0;
        });
        break;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Unhandled errors are logged when a chain goes: expected here, and slow on stderr.
  static const auto quiet = twist::globalLogPublisher().addObserver([](const twist::LogEvent&) {});
  (void)quiet;
  FuzzedDataProvider fdp(data, size);
  Machine machine(fdp);
  for (int ops = 0; ops < kMaxOps && fdp.remaining_bytes() > 0; ++ops) {
    try {
      machine.step(fdp.ConsumeIntegral<std::uint8_t>());
    } catch (const std::logic_error&) {  // misuse, refused: the contract
    } catch (const twist::FailTest&) {   // successResultOf on a Deferred without that result
    }
  }
  return 0;
}
