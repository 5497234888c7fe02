// market_watch — lesson 04's live demo: three quotes asked at once, each with
// a deadline, each on its own chain, then gathered.
//
// Predict before you run it: TWST answers after 0.1 s, NOPE is a symbol the
// market does not know (it says so after 0.2 s), SLOW never answers. Every
// quote has a 0.5 s deadline, and every chain recovers from an unknown symbol
// only. Which lines print, at what times, and is a total printed?
//
// Twisted's Python for each step is in the comments.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace {

struct UnknownSymbol : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A pretend market on a real reactor: the answers come from timers, as they
// would come from a socket. The canceller is what a timeout runs.
twist::Deferred<double> quote(twist::Reactor& reactor, double start, const std::string& symbol) {
  twist::Deferred<double> d([&reactor, start, symbol](twist::Deferred<double>&) {  // Deferred(canceller)
    std::printf("[%.1fs] %s: cancelled, the market stops looking\n", reactor.seconds() - start, symbol.c_str());
  });
  if (symbol == "TWST") reactor.callLater(0.1, [d]() mutable { d.callback(12.5); });
  if (symbol == "NOPE") reactor.callLater(0.2, [d]() mutable { d.errback(UnknownSymbol("the market knows no NOPE")); });
  return d;  // SLOW: nobody will ever fire it
}

}  // namespace

int main() {
  twist::Reactor reactor;
  const double start = reactor.seconds();
  auto at = [&] { return reactor.seconds() - start; };

  std::vector<twist::Deferred<double>> prices;
  for (const std::string symbol : {"TWST", "NOPE", "SLOW"}) {
    prices.push_back(quote(reactor, start, symbol)
                         .addTimeout(0.5, reactor)  // d.addTimeout(0.5, reactor)
                         .addCallback([&at, symbol](double usd) {
                           std::printf("[%.1fs] %s: $%.2f\n", at(), symbol.c_str(), usd);
                           return usd;
                         })
                         .addErrback([&at, symbol](twist::Failure f) -> double {  // failure.trap(UnknownSymbol)
                           f.trap<UnknownSymbol>();
                           std::printf("[%.1fs] %s: unknown symbol, counted as $0\n", at(), symbol.c_str());
                           return 0.0;
                         }));
  }
  std::printf("[%.1fs] three quotes asked; running the reactor\n", at());

  twist::gatherResults(std::move(prices), /*consumeErrors=*/true)  // defer.gatherResults(ds, consumeErrors=True)
      .addCallbacks(
          [&at](std::vector<double> all) {
            double total = 0;
            for (double price : all) total += price;
            std::printf("[%.1fs] total: $%.2f\n", at(), total);
          },
          [&at](twist::Failure f) {
            const twist::FirstError* first = f.value<twist::FirstError>();
            std::printf("[%.1fs] no total: quote #%zu failed: %s\n", at(), first ? first->index : 0,
                        first ? first->subFailure.getErrorMessage().c_str() : f.getErrorMessage().c_str());
          })
      .addBoth([&reactor](auto&&...) { reactor.stop(); });  // d.addBoth(lambda _: reactor.stop())

  reactor.run();
  return 0;
}
