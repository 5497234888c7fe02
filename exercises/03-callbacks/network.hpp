// network.hpp — lesson 03: the callback-style network API that both exercises use.
//
// Each call returns at once; later, the network calls onOk with the answer or
// onFail with the error. That is the promise. A real network, and the fake in
// the hidden tests, may break it: call onOk twice, call onFail after onOk,
// answer a question long after a later one, or throw from a call. Code that
// uses a Network must survive all of that.
//
// The callbacks may be called before the call returns (an answer known at
// once) or later, from the loop; the hidden tests call them by hand.
#pragma once

#include <exception>
#include <functional>
#include <string>

using OnError = std::function<void(std::exception_ptr)>;

class Network {
 public:
  virtual ~Network() = default;

  // The address of `host` ("example.org" -> "93.184.216.34").
  virtual void resolve(const std::string& host, std::function<void(std::string address)> onOk, OnError onFail) = 0;

  // A connection to `address`, as a socket number.
  virtual void connect(const std::string& address, std::function<void(int socket)> onOk, OnError onFail) = 0;

  // Logs `user` in on the connection `socket`; the answer is a session token.
  virtual void logIn(int socket, const std::string& user, std::function<void(std::string token)> onOk,
                     OnError onFail) = 0;
};
