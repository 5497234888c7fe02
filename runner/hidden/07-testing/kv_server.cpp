// kv_server.cpp — lesson 07's reference KVProtocol (kv_server.hpp), hidden from
// the attendee, with its mutants behind twist_test::mutant(id)
// (twist_mutant.hpp). Unset, every mutant() is false and this is the
// reference; the grader runs the attendee's tests once per id below, and each
// run must fail at least one test. Each mutant is a bug a real server has had,
// and each can be caught with a StringTransport and a Clock alone.
//
//   id                          the bug                                  exercise
//   never-times-out             the idle timer is never started          kv_core
//   no-idle-reset               bytes received do not restart it         kv_core
//   split-line-lost             each read forgets the unfinished line    kv_core
//   bad-command-ignored         a bad command gets no answer             kv_core
//   timeout-no-close            TIMEOUT is sent, the connection stays    kv_more
//   timer-outlives-connection   connectionLost leaves the timer pending  kv_more
//   missing-key-empty           GET of a missing key answers "VALUE "    kv_more
//   set-keeps-old               SET of an existing key keeps the old one kv_more
//   long-line-silent            a too-long line closes without a word    kv_more
//   value-cut-at-space          a value keeps only its first word        kv_more
#include "kv_server.hpp"

#include <string>
#include <string_view>

#include "twist_mutant.hpp"

using twist_test::mutant;

KVProtocol::KVProtocol(KVStore& store, twist::IReactorTime& clock, double idleTimeout)
    : store_(store), clock_(clock), idleTimeout_(idleTimeout) {
  MAX_LENGTH = kMaxLineLength;
}

KVProtocol::~KVProtocol() {
  if (idleCall_.active()) idleCall_.cancel();
}

void KVProtocol::connectionMade() {
  if (mutant("never-times-out")) return;
  idleCall_ = clock_.callLater(idleTimeout_, [this] { timedOut(); });
}

void KVProtocol::dataReceived(std::string_view data) {
  if (closing_) return;  // a real transport stops reading; a StringTransport does not
  if (idleCall_.active() && !mutant("no-idle-reset")) idleCall_.reset(idleTimeout_);
  // The bug of reading each chunk as if it began a line.
  if (mutant("split-line-lost")) clearLineBuffer();
  LineReceiver::dataReceived(data);
}

void KVProtocol::lineReceived(std::string_view line) {
  if (line.starts_with("SET ")) {
    std::string_view rest = line.substr(4);
    std::size_t space = rest.find(' ');
    if (space != 0 && space != std::string_view::npos) {
      std::string key(rest.substr(0, space));
      std::string_view value = rest.substr(space + 1);
      if (mutant("value-cut-at-space")) value = value.substr(0, value.find(' '));
      if (mutant("set-keeps-old")) {
        store_.emplace(std::move(key), std::string(value));  // emplace keeps an existing value
      } else {
        store_.insert_or_assign(std::move(key), std::string(value));
      }
      sendLine("OK");
      return;
    }
  } else if (line.starts_with("GET ") && line.size() > 4) {
    auto found = store_.find(line.substr(4));
    if (found != store_.end()) {
      sendLine("VALUE " + found->second);
    } else {
      sendLine(mutant("missing-key-empty") ? "VALUE " : "NOT FOUND");
    }
    return;
  }
  if (!mutant("bad-command-ignored")) sendLine("ERROR bad command");
}

void KVProtocol::lineLengthExceeded(std::string_view line) {
  (void)line;
  // The bug of keeping LineReceiver's default, which closes without a word.
  if (!mutant("long-line-silent")) sendLine("ERROR line too long");
  close();
}

void KVProtocol::connectionLost(twist::Failure reason) {
  (void)reason;
  if (idleCall_.active() && !mutant("timer-outlives-connection")) idleCall_.cancel();
}

void KVProtocol::timedOut() {
  sendLine("TIMEOUT");
  if (!mutant("timeout-no-close")) close();
}

void KVProtocol::close() {
  closing_ = true;
  if (idleCall_.active()) idleCall_.cancel();
  transport->loseConnection();
}
