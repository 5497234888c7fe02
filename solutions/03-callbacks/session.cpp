// session.cpp — lesson 03, exercise "session": the reference solution.
#include "session.hpp"

#include <exception>
#include <memory>
#include <string>

void openSession(Network& net, const std::string& host, const std::string& user, OnDone onDone) {
  // One exit, on the heap: the step being waited for, and 3 once reported.
  struct Session {
    OnDone onDone;
    int step = 0;  // 0 resolving, 1 connecting, 2 logging in, 3 reported
  };
  auto s = std::make_shared<Session>(Session{std::move(onDone)});
  // The failure callback of step `at`: only the first answer of the step being waited for counts.
  auto fail = [s](int at) {
    return [s, at](std::exception_ptr error) {
      if (s->step != at) return;
      s->step = 3;
      s->onDone("", error);
    };
  };
  // Asks step `at`; what the asking throws is that step's error, never the network's problem.
  auto guard = [fail](int at, auto ask) {
    try {
      ask();
    } catch (...) {
      fail(at)(std::current_exception());
    }
  };
  guard(0, [&] {
    net.resolve(
        host,
        [s, &net, user, fail, guard](std::string address) {
          if (s->step != 0) return;
          s->step = 1;
          guard(1, [&] {
            net.connect(
                address,
                [s, &net, user, fail, guard](int socket) {
                  if (s->step != 1) return;
                  s->step = 2;
                  guard(2, [&] {
                    net.logIn(
                        socket, user,
                        [s](std::string token) {
                          if (s->step != 2) return;
                          s->step = 3;
                          s->onDone(token, nullptr);
                        },
                        fail(2));
                  });
                },
                fail(1));
          });
        },
        fail(0));
  });
}
