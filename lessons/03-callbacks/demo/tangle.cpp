// tangle.cpp — lesson 03's live demo: "the tangle, live".
//
// buyInEuros (quote, convert, buy) written with nested callbacks and the
// obvious try/catch around it, run three times against a fake market and bank
// that break the callback promise one way each. It prints every report the
// caller hears and every order placed, so the room sees an error reported
// twice, an error reported never, and a success delivered twice.
//
//   build/bin/tangle        (no arguments; ends by itself at once)
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using OnPrice = std::function<void(double)>;
using OnOrder = std::function<void(int)>;
using OnError = std::function<void(std::exception_ptr)>;

// The "loop": answers that come later wait here, and the demo runs them after
// buyInEuros has returned. What a callback throws lands here, in the loop,
// as it would in a reactor.
std::vector<std::function<void()>> later;

void runTheLoop() {
  for (std::size_t i = 0; i < later.size(); ++i) {
    try {
      later[i]();
    } catch (const std::exception& e) {
      std::printf("    (the loop caught: %s; the caller never hears of it)\n", e.what());
    }
  }
  later.clear();
}

enum class Fault { QuoteFailsThenThrows, CallbackThrows, BankAnswersTwice };
Fault fault;
int ordersPlaced = 0;

void quoteThen(const std::string& symbol, OnPrice done, OnError failed) {
  if (fault == Fault::QuoteFailsThenThrows) {
    failed(std::make_exception_ptr(std::runtime_error("unknown symbol " + symbol)));
    throw std::runtime_error("the market's bug after reporting");  // and then it throws as well
  }
  later.push_back([done, symbol] { done(symbol == "BIG" ? 2000.0 : 125.0); });
}

void convertThen(double amount, const std::string&, OnPrice done, OnError) {
  later.push_back([done, amount] { done(amount * 0.92); });
  if (fault == Fault::BankAnswersTwice) later.push_back([done, amount] { done(amount * 0.92); });  // a retry
}

void buyThen(double euros, OnOrder done, OnError) {
  ++ordersPlaced;
  std::printf("    the broker places order #%d for %.2f EUR\n", ordersPlaced, euros);
  const int id = ordersPlaced;
  later.push_back([done, id] { done(id); });
}

// The tangle: nested callbacks, and the "obvious" try/catch around them.
void buyInEuros(const std::string& symbol, OnOrder done, OnError failed) {
  try {
    quoteThen(symbol,
        [done, failed](double dollars) {
          convertThen(dollars, "EUR",
              [done, failed](double euros) {
                if (euros > 1000) throw std::domain_error("over budget");
                buyThen(euros, done, failed);
              },
              failed);
        },
        failed);
  } catch (...) {
    failed(std::current_exception());
  }
}

void run(const char* title, Fault f, const std::string& symbol) {
  fault = f;
  ordersPlaced = 0;
  int done = 0;
  int failed = 0;
  std::printf("%s\n", title);
  buyInEuros(
      symbol, [&done](int id) { ++done; std::printf("    caller hears: done, order #%d\n", id); },
      [&failed](std::exception_ptr error) {
        ++failed;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          std::printf("    caller hears: failed, %s\n", e.what());
        }
      });
  runTheLoop();
  std::printf("  => done %d time(s), failed %d time(s), %d order(s) placed\n\n", done, failed, ordersPlaced);
}

}  // namespace

int main() {
  run("1. the quote fails, and then the market throws:", Fault::QuoteFailsThenThrows, "NOPE");
  run("2. a callback throws (2000 USD is over budget):", Fault::CallbackThrows, "BIG");
  run("3. the bank answers twice:", Fault::BankAnswersTwice, "TWST");
  std::printf("The caller was promised one report per call; it got 2, 0 and 2.\n");
  return 0;
}
