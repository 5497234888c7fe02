// notes_link.hpp — the link between the presenter (`twistlings slides`) and
// its notes windows (`twistlings slides --notes`, a second terminal): a
// loopback TCP connection carrying a small line protocol, written in twist
// (issue 12 §2).
//
//   presenter                                     notes window(s)
//   NotesServer (a Factory)  <-- 127.0.0.1:port -->  NotesClient (a ClientService)
//     listenLoopback() -> port, written by             reads the port from
//     the presenter into slides-session.json            slides-session.json on
//                                                       every attempt
//
// The protocol: one fact a line, "\r\n"-terminated (LineReceiver's default,
// so `telnet 127.0.0.1 PORT` can talk it), words separated by one space.
//
//   presenter -> notes: DECK <lesson-id> <slides>      e.g. DECK 02-reactor 9
//                       SLIDE <n> <slides>             e.g. SLIDE 3 9
//                       TIMER <seconds used> <talk minutes>   e.g. TIMER 125.5 20
//   notes -> presenter: KEY next | KEY prev | KEY first | KEY last
//                       KEY timer (restart the talk timer) | KEY goto <n>
//
// A new notes window is sent DECK, SLIDE and TIMER at once; afterwards each
// change sends only its own line. The notes travel as the slide number, not
// as text: the notes window parses the same deck file (slides/<id>.md, the
// same repository) with parseDeck, which gives it the notes and the next
// slide's title too. So no escaping, lines stay short (MAX_LENGTH is 256, not
// 16 KiB: a notes window or a stray client cannot make the presenter buffer
// much), and the presenter sends a few bytes a change. The cost: both ends
// must read the same file; DECK carries the slide count so a notes window
// whose deck differs (edited meanwhile) re-reads it.
// TIMER carries the seconds used when it was sent; the notes window adds its
// own clock's time since (PresenterView::talkSecondsNow), so the presenter
// does not send a line a second. It is sent on connect and when the timer is
// restarted or the talk minutes change.
//
// Bad input, on either end: a line over MAX_LENGTH calls lineLengthExceeded,
// which drops that peer; a line that does not parse (parseNotesLine says why),
// or a message for the other direction, is logged (namespace
// "twistlings.notes") and drops that peer. A dropped notes window may
// reconnect; a notes window that drops its presenter retries, as after any
// lost connection. Both ends are the same binary, so there is no version
// negotiation.
//
// Bounded: a notes window that does not read (stopped with ^Z, a stuck
// terminal) must not grow the presenter. After each write, a window whose
// unsent bytes (ITCPTransport::bufferedBytes: what the kernel has not taken)
// pass NotesServer::maxUnsent (64 KiB, about 4000 slide changes) is aborted
// and logged; the presenter goes on. The presenter's keys never wait for a
// window.
//
// Either end quitting leaves the other running: the presenter forgets a
// window whose connection is lost; a notes window whose presenter quits shows
// "waiting" (PresenterView::connected false, its last state kept) and tries
// again, every 0.25 s growing to at most 1 s (backoffPolicy). A notes window
// started first waits the same way: the session file is missing, or has no
// "pid" (the presenter left), or its port refuses the connection.
//
// Threads: everything here runs on the reactor's thread. Logging: failures
// and dropped peers are logged under "twistlings.notes", retries by twist
// under "twist.application" (info); a full-screen caller installs a log
// observer that keeps them off the screen.
//
// Ownership:
// - NotesServer is the Factory of the presenter's connections; it must
//   outlive its port (the port calls its doStop when closed): destroy it once
//   stop()'s Deferred has fired, or after Reactor::run() has returned (the
//   shutdown closes the port). Windows still connected then are aborted and
//   detached (their protocols, owned by their connections, ignore their last
//   callbacks).
// - NotesClient owns its ClientService, endpoint and factory. It may be
//   destroyed in any state, as its ClientService may: a connection still open
//   is detached from it first (no line or loss reaches it after), then
//   aborted. stop() first is the polite way (the presenter sees the window
//   leave). The reactor and the clock must outlive it.
// - The callbacks (onKey, onChange) are copied in; they are called on the
//   reactor's thread and must not destroy the object that calls them. An
//   exception they throw is logged and contained.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twist/application.hpp"
#include "twist/deferred.hpp"
#include "twist/protocol.hpp"
#include "twist/time.hpp"

