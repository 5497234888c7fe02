// fuzz_receivers.cpp — every receiver of basic.hpp against arbitrary bytes cut
// at arbitrary points (issue 10, §2).
//
// The input picks a receiver (LineReceiver, LineOnlyReceiver,
// NetstringReceiver, Int32/16/8StringReceiver), its settings, and one of two
// runs:
// - Property run: callbacks only record. The same bytes are delivered once in
//   one dataReceived and once in chunks the input chooses; what was delivered
//   must be the same. It holds in Twisted (twisted/protocols/basic.py, 22.4)
//   only where no limit is hit: LineReceiver calls lineLengthExceeded when
//   its buffer, without a delimiter yet, passes MAX_LENGTH + len(delimiter),
//   which depends on where the reads were cut; the int-prefixed receivers
//   call lengthLimitExceeded again on every later read (the prefix stays
//   buffered), and LineOnlyReceiver calls lineLengthExceeded for a long tail
//   on every read that leaves one (without looking at disconnecting). So
//   those compare only when neither run hit a limit; below the limits
//   LineOnlyReceiver splits its whole buffer again on every read, so the
//   cuts cannot matter. NetstringReceiver's state machine ends in the same
//   state however the bytes were cut, so it always compares (brokenPeer
//   included).
// - Re-entrant run: every callback runs an action the input chooses, as a
//   protocol would from inside lineReceived: change the delimiter or
//   MAX_LENGTH, switch raw/line mode, pause/resume/stop, lose the connection,
//   clear the buffer, feed more bytes (nested dataReceived), send, throw. No
//   property but: no crash, no sanitizer report, no endless loop.
//   Exceptions a callback throws, and the std::logic_error / invalid_argument
//   that misuse earns (an empty LineOnlyReceiver delimiter, raw mode without
//   rawDataReceived), are caught here: they are the contract, not a bug.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "twist/basic.hpp"
#include "twist/testing.hpp"

namespace {

// A callback's own exception, thrown on purpose by the re-entrant run.
struct Thrown : std::runtime_error {
  Thrown() : std::runtime_error("thrown by a fuzzed callback") {}
};

// More callbacks than this for one input is an endless loop in a parser
// (issue 10, 1.1 was one): stop and report it as a crash.
constexpr std::size_t kMaxEvents = 1'000'000;

// What the run saw, and what chooses the re-entrant actions.
struct Script {
  FuzzedDataProvider* fdp = nullptr;  // null: the property run, callbacks only record
  std::vector<std::string> events;
  bool limitHit = false;
  int nestedFeeds = 0;  // nested dataReceived calls, bounded so an input stays small

