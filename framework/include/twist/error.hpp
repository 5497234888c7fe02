// error.hpp — the errors of the reactor and of time (Twisted: twisted.internet.error).
// The errors of Deferreds (CancelledError, TimeoutError, AlreadyCalledError,
// FirstError) live in deferred.hpp, beside what raises them.
#pragma once

#include <stdexcept>
#include <string>

namespace twist {

// Reactor start and stop (all three are RuntimeErrors in Twisted too).
struct ReactorNotRunning : std::runtime_error {
  ReactorNotRunning() : std::runtime_error("Can't stop reactor that isn't running.") {}
};
struct ReactorAlreadyRunning : std::runtime_error {
  ReactorAlreadyRunning() : std::runtime_error("reactor.run() called while the reactor is already running") {}
};
struct ReactorNotRestartable : std::runtime_error {
  ReactorNotRestartable()
      : std::runtime_error("reactor.run() called after the reactor stopped: a reactor runs once; make a new one") {}
};

// DelayedCall misuse (ValueErrors in Twisted).
struct AlreadyCalled : std::invalid_argument {
  AlreadyCalled() : std::invalid_argument("Tried to cancel or change a delayed call that has already been called") {}
};
struct AlreadyCancelled : std::invalid_argument {
  AlreadyCancelled() : std::invalid_argument("Tried to cancel or change a delayed call that has already been cancelled") {}
};

// ---- connections (Twisted: twisted.internet.error) ----------------------------
// A connectionLost reason is a Failure holding one of these. ConnectionDone is
// a clean close (loseConnection, or the peer closed its side); ConnectionLost
// an unclean one; ConnectionAborted (a ConnectionLost) follows abortConnection.

struct ConnectionDone : std::runtime_error {
  explicit ConnectionDone(const std::string& why = "Connection was closed cleanly.") : std::runtime_error(why) {}
};
struct ConnectionLost : std::runtime_error {
  explicit ConnectionLost(const std::string& why = "Connection to the other side was lost in a non-clean fashion.")
      : std::runtime_error(why) {}
};
struct ConnectionAborted : ConnectionLost {
  ConnectionAborted() : ConnectionLost("Connection was aborted locally using ITCPTransport.abortConnection.") {}
};

// Connecting failed (Twisted: ConnectError and its subclasses). `where` names
// the operation and address, `why` the libuv error (e.g. "ECONNREFUSED:
// connection refused").
struct ConnectError : std::runtime_error {
  explicit ConnectError(const std::string& what) : std::runtime_error(what) {}
};
struct ConnectionRefusedError : ConnectError {
  using ConnectError::ConnectError;
};
struct DNSLookupError : ConnectError {
  using ConnectError::ConnectError;
};
// connectTCP's timeout ran out (Twisted: error.TimeoutError, "User timeout
// caused connection failure"; named apart from the Deferred's TimeoutError).
struct ConnectingTimeoutError : ConnectError {
  using ConnectError::ConnectError;
};
// stopConnecting() was called (Twisted: error.UserError).
struct UserError : ConnectError {
  using ConnectError::ConnectError;
};
// buildProtocol returned nothing for a client endpoint (Twisted: error.NoProtocol).
struct NoProtocol : ConnectError {
  NoProtocol() : ConnectError("the factory's buildProtocol returned no protocol") {}
};

// listenTCP could not listen (Twisted: error.CannotListenError).
struct CannotListenError : std::runtime_error {
  CannotListenError(const std::string& interface, int port, const std::string& why)
      : std::runtime_error("Couldn't listen on " + (interface.empty() ? std::string("any") : interface) + ":" +
                           std::to_string(port) + ": " + why + "."),
        interface(interface),
        port(port) {}
  std::string interface;
  int port;
};

}  // namespace twist
