// session.hpp — lesson 03, exercise "session": three callback-style steps, one report.
//
// openSession(net, host, user, onDone) resolves host, connects to the address
// it gets, and logs user in on the socket it gets; each step needs the answer
// of the one before it, so it is asked from that step's onOk.
//
//   openSession(net, "example.org", "alice", [](std::string token, std::exception_ptr error) {
//     if (error) { /* the first error */ } else { /* logged in: token */ }
//   });
//
// The contract:
// - onDone is called exactly once: with the token and a null error when all
//   three steps succeed, or with an empty token and the FIRST error (the very
//   exception_ptr the network gave, or the one thrown) when a step fails;
// - an exception thrown while a step is asked (net.resolve, net.connect or
//   net.logIn throwing, also from inside another step's callback) is that error:
//   it never escapes into the network that called the callback;
// - after the first failure nothing more is asked and nothing more reported;
// - each step's first answer counts: a second onOk, or an onFail after its
//   onOk, is ignored (a twice-answered resolve connects once);
// - an exception thrown by onDone itself is never reported to onDone again.
//
// Ownership: `net` must outlive the last callback. The callbacks run after
// openSession has returned, so what they share lives on the heap (a
// std::shared_ptr each of them captures by value), never on the stack.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "network.hpp"

using OnDone = std::function<void(std::string token, std::exception_ptr error)>;

void openSession(Network& net, const std::string& host, const std::string& user, OnDone onDone);
