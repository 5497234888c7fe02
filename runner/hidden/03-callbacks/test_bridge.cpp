// Hidden tests for lesson 03, exercise "bridge" (bridge.hpp).
// Deterministic: the fake network's callbacks are fired by hand.
#include <exception>
#include <string>
#include <vector>

#include "bridge.hpp"
#include "fake_network.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

TEST_CASE("the bridged chain fires with the token after the three steps, not before") {
  FakeNetwork net;
  twist::Deferred<std::string> d = openSessionLater(net, "example.org", "alice");
  INFO("openSessionLater returns at once: the Deferred has no result until the network answers");
  CHECK_NOTHROW(twist::assertNoResult(d));
  REQUIRE(net.resolves.size() == 1);
  CHECK(net.connects.empty());
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  {
    INFO("connect is asked from a callback on the chain, with resolve's address");
    REQUIRE(net.connects.size() == 1);
    CHECK(net.connects[0].question == "10.0.0.1");
  }
  FakeNetwork::nth(net.connects, "connect").onOk(7);
  CHECK_NOTHROW(twist::assertNoResult(d));
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  INFO("each step's Deferred is returned from addCallback, so the chain waits for it");
  CHECK(twist::successResultOf(d) == "token-alice");
}

TEST_CASE("the bridged chain fails with the failing step's own error and asks nothing after it") {
  FakeNetwork net;
  twist::Deferred<std::string> d = openSessionLater(net, "example.org", "alice");
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  FakeNetwork::nth(net.connects, "connect").onFail(FakeNetwork::error("connection refused"));
  INFO("onFail errbacks the step's Deferred; the chain's later callbacks are skipped on the error track");
  CHECK(net.logIns.empty());
  twist::Failure f = twist::failureResultOf<NetworkDown>(d);
  CHECK(messageOf(f.exception()) == "connection refused");
}

TEST_CASE("a step that throws when asked fails the bridged chain") {
  const char* step = GENERATE("resolve", "logIn");
  FakeNetwork net;
  net.throwWhenAsked.insert(step);
  INFO("the step that throws: " << step << ". A throw while asking the first step happens inside "
       "openSessionLater: catch it into the Deferred; a throw inside a callback the chain handles itself");
  twist::Deferred<std::string> d;
  REQUIRE_NOTHROW(d = openSessionLater(net, "example.org", "alice"));
  if (std::string(step) == "logIn") {
    FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
    FakeNetwork::nth(net.connects, "connect").onOk(7);
  }
  twist::Failure f = twist::failureResultOf<NetworkDown>(d);
  CHECK(messageOf(f.exception()) == std::string(step) + " threw");
}

TEST_CASE("a second answer is refused loudly and the chain keeps the first") {
  FakeNetwork net;
  twist::Deferred<std::string> d = openSessionLater(net, "example.org", "alice");
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  INFO("a Deferred fires once: the bridge's second callback() throws AlreadyCalledError back at the network");
  CHECK_THROWS_AS(FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.2"), twist::AlreadyCalledError);
  CHECK(net.connects.size() == 1);
  FakeNetwork::nth(net.connects, "connect").onOk(7);
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  CHECK(twist::successResultOf(d) == "token-alice");
}
