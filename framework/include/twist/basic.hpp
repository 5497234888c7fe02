// basic.hpp — line, netstring and length-prefixed protocols (Twisted:
// twisted.protocols.basic).
//
// TCP delivers a stream of bytes, not messages: one dataReceived may hold half
// a message, or three and a half. These protocols do the framing, so that your
// code is called once per message, however the bytes were cut:
//
//   struct Chat : twist::LineReceiver {
//     void lineReceived(std::string_view line) override { sendLine(line); }
//   };
//
// Each parses exactly as Twisted does, byte for byte, including its limits and
// what it does with bad input, so a twist peer and a Twisted peer understand
// each other (framework/tests/interop/ checks it against Twisted itself).
//
// What every receiver here shares:
// - A received message is a std::string_view into the receiver's buffer (or
//   into the bytes being received), valid only until the callback returns: copy it (std::string(line)) to keep
//   it. Twisted hands over a fresh bytes object; C++ avoids the copy.
// - In LineReceiver, NetstringReceiver and the int-prefixed receivers, a
//   dataReceived from inside a callback (setLineMode(extra), resumeProducing)
//   queues the bytes; the running loop parses them when the callback returns,
//   so messages come in order and callbacks never nest (as Twisted's
//   LineReceiver does; its other receivers parse them at once, nested). After
//   lineLengthExceeded or lengthLimitExceeded the loop stops, so they wait for
//   the next read, as in Twisted. LineOnlyReceiver is Twisted's, nesting.
// - send* and the default reactions to bad input need a transport (after
//   makeConnection); without one they throw std::logic_error (Twisted raises
//   AttributeError on None).
//
// Ownership: these are Protocols (protocol.hpp): a connection owns the one it
// was built for, and `transport` is not owned. A receiver keeps no pointer to
// the bytes it was given; it copies what it has not parsed yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "twist/protocol.hpp"
#include "twist/transport.hpp"

namespace twist {

namespace detail {

// The receive buffer of LineReceiver, NetstringReceiver and IntNStringReceiver.
//
//   bytes_: [ consumed | rest ............ ]   pending_: [ arrived while busy ]
//                      ^pos_
//
// Parsing consumes by moving pos_, never by erasing, because the string_view a
// callback was given points into bytes_: bytes_ is left untouched until the
// callback returns, and bytes that arrive meanwhile wait in pending_.
// absorbPending() (between callbacks) and settle() (when dataReceived returns)
// move them over; only settle() drops the consumed prefix in the common case,
// so a read holding many messages is compacted once, not once per message.
class ReceiveBuffer {
 public:
  std::string_view rest() const { return std::string_view(bytes_).substr(pos_); }
  std::size_t size() const { return bytes_.size() - pos_; }
  bool hasPending() const { return !pending_.empty(); }
  void consume(std::size_t n) { pos_ += n; }
  void consumeAll() { pos_ = bytes_.size(); }
  // busy: a callback may hold a view into bytes_, so queue instead.
  void append(std::string_view data, bool busy) { (busy ? pending_ : bytes_).append(data); }
  // Everything not consumed yet, pending included; leaves the buffer empty.
  std::string take();
  // These two only when no callback holds a view.
  void absorbPending() {
    if (!pending_.empty()) settle();
  }
  void settle();

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
  std::string pending_;
};

}  // namespace detail

// LineReceiver: calls lineReceived once per line ending in `delimiter`
// ("\r\n"), without the delimiter; in raw mode, rawDataReceived with whatever
// bytes arrive (HTTP bodies, file uploads), until setLineMode().
//
//   class Echo(LineReceiver):                    struct Echo : twist::LineReceiver {
//       def lineReceived(self, line):              void lineReceived(std::string_view line) override {
//           self.sendLine(line)                      sendLine(line);
//                                                  }
//                                                };
//
// Limits: a line of MAX_LENGTH (16384) bytes is fine; a longer one calls
// lineLengthExceeded with everything buffered from that line on
// (line + delimiter + the rest); with no delimiter yet, once MAX_LENGTH +
// delimiter.size() bytes are buffered, lineLengthExceeded(buffer). The
// buffer is emptied first; the default lineLengthExceeded calls
// transport->loseConnection().
//
// Stopping: parsing stops after a line once transport->disconnecting is set
// (what is left stays buffered), and while paused (pauseProducing).
// C++ difference: lineReceived returns void; Twisted also stops when
// lineReceived returns a true value (a deprecated way to drop the connection),
// which in twist is transport->loseConnection().
//
// As in Twisted, it is a push producer (IProducer): pauseProducing() stops
// delivering lines and pauses the transport, resumeProducing() resumes it
// and parses what is buffered. The transport is paused only if it is an
// IProducer itself (Twisted calls transport.pauseProducing()).
// An empty delimiter is never found (Twisted's split raises ValueError, which
// it catches), so lines only end by lineLengthExceeded.
class LineReceiver : public Protocol, public IProducer {
 public:
  // Every line, without its delimiter; valid only during the call.
  virtual void lineReceived(std::string_view line) = 0;
  // Bytes received in raw mode. The default throws std::logic_error (Twisted:
  // NotImplementedError): a protocol that calls setRawMode() overrides it.
  virtual void rawDataReceived(std::string_view data);
  // A line (or unterminated buffer) longer than allowed; `line` is what was
  // buffered from it on. The default calls transport->loseConnection().
  virtual void lineLengthExceeded(std::string_view line);

