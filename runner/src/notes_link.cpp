// notes_link.cpp — the presenter <-> notes windows link (notes_link.hpp says
// what it promises).
#include "notes_link.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>
#include <signal.h>

#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/logger.hpp"
#include "twist/tcp.hpp"

namespace twistlings {

// A named namespace, not an anonymous one: the runner is built in unity
// batches, where two files' anonymous helpers would collide.
namespace notes_link_detail {

// Lines are short (the longest: "DECK " + 64 + " " + 6 digits): a longer one
// is not ours, and refusing it early keeps what a peer can make us buffer small.
constexpr std::size_t kMaxLine = 256;
constexpr std::size_t kMaxLesson = 64;
constexpr std::size_t kMaxSlides = 100000;
constexpr double kMaxSeconds = 1e9;  // ~31 years: keeps "%.3f" exact enough and short
constexpr double kMaxMinutes = 1e6;

const twist::Logger& log() {
  static const twist::Logger logger{"twistlings.notes"};
  return logger;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t space = line.find(' ', start);
    out.push_back(line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) return out;
    start = space + 1;
  }
}

// A slide number or count: decimal digits only, no sign, at most 9 of them.
bool slideCount(std::string_view text, std::size_t& out) {
  if (text.empty() || text.size() > 9) return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return true;
}

// A time: digits with at most one '.', a digit on each side of it; no sign,
// no exponent, no "inf" or "nan".
bool decimal(std::string_view text, double& out) {
  if (text.empty() || text.size() > 24) return false;
  std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(fraction)) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::fixed);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