  void record(char kind, std::string_view what) {
    if (events.size() >= kMaxEvents) {
      std::fprintf(stderr, "more than %zu callbacks for one input: a parser loops\n", kMaxEvents);
      std::abort();
    }
    events.push_back(kind + std::string(what));
  }
  // The next action byte, 0 (nothing) in the property run or when the input is used up.
  std::uint8_t action() { return fdp && fdp->remaining_bytes() > 0 ? fdp->ConsumeIntegral<std::uint8_t>() : 0; }
  std::string bytes(std::size_t max) { return fdp ? fdp->ConsumeRandomLengthString(max) : std::string(); }
  std::size_t maxLength() {
    switch (fdp->ConsumeIntegralInRange(0, 5)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return std::numeric_limits<std::size_t>::max();  // "no limit" (issue 10, 1.7)
      case 3: return std::numeric_limits<std::size_t>::max() - 1;
      default: return fdp->ConsumeIntegralInRange<std::size_t>(0, 64);
    }
  }
  bool mayFeed() { return nestedFeeds < 8 && ++nestedFeeds; }
};

// The actions every receiver shares; true when `op` was one of them.
bool commonAction(Script& s, twist::Protocol& p, twist::StringTransport& t, std::uint8_t op) {
  switch (op) {
    case 1: t.loseConnection(); return true;
    case 2: throw Thrown();
    case 3:
      if (s.mayFeed()) p.dataReceived(s.bytes(16));
      return true;
    default: return false;
  }
}

// Twisted's receivers are used with and without a transport that can pause;
// StringTransport can, and refuses to resume after loseConnection (lenient
// says whether it refuses).
struct Line : twist::LineReceiver {
  Script& s;
  twist::StringTransport& t;
  Line(Script& s, twist::StringTransport& t) : s(s), t(t) {}
  void act() {
    const std::uint8_t op = s.action() % 20;
    if (commonAction(s, *this, t, op)) return;
    switch (op) {
      case 4: delimiter = s.bytes(3); break;  // empty included: never found
      case 5: setRawMode(); break;
      case 6: setLineMode(); break;
      case 7: if (s.mayFeed()) setLineMode(s.bytes(16)); break;
      case 8: pauseProducing(); break;
      case 9: resumeProducing(); break;
      case 10: stopProducing(); break;
      case 11: MAX_LENGTH = s.maxLength(); break;
      case 12: s.record('C', clearLineBuffer()); break;
      case 13: sendLine(s.bytes(8)); break;
      default: break;
    }
  }
  void lineReceived(std::string_view line) override {
    s.record('L', line);
    act();
  }
  void rawDataReceived(std::string_view data) override {
    s.record('R', data);
    act();
  }
  void lineLengthExceeded(std::string_view line) override {
    s.record('X', line);
    s.limitHit = true;
    if (s.fdp) {
      act();
    } else {
      LineReceiver::lineLengthExceeded(line);  // Twisted's default: loseConnection
    }
  }
};

struct LineOnly : twist::LineOnlyReceiver {
  Script& s;
  twist::StringTransport& t;
  LineOnly(Script& s, twist::StringTransport& t) : s(s), t(t) {}
  void act() {
    const std::uint8_t op = s.action() % 10;
    if (commonAction(s, *this, t, op)) return;
    switch (op) {
      case 4: delimiter = s.bytes(3); break;  // the loop of issue 10, 1.1; empty throws invalid_argument
      case 5: MAX_LENGTH = s.maxLength(); break;
      case 6: sendLine(s.bytes(8)); break;
      default: break;
    }
  }
  void lineReceived(std::string_view line) override {
    s.record('L', line);
    act();
  }
  void lineLengthExceeded(std::string_view line) override {
    s.record('X', line);
    s.limitHit = true;
    if (s.fdp) {
      act();
    } else {
      LineOnlyReceiver::lineLengthExceeded(line);
    }
  }
};

struct Netstring : twist::NetstringReceiver {
  Script& s;
  twist::StringTransport& t;
  Netstring(Script& s, twist::StringTransport& t) : s(s), t(t) {}
  void stringReceived(std::string_view string) override {
    s.record('S', string);
    const std::uint8_t op = s.action() % 8;
    if (commonAction(s, *this, t, op)) return;
    if (op == 4) MAX_LENGTH = s.maxLength();
    if (op == 5) sendString(s.bytes(8));
  }
};

struct IntN : twist::IntNStringReceiver {
  Script& s;
  twist::StringTransport& t;
  IntN(std::size_t prefix, Script& s, twist::StringTransport& t) : IntNStringReceiver(prefix), s(s), t(t) {}
  void act() {
    const std::uint8_t op = s.action() % 12;
    if (commonAction(s, *this, t, op)) return;
    switch (op) {
      case 4: pauseProducing(); break;
      case 5: resumeProducing(); break;
      case 6: stopProducing(); break;
      case 7: MAX_LENGTH = s.maxLength(); break;
      case 8: sendString(s.bytes(8)); break;
      default: break;
    }
  }
  void stringReceived(std::string_view string) override {
    s.record('S', string);
    act();
  }
  void lengthLimitExceeded(std::size_t length) override {
    s.record('X', std::to_string(length));
    s.limitHit = true;
    if (s.fdp) {
      act();
    } else {
      IntNStringReceiver::lengthLimitExceeded(length);
    }
  }
};

// The receiver and its transport for one run, settings applied.
struct Run {
  Script script;
  twist::StringTransport transport;
  std::unique_ptr<twist::Protocol> protocol;