  void dataReceived(std::string_view data) override;
  // Writes line + delimiter in one write.
  void sendLine(std::string_view line);
  // From now on bytes go to rawDataReceived, starting with what is buffered.
  void setRawMode() { line_mode = false; }
  // Back to lines; `extra` (bytes a rawDataReceived did not use) is parsed
  // for lines first. Do not pass extra from inside lineReceived (Twisted: same).
  void setLineMode(std::string_view extra = {});
  // Returns what is buffered and not yet parsed, and forgets it; callable
  // from lineReceived (the rest after the current line).
  std::string clearLineBuffer() { return buffer_.take(); }

  // IProducer (Twisted: _PauseableMixin).
  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override;

  std::string delimiter = "\r\n";
  std::size_t MAX_LENGTH = 16384;
  bool line_mode = true;  // Twisted's name; setRawMode/setLineMode set it
  bool paused = false;

 private:
  detail::ReceiveBuffer buffer_;
  bool busyReceiving_ = false;
};

// LineOnlyReceiver: lines only, no raw mode, no pausing; Twisted's faster,
// simpler line parser, with the same defaults (delimiter "\r\n", MAX_LENGTH
// 16384) and its own, slightly different, limit rules:
//
//   class Cmd(LineOnlyReceiver):                 struct Cmd : twist::LineOnlyReceiver {
//       def lineReceived(self, line): ...          void lineReceived(std::string_view line) override;
//                                                };
//
// Each dataReceived splits everything buffered at every delimiter, keeps the
// unterminated tail, then delivers the lines in order. It stops (dropping the
// lines after it) at a line longer than MAX_LENGTH, which goes to
// lineLengthExceeded, and before a line when transport->disconnecting is set.
// A tail longer than MAX_LENGTH goes to lineLengthExceeded and stays
// buffered. sendLine writes line and delimiter with writeSequence. An empty
// delimiter throws std::invalid_argument from dataReceived (Twisted:
// ValueError).
class LineOnlyReceiver : public Protocol {
 public:
  virtual void lineReceived(std::string_view line) = 0;
  // The default calls transport->loseConnection().
  virtual void lineLengthExceeded(std::string_view line);

  void dataReceived(std::string_view data) override;
  void sendLine(std::string_view line);

  std::string delimiter = "\r\n";
  std::size_t MAX_LENGTH = 16384;

 private:
  std::string buffer_;
};

// NetstringReceiver: messages framed as netstrings, "<len>:<data>," with len
// in decimal and no leading zeros ("5:hello,", "0:,"); see
// http://cr.yp.to/proto/netstrings.txt.
//
//   class Msgs(NetstringReceiver):               struct Msgs : twist::NetstringReceiver {
//       def stringReceived(self, s):               void stringReceived(std::string_view s) override {
//           self.sendString(s.upper())                sendString(s);
//                                                  }
//                                                };
//
// Bad input — a length that is not digits ("abc", ":a,"), has a leading zero
// ("01:a,"), is over MAX_LENGTH (99999), or a payload not followed by ','
// ("2:aaa,") — calls transport->loseConnection() and sets brokenPeer; nothing
// after it is ever delivered. Errors are found as early as Twisted finds
// them: "999999" is refused before its ':' arrives, and, like Twisted's
// regex, digits followed by a single "\n" wait for more bytes before failing.
// Parsing does not stop on transport->disconnecting (Twisted does not either).
// Twisted resets the parser in makeConnection; twist's starts fresh at
// construction (makeConnection is not virtual), the same for one connection.
class NetstringReceiver : public Protocol {
 public:
  // Every payload, without its framing; valid only during the call.
  virtual void stringReceived(std::string_view string) = 0;