namespace twistlings {

// ---- the protocol, as values (pure functions: fuzzed and unit-tested) ------

// A key a notes window sends, which the presenter applies as its own.
struct NotesKey {
  enum class Kind { next, prev, first, last, go, timer };  // go: "goto <slide>"
  Kind kind = Kind::next;
  std::size_t slide = 0;  // for go: 1-based
  bool operator==(const NotesKey&) const = default;
};

// One line of the protocol.
struct NotesMessage {
  enum class Kind { deck, slide, timer, key };
  Kind kind = Kind::slide;
  std::string lesson;        // deck: [A-Za-z0-9._-], 1 to 64 characters
  std::size_t slide = 0;     // slide: 1 <= slide <= slides
  std::size_t slides = 0;    // deck, slide: 1 to 100000
  double seconds = 0;        // timer: finite, >= 0
  double minutes = 0;        // timer: finite, >= 0
  NotesKey key;              // key
  bool operator==(const NotesMessage&) const = default;
};

// What parseNotesLine makes of a line: the message, or why it is refused
// ("SLIDE 0 9: slide 0 is not in 1..9").
struct NotesParse {
  std::optional<NotesMessage> message;
  std::string error;  // empty when message is set
};

// Parses one line (without its delimiter). Strict: known words only, one
// space between words, decimal numbers (no sign, no exponent for counts,
// finite), the ranges above. Never throws.
NotesParse parseNotesLine(std::string_view line);
// The line for a message (without the delimiter); parseNotesLine reads it
// back as the same message (times to the millisecond).
std::string formatNotesLine(const NotesMessage& message);

// ---- discovery: the session file ------------------------------------------

// <state>/slides-session.json (state: Paths::state, <root>/.twistlings).
std::filesystem::path slidesSessionFile(const std::filesystem::path& stateDir);

// The presenter's port from the session file: nullopt when the file is
// missing or unreadable, not JSON, has no valid "port" (1..65535), or no
// "pid" (the presenter has left), or that pid is not a live process. `why`,
// when given, says which, for a notes window's status line. Never throws.
std::optional<int> readPresenterPort(const std::filesystem::path& sessionFile, std::string* why = nullptr);

// ---- the presenter's side ---------------------------------------------------

class NotesWindowProtocol;  // notes_link.cpp: one connected notes window

// Listens on 127.0.0.1, port 0, for any number of notes windows; sends each
// the state when it connects and every change; hands their keys to onKey.
class NotesServer : public twist::Factory {
 public:
  using KeyHandler = std::function<void(const NotesKey&)>;
  explicit NotesServer(KeyHandler onKey);
  ~NotesServer() override;
  NotesServer(const NotesServer&) = delete;
  NotesServer& operator=(const NotesServer&) = delete;

  // listenTCP(0, *this, 50, "127.0.0.1"); returns the port chosen, for the
  // session file's "port". Throws twist::CannotListenError. Call once.
  int listenLoopback(twist::IReactorTCP& reactor);
  // Stops listening and closes every window (each gets what was sent first);
  // fires once the port is closed. Idempotent; also done by the destructor.
  twist::Deferred<void> stop();

  // The presenter's state; each call sends the line that changed to every
  // window (nothing when the value is the same as before). A value the
  // windows would refuse (an empty lesson id, 0 slides, a slide outside
  // 1..slides, setSlide before setDeck) throws std::invalid_argument: it is
  // never sent, so a window never drops its presenter for our mistake.
  void setDeck(std::string lessonId, std::size_t slides);
  void setSlide(std::size_t slide);  // 1-based, of the deck's slides
  // The talk timer: seconds used now, and the lesson's talk minutes. Call
  // when it starts, restarts (`t`, KEY timer) and when the talk minutes change.
  // A negative or non-finite value is sent as 0.
  void setTimer(double secondsUsed, double talkMinutes);

