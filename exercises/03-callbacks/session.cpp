// session.cpp — lesson 03, exercise "session": your code goes here.
//
// Read session.hpp first (and network.hpp): it says what openSession() must do.
// Check with
//   ./twistlings check 03-callbacks/session
// or by hand:
//   cmake --build build --target exercise_03-callbacks_session && build/bin/exercise_03-callbacks_session
#include "session.hpp"

#include <exception>
#include <memory>
#include <string>

void openSession(Network& net, const std::string& host, const std::string& user, OnDone onDone) {
  // TODO: untangle this. It works when every step answers once and nothing
  //       throws; make onDone hear exactly one outcome also when a step fails,
  //       throws, or answers twice (session.hpp's contract):
  //       - one exit, on the heap, that reports at most once;
  //       - a try/catch in every place that asks a step, sending the error there;
  //       - each step's first answer counts, later ones are ignored.
  net.resolve(
      host,
      [&net, user, onDone](std::string address) {
        net.connect(
            address,
            [&net, user, onDone](int socket) {
              net.logIn(
                  socket, user, [onDone](std::string token) { onDone(token, nullptr); },
                  [onDone](std::exception_ptr error) { onDone("", error); });
            },
            [onDone](std::exception_ptr error) { onDone("", error); });
      },
      [onDone](std::exception_ptr error) { onDone("", error); });
}
