// Hidden tests for lesson 04, exercise "lookup" (lookup.hpp).
// Deterministic: every Deferred is fired by hand, from a fake directory.
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lookup.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

namespace {

// A directory whose answers the test gives by hand. It records every
// question, keeps a handle on each Deferred it returned, and fires it when
// told to. Logins in readyIds (ids in readyNames) are answered at once.
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

 private:
  twist::Deferred<int> takeId(const std::string& login) {
    auto it = pendingIds_.find(login);
    if (it == pendingIds_.end()) throw twist::FailTest("the test answers findId(\"" + login + "\"), which was never asked");
    twist::Deferred<int> d = it->second;
    pendingIds_.erase(it);
    return d;
  }
  twist::Deferred<std::string> takeName(int id) {
    auto it = pendingNames_.find(id);
    if (it == pendingNames_.end())
      throw twist::FailTest("the test answers fullName(" + std::to_string(id) + "), which was never asked");
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

TEST_CASE("greeting asks for the id then the full name and greets by the full name") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greeting(dir, "alice");
  {
    INFO("greeting asks dir.findId(login) at once, inside greeting()");
    REQUIRE(dir.idsAsked == Logins{"alice"});
  }
  dir.answerId("alice", 7);
  {
    INFO("once the id is there, the callback asks dir.fullName(id)");
    REQUIRE(dir.namesAsked == Ids{7});
  }
  dir.answerName(7, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
}

TEST_CASE("greeting has no result until both lookups have answered") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greeting(dir, "alice");
  {
    INFO("no answer has arrived yet, so the greeting cannot be known");
    twist::assertNoResult(d);
  }
  REQUIRE(dir.idsAsked == Logins{"alice"});
  dir.answerId("alice", 7);
  {
    INFO("the id has arrived but the full name has not: return fullName's Deferred from the callback, "
         "so that the chain waits for it");
    twist::assertNoResult(d);
  }
  REQUIRE(dir.namesAsked == Ids{7});
  dir.answerName(7, "Alice Liddell");
  CHECK(twist::successResultOf(d) == "Hello, Alice Liddell!");
}

TEST_CASE("the full name is asked only after the id has arrived and with that id") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greeting(dir, "bob");
  CHECK(dir.idsAsked == Logins{"bob"});
  {
    INFO("fullName needs the id, which findId has not given yet");
    CHECK(dir.namesAsked.empty());
  }
  dir.answerId("bob", 1234);
  INFO("once findId has answered, a callback on it asks dir.fullName with the id it was given");
  REQUIRE(dir.namesAsked == Ids{1234});
  CHECK(dir.idsAsked == Logins{"bob"});  // one question each, no more
  dir.answerName(1234, "Bob Dylan");
  CHECK(twist::successResultOf(d) == "Hello, Bob Dylan!");
}

TEST_CASE("an unknown login is greeted as a stranger without asking for a full name") {
  FakeDirectory dir;
  INFO("UserNotFound is recovered by an errback after the steps it guards: trap it and return \"Hello, stranger!\" "
       "(an errback placed before the greeting step would have its text turned into a greeting again)");
  twist::Deferred<std::string> d = greeting(dir, "mallory");
  twist::assertNoResult(d);
  dir.failId("mallory", UserNotFound("mallory"));
  CHECK(twist::successResultOf(d) == "Hello, stranger!");
  CHECK(dir.namesAsked.empty());
}

TEST_CASE("any other error of findId reaches the caller unchanged") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greeting(dir, "alice");
  std::exception_ptr lost = std::make_exception_ptr(std::runtime_error("connection lost"));
  dir.failId("alice", twist::Failure(lost));
  twist::Failure f = [&] {
    INFO("only UserNotFound is recovered: trap it, and let every other error go on");
    return twist::failureResultOf<std::runtime_error>(d);
  }();
  CHECK(f.typeName() == "std::runtime_error");
  CHECK(f.getErrorMessage() == "connection lost");
  INFO("the errback must let the very same exception go on (f.trap or f.raise), not throw a new one");
  CHECK(f.exception() == lost);
  CHECK(dir.namesAsked.empty());
}

TEST_CASE("an error of fullName reaches the caller unchanged") {
  FakeDirectory dir;
  twist::Deferred<std::string> d = greeting(dir, "alice");
  dir.answerId("alice", 7);
  std::exception_ptr timeout = std::make_exception_ptr(std::out_of_range("name server timed out"));
  dir.failName(7, twist::Failure(timeout));
  twist::Failure f = [&] {
    INFO("the second question's error must reach the caller: return fullName's Deferred from the callback, so "
         "its result, error included, goes on down the chain; and do not recover from it");
    return twist::failureResultOf<std::out_of_range>(d);
  }();
  CHECK(f.getErrorMessage() == "name server timed out");
  INFO("the errback must let the very same exception go on (f.trap or f.raise), not throw a new one");
  CHECK(f.exception() == timeout);
}

TEST_CASE("greeting fires at once when the directory has answered already") {
  FakeDirectory dir;
  dir.readyIds["alice"] = 7;
  dir.readyNames[7] = "Alice Liddell";
  dir.readyIdErrors.emplace("mallory", twist::Failure(UserNotFound("mallory")));
  dir.readyIdErrors.emplace("eve", twist::Failure(std::runtime_error("connection lost")));
  INFO("a chain whose Deferreds have fired already runs at once, inside greeting(): build the chain on the "
       "directory's Deferreds and return its end, with no Deferred of your own that someone must fire later");

  CHECK(twist::successResultOf(greeting(dir, "alice")) == "Hello, Alice Liddell!");
  CHECK(twist::successResultOf(greeting(dir, "mallory")) == "Hello, stranger!");
  twist::Failure f = twist::failureResultOf<std::runtime_error>(greeting(dir, "eve"));
  CHECK(f.getErrorMessage() == "connection lost");
  CHECK(dir.idsAsked == Logins{"alice", "mallory", "eve"});
  CHECK(dir.namesAsked == Ids{7});
}

TEST_CASE("two greetings in flight are answered independently and in any order") {
  FakeDirectory dir;
  twist::Deferred<std::string> a = greeting(dir, "alice");
  twist::Deferred<std::string> b = greeting(dir, std::string("bob"));  // a temporary: gone after the call
  twist::Deferred<std::string> m = greeting(dir, "mallory");
  INFO("each greeting is its own chain: keep no state shared between calls (no static or global Deferred), "
       "and capture what a callback needs by value, or `dir` by reference");
  CHECK(dir.idsAsked == Logins{"alice", "bob", "mallory"});
  dir.answerId("bob", 2);
  dir.answerId("alice", 1);
  CHECK(dir.namesAsked == Ids{2, 1});
  dir.answerName(2, "Bob Dylan");
  CHECK(twist::successResultOf(b) == "Hello, Bob Dylan!");
  twist::assertNoResult(a);
  twist::assertNoResult(m);
  dir.failId("mallory", UserNotFound("mallory"));
  CHECK(twist::successResultOf(m) == "Hello, stranger!");
  twist::assertNoResult(a);
  dir.answerName(1, "Alice Liddell");
  CHECK(twist::successResultOf(a) == "Hello, Alice Liddell!");
}
