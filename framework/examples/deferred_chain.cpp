// deferred_chain — a Deferred's two paths, callbacks and errbacks, in one program.
//
// A pretend "user lookup" returns a Deferred. We add callbacks that transform
// the result, an errback that recovers from a missing user, and fire it.
// Twisted's Python for the same thing is in the comments.
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "twist/deferred.hpp"

struct UserNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// def lookup(name): d = Deferred(); ...; return d
twist::Deferred<int> lookupAge(const std::map<std::string, int>& db, const std::string& name) {
  twist::Deferred<int> d;
  auto found = db.find(name);
  if (found != db.end())
    d.callback(found->second);  // d.callback(age)
  else
    d.errback(UserNotFound("no user called " + name));  // d.errback(UserNotFound(...))
  return d;
}

int main() {
  const std::map<std::string, int> db{{"alice", 41}, {"bob", 29}};
  int printed = 0;
  for (const std::string name : {"alice", "carol"}) {
    lookupAge(db, name)
        .addCallback([](int age) { return age + 1; })  // d.addCallback(lambda age: age + 1)
        .addErrback([](twist::Failure f) -> int {       // d.addErrback(onError)
          f.trap<UserNotFound>();                       // f.trap(UserNotFound)
          std::printf("recovered: %s\n", f.getErrorMessage().c_str());
          return 0;
        })
        .addCallback([&](int age) {
          std::printf("%s will be %d\n", name.c_str(), age);
          ++printed;
        });
  }
  return printed == 2 ? 0 : 1;
}