  // Windows connected now.
  std::size_t windows() const { return windows_.size(); }
  // A window with more unsent bytes than this after a write is dropped.
  std::size_t maxUnsent = 64 * 1024;
  // How a window's unsent bytes are counted: by default the transport's
  // ITCPTransport::bufferedBytes (0 for another transport). A seam for tests
  // on a StringTransport, which never drains.
  std::function<std::size_t(const twist::ITransport&)> unsentBytes;

  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address& addr) override;

 private:
  friend class NotesWindowProtocol;
  void broadcast(const NotesMessage& message);
  void sendState(NotesWindowProtocol& window);
  void send(NotesWindowProtocol& window, const NotesMessage& message);
  void forget(NotesWindowProtocol* window);
  void keyReceived(const NotesKey& key);
  static void checkSendable(const NotesMessage& message, const char* what);

  KeyHandler onKey_;
  std::vector<NotesWindowProtocol*> windows_;  // not owned: their connections own them
  std::shared_ptr<twist::IListeningPort> port_;
  std::optional<NotesMessage> deck_, slide_, timer_;  // the state, as sent
};

// ---- the notes window's side --------------------------------------------------

// What a notes window knows of its presenter.
struct PresenterView {
  bool connected = false;    // false before the first connection and after it is lost
  std::string lesson;        // from DECK ("" until then); kept when disconnected
  std::size_t slides = 0;    // from DECK or SLIDE
  std::size_t slide = 0;     // 1-based; 0 until SLIDE
  double talkSecondsUsed = 0;  // from TIMER, as of timerReceivedAt
  double talkMinutes = 0;
  double timerReceivedAt = 0;  // the clock's seconds() when TIMER arrived
  bool timerKnown = false;
  std::string waiting;  // while not connected: why (no session file, refused, ...)

  // The talk seconds used at `now` (the same clock's seconds()).
  double talkSecondsNow(double now) const { return talkSecondsUsed + (now - timerReceivedAt); }
};

class PresenterProtocol;  // notes_link.cpp: the connection to the presenter

// Keeps a connection to the presenter found through the session file, and
// reconnects whenever it is lost; onChange is called with the new view after
// each line applied, and when the connection is made or lost.
class NotesClient {
 public:
  using ChangeHandler = std::function<void(const PresenterView&)>;
  NotesClient(twist::IReactorTime& clock, twist::IReactorTCP& reactor, std::filesystem::path sessionFile,
              ChangeHandler onChange);
  ~NotesClient();
  NotesClient(const NotesClient&) = delete;
  NotesClient& operator=(const NotesClient&) = delete;

  // Starts trying to connect (at once, then with the retry delays above).
  void start();
  // Stops trying and closes the connection; fires once it is closed.
  twist::Deferred<void> stop();
  // Sends a key to the presenter; false when not connected (it is dropped:
  // a key pressed while waiting means nothing to a presenter yet to come).
  bool sendKey(const NotesKey& key);

  const PresenterView& view() const { return view_; }

 private:
  friend class PresenterProtocol;
  class SessionEndpoint;
  void connected(PresenterProtocol* presenter);
  void lost(PresenterProtocol* presenter);
  void apply(const NotesMessage& message);
  void attemptFailed(std::string why);
  void changed();

  twist::IReactorTime& clock_;
  ChangeHandler onChange_;
  PresenterView view_;
  PresenterProtocol* presenter_ = nullptr;  // not owned: the connection owns it
  std::unique_ptr<twist::Factory> factory_;
  std::unique_ptr<twist::ClientService> service_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // expires first in ~NotesClient
};

}  // namespace twistlings
