// fake_network.hpp — the hidden tests' Network for lesson 03 (network.hpp):
// it records every question and keeps every callback it was given, and the
// test fires them by hand, in any order and as often as it likes. It can also
// throw when a step is asked, or answer at once, before the call returns.
#pragma once

#include <exception>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "network.hpp"
#include "twist/testing.hpp"

// An error the fake network reports or throws; `what` names the step.
struct NetworkDown : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FakeNetwork : public Network {
 public:
  template <class T>
  struct Asked {
    std::string question;  // what was asked: the host, the address, or "socket/user"
    std::function<void(T)> onOk;
    OnError onFail;
  };
  std::vector<Asked<std::string>> resolves;
  std::vector<Asked<int>> connects;
  std::vector<Asked<std::string>> logIns;
  std::set<std::string> throwWhenAsked;  // "resolve", "connect", "logIn": throw NetworkDown instead
  bool answerAtOnce = false;              // onOk before the call returns: 10.0.0.1, 7, "token-alice"

  void resolve(const std::string& host, std::function<void(std::string)> onOk, OnError onFail) override {
    if (throwWhenAsked.count("resolve")) throw NetworkDown("resolve threw");
    resolves.push_back({host, onOk, onFail});
    if (answerAtOnce) onOk("10.0.0.1");
  }
  void connect(const std::string& address, std::function<void(int)> onOk, OnError onFail) override {
    if (throwWhenAsked.count("connect")) throw NetworkDown("connect threw");
    connects.push_back({address, onOk, onFail});
    if (answerAtOnce) onOk(7);
  }
  void logIn(int socket, const std::string& user, std::function<void(std::string)> onOk, OnError onFail) override {
    if (throwWhenAsked.count("logIn")) throw NetworkDown("logIn threw");
    logIns.push_back({std::to_string(socket) + "/" + user, onOk, onFail});
    if (answerAtOnce) onOk("token-" + user);
  }

  // The i-th question of a step, or a failed test if it was never asked.
  template <class T>
  static Asked<T>& nth(std::vector<Asked<T>>& asked, const char* step, std::size_t i = 0) {
    if (i >= asked.size())
      throw twist::FailTest(std::string("the test answers ") + step + " #" + std::to_string(i + 1) +
                            ", which was never asked (it was asked " + std::to_string(asked.size()) + " times)");
    return asked[i];
  }
  static std::exception_ptr error(const std::string& what) { return std::make_exception_ptr(NetworkDown(what)); }
};

// What onDone heard, every time it was called.
struct Reports {
  std::vector<std::string> tokens;
  std::vector<std::exception_ptr> errors;
  std::size_t count() const { return tokens.size(); }
  std::function<void(std::string, std::exception_ptr)> onDone() {
    return [this](std::string token, std::exception_ptr error) {
      tokens.push_back(std::move(token));
      errors.push_back(error);
    };
  }
};

// The message of an exception_ptr, for INFO and checks.
inline std::string messageOf(const std::exception_ptr& error) {
  if (!error) return "(no error)";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "(not a std::exception)";
  }
}
