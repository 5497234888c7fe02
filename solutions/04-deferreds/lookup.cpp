// lookup.cpp — lesson 04, exercise "lookup" (reference solution).
#include "lookup.hpp"

#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  return dir.findId(login)
      // Returning fullName's Deferred pauses the chain until the name arrives.
      .addCallback([&dir](int id) { return dir.fullName(id); })
      .addCallback([](const std::string& name) { return "Hello, " + name + "!"; })
      // Last, so that it sees the errors of every step above it. trap()
      // rethrows any other error as it is: the same exception goes on.
      .addErrback([](twist::Failure f) -> std::string {
        f.trap<UserNotFound>();
        return "Hello, stranger!";
      });
}
