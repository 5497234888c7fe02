// Hidden tests for lesson 04, stretch exercise "aliases" (aliases.hpp).
// Deterministic: every Deferred is fired by hand, from a fake directory.
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "aliases.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

// A directory whose answers the test gives by hand. It records every
// question, keeps a handle on each Deferred it returned until the test
// answers it, and fires it when told to. Logins in readyIds (and in
// readyIdErrors, ids in readyNames) are answered at once.
class FakeDirectory : public Directory {
 public:
  std::vector<std::string> idsAsked;
  std::vector<int> namesAsked;
  std::map<std::string, int> readyIds;
  std::map<std::string, twist::Failure> readyIdErrors;
  std::map<int, std::string> readyNames;

  twist::Deferred<int> findId(const std::string& login) override {
    idsAsked.push_back(login);
    if (auto it = readyIds.find(login); it != readyIds.end()) return twist::succeed(it->second);
    if (auto it = readyIdErrors.find(login); it != readyIdErrors.end()) return twist::fail<int>(it->second);
    twist::Deferred<int> d;
    pendingIds_.emplace(login, d);
    return d;
  }
  twist::Deferred<std::string> fullName(int id) override {
    namesAsked.push_back(id);
    if (auto it = readyNames.find(id); it != readyNames.end()) return twist::succeed(it->second);
    twist::Deferred<std::string> d;
    pendingNames_.emplace(id, d);
    return d;
  }

  void answerId(const std::string& login, int id) { takeId(login).callback(id); }
  void failId(const std::string& login, const twist::Failure& f) { takeId(login).errback(f); }
  void answerName(int id, const std::string& name) { takeName(id).callback(name); }
  void failName(int id, const twist::Failure& f) { takeName(id).errback(f); }
  std::size_t inFlight() const { return pendingIds_.size() + pendingNames_.size(); }

 private:
  twist::Deferred<int> takeId(const std::string& login) {
    auto it = pendingIds_.find(login);
    if (it == pendingIds_.end())
      throw twist::FailTest("the test answers findId(\"" + login + "\"), which greetFirstKnown has not asked (yet)");
    twist::Deferred<int> d = it->second;
    pendingIds_.erase(it);
    return d;
  }
  twist::Deferred<std::string> takeName(int id) {
    auto it = pendingNames_.find(id);
    if (it == pendingNames_.end())
      throw twist::FailTest("the test answers fullName(" + std::to_string(id) + "), which greetFirstKnown has not asked");
    twist::Deferred<std::string> d = it->second;
    pendingNames_.erase(it);
    return d;
  }
  std::multimap<std::string, twist::Deferred<int>> pendingIds_;
  std::multimap<int, twist::Deferred<std::string>> pendingNames_;
};

using Logins = std::vector<std::string>;
using Ids = std::vector<int>;

}  // namespace

TEST_CASE("the first alias the directory knows is greeted by its full name") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"al", "alice"});
  {
    INFO("the first alias is asked at once, inside greetFirstKnown(): co_await dir.findId(alias) in a loop");
    REQUIRE(dir.idsAsked == Logins{"al"});
  }
  dir.failId("al", UserNotFound("al"));
  {
    INFO("UserNotFound means: try the next alias (catch it, and let the loop go on)");
    REQUIRE(dir.idsAsked == Logins{"al", "alice"});
  }
  dir.answerId("alice", 7);
  {
    INFO("a known alias: co_await dir.fullName(id) with the id it gave");
    REQUIRE(dir.namesAsked == Ids{7});
  }
  INFO("the chain waits for the full name: no greeting before it arrives");
  twist::assertNoResult(d);
  dir.answerName(7, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
}

TEST_CASE("aliases are asked one at a time and the next only after the one before was not found") {
  FakeDirectory dir;
  INFO("one question at a time: the next alias is asked only once the one before is known to be unknown "
       "(co_await each findId in turn; do not ask them all at once)");
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"al", "ally", "alice"});
  CHECK(dir.idsAsked == Logins{"al"});
  CHECK(dir.inFlight() == 1);
  twist::assertNoResult(d);
  dir.failId("al", UserNotFound("al"));
  REQUIRE(dir.idsAsked == Logins{"al", "ally"});
  dir.failId("ally", UserNotFound("ally"));
  REQUIRE(dir.idsAsked == Logins{"al", "ally", "alice"});
  REQUIRE(dir.inFlight() == 1);
  dir.answerId("alice", 3);
  dir.answerName(3, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
}

