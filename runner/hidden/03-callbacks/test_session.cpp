// Hidden tests for lesson 03, exercise "session" (session.hpp).
// Deterministic: the fake network's callbacks are fired by hand, in order, out
// of order, twice, or not at all; a step may throw when it is asked.
#include <exception>
#include <string>
#include <vector>

#include "fake_network.hpp"
#include "session.hpp"
#include "twist_catch.hpp"

using Questions = std::vector<std::string>;

namespace {

template <class T>
Questions questions(const std::vector<FakeNetwork::Asked<T>>& asked) {
  Questions out;
  for (const auto& a : asked) out.push_back(a.question);
  return out;
}

// Runs openSession up to the point where logIn has been asked.
void upToLogIn(FakeNetwork& net, Reports& reports) {
  openSession(net, "example.org", "alice", reports.onDone());
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  FakeNetwork::nth(net.connects, "connect").onOk(7);
}

}  // namespace

TEST_CASE("three steps in a row give the token once, each asked with the answer before it") {
  FakeNetwork net;
  Reports reports;
  openSession(net, "example.org", "alice", reports.onDone());
  {
    INFO("only the first step is asked at once: connect needs resolve's address, so it is asked from resolve's onOk");
    CHECK(questions(net.resolves) == Questions{"example.org"});
    CHECK(net.connects.empty());
  }
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  FakeNetwork::nth(net.connects, "connect").onOk(7);
  INFO("each step is asked with what the step before it answered: connect(address), then logIn(socket, user)");
  CHECK(questions(net.connects) == Questions{"10.0.0.1"});
  CHECK(questions(net.logIns) == Questions{"7/alice"});
  CHECK(reports.count() == 0);
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  INFO("onDone is the one exit: called once, with the token and a null error");
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0] == "token-alice");
  CHECK(messageOf(reports.errors[0]) == "(no error)");
}

TEST_CASE("a failing step is reported once with its own error and nothing after it is asked") {
  const char* step = GENERATE("resolve", "connect", "logIn");
  FakeNetwork net;
  Reports reports;
  openSession(net, "example.org", "alice", reports.onDone());
  std::exception_ptr lost = FakeNetwork::error(std::string(step) + " failed");
  if (std::string(step) == "resolve") {
    FakeNetwork::nth(net.resolves, "resolve").onFail(lost);
  } else {
    FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
    if (std::string(step) == "connect") {
      FakeNetwork::nth(net.connects, "connect").onFail(lost);
    } else {
      FakeNetwork::nth(net.connects, "connect").onOk(7);
      FakeNetwork::nth(net.logIns, "logIn").onFail(lost);
    }
  }
  INFO("the failing step: " << step << ". Its onFail leads to onDone(\"\", error), once, with the very "
       "exception_ptr the network gave (pass it on; do not wrap it in a new exception)");
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0].empty());
  CHECK(reports.errors[0] == lost);
  INFO("after the first failure nothing more is asked");
  CHECK(net.logIns.size() == (std::string(step) == "logIn" ? 1u : 0u));
}

TEST_CASE("a step that throws when it is asked becomes the error instead of escaping into the network") {
  const char* step = GENERATE("resolve", "connect", "logIn");
  FakeNetwork net;
  net.throwWhenAsked.insert(step);
  Reports reports;
  INFO("the step that throws: " << step << ". Ask each step inside try/catch and send "
       "std::current_exception() to the one exit; a throw from inside resolve's or connect's onOk "
       "would otherwise land in the network that called it");
  CHECK_NOTHROW(openSession(net, "example.org", "alice", reports.onDone()));
  if (std::string(step) != "resolve") CHECK_NOTHROW(FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1"));
  if (std::string(step) == "logIn") CHECK_NOTHROW(FakeNetwork::nth(net.connects, "connect").onOk(7));
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0].empty());
  CHECK(messageOf(reports.errors[0]) == std::string(step) + " threw");
}

TEST_CASE("a step that answers twice is followed once and the token is reported once") {
  FakeNetwork net;
  Reports reports;
  openSession(net, "example.org", "alice", reports.onDone());
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.2");
  {
    INFO("each step's first answer counts: a second onOk from resolve must not connect again "
         "(with plain nesting every step after a twice-answered one runs twice)");
    CHECK(questions(net.connects) == Questions{"10.0.0.1"});
  }
  FakeNetwork::nth(net.connects, "connect").onOk(7);
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-again");
  INFO("a second onOk from logIn is success delivered twice: onDone hears the first only");
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0] == "token-alice");
}

TEST_CASE("a failure that arrives after its step succeeded is ignored") {
  FakeNetwork net;
  Reports reports;
  upToLogIn(net, reports);
  FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  FakeNetwork::nth(net.resolves, "resolve").onFail(FakeNetwork::error("late resolve failure"));
  FakeNetwork::nth(net.connects, "connect").onFail(FakeNetwork::error("late connect failure"));
  INFO("out of order: resolve's and connect's onFail fire after the session was reported. A step that has "
       "answered is done, and the exit reports at most once: an error reported after a success is the tangle");
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0] == "token-alice");
  CHECK(messageOf(reports.errors[0]) == "(no error)");
}

TEST_CASE("after the first failure later answers neither ask nor report anything") {
  FakeNetwork net;
  Reports reports;
  openSession(net, "example.org", "alice", reports.onDone());
  std::exception_ptr first = FakeNetwork::error("first");
  FakeNetwork::nth(net.resolves, "resolve").onFail(first);
  FakeNetwork::nth(net.resolves, "resolve").onFail(FakeNetwork::error("second"));
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  INFO("the first error is the outcome: a second onFail is an error reported twice, and an onOk after "
       "it must not connect (nothing is called after the first failure)");
  CHECK(net.connects.empty());
  REQUIRE(reports.count() == 1);
  CHECK(reports.errors[0] == first);
}

TEST_CASE("a network that answers before the call returns still gives one token") {
  FakeNetwork net;
  net.answerAtOnce = true;
  Reports reports;
  openSession(net, "example.org", "alice", reports.onDone());
  INFO("callbacks may run inside net.resolve(...) itself, before it returns: set your state before you ask, "
       "not after");
  CHECK(questions(net.logIns) == Questions{"7/alice"});
  REQUIRE(reports.count() == 1);
  CHECK(reports.tokens[0] == "token-alice");
}

TEST_CASE("an exception thrown by onDone is not reported to onDone again") {
  FakeNetwork net;
  int calls = 0;
  openSession(net, "example.org", "alice", [&calls](std::string, std::exception_ptr) {
    ++calls;
    throw std::runtime_error("the caller's own bug");
  });
  FakeNetwork::nth(net.resolves, "resolve").onOk("10.0.0.1");
  FakeNetwork::nth(net.connects, "connect").onOk(7);
  try {
    FakeNetwork::nth(net.logIns, "logIn").onOk("token-alice");
  } catch (const std::runtime_error&) {
    // the caller's exception may reach whoever fired the callback
  }
  INFO("the caller's exception is not the session's error: once onDone has been called, the exit is closed, "
       "and a catch that reports again is an error reported twice");
  CHECK(calls == 1);
}
