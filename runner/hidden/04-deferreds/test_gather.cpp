// Hidden tests for lesson 04, exercise "gather" (gather.hpp).
// Deterministic: every Deferred is fired by hand, from a fake directory, and
// time moves only through twist::Clock::advance.
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "gather.hpp"
#include "twist/logger.hpp"
#include "twist/task.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

// A directory whose answers the test gives by hand. It records every
// question and every cancellation, and keeps a handle on each Deferred it
// returned until the test answers it. Logins in `ready` are answered at once.
class FakeDirectory : public Directory {
 public:
  std::vector<std::string> asked;
  std::vector<std::string> cancelled;
  std::map<std::string, int> ready;

  twist::Deferred<int> findId(const std::string& login) override {
    asked.push_back(login);
    if (auto it = ready.find(login); it != ready.end()) return twist::succeed(it->second);
    // The canceller only records: cancel() then fails the lookup with CancelledError.
    twist::Deferred<int> d([this, login](twist::Deferred<int>&) { cancelled.push_back(login); });
    pending_.emplace(login, d);
    return d;
  }
  twist::Deferred<std::string> fullName(int) override {
    throw twist::FailTest("findIds asked for a full name; it needs only ids");
  }

  void answer(const std::string& login, int id) { take(login).callback(id); }
  void fail(const std::string& login, const twist::Failure& f) { take(login).errback(f); }
  // Drops every handle the directory keeps, as a real one does when it closes.
  void forget() { pending_.clear(); }

 private:
  twist::Deferred<int> take(const std::string& login) {
    auto it = pending_.find(login);
    if (it == pending_.end()) throw twist::FailTest("the test answers findId(\"" + login + "\"), which was never asked");
    twist::Deferred<int> d = it->second;
    pending_.erase(it);
    return d;
  }
  std::map<std::string, twist::Deferred<int>> pending_;
};

// Captures the log while it lives (and keeps it off stderr).
struct CapturedLog {
  std::vector<twist::LogEvent> events;
  twist::LogPublisher::ObserverId id;
  CapturedLog() : id(twist::globalLogPublisher().addObserver([this](const twist::LogEvent& e) { events.push_back(e); })) {}
  ~CapturedLog() { twist::globalLogPublisher().removeObserver(id); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::vector<std::string> unhandled() const {
    std::vector<std::string> out;
    for (const twist::LogEvent& e : events)
      if (e.format == "Unhandled error in Deferred:") out.push_back(e.text());
    return out;
  }
};

using Logins = std::vector<std::string>;
using Ids = std::vector<int>;

// The FirstError inside a Failure, which must be one.
const twist::FirstError& firstErrorOf(const twist::Failure& f) {
  const twist::FirstError* first = f.value<twist::FirstError>();
  if (!first) throw twist::FailTest("expected a twist::FirstError, found " + f.describe());
  return *first;
}

}  // namespace

TEST_CASE("findIds fires with the ids in the order of the logins and not in the order of the answers") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob", "carol"}, clock, 5.0);
  {
    INFO("findIds asks dir.findId(login) for every login, inside findIds()");
    REQUIRE(dir.asked == Logins{"alice", "bob", "carol"});
  }
  dir.answer("carol", 3);
  dir.answer("alice", 1);
  dir.answer("bob", 2);
  INFO("gatherResults keeps the order of its input, here the logins' order, whatever the order of the answers; "
       "collecting the ids as they arrive gives the answers' order");
  CHECK(twist::successResultOf(d) == Ids{1, 2, 3});
}

TEST_CASE("findIds asks for every login at once and has no result until the last answer") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob", "carol"}, clock, 5.0);
  {
    INFO("all the questions are asked inside findIds, before any answer arrives");
    CHECK(dir.asked == Logins{"alice", "bob", "carol"});
  }
  twist::assertNoResult(d);
  dir.answer("bob", 2);
  twist::assertNoResult(d);
  dir.answer("alice", 1);
  twist::assertNoResult(d);
  dir.answer("carol", 3);
  CHECK(twist::successResultOf(d) == Ids{1, 2, 3});
  CHECK(dir.asked.size() == 3);  // one question per login, no more
}

