// The clean-reactor check (testing.hpp): trial's _Janitor, for a twist::Reactor.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "twist/reactor.hpp"
#include "twist/testing.hpp"

namespace twist {

namespace {
std::string formatSeconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}
}  // namespace

std::vector<std::string> cleanReactor(Reactor& reactor) {
  // Twisted iterates twice: a close begun in the test finishes in the close
  // callbacks, which may themselves start a last one.
  reactor.iterate();
  reactor.iterate();

  std::vector<std::string> report;
  std::vector<DelayedCall> calls = reactor.getDelayedCalls();
  if (!calls.empty()) {
    report.push_back("DelayedCalls: (cancelled)");
    double now = reactor.seconds();
    for (DelayedCall& call : calls) {
      double due = call.getTime();
      report.push_back("  a call due at t=" + formatSeconds(due) + " s (in " + formatSeconds(due - now) + " s)");
      if (call.active()) call.cancel();
    }
  }

  std::vector<std::string> before = reactor.describeResources();  // sorted
  if (!before.empty()) {
    reactor.closeResources();
    reactor.iterate();  // the close callbacks: the handles are freed now, not in the next test
    std::vector<std::string> after = reactor.describeResources();
    std::vector<std::string> closed;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(closed));
    if (!closed.empty()) report.push_back("Selectables: (closed)");
    for (const std::string& resource : closed) report.push_back("  " + resource);
    if (!after.empty()) report.push_back("Left open: (a child process or file watcher: close it in the test)");
    for (const std::string& resource : after) report.push_back("  " + resource);
  }
  return report;
}

void assertReactorClean(Reactor& reactor) {
  std::vector<std::string> report = cleanReactor(reactor);
  if (report.empty()) return;
  std::string message = "Reactor was unclean.";
  for (const std::string& line : report) message += "\n" + line;
  throw FailTest(message);
}

}  // namespace twist