  void dataReceived(std::string_view data) override;
  // Writes "<size>:<string>," in one write. MAX_LENGTH does not apply.
  void sendString(std::string_view string);

  std::size_t MAX_LENGTH = 99999;
  bool brokenPeer = false;

 private:
  enum class State { ParsingLength, ParsingPayload };
  enum class Step { Done, Incomplete, ParseError };
  Step consumeData();
  Step consumeLength();
  Step extractLength(std::string_view digits, std::size_t& length) const;
  Step consumePayload();
  std::size_t remaining() const;

  detail::ReceiveBuffer buffer_;  // payload state: [payload so far | remaining]
  State state_ = State::ParsingLength;
  std::size_t expectedPayloadSize_ = 0;  // the payload plus its ','
  std::size_t currentPayloadSize_ = 0;
  bool busyReceiving_ = false;
};

// What sendString throws for a string its length prefix cannot express
// (Twisted: StringTooLongError, an AssertionError).
class StringTooLongError : public std::length_error {
 public:
  using std::length_error::length_error;
};

// IntNStringReceiver: messages prefixed by their length as an unsigned
// big-endian integer of prefixLength bytes (Twisted's struct "!I", "!H",
// "!B"). Use Int32StringReceiver, Int16StringReceiver or Int8StringReceiver.
//
//   class Msgs(Int32StringReceiver):             struct Msgs : twist::Int32StringReceiver {
//       def stringReceived(self, s): ...           void stringReceived(std::string_view s) override;
//                                                };
//   sendString(b"foo") -> b"\x00\x00\x00\x03foo" sendString("foo") -> "\0\0\0\3foo"
//
// A prefix over MAX_LENGTH (99999) calls lengthLimitExceeded(length) as soon
// as the prefix has arrived; the default calls transport->loseConnection().
// That prefix stays buffered, so more data calls it again. sendString of
// 2^(8*prefixLength) bytes or more throws StringTooLongError. Like
// LineReceiver, it is a push producer: while paused, nothing is delivered.
// C++ difference: Twisted, after lengthLimitExceeded (or an exception from
// stringReceived), re-delivers the strings that came before it in the same
// read on the next dataReceived (its buffer is not trimmed on those paths);
// twist delivers each string once.
// Twisted's deprecated `recvd` attribute is not offered.
class IntNStringReceiver : public Protocol, public IProducer {
 public:
  // prefixLength: 1 to 8 bytes, else std::invalid_argument.
  explicit IntNStringReceiver(std::size_t prefixLength);

  virtual void stringReceived(std::string_view string) = 0;
  // The default calls transport->loseConnection().
  virtual void lengthLimitExceeded(std::size_t length);

  void dataReceived(std::string_view data) override;
  void sendString(std::string_view string);

  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override;

  const std::size_t prefixLength;
  std::size_t MAX_LENGTH = 99999;
  bool paused = false;

 private:
  detail::ReceiveBuffer buffer_;
  bool busyReceiving_ = false;
};

// "!I": 4-byte length, up to 2^32 - 1 bytes sent.
class Int32StringReceiver : public IntNStringReceiver {
 public:
  Int32StringReceiver() : IntNStringReceiver(4) {}
};

// "!H": 2-byte length, up to 65535 bytes sent.
class Int16StringReceiver : public IntNStringReceiver {
 public:
  Int16StringReceiver() : IntNStringReceiver(2) {}
};

// "!B": 1-byte length, up to 255 bytes sent.
class Int8StringReceiver : public IntNStringReceiver {
 public:
  Int8StringReceiver() : IntNStringReceiver(1) {}
};

}  // namespace twist
