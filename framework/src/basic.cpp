// basic.cpp — the parsers of basic.hpp, each a transcription of Twisted's
// twisted/protocols/basic.py (22.4): same states, same checks, same order,
// so the same bytes give the same calls. Where the code looks odd, Twisted
// does the same and the comment says so.
#include "twist/basic.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace twist {

namespace detail {

std::string ReceiveBuffer::take() {
  std::string all(rest());
  all += pending_;
  pending_.clear();
  pos_ = bytes_.size();  // not clear(): a callback may still hold a view into bytes_
  return all;
}

void ReceiveBuffer::settle() {
  if (pos_ > 0) {
    bytes_.erase(0, pos_);
    pos_ = 0;
  }
  if (!pending_.empty()) {
    bytes_ += pending_;
    pending_.clear();
  }
}

}  // namespace detail

namespace {

ITransport& requireTransport(ITransport* transport, const char* what) {
  if (transport == nullptr) throw std::logic_error(std::string(what) + ": no transport (call makeConnection first)");
  return *transport;
}

bool disconnecting(const ITransport* transport) { return transport != nullptr && transport->disconnecting; }

// Marks a receiver busy for one outermost dataReceived, so that a nested call
// only queues its bytes (Twisted's LineReceiver._busyReceiving), and settles the
// buffer however the loop ends, an exception included.
class ReceivingScope {
 public:
  ReceivingScope(bool& busy, detail::ReceiveBuffer& buffer) : busy_(busy), buffer_(buffer) { busy_ = true; }
  ~ReceivingScope() {
    busy_ = false;
    buffer_.settle();
  }
  ReceivingScope(const ReceivingScope&) = delete;
  ReceivingScope& operator=(const ReceivingScope&) = delete;

 private:
  bool& busy_;
  detail::ReceiveBuffer& buffer_;
};

// Twisted's LineReceiver and IntNStringReceiver pause their transport through
// its IPushProducer side; in twist a transport that can pause reading is also
// an IProducer.
IProducer* transportAsProducer(ITransport* transport) { return dynamic_cast<IProducer*>(transport); }

}  // namespace

// ---- LineReceiver ----------------------------------------------------------

void LineReceiver::rawDataReceived(std::string_view) {
  throw std::logic_error("LineReceiver::rawDataReceived is not overridden, but raw mode was set (setRawMode)");
}

void LineReceiver::lineLengthExceeded(std::string_view) {
  requireTransport(transport, "LineReceiver::lineLengthExceeded").loseConnection();
}

void LineReceiver::dataReceived(std::string_view data) {
  buffer_.append(data, busyReceiving_);
  if (busyReceiving_) return;
  ReceivingScope scope(busyReceiving_, buffer_);
  for (;;) {
    buffer_.absorbPending();
    if (buffer_.size() == 0 || paused) return;
    std::string_view rest = buffer_.rest();
    if (!line_mode) {
      buffer_.consumeAll();
      rawDataReceived(rest);
      continue;
    }
    // An empty delimiter is never found: Twisted's split(b"", 1) raises a
    // ValueError that it takes for "no delimiter yet".
    std::size_t at = delimiter.empty() ? std::string_view::npos : rest.find(delimiter);
    if (at == std::string_view::npos) {
      // rest >= MAX_LENGTH + delimiter, subtracted: MAX_LENGTH may be SIZE_MAX ("no limit").
      if (rest.size() >= delimiter.size() && rest.size() - delimiter.size() >= MAX_LENGTH) {
        buffer_.consumeAll();
        lineLengthExceeded(rest);
      }
      return;
    }
    if (at > MAX_LENGTH) {
      buffer_.consumeAll();
      lineLengthExceeded(rest);  // line + delimiter + everything after it
      return;
    }
    buffer_.consume(at + delimiter.size());
    lineReceived(rest.substr(0, at));
    // Checked after each line only, as in Twisted: the first line of a later
    // dataReceived is still delivered once disconnecting is set.
    if (disconnecting(transport)) return;
  }
}

void LineReceiver::sendLine(std::string_view line) {
  std::string out;
  out.reserve(line.size() + delimiter.size());
  out.append(line).append(delimiter);
  requireTransport(transport, "LineReceiver::sendLine").write(out);
}

void LineReceiver::setLineMode(std::string_view extra) {
  line_mode = true;
  if (!extra.empty()) dataReceived(extra);
}

void LineReceiver::pauseProducing() {
  paused = true;
  if (IProducer* producer = transportAsProducer(transport)) producer->pauseProducing();
}

void LineReceiver::resumeProducing() {
  paused = false;
  if (IProducer* producer = transportAsProducer(transport)) producer->resumeProducing();
  dataReceived({});
}

void LineReceiver::stopProducing() {
  paused = true;
  if (IProducer* producer = transportAsProducer(transport)) producer->stopProducing();
}

// ---- LineOnlyReceiver ------------------------------------------------------

