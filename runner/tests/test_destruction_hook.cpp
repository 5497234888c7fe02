// Tests for twist::Reactor::setDestructionHook (reactor.hpp), the test
// support the grader's listener uses to name a reactor a test left dirty:
// the hook runs at the start of ~Reactor, while the reactor still holds
// what was left in it.
#include <string>
#include <vector>

#include "twist/reactor.hpp"
#include "twist_catch.hpp"

namespace {

std::vector<std::string> seen;

void recordLeftovers(twist::Reactor& reactor) {
  seen.push_back(std::to_string(reactor.getDelayedCalls().size()) + " calls");
}

// Installs recordLeftovers for one test, and puts back whatever hook was there.
struct HookForTheTest {
  twist::Reactor::DestructionHook previous = twist::Reactor::setDestructionHook(recordLeftovers);
  HookForTheTest() { seen.clear(); }
  ~HookForTheTest() { twist::Reactor::setDestructionHook(previous); }
};

}  // namespace

TEST_CASE("the destruction hook sees each reactor's pending delayed calls before they are dropped") {
  HookForTheTest hook;
  {
    twist::Reactor reactor;
    reactor.callLater(60, [] {});
    reactor.callLater(30, [] {});
  }
  {
    twist::Reactor clean;
    twist::DelayedCall call = clean.callLater(60, [] {});
    call.cancel();
  }
  CHECK(seen == std::vector<std::string>{"2 calls", "0 calls"});
}

TEST_CASE("with no destruction hook a reactor is destroyed as before") {
  twist::Reactor::DestructionHook previous = twist::Reactor::setDestructionHook(nullptr);
  seen.clear();
  {
    twist::Reactor reactor;
    reactor.callLater(60, [] {});
  }
  CHECK(seen.empty());
  twist::Reactor::setDestructionHook(previous);
}