TEST_CASE("findIds of no logins fires at once with an empty list") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {}, clock, 5.0);
  INFO("gatherResults of an empty list fires at once with an empty vector: no lookup, no timer");
  CHECK(twist::successResultOf(d).empty());
  CHECK(dir.asked.empty());
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("findIds fires at once when every lookup has answered already") {
  FakeDirectory dir;
  dir.ready = {{"alice", 1}, {"bob", 2}};
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"bob", "alice", "bob"}, clock, 5.0);
  INFO("answers that are there already go straight through addTimeout and gatherResults: the result is there at "
       "once, one id per login (a login asked twice gives its id twice), and no timer is left behind");
  CHECK(twist::successResultOf(d) == Ids{2, 1, 2});
  CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("the first failing lookup fails findIds at once with FirstError holding its index and its error unchanged") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "mallory", "bob"}, clock, 5.0);
  dir.answer("alice", 1);
  std::exception_ptr unknown = std::make_exception_ptr(UserNotFound("mallory"));
  dir.fail("mallory", twist::Failure(unknown));
  {
    INFO("findIds fails at the first failure, without waiting for bob");
    twist::Failure f = twist::failureResultOf<twist::FirstError>(d);
    const twist::FirstError& first = firstErrorOf(f);
    CHECK(first.index == 1);
    CHECK(first.subFailure.typeName() == "UserNotFound");
    INFO("the subFailure is the lookup's own exception, not a copy");
    CHECK(first.subFailure.exception() == unknown);
  }
  dir.answer("bob", 2);  // a late answer changes nothing, and breaks nothing
}

TEST_CASE("the failures of the lookups are consumed and not logged as unhandled errors") {
  CapturedLog log;
  {
    FakeDirectory dir;
    twist::Clock clock;
    twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob", "carol"}, clock, 5.0);
    dir.fail("bob", std::runtime_error("connection lost"));
    dir.fail("carol", UserNotFound("carol"));  // after the first failure: nobody waits for it any more
    dir.answer("alice", 1);
    twist::Failure f = twist::failureResultOf<twist::FirstError>(d);
    CHECK(firstErrorOf(f).index == 1);
    dir.forget();
  }
  INFO("pass consumeErrors = true to gatherResults, so that the lookups' failures stop in findIds");
  CHECK(log.unhandled() == std::vector<std::string>{});
}

TEST_CASE("a lookup that does not answer within the timeout is cancelled and fails findIds with TimeoutError") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob", "carol"}, clock, 5.0);
  INFO("each lookup gets its own deadline (addTimeout on each lookup, on the clock findIds is given), so a late "
       "lookup is cancelled and fails with its own TimeoutError");
  dir.answer("alice", 1);
  clock.advance(4.0);
  dir.answer("carol", 3);
  clock.advance(0.999);
  twist::assertNoResult(d);
  CHECK(dir.cancelled.empty());
  clock.advance(0.001);  // t = 5: bob's time is up
  CHECK(dir.cancelled == Logins{"bob"});
  twist::Failure f = twist::failureResultOf<twist::FirstError>(d);
  const twist::FirstError& first = firstErrorOf(f);
  CHECK(first.index == 1);
  INFO("put the timeout on each lookup (addTimeout), not on the gathered result");
  CHECK(first.subFailure.typeName() == "twist::TimeoutError");
}

TEST_CASE("lookups that answer in time leave no timer behind") {
  FakeDirectory dir;
  twist::Clock clock;
  twist::Deferred<std::vector<int>> d = findIds(dir, {"alice", "bob"}, clock, 2.0);
  {
    INFO("each lookup gets its own timeout on the clock it is given");
    CHECK(clock.getDelayedCalls().size() == 2);
  }
  clock.advance(1.5);
  dir.answer("bob", 2);
  dir.answer("alice", 1);
  CHECK(twist::successResultOf(d) == Ids{1, 2});
  CHECK(clock.getDelayedCalls().empty());
  clock.advance(10);
  CHECK(dir.cancelled.empty());
}
