// bridge.hpp — lesson 03, exercise "bridge" (stretch): the callback API behind Deferreds.
//
// openSessionLater(net, host, user) does what openSession does (resolve, then
// connect, then log in), but returns a twist::Deferred<std::string> at once,
// and builds the three steps as one chain: each step is a callback-style call
// bridged into a Deferred (onOk fires it, onFail errbacks it), and the next
// step is asked from a callback on the chain.
//
//   twist::Deferred<std::string> d = openSessionLater(net, "example.org", "alice");
//   d.addCallback([](const std::string& token) { ... });
//
// The Deferred that openSessionLater() returns:
// - fires with the token once the three steps have answered, not before;
// - fails with the first step's error, the very exception the network gave,
//   and nothing more is asked after it;
// - fails with the exception a step throws when it is asked (net.resolve
//   included: openSessionLater itself never throws it);
// - a step that answers a second time gets twist::AlreadyCalledError thrown
//   back at it (the Deferred refuses a second fire), and the chain goes on
//   as if it had answered once.
//
// Ownership: `net` must outlive the chain; `user` is copied into the callback
// that needs it.
#pragma once

#include <string>

#include "network.hpp"
#include "twist/deferred.hpp"

twist::Deferred<std::string> openSessionLater(Network& net, const std::string& host, const std::string& user);