TEST_CASE("no alias is asked after the first known one") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"alice", "al", "ally"});
  dir.answerId("alice", 7);
  {
    INFO("stop the loop at the first known alias (co_return from inside it)");
    CHECK(dir.idsAsked == Logins{"alice"});
    REQUIRE(dir.namesAsked == Ids{7});
  }
  dir.answerName(7, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
  CHECK(dir.idsAsked == Logins{"alice"});
}

TEST_CASE("when no alias is known the greeting is for a stranger") {
  FakeDirectory dir;
  INFO("every UserNotFound moves on to the next alias; after the loop, with no alias known, co_return "
       "\"Hello, stranger!\" (and ask no full name)");
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"mallory", "mal"});
  dir.failId("mallory", UserNotFound("mallory"));
  dir.failId("mal", UserNotFound("mal"));
  CHECK(twist::successResultOf(d) == "Hello, stranger!");
  CHECK(dir.namesAsked.empty());
}

TEST_CASE("no aliases at all greet a stranger at once without asking anything") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, {});
  INFO("an empty list: the loop does not run, and the coroutine returns the stranger's greeting at once");
  CHECK(twist::successResultOf(d) == "Hello, stranger!");
  CHECK(dir.idsAsked.empty());
}

TEST_CASE("any other error of findId stops the search and reaches the caller unchanged") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"al", "alice"});
  std::exception_ptr lost = std::make_exception_ptr(std::runtime_error("connection lost"));
  dir.failId("al", twist::Failure(lost));
  twist::Failure f = [&] {
    INFO("catch only UserNotFound: a lost connection is an outage, not an unknown alias");
    return twist::failureResultOf<std::runtime_error>(d);
  }();
  INFO("let the error leave the coroutine as it is (do not catch it, or rethrow it with `throw;`), "
       "so the caller gets the very same exception");
  CHECK(f.exception() == lost);
  CHECK(dir.idsAsked == Logins{"al"});
  CHECK(dir.namesAsked.empty());
}

TEST_CASE("an error of fullName reaches the caller unchanged") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, {"alice"});
  dir.answerId("alice", 7);
  std::exception_ptr timeout = std::make_exception_ptr(std::out_of_range("name server timed out"));
  dir.failName(7, twist::Failure(timeout));
  twist::Failure f = [&] {
    INFO("fullName's error is not an unknown alias: it must not become a stranger's greeting");
    return twist::failureResultOf<std::out_of_range>(d);
  }();
  INFO("the very same exception reaches the caller");
  CHECK(f.exception() == timeout);
}

TEST_CASE("greetFirstKnown fires at once when the directory has answered already") {
  FakeDirectory dir;
  dir.readyIdErrors.emplace("al", twist::Failure(UserNotFound("al")));
  dir.readyIds["alice"] = 7;
  dir.readyNames[7] = "Alice Liddell";
  INFO("co_await on a Deferred that has fired already goes on without waiting");
  CHECK(twist::successResultOf(greetFirstKnown(dir, {"al", "alice", "ally"})) == "Hello, Alice Liddell!");
  CHECK(twist::successResultOf(greetFirstKnown(dir, {"al"})) == "Hello, stranger!");
  CHECK(dir.idsAsked == Logins{"al", "alice", "al"});
}

TEST_CASE("the aliases may be a temporary list that is gone when the answers arrive") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greetFirstKnown(dir, Logins{"al", "alice"});  // the list dies here
  INFO("the aliases are read after a co_await: they must live in the coroutine's frame "
       "(a by-value parameter), not in the caller's temporary");
  dir.failId("al", UserNotFound("al"));
  REQUIRE(dir.idsAsked == Logins{"al", "alice"});
  dir.answerId("alice", 7);
  dir.answerName(7, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
}
