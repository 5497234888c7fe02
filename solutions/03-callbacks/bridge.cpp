// bridge.cpp — lesson 03, exercise "bridge" (stretch): the reference solution.
#include "bridge.hpp"

#include <exception>
#include <string>
#include <utility>

namespace {

// One callback-style call as a Deferred: ask(onOk, onFail) asks the step.
template <class T, class Ask>
twist::Deferred<T> later(Ask ask) {
  twist::Deferred<T> d;
  try {
    ask([d](T value) mutable { d.callback(std::move(value)); },
        [d](std::exception_ptr error) mutable { d.errback(error); });
  } catch (...) {
    if (!d.called()) d.errback(std::current_exception());
  }
  return d;
}

}  // namespace

twist::Deferred<std::string> openSessionLater(Network& net, const std::string& host, const std::string& user) {
  return later<std::string>([&](auto onOk, auto onFail) { net.resolve(host, onOk, onFail); })
      .addCallback([&net](const std::string& address) {
        return later<int>([&](auto onOk, auto onFail) { net.connect(address, onOk, onFail); });
      })
      .addCallback([&net, user](int socket) {
        return later<std::string>([&](auto onOk, auto onFail) { net.logIn(socket, user, onOk, onFail); });
      });
}