void LineOnlyReceiver::lineLengthExceeded(std::string_view) {
  requireTransport(transport, "LineOnlyReceiver::lineLengthExceeded").loseConnection();
}

void LineOnlyReceiver::dataReceived(std::string_view data) {
  // Twisted splits the chunk once, with the delimiter it had when the chunk
  // arrived: a lineReceived that changes `delimiter` changes the next chunk's
  // split, not this one's. (Searching on with the new one gave "b\r" for "b\r\n"
  // after a switch to "\n", and looped forever when it was not found.)
  const std::string splitOn = delimiter;
  if (splitOn.empty()) throw std::invalid_argument("LineOnlyReceiver::dataReceived: empty delimiter");
  // `all` stays valid through the callbacks: it is `data` or a local copy, and
  // buffer_ already holds only the tail, as in Twisted (which splits first).
  std::string joined;
  std::string_view all = data;
  if (!buffer_.empty()) {
    joined = std::move(buffer_);
    joined.append(data);
    all = joined;
  }
  // Where bytes.split ends its last piece: delimiters found left to right,
  // without overlap (so "aaa".split("aa") leaves the tail "a").
  std::size_t tailStart = 0;
  for (std::size_t at; (at = all.find(splitOn, tailStart)) != std::string_view::npos;) {
    tailStart = at + splitOn.size();
  }
  buffer_.assign(all.substr(tailStart));

  std::size_t start = 0;
  while (start < tailStart) {
    std::size_t at = all.find(splitOn, start);
    std::string_view line = all.substr(start, at - start);
    start = at + splitOn.size();
    // A line may have told the transport to close: the lines after it in the
    // same read are dropped (Twisted's comment says why).
    if (disconnecting(transport)) return;
    if (line.size() > MAX_LENGTH) {
      lineLengthExceeded(line);
      return;
    }
    lineReceived(line);
  }
  if (buffer_.size() > MAX_LENGTH) {
    std::string tail = buffer_;  // kept buffered, as in Twisted; a copy in case the callback adds to it
    lineLengthExceeded(tail);
  }
}

void LineOnlyReceiver::sendLine(std::string_view line) {
  requireTransport(transport, "LineOnlyReceiver::sendLine").writeSequence({line, delimiter});
}

// ---- NetstringReceiver -----------------------------------------------------
//
// Twisted's state machine: in ParsingLength the buffer starts with
// "<digits>:"; in ParsingPayload it holds [payload so far | remaining], where
// the payload is expectedPayloadSize_ bytes including its ','. Twisted copies
// the payload aside; twist keeps it in place and counts it.

std::size_t NetstringReceiver::remaining() const {
  return state_ == State::ParsingPayload ? buffer_.size() - currentPayloadSize_ : buffer_.size();
}

void NetstringReceiver::dataReceived(std::string_view data) {
  buffer_.append(data, busyReceiving_);
  if (busyReceiving_) return;
  ReceivingScope scope(busyReceiving_, buffer_);
  for (;;) {
    buffer_.absorbPending();
    if (remaining() == 0) return;
    Step step = consumeData();
    if (step == Step::Incomplete) return;
    if (step == Step::ParseError) {
      // Nothing is consumed: the bad bytes stay first in line, so every later
      // dataReceived fails again, as in Twisted.
      requireTransport(transport, "NetstringReceiver (bad netstring)").loseConnection();
      brokenPeer = true;
      return;
    }
  }
}

NetstringReceiver::Step NetstringReceiver::consumeData() {
  if (state_ == State::ParsingLength) {
    Step step = consumeLength();
    if (step != Step::Done) return step;
    state_ = State::ParsingPayload;
    currentPayloadSize_ = 0;
  }
  return consumePayload();
}

NetstringReceiver::Step NetstringReceiver::consumeLength() {
  std::string_view rest = buffer_.rest();
  auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  // Twisted's (0|[1-9]\d*): one "0", or digits not starting with 0.
  std::size_t digits = 0;
  if (!rest.empty() && rest[0] == '0') {
    digits = 1;
  } else if (!rest.empty() && isDigit(rest[0])) {
    while (digits < rest.size() && isDigit(rest[digits])) ++digits;
  }
  std::size_t length = 0;
  if (digits > 0 && digits < rest.size() && rest[digits] == ':') {  // _LENGTH: (0|[1-9]\d*)(:)
    if (extractLength(rest.substr(0, digits), length) == Step::ParseError) return Step::ParseError;
    expectedPayloadSize_ = length + 1;  // extractLength refused any length that makes this wrap
    buffer_.consume(digits + 1);
    return Step::Done;
  }
  // _LENGTH_PREFIX: (0|[1-9]\d*)$ — a length still arriving. Python's $ also
  // matches before one final "\n", so "12\n" waits for more bytes.
  if (digits == 0) return Step::ParseError;  // _MISSING_LENGTH
  std::string_view after = rest.substr(digits);
  if (!after.empty() && after != "\n") return Step::ParseError;  // _MISSING_LENGTH
  if (extractLength(rest.substr(0, digits), length) == Step::ParseError) return Step::ParseError;
  return Step::Incomplete;
}

