// scaffold.hpp — what lesson 04's README listings assume. The course's listing
// check compiles a `cpp fragment` after this file and a `cpp body` inside a
// function body after it (a `cpp` listing is compiled alone).
//
// The lesson's examples ask a market for prices and a bank for conversions:
// each question returns at once, and its answer arrives later. The callback
// style (quoteThen, convertThen) is the "before"; Market and Bank, which
// return Deferreds, are the "after".
#pragma once

#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"
#include "twist/task.hpp"

// The market has no such symbol: an expected answer, not an outage.
struct UnknownSymbol : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Callback style: exactly one of done and failed is called, later.
using OnPrice = std::function<void(double)>;
using OnError = std::function<void(std::exception_ptr)>;
void quoteThen(const std::string& symbol, OnPrice done, OnError failed);
void convertThen(double amount, const std::string& currency, OnPrice done, OnError failed);

// Deferred style: the same questions, each answered through a Deferred.
class Market {
 public:
  virtual ~Market() = default;
  // Fails with UnknownSymbol, or with another error when the market cannot answer.
  virtual twist::Deferred<double> quote(const std::string& symbol) = 0;
};
class Bank {
 public:
  virtual ~Bank() = default;
  virtual twist::Deferred<double> convert(double amount, const std::string& currency) = 0;
};

// What a `cpp body` listing may use.
extern Market& market;
extern Bank& bank;
extern twist::Reactor& reactor;