  Run(int kind, std::size_t maxLength, const std::string& delimiter, bool lenient, FuzzedDataProvider* fdp)
      : transport(std::nullopt, std::nullopt, lenient) {
    script.fdp = fdp;
    switch (kind) {
      case 0: {
        auto p = std::make_unique<Line>(script, transport);
        p->MAX_LENGTH = maxLength;
        p->delimiter = delimiter;
        protocol = std::move(p);
        break;
      }
      case 1: {
        auto p = std::make_unique<LineOnly>(script, transport);
        p->MAX_LENGTH = maxLength;
        p->delimiter = delimiter;
        protocol = std::move(p);
        break;
      }
      case 2: {
        auto p = std::make_unique<Netstring>(script, transport);
        p->MAX_LENGTH = maxLength;
        protocol = std::move(p);
        break;
      }
      default: {
        static constexpr std::size_t prefixes[] = {4, 2, 1};
        auto p = std::make_unique<IntN>(prefixes[kind - 3], script, transport);
        p->MAX_LENGTH = maxLength;
        protocol = std::move(p);
        break;
      }
    }
    protocol->makeConnection(transport);
  }
  // Misuse errors and the callbacks' own exceptions leave the receiver usable.
  void feed(std::string_view bytes) {
    try {
      protocol->dataReceived(bytes);
    } catch (const Thrown&) {
    } catch (const std::logic_error&) {
    }
  }
  // What the receiver ends with, for the property run.
  std::vector<std::string> outcome() {
    std::vector<std::string> all = script.events;
    if (auto* n = dynamic_cast<Netstring*>(protocol.get())) all.push_back(n->brokenPeer ? "broken" : "fine");
    all.push_back(transport.disconnecting ? "disconnecting" : "connected");
    return all;
  }
};

void propertyRun(FuzzedDataProvider& fdp, int kind, std::size_t maxLength, const std::string& delimiter) {
  const std::string data = fdp.ConsumeRandomLengthString(4096);
  Run whole(kind, maxLength, delimiter, false, nullptr);
  whole.feed(data);
  Run chunked(kind, maxLength, delimiter, false, nullptr);
  for (std::size_t at = 0; at < data.size();) {
    // 0: an empty read; the input used up: the rest in one read.
    const std::size_t n = fdp.remaining_bytes() > 0 ? fdp.ConsumeIntegralInRange<std::size_t>(0, 32) : data.size();
    chunked.feed(std::string_view(data).substr(at, n));
    at += n;
  }
  // Limits make the outcome depend on the cuts for these two (see the top).
  const bool cutsMatter = kind != 2;
  if (cutsMatter && (whole.script.limitHit || chunked.script.limitHit)) return;
  if (whole.outcome() != chunked.outcome()) {
    std::fprintf(stderr, "receiver %d: chunked delivery differs from one-shot delivery\n", kind);
    const auto a = whole.outcome(), b = chunked.outcome();
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
      std::fprintf(stderr, "  %zu: one-shot [%s]  chunked [%s]\n", i, i < a.size() ? a[i].c_str() : "-",
                   i < b.size() ? b[i].c_str() : "-");
    std::abort();
  }
}

void reentrantRun(FuzzedDataProvider& fdp, int kind, std::size_t maxLength, const std::string& delimiter) {
  Run run(kind, maxLength, delimiter, fdp.ConsumeBool(), &fdp);
  while (fdp.remaining_bytes() > 0) {
    const std::uint8_t op = fdp.ConsumeIntegral<std::uint8_t>();
    if (op < 200) {
      run.feed(fdp.ConsumeRandomLengthString(op % 40));
      continue;
    }
    // From outside, between reads: what a transport or an application does.
    try {
      auto* producer = dynamic_cast<twist::IProducer*>(run.protocol.get());
      switch (op % 4) {
        case 0: if (producer) producer->pauseProducing(); break;
        case 1: if (producer) producer->resumeProducing(); break;
        case 2: run.transport.loseConnection(); break;
        default: if (auto* l = dynamic_cast<Line*>(run.protocol.get())) l->setLineMode(); break;
      }
    } catch (const Thrown&) {
    } catch (const std::logic_error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int kind = fdp.ConsumeIntegralInRange(0, 5);
  const bool property = fdp.ConsumeBool();
  std::size_t maxLength;
  switch (fdp.ConsumeIntegralInRange(0, 3)) {
    case 0: maxLength = kind == 2 || kind >= 3 ? 99999 : 16384; break;  // the defaults
    case 1: maxLength = std::numeric_limits<std::size_t>::max(); break;
    default: maxLength = fdp.ConsumeIntegralInRange<std::size_t>(0, 40); break;
  }
  std::string delimiter;
  switch (fdp.ConsumeIntegralInRange(0, 3)) {
    case 0: delimiter = "\r\n"; break;
    case 1: delimiter = "\n"; break;
    default: delimiter = fdp.ConsumeRandomLengthString(4); break;
  }
  // LineOnlyReceiver refuses an empty delimiter at every read: nothing to compare.
  if (kind == 1 && delimiter.empty()) delimiter = "\n";
  if (property) {
    propertyRun(fdp, kind, maxLength, delimiter);
  } else {
    reentrantRun(fdp, kind, maxLength, delimiter);
  }
  return 0;
}
