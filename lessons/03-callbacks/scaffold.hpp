// scaffold.hpp — what lesson 03's README listings assume. The course's listing
// check compiles a `cpp fragment` after this file and a `cpp body` inside a
// function body after it (a `cpp` listing is compiled alone).
//
// The lesson's example buys shares in euros, in three steps that each answer
// later, in the plain callback style: a success callback and a failure
// callback per call. Lesson 04 asks the same market and bank through Deferreds.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "twist/deferred.hpp"

// The market has no such symbol: an expected answer, not an outage.
struct UnknownSymbol : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Callback style: each call returns at once; later, one of done and failed
// is called. "One of" is the API's promise, and a faulty API breaks it.
using OnPrice = std::function<void(double)>;
using OnOrder = std::function<void(int orderId)>;
using OnError = std::function<void(std::exception_ptr)>;
void quoteThen(const std::string& symbol, OnPrice done, OnError failed);
void convertThen(double amount, const std::string& currency, OnPrice done, OnError failed);
void buyThen(double euros, OnOrder done, OnError failed);

// Deferred style, for the bridge at the end of the lesson.
twist::Deferred<double> quote(const std::string& symbol);