NetstringReceiver::Step NetstringReceiver::extractLength(std::string_view digits, std::size_t& length) const {
  // _checkStringSize: more digits than ceil(log10(MAX_LENGTH)) + 1 is too
  // long before converting. Python's log10(0) raises ValueError out of
  // dataReceived; so does this.
  if (MAX_LENGTH == 0) throw std::domain_error("NetstringReceiver: MAX_LENGTH is 0 (math domain error, as in Twisted)");
  double maxLengthSize = std::ceil(std::log10(static_cast<double>(MAX_LENGTH))) + 1;
  if (static_cast<double>(digits.size()) > maxLengthSize) return Step::ParseError;  // _TOO_LONG
  std::size_t value = 0;
  for (char c : digits) {
    std::size_t digit = static_cast<std::size_t>(c - '0');
    if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) return Step::ParseError;  // beyond any MAX_LENGTH
    value = value * 10 + digit;
  }
  if (value > MAX_LENGTH) return Step::ParseError;  // _TOO_LONG
  // With MAX_LENGTH = SIZE_MAX ("no limit"), a length no buffer can hold (2^64-1
  // made length + 1 zero, and an empty payload was read) is too long all the same.
  if (value >= std::string().max_size()) return Step::ParseError;
  length = value;
  return Step::Done;
}

NetstringReceiver::Step NetstringReceiver::consumePayload() {
  // _extractPayload: take what is needed of the remaining bytes, or all of them.
  if (remaining() + currentPayloadSize_ >= expectedPayloadSize_) {
    currentPayloadSize_ = expectedPayloadSize_;
  } else {
    currentPayloadSize_ += remaining();
    return Step::Incomplete;
  }
  std::string_view payload = buffer_.rest().substr(0, expectedPayloadSize_);
  if (payload.back() != ',') return Step::ParseError;  // _MISSING_COMMA
  state_ = State::ParsingLength;
  buffer_.consume(expectedPayloadSize_);
  stringReceived(payload.substr(0, expectedPayloadSize_ - 1));
  return Step::Done;
}

void NetstringReceiver::sendString(std::string_view string) {
  std::string out = std::to_string(string.size());
  out.reserve(out.size() + string.size() + 2);
  out += ':';
  out.append(string);
  out += ',';
  requireTransport(transport, "NetstringReceiver::sendString").write(out);
}

// ---- IntNStringReceiver ----------------------------------------------------

IntNStringReceiver::IntNStringReceiver(std::size_t bytes) : prefixLength(bytes) {
  if (bytes < 1 || bytes > 8) {
    throw std::invalid_argument("IntNStringReceiver: prefixLength must be 1 to 8 bytes, not " + std::to_string(bytes));
  }
}

void IntNStringReceiver::lengthLimitExceeded(std::size_t) {
  requireTransport(transport, "IntNStringReceiver::lengthLimitExceeded").loseConnection();
}

void IntNStringReceiver::dataReceived(std::string_view data) {
  buffer_.append(data, busyReceiving_);
  if (busyReceiving_) return;
  ReceivingScope scope(busyReceiving_, buffer_);
  for (;;) {
    buffer_.absorbPending();
    std::string_view rest = buffer_.rest();
    if (rest.size() < prefixLength || paused) return;
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < prefixLength; ++i) length = (length << 8) | static_cast<unsigned char>(rest[i]);
    if (length > MAX_LENGTH) {
      lengthLimitExceeded(static_cast<std::size_t>(length));  // the prefix stays buffered
      return;
    }
    if (rest.size() - prefixLength < length) return;
    buffer_.consume(prefixLength + length);
    stringReceived(rest.substr(prefixLength, length));
  }
}

void IntNStringReceiver::sendString(std::string_view string) {
  if (prefixLength < 8 && string.size() >= (std::uint64_t{1} << (8 * prefixLength))) {
    // Twisted's message, "maximum" included (the largest size is one less).
    throw StringTooLongError("Try to send " + std::to_string(string.size()) + " bytes whereas maximum is " +
                             std::to_string(std::uint64_t{1} << (8 * prefixLength)));
  }
  ITransport& t = requireTransport(transport, "IntNStringReceiver::sendString");
  std::string out(prefixLength, '\0');
  std::uint64_t size = string.size();
  for (std::size_t i = prefixLength; i-- > 0; size >>= 8) out[i] = static_cast<char>(size & 0xff);
  out.append(string);
  t.write(out);
}

void IntNStringReceiver::pauseProducing() {
  paused = true;
  if (IProducer* producer = transportAsProducer(transport)) producer->pauseProducing();
}

void IntNStringReceiver::resumeProducing() {
  paused = false;
  if (IProducer* producer = transportAsProducer(transport)) producer->resumeProducing();
  dataReceived({});
}

void IntNStringReceiver::stopProducing() {
  paused = true;
  if (IProducer* producer = transportAsProducer(transport)) producer->stopProducing();
}

}  // namespace twist