bool lessonId(std::string_view text) {
  if (text.empty() || text.size() > kMaxLesson) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// "125.5", "20", "0.001": to the millisecond, without trailing zeros.
std::string seconds(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", value);
  std::string out(text);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

// A line for a log message: bounded, and with control bytes shown.
std::string quoted(std::string_view line) {
  std::string out = "\"";
  for (char c : line.substr(0, 80)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out + (line.size() > 80 ? "\"..." : "\"");
}

NotesParse refuse(std::string_view line, const std::string& why) {
  return {std::nullopt, quoted(line) + ": " + why};
}

NotesParse parseKey(std::string_view line, const std::vector<std::string_view>& w) {
  using K = NotesKey::Kind;
  NotesMessage m;
  m.kind = NotesMessage::Kind::key;
  static const std::pair<std::string_view, K> simple[] = {
      {"next", K::next}, {"prev", K::prev}, {"first", K::first}, {"last", K::last}, {"timer", K::timer}};
  if (w.size() == 2) {
    for (const auto& [name, kind] : simple) {
      if (w[1] == name) {
        m.key.kind = kind;
        return {m, ""};
      }
    }
  }
  if (w.size() == 3 && w[1] == "goto") {
    if (!slideCount(w[2], m.key.slide) || m.key.slide < 1 || m.key.slide > kMaxSlides)
      return refuse(line, "expected a slide number from 1 after KEY goto");
    m.key.kind = K::go;
    return {m, ""};
  }
  return refuse(line, "expected KEY next, prev, first, last, timer or goto <n>");
}

}  // namespace notes_link_detail

NotesParse parseNotesLine(std::string_view line) {
  namespace d = notes_link_detail;
  if (line.size() > d::kMaxLine) return d::refuse(line, "longer than " + std::to_string(d::kMaxLine) + " bytes");
  std::vector<std::string_view> w = d::words(line);
  NotesMessage m;
  if (w[0] == "DECK") {
    if (w.size() != 3) return d::refuse(line, "expected DECK <lesson-id> <slides>");
    if (!d::lessonId(w[1])) return d::refuse(line, "a lesson id is 1 to 64 of A-Z a-z 0-9 . _ -");
    if (!d::slideCount(w[2], m.slides) || m.slides < 1 || m.slides > d::kMaxSlides)
      return d::refuse(line, "expected a slide count from 1 to " + std::to_string(d::kMaxSlides));
    m.kind = NotesMessage::Kind::deck;
    m.lesson = std::string(w[1]);
    return {m, ""};
  }
  if (w[0] == "SLIDE") {
    if (w.size() != 3) return d::refuse(line, "expected SLIDE <n> <slides>");
    if (!d::slideCount(w[1], m.slide) || !d::slideCount(w[2], m.slides) || m.slides < 1 || m.slides > d::kMaxSlides ||
        m.slide < 1 || m.slide > m.slides)
      return d::refuse(line, "expected 1 <= n <= slides <= " + std::to_string(d::kMaxSlides));
    m.kind = NotesMessage::Kind::slide;
    return {m, ""};
  }
  if (w[0] == "TIMER") {
    if (w.size() != 3) return d::refuse(line, "expected TIMER <seconds used> <talk minutes>");
    if (!d::decimal(w[1], m.seconds) || m.seconds > d::kMaxSeconds || !d::decimal(w[2], m.minutes) ||
        m.minutes > d::kMaxMinutes)
      return d::refuse(line, "expected two decimal numbers, e.g. TIMER 125.5 20");
    m.kind = NotesMessage::Kind::timer;
    return {m, ""};
  }
  if (w[0] == "KEY") return d::parseKey(line, w);
  return d::refuse(line, "unknown message (expected DECK, SLIDE, TIMER or KEY)");
}

std::string formatNotesLine(const NotesMessage& message) {
  namespace d = notes_link_detail;
  switch (message.kind) {
    case NotesMessage::Kind::deck:
      return "DECK " + message.lesson + " " + std::to_string(message.slides);
    case NotesMessage::Kind::slide:
      return "SLIDE " + std::to_string(message.slide) + " " + std::to_string(message.slides);
    case NotesMessage::Kind::timer:
      return "TIMER " + d::seconds(message.seconds) + " " + d::seconds(message.minutes);
    case NotesMessage::Kind::key:
      break;
  }
  switch (message.key.kind) {
    case NotesKey::Kind::next: return "KEY next";
    case NotesKey::Kind::prev: return "KEY prev";
    case NotesKey::Kind::first: return "KEY first";
    case NotesKey::Kind::last: return "KEY last";
    case NotesKey::Kind::timer: return "KEY timer";
    case NotesKey::Kind::go: break;
  }
  return "KEY goto " + std::to_string(message.key.slide);
}

// ---- discovery ----------------------------------------------------------------

std::filesystem::path slidesSessionFile(const std::filesystem::path& stateDir) {
  return stateDir / "slides-session.json";
}

std::optional<int> readPresenterPort(const std::filesystem::path& sessionFile, std::string* why) {
  auto no = [&](std::string reason) -> std::optional<int> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  std::ifstream in(sessionFile);
  if (!in) return no("no presenter yet: " + sessionFile.string() + " does not exist");
  nlohmann::json session = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!session.is_object()) return no(sessionFile.string() + " is not a JSON object (being rewritten?)");
  auto port = session.find("port");
  if (port == session.end() || !port->is_number_integer() || port->get<long long>() < 1 ||
      port->get<long long>() > 65535)
    return no(sessionFile.string() + " has no port from 1 to 65535");
  auto pid = session.find("pid");
  if (pid == session.end()) return no("the presenter has left (no pid in " + sessionFile.string() + ")");
  if (!pid->is_number_integer() || pid->get<long long>() < 1 || pid->get<long long>() > 0x7fffffff)
    return no(sessionFile.string() + " has a pid that is not a process id");
  if (::kill(static_cast<pid_t>(pid->get<long long>()), 0) != 0 && errno == ESRCH)
    return no("the presenter (pid " + std::to_string(pid->get<long long>()) + ") is no longer running");
  return static_cast<int>(port->get<long long>());
}

// ---- the presenter's side ----------------------------------------------------------

// One notes window, as the presenter sees it. Its connection owns it; the
// server refers to it while it is connected, and it to the server until the
// server is destroyed (server_ then null: it ignores what comes).
class NotesWindowProtocol final : public twist::LineReceiver {
 public:
  explicit NotesWindowProtocol(NotesServer* server) : server_(server) {
    MAX_LENGTH = notes_link_detail::kMaxLine;
  }

  void connectionMade() override {
    if (!server_) return transport->abortConnection();
    server_->windows_.push_back(this);
    server_->sendState(*this);
  }

  void lineReceived(std::string_view line) override {
    if (!server_ || dropped) return;
    NotesParse parsed = parseNotesLine(line);
    if (!parsed.message || parsed.message->kind != NotesMessage::Kind::key) {
      drop(parsed.message ? "sent " + notes_link_detail::quoted(line) + ", which only a presenter sends"
                          : parsed.error,
           false);
      return;
    }
    server_->keyReceived(parsed.message->key);
  }

  void lineLengthExceeded(std::string_view line) override {
    drop("sent a line longer than " + std::to_string(MAX_LENGTH) + " bytes (" + std::to_string(line.size()) +
             " buffered)",
         false);
  }

  void connectionLost(twist::Failure) override {
    if (server_) server_->forget(this);
  }

  // Forgets this window and closes it: politely after a bad line (what was
  // sent still goes), at once when it does not read (what was sent is the problem).
  void drop(const std::string& why, bool abort) {
    if (dropped) return;
    dropped = true;
    notes_link_detail::log().warn("notes window at {peer} dropped: {why}",
                                  {{"peer", transport->getPeer().str()}, {"why", why}});
    if (server_) server_->forget(this);
    if (abort) {
      transport->abortConnection();
    } else {
      transport->loseConnection();
    }
  }

  NotesServer* server_;
  bool dropped = false;
};

NotesServer::NotesServer(KeyHandler onKey) : onKey_(std::move(onKey)) {
  unsentBytes = [](const twist::ITransport& transport) -> std::size_t {
    auto* tcp = dynamic_cast<const twist::ITCPTransport*>(&transport);
    return tcp ? tcp->bufferedBytes() : 0;
  };
}

NotesServer::~NotesServer() {
  std::vector<NotesWindowProtocol*> windows;
  windows.swap(windows_);
  for (NotesWindowProtocol* window : windows) {
    window->server_ = nullptr;
    window->dropped = true;
    window->transport->abortConnection();
  }
}

std::unique_ptr<twist::Protocol> NotesServer::buildProtocol(const twist::Address&) {
  auto window = std::make_unique<NotesWindowProtocol>(this);
  window->factory = this;
  return window;
}

int NotesServer::listenLoopback(twist::IReactorTCP& reactor) {
  if (port_) throw std::logic_error("NotesServer::listenLoopback: already listening");
  port_ = twist::listenTCP(reactor, 0, *this, 50, "127.0.0.1");
  return port_->getHost().port;
}

twist::Deferred<void> NotesServer::stop() {
  std::vector<NotesWindowProtocol*> windows = windows_;
  for (NotesWindowProtocol* window : windows) window->transport->loseConnection();
  if (!port_) return twist::succeed();
  auto port = std::exchange(port_, nullptr);
  return port->stopListening();
}

// What the windows would refuse is the caller's mistake: say so here, where
// it is made, rather than have every window drop its presenter.
void NotesServer::checkSendable(const NotesMessage& message, const char* what) {
  NotesParse parsed = parseNotesLine(formatNotesLine(message));
  if (!parsed.message) throw std::invalid_argument(std::string("NotesServer::") + what + ": " + parsed.error);
}

void NotesServer::setDeck(std::string lessonId, std::size_t slides) {
  NotesMessage m;
  m.kind = NotesMessage::Kind::deck;
  m.lesson = std::move(lessonId);
  m.slides = slides;
  checkSendable(m, "setDeck");
  if (deck_ == m) return;
  deck_ = m;
  broadcast(m);
  slide_.reset();  // the old deck's: setSlide follows
}

void NotesServer::setSlide(std::size_t slide) {
  if (!deck_) throw std::invalid_argument("NotesServer::setSlide: before setDeck");
  NotesMessage m;
  m.kind = NotesMessage::Kind::slide;
  m.slide = slide;
  m.slides = deck_->slides;
  checkSendable(m, "setSlide");
  if (slide_ == m) return;
  slide_ = m;
  broadcast(m);
}

void NotesServer::setTimer(double secondsUsed, double talkMinutes) {
  NotesMessage m;
  m.kind = NotesMessage::Kind::timer;
  m.seconds = std::clamp(std::isfinite(secondsUsed) ? secondsUsed : 0.0, 0.0, notes_link_detail::kMaxSeconds);
  m.minutes = std::clamp(std::isfinite(talkMinutes) ? talkMinutes : 0.0, 0.0, notes_link_detail::kMaxMinutes);
  if (timer_ == m) return;
  timer_ = m;
  broadcast(m);
}

void NotesServer::broadcast(const NotesMessage& message) {
  std::vector<NotesWindowProtocol*> windows = windows_;  // send may drop one
  for (NotesWindowProtocol* window : windows) send(*window, message);
}

void NotesServer::sendState(NotesWindowProtocol& window) {
  for (const auto* fact : {&deck_, &slide_, &timer_}) {
    if (*fact) send(window, **fact);
  }
}

void NotesServer::send(NotesWindowProtocol& window, const NotesMessage& message) {
  if (window.dropped) return;
  window.sendLine(formatNotesLine(message));
  std::size_t unsent = unsentBytes ? unsentBytes(*window.transport) : 0;
  if (unsent > maxUnsent)
    window.drop("not reading: " + std::to_string(unsent) + " bytes unsent, more than " + std::to_string(maxUnsent),
                true);
}

void NotesServer::forget(NotesWindowProtocol* window) {
  windows_.erase(std::remove(windows_.begin(), windows_.end(), window), windows_.end());
}

void NotesServer::keyReceived(const NotesKey& key) {
  if (onKey_) twist::callContained(notes_link_detail::log(), "the presenter's key handler", [&] { onKey_(key); });
}

// ---- the notes window's side ----------------------------------------------------------

// The connection to the presenter, inside ClientService's proxy. client_ is
// null once the NotesClient is gone.
class PresenterProtocol final : public twist::LineReceiver {
 public:
  explicit PresenterProtocol(NotesClient* client) : client_(client) { MAX_LENGTH = notes_link_detail::kMaxLine; }

  void connectionMade() override {
    if (client_) client_->connected(this);
  }

  void lineReceived(std::string_view line) override {
    if (!client_ || refused_) return;
    NotesParse parsed = parseNotesLine(line);
    if (!parsed.message || parsed.message->kind == NotesMessage::Kind::key) {
      refuse(parsed.message ? "sent " + notes_link_detail::quoted(line) + ", which only a notes window sends"
                            : parsed.error);
      return;
    }
    client_->apply(*parsed.message);
  }

  void lineLengthExceeded(std::string_view line) override {
    refuse("sent a line longer than " + std::to_string(MAX_LENGTH) + " bytes (" + std::to_string(line.size()) +
           " buffered)");
  }

  void connectionLost(twist::Failure) override {
    if (client_) client_->lost(this);
  }

  void refuse(const std::string& why) {
    refused_ = true;
    notes_link_detail::log().warn("presenter at {peer} dropped: {why}",
                                  {{"peer", transport->getPeer().str()}, {"why", why}});
    transport->loseConnection();
  }

  NotesClient* client_;

 private:
  bool refused_ = false;
};

// Connects to 127.0.0.1 at the port the session file names, read afresh on
// every attempt (a restarted presenter has a new port); no port is a failed
// attempt, which ClientService retries.
class NotesClient::SessionEndpoint final : public twist::IStreamClientEndpoint {
 public:
  SessionEndpoint(twist::IReactorTCP& reactor, std::filesystem::path file, NotesClient& client)
      : reactor_(reactor), file_(std::move(file)), client_(client) {}

  twist::Deferred<twist::Protocol*> connect(twist::Factory& factory) override {
    std::string why;
    std::optional<int> port = readPresenterPort(file_, &why);
    if (!port) {
      client_.attemptFailed(why);
      return twist::fail<twist::Protocol*>(twist::ConnectError(why));
    }
    twist::TCP4ClientEndpoint tcp(reactor_, "127.0.0.1", *port, kConnectTimeout);
    NotesClient* client = &client_;
    std::weak_ptr<bool> alive = client_.alive_;
    return tcp.connect(factory).addErrback([client, alive](twist::Failure& failure) -> twist::Protocol* {
      if (!alive.expired()) client->attemptFailed("the presenter's port: " + failure.getErrorMessage());
      failure.raise();
    });
  }

 private:
  // Loopback answers at once; a presenter stopped with ^Z does not accept.
  static constexpr double kConnectTimeout = 2;
  twist::IReactorTCP& reactor_;
  std::filesystem::path file_;
  NotesClient& client_;
};

NotesClient::NotesClient(twist::IReactorTime& clock, twist::IReactorTCP& reactor, std::filesystem::path sessionFile,
                         ChangeHandler onChange)
    : clock_(clock), onChange_(std::move(onChange)) {
  view_.waiting = "not started";
  factory_ = std::make_unique<twist::Factory>();
  factory_->protocol = [this]() -> std::unique_ptr<twist::Protocol> {
    return std::make_unique<PresenterProtocol>(this);
  };
  // 0.375 s, 0.56, 0.84, then every second: a presenter that starts is
  // followed within a second, and a waiting window costs a file read a second.
  twist::RetryPolicy retry = twist::backoffPolicy(0.25, 1.0, 1.5, [] { return 0.0; });
  std::string description = "the presenter (" + sessionFile.string() + ")";
  service_ = std::make_unique<twist::ClientService>(
      clock, std::make_unique<SessionEndpoint>(reactor, std::move(sessionFile), *this), *factory_, std::move(retry),
      std::move(description));
}

NotesClient::~NotesClient() {
  alive_.reset();
  // Still connected: the protocol outlives us until its connection closes, so
  // it forgets us first; the service's destruction then aborts the connection.
  if (presenter_) presenter_->client_ = nullptr;
  presenter_ = nullptr;
  service_.reset();  // cancels a pending retry or attempt, aborts a connection
}

void NotesClient::start() { service_->startService(); }

twist::Deferred<void> NotesClient::stop() { return service_->stopService(); }

bool NotesClient::sendKey(const NotesKey& key) {
  if (!presenter_ || !presenter_->transport || presenter_->transport->disconnecting) return false;
  NotesMessage m;
  m.kind = NotesMessage::Kind::key;
  m.key = key;
  presenter_->sendLine(formatNotesLine(m));
  return true;
}

void NotesClient::connected(PresenterProtocol* presenter) {
  presenter_ = presenter;
  view_.connected = true;
  view_.waiting.clear();
  changed();
}

void NotesClient::lost(PresenterProtocol* presenter) {
  if (presenter_ != presenter) return;
  presenter_ = nullptr;
  view_.connected = false;
  view_.waiting = "the presenter has gone; waiting for it";
  changed();
}

void NotesClient::apply(const NotesMessage& message) {
  switch (message.kind) {
    case NotesMessage::Kind::deck:
      view_.lesson = message.lesson;
      view_.slides = message.slides;
      if (view_.slide > view_.slides) view_.slide = 0;
      break;
    case NotesMessage::Kind::slide:
      view_.slide = message.slide;
      view_.slides = message.slides;
      break;
    case NotesMessage::Kind::timer:
      view_.talkSecondsUsed = message.seconds;
      view_.talkMinutes = message.minutes;
      view_.timerReceivedAt = clock_.seconds();
      view_.timerKnown = true;
      break;
    case NotesMessage::Kind::key:
      return;  // refused by the protocol before it comes here
  }
  changed();
}

void NotesClient::attemptFailed(std::string why) {
  if (view_.connected || view_.waiting == why) return;
  view_.waiting = std::move(why);
  changed();
}

void NotesClient::changed() {
  if (onChange_) twist::callContained(notes_link_detail::log(), "the notes window's change handler", [&] {
      onChange_(view_);
    });
}

}  // namespace twistlings
