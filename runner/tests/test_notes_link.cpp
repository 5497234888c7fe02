// The presenter <-> notes link (notes_link.hpp) without a network: the line
// protocol as values, the session file, and both ends in one test, the
// presenter's NotesServer and a NotesClient on a MemoryReactorClock, their
// bytes carried by hand between two StringTransports (cut where the test
// says). The same link over real loopback: test_notes_link_loopback.cpp.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "notes_link.hpp"
#include "temp_course.hpp"
#include "twist/error.hpp"
#include "twist/logger.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using twist_catch::Contains;

namespace {

using Kind = NotesMessage::Kind;
using Key = NotesKey::Kind;

NotesMessage parsed(std::string_view line) {
  NotesParse p = parseNotesLine(line);
  INFO(line << ": " << p.error);
  REQUIRE(p.message);
  CHECK(p.error.empty());
  return *p.message;
}

std::string refusal(std::string_view line) {
  NotesParse p = parseNotesLine(line);
  INFO(line);
  REQUIRE_FALSE(p.message);
  CHECK_FALSE(p.error.empty());
  return p.error;
}

// Log events under "twistlings.notes" while it lives.
struct NotesLog {
  NotesLog() {
    id = twist::globalLogPublisher().addObserver([this](const twist::LogEvent& e) {
      if (e.logNamespace == "twistlings.notes") texts.push_back(e.text());
    });
  }
  ~NotesLog() { twist::globalLogPublisher().removeObserver(id); }
  std::string all() const {
    std::string out;
    for (const std::string& t : texts) out += t + "\n";
    return out;
  }
  twist::LogPublisher::ObserverId id;
  std::vector<std::string> texts;
};

// A session file as the presenter writes it (pid: ours, alive; 0: none).
void writeSession(testing::TempCourse& dir, int port, long pid) {
  std::string text = R"({"lesson": "02-reactor", "slide": 1, "slides": 9, "started": 1, "updated": 2, "port": )" +
                     std::to_string(port) + (pid ? R"(, "pid": )" + std::to_string(pid) : std::string()) + "}";
  dir.write(".twistlings/slides-session.json", text);
}

// One connection: the presenter's end (built by the NotesServer) and the notes
// window's end (built through the endpoint's connectTCP), each on a
// StringTransport; pump() carries the bytes across.
struct Wire {
  std::unique_ptr<twist::Protocol> presenterEnd;
  std::unique_ptr<twist::Protocol> notesEnd;
  twist::StringTransport toNotes;      // what the presenter's end writes
  twist::StringTransport toPresenter;  // what the notes window's end writes
  bool presenterLost = false, notesLost = false;

  // Carries what each side wrote to the other, `chunk` bytes a dataReceived
  // (0: all at once), until neither has anything left.
  void pump(std::size_t chunk = 0) {
    while (!toNotes.value().empty() || !toPresenter.value().empty()) {
      carry(toNotes, *notesEnd, notesLost, chunk);
      carry(toPresenter, *presenterEnd, presenterLost, chunk);
    }
  }
  static void carry(twist::StringTransport& from, twist::Protocol& to, bool lost, std::size_t chunk) {
    std::string bytes = from.value();
    from.clear();
    if (lost) return;
    for (std::size_t at = 0; at < bytes.size(); at += chunk ? chunk : bytes.size())
      to.dataReceived(std::string_view(bytes).substr(at, chunk ? chunk : bytes.size()));
  }
  // The connection closes: each end gets connectionLost once.
  void close() {
    if (!presenterLost) presenterEnd->connectionLost(twist::Failure(twist::ConnectionDone()));
    if (!notesLost) notesEnd->connectionLost(twist::Failure(twist::ConnectionDone()));
    presenterLost = notesLost = true;
  }
};

// A presenter (NotesServer) and notes windows (NotesClients) on one
// MemoryReactorClock, found through a session file in a temporary directory.
struct Room {
  testing::TempCourse dir;
  twist::MemoryReactorClock reactor;
  std::vector<NotesKey> keys;
  NotesServer presenter{[this](const NotesKey& k) { keys.push_back(k); }};
  std::vector<std::unique_ptr<NotesClient>> windows;
  std::vector<std::vector<PresenterView>> seen;  // each window's views, in order
  std::vector<std::unique_ptr<Wire>> wires;

  Room() { presenter.listenLoopback(reactor); }
  ~Room() {
    for (auto& w : wires) w->close();
  }

  std::filesystem::path session() const { return slidesSessionFile(dir.root / ".twistlings"); }

  NotesClient& window() {
    std::size_t i = windows.size();
    seen.emplace_back();
    windows.push_back(std::make_unique<NotesClient>(reactor, reactor, session(),
                                                    [this, i](const PresenterView& v) { seen[i].push_back(v); }));
    return *windows.back();
  }

  // Completes the connect attempt recorded as tcpClients[attempt]: a Wire
  // between a new presenter-side protocol and the notes window's.
  Wire& accept(std::size_t attempt) {
    auto wire = std::make_unique<Wire>();
    REQUIRE(attempt < reactor.tcpClients.size());
    wire->presenterEnd = presenter.buildProtocol(twist::Address{"TCP", "127.0.0.1", 40000 + int(attempt)});
    wire->notesEnd = reactor.tcpClients[attempt].factory->buildProtocol(twist::Address{"TCP", "127.0.0.1", 4242});
    REQUIRE(wire->presenterEnd);
    REQUIRE(wire->notesEnd);
    wire->toNotes.peerAddr = {"TCP", "127.0.0.1", 40000 + int(attempt)};
    wire->toPresenter.peerAddr = {"TCP", "127.0.0.1", 4242};
    wire->presenterEnd->makeConnection(wire->toNotes);
    wire->notesEnd->makeConnection(wire->toPresenter);
    wires.push_back(std::move(wire));
    return *wires.back();
  }

  // The presenter shows `slide` of a deck, and its session file names it.
  void presenting(const std::string& lesson, std::size_t slides, std::size_t slide) {
    presenter.setDeck(lesson, slides);
    presenter.setSlide(slide);
    writeSession(dir, 4242, ::getpid());
  }

  // A notes window, started and connected, with what it was sent on connect carried.
  struct Connected {
    NotesClient& notes;
    Wire& wire;
  };
  Connected connected() {
    NotesClient& notes = window();
    notes.start();
    Wire& wire = accept(reactor.tcpClients.size() - 1);
    wire.pump();
    return {notes, wire};
  }

  // A connection to the presenter from a client the test talks for by hand
  // (its end only records).
  Wire& raw(int peerPort) {
    auto wire = std::make_unique<Wire>();
    wire->presenterEnd = presenter.buildProtocol(twist::Address{"TCP", "127.0.0.1", peerPort});
    wire->notesEnd = std::make_unique<twist::AccumulatingProtocol>();
    wire->toNotes.peerAddr = {"TCP", "127.0.0.1", peerPort};
    wire->presenterEnd->makeConnection(wire->toNotes);
    wire->notesEnd->makeConnection(wire->toPresenter);
    wires.push_back(std::move(wire));
    return *wires.back();
  }
};

}  // namespace

// ---- the protocol as values ------------------------------------------------------

TEST_CASE("Each message of the notes protocol reads back as itself from the line formatNotesLine writes") {
  NotesMessage deck, slide, timer;
  deck.kind = Kind::deck, deck.lesson = "02-reactor", deck.slides = 9;
  slide.kind = Kind::slide, slide.slide = 3, slide.slides = 9;
  timer.kind = Kind::timer, timer.seconds = 125.5, timer.minutes = 20;
  CHECK(formatNotesLine(deck) == "DECK 02-reactor 9");
  CHECK(formatNotesLine(slide) == "SLIDE 3 9");
  CHECK(formatNotesLine(timer) == "TIMER 125.5 20");
  for (const NotesMessage& m : {deck, slide, timer}) CHECK(parsed(formatNotesLine(m)) == m);
  for (auto [key, line] : {std::pair{NotesKey{Key::next}, "KEY next"}, {NotesKey{Key::prev}, "KEY prev"},
                           {NotesKey{Key::first}, "KEY first"}, {NotesKey{Key::last}, "KEY last"},
                           {NotesKey{Key::timer}, "KEY timer"}, {NotesKey{Key::go, 12}, "KEY goto 12"}}) {
    NotesMessage m;
    m.kind = Kind::key, m.key = key;
    CHECK(formatNotesLine(m) == line);
    CHECK(parsed(line) == m);
  }
  CHECK(parsed("TIMER 0.0005 0").seconds == 0.0005);
  timer.seconds = 61.25049, timer.minutes = 0.5;
  CHECK(formatNotesLine(timer) == "TIMER 61.25 0.5");
}

TEST_CASE("A line that is not exactly a notes message is refused with the line and why, never thrown") {
  CHECK_THAT(refusal("SLIDE 0 9"), Contains("\"SLIDE 0 9\"") && Contains("1 <= n <= slides"));
  CHECK_THAT(refusal("HELLO"), Contains("unknown message"));
  for (const char* bad : {"", " ", "SLIDE", "SLIDE 10 9", "SLIDE 3  9", "SLIDE 3 9 ", " SLIDE 3 9", "SLIDE -1 9",
                          "SLIDE +3 9", "SLIDE 3 0", "SLIDE 1 100001", "SLIDE 1 1234567890", "slide 3 9",
                          "DECK 02-reactor", "DECK 02/reactor 9", "DECK .. 0", "DECK 02-reactor 9 x",
                          "TIMER 1", "TIMER -1 20", "TIMER 1e3 20", "TIMER inf 20", "TIMER nan 20", "TIMER .5 20",
                          "TIMER 5. 20", "TIMER 1.2.3 20", "TIMER 1 20000000", "KEY", "KEY jump",
                          "KEY goto", "KEY goto 0", "KEY goto x", "KEY next now", "KEY next\r"}) {
    refusal(bad);
  }
  std::string longLesson = "DECK " + std::string(65, 'a') + " 9";
  refusal(longLesson);
  CHECK_THAT(refusal(std::string(300, 'x')), Contains("longer than 256 bytes"));
  CHECK_THAT(refusal(std::string("KEY \x01\x7f")), Contains("\\x01\\x7f"));
}

// Not libFuzzer (framework/fuzz/ builds twist only, not the runner), but the
// same property over many seeded inputs: lines made of the protocol's words
// and numbers mutated byte by byte. Nothing throws; whatever is accepted is
// written back as a line that reads as the same message.
TEST_CASE("The notes line parser never throws, and what it accepts reads back the same from its formatted line") {
  std::mt19937 random(20261204);
  const std::vector<std::string> pieces = {"DECK", "SLIDE", "TIMER", "KEY", "next", "prev", "goto", "timer", "first",
                                           "last", "02-reactor", "0", "1", "9", "12.5", "99999", "100000", "007",
                                           ".", "-", "e", " ", "  ", "\r", "\n", "\0", "\xff", "1.000", "0.0001"};
  std::size_t accepted = 0;
  for (int i = 0; i < 50000; ++i) {
    // Mostly a verb and up to three words, one space apart; some bytes changed.
    std::string line = pieces[random() % 4];
    for (int n = random() % 4; n > 0; --n) line += (random() % 8 ? " " : "") + pieces[4 + random() % (pieces.size() - 4)];
    for (int flips = random() % 6 - 3; flips > 0 && !line.empty(); --flips)
      line[random() % line.size()] = static_cast<char>(random() % 256);
    NotesParse p;
    REQUIRE_NOTHROW(p = parseNotesLine(line));
    REQUIRE(p.message.has_value() == p.error.empty());
    if (!p.message) continue;
    ++accepted;
    std::string again = formatNotesLine(*p.message);
    NotesParse q = parseNotesLine(again);
    INFO(line << " -> " << again);
    REQUIRE(q.message);
    NotesMessage m = *p.message;
    m.seconds = q.message->seconds;  // times are kept to the millisecond
    m.minutes = q.message->minutes;
    REQUIRE(*q.message == m);
    REQUIRE(std::abs(q.message->seconds - p.message->seconds) <= 0.0005 + 1e-9);
    REQUIRE(formatNotesLine(*q.message) == again);
  }
  CHECK(accepted > 500);  // the inputs do reach the parser's accepting paths
}

// ---- the session file ------------------------------------------------------------

TEST_CASE("The presenter's port is read from the session file only while it names a live presenter") {
  testing::TempCourse dir;
  std::filesystem::path file = slidesSessionFile(dir.root / ".twistlings");
  CHECK(file == dir.root / ".twistlings" / "slides-session.json");
  std::string why;
  CHECK_FALSE(readPresenterPort(file, &why));
  CHECK_THAT(why, Contains("does not exist"));

  writeSession(dir, 4242, ::getpid());
  CHECK(readPresenterPort(file) == 4242);

  writeSession(dir, 4242, 0);  // left in place at exit, "pid" removed
  CHECK_FALSE(readPresenterPort(file, &why));
  CHECK_THAT(why, Contains("has left"));

  writeSession(dir, 4242, 2147483000);  // above any pid_max: no such process
  CHECK_FALSE(readPresenterPort(file, &why));
  CHECK_THAT(why, Contains("no longer running"));

  for (const char* text : {"", "{\"port\": 42", "[1]", R"({"pid": 1})", R"({"port": 0, "pid": 1})",
                           R"({"port": 70000, "pid": 1})", R"({"port": "4242", "pid": 1})",
                           R"({"port": 4242, "pid": -3})", R"({"port": 4242, "pid": "me"})"}) {
    dir.write(".twistlings/slides-session.json", text);
    INFO(text);
    CHECK_FALSE(readPresenterPort(file, &why));
    CHECK_FALSE(why.empty());
  }
}

// ---- both ends in one test ------------------------------------------------------------

TEST_CASE("A notes window gets the presenter's deck, slide and timer on connect and follows every change") {
  Room room;
  room.presenter.setDeck("02-reactor", 9);
  room.presenter.setSlide(3);
  room.presenter.setTimer(125.5, 20);
  CHECK(room.reactor.tcpServers.at(0).interface == "127.0.0.1");
  CHECK(room.reactor.tcpServers.at(0).port == 0);

  writeSession(room.dir, 4242, ::getpid());
  room.reactor.advance(100);
  NotesClient& notes = room.window();
  notes.start();
  REQUIRE(room.reactor.tcpClients.size() == 1);
  CHECK(room.reactor.tcpClients[0].host == "127.0.0.1");
  CHECK(room.reactor.tcpClients[0].port == 4242);
  Wire& wire = room.accept(0);
  CHECK(room.presenter.windows() == 1);
  CHECK(wire.toNotes.value() == "DECK 02-reactor 9\r\nSLIDE 3 9\r\nTIMER 125.5 20\r\n");
  wire.pump();
  const PresenterView& v = notes.view();
  CHECK(v.connected);
  CHECK(v.waiting.empty());
  CHECK(v.lesson == "02-reactor");
  CHECK(v.slide == 3);
  CHECK(v.slides == 9);
  CHECK(v.timerKnown);
  CHECK(v.talkMinutes == 20);
  room.reactor.advance(4.5);
  CHECK(v.talkSecondsNow(room.reactor.seconds()) == 130);  // the window's own clock runs it on

  room.presenter.setSlide(4);
  room.presenter.setSlide(4);  // no change: nothing sent
  CHECK(wire.toNotes.value() == "SLIDE 4 9\r\n");
  wire.pump();
  CHECK(v.slide == 4);
  room.presenter.setTimer(0, 20);  // `t`: restarted
  wire.pump();
  CHECK(v.talkSecondsNow(room.reactor.seconds()) == 0);
  CHECK(room.seen[0].back().slide == 4);
  room.presenter.setDeck("03-deferred", 12);
  room.presenter.setSlide(1);
  wire.pump();
  CHECK(v.lesson == "03-deferred");
  CHECK(v.slides == 12);
  CHECK(v.slide == 1);
}

TEST_CASE("The notes window's keys reach the presenter's handler, which moves every window") {
  Room room;
  CHECK_FALSE(room.window().sendKey({Key::next}));  // not connected: dropped
  room.presenting("02-reactor", 9, 1);
  auto [first, a] = room.connected();
  auto [second, b] = room.connected();
  CHECK(room.presenter.windows() == 2);

  CHECK(first.sendKey({Key::next}));
  CHECK(first.sendKey({Key::go, 7}));
  CHECK(second.sendKey({Key::timer}));
  a.pump();
  b.pump();
  REQUIRE(room.keys.size() == 3);
  CHECK(room.keys[0] == NotesKey{Key::next});
  CHECK(room.keys[1] == NotesKey{Key::go, 7});
  CHECK(room.keys[2] == NotesKey{Key::timer});
  room.presenter.setSlide(7);  // what the presenter does with "goto 7"
  a.pump();
  b.pump();
  CHECK(first.view().slide == 7);
  CHECK(second.view().slide == 7);
}

TEST_CASE("Lines cut anywhere between reads, down to a byte at a time, give the same views and keys") {
  for (std::size_t chunk : {1, 2, 3, 5, 7, 11}) {
    Room room;
    room.presenter.setDeck("05-transport", 11);
    room.presenter.setSlide(2);
    room.presenter.setTimer(61.25, 15);
    writeSession(room.dir, 4242, ::getpid());
    NotesClient& notes = room.window();
    notes.start();
    Wire& wire = room.accept(0);
    wire.pump(chunk);
    notes.sendKey({Key::go, 10});
    notes.sendKey({Key::last});
    room.presenter.setSlide(11);
    wire.pump(chunk);
    INFO("chunk " << chunk);
    CHECK(notes.view().lesson == "05-transport");
    CHECK(notes.view().slide == 11);
    CHECK(notes.view().talkMinutes == 15);
    CHECK(notes.view().talkSecondsUsed == 61.25);
    CHECK(room.keys == std::vector<NotesKey>{{Key::go, 10}, {Key::last}});
    // one view a line (DECK, SLIDE, TIMER, SLIDE) after the one for the connection
    CHECK(room.seen[0].size() == 5);
  }
}

TEST_CASE("A notes window that sends a bad or overlong line is dropped, logged, and the presenter goes on") {
  Room room;
  NotesLog log;
  room.presenting("02-reactor", 9, 1);
  auto [good, a] = room.connected();
  Wire& bad = room.raw(40001);
  CHECK(room.presenter.windows() == 2);

  bad.presenterEnd->dataReceived("KEY jump\r\nKEY next\r\n");
  CHECK(bad.toNotes.disconnecting);  // closed after what was sent
  CHECK(room.presenter.windows() == 1);
  CHECK(room.keys.empty());  // nothing after the bad line is applied
  CHECK_THAT(log.all(), Contains("notes window at TCP:127.0.0.1:40001 dropped") && Contains("KEY jump"));

  Wire& pretender = room.raw(40002);  // a window that speaks as a presenter
  pretender.presenterEnd->dataReceived("SLIDE 2 9\r\n");
  CHECK(pretender.toNotes.disconnecting);
  CHECK_THAT(log.all(), Contains("which only a presenter sends"));

  Wire& flood = room.raw(40003);
  flood.presenterEnd->dataReceived(std::string(200, 'K'));
  CHECK_FALSE(flood.toNotes.disconnecting);  // under MAX_LENGTH: still a line in progress
  flood.presenterEnd->dataReceived(std::string(100, 'K'));
  CHECK(flood.toNotes.disconnecting);
  CHECK_THAT(log.all(), Contains("longer than 256 bytes"));
  CHECK(room.presenter.windows() == 1);

  room.presenter.setSlide(2);
  a.pump();
  CHECK(good.view().slide == 2);
  CHECK(good.sendKey({Key::prev}));
  a.pump();
  CHECK(room.keys == std::vector<NotesKey>{{Key::prev}});
}

TEST_CASE("A notes window that never reads is dropped once its unsent bytes pass maxUnsent, and the others go on") {
  Room room;
  NotesLog log;
  // A StringTransport never drains: what the test has not carried across is unsent.
  room.presenter.unsentBytes = [](const twist::ITransport& t) {
    return dynamic_cast<const twist::StringTransport&>(t).value().size();
  };
  room.presenter.maxUnsent = 1000;
  room.presenting("02-reactor", 500, 1);
  auto [reader, a] = room.connected();
  auto [stuck, b] = room.connected();  // never carried again: its window reads nothing

  std::size_t droppedAt = 0;
  for (std::size_t slide = 2; slide <= 500; ++slide) {
    room.presenter.setSlide(slide);
    a.pump();
    if (!droppedAt && room.presenter.windows() == 1) droppedAt = slide;
  }
  CHECK(b.toNotes.disconnected);  // aborted: its buffer is what is dropped
  CHECK(b.toNotes.value().size() <= 1000 + 20);  // bounded by maxUnsent and one line
  CHECK(droppedAt > 50);
  CHECK(droppedAt < 100);
  CHECK_THAT(log.all(), Contains("not reading") && Contains("more than 1000"));
  CHECK(reader.view().slide == 500);
  CHECK(room.presenter.windows() == 1);
  b.close();  // the abort's connectionLost: the window waits again, retries after 0.375 s
  CHECK_FALSE(stuck.view().connected);
  room.reactor.advance(0.375);
  CHECK(room.reactor.tcpClients.size() == 3);
}

TEST_CASE("A presenter that sends a bad line is dropped by the notes window, which reconnects") {
  Room room;
  NotesLog log;
  writeSession(room.dir, 4242, ::getpid());
  NotesClient& notes = room.window();
  notes.start();
  Wire& wire = room.accept(0);
  wire.notesEnd->dataReceived("SLIDE 12 9\r\nSLIDE 2 9\r\n");
  CHECK(wire.toPresenter.disconnecting);
  CHECK(notes.view().slide == 0);
  CHECK_THAT(log.all(), Contains("presenter at TCP:127.0.0.1:4242 dropped") && Contains("SLIDE 12 9"));
  wire.close();
  CHECK_FALSE(notes.view().connected);
  room.reactor.advance(0.375);
  REQUIRE(room.reactor.tcpClients.size() == 2);

  Wire& again = room.accept(1);
  again.notesEnd->dataReceived("KEY next\r\n");  // a key: only a notes window sends one
  CHECK(again.toPresenter.disconnecting);
  CHECK_THAT(log.all(), Contains("which only a notes window sends"));
  again.close();

  room.reactor.advance(0.375);
  Wire& third = room.accept(2);
  third.notesEnd->dataReceived(std::string(300, 'x'));
  CHECK(third.toPresenter.disconnecting);
}

TEST_CASE("A notes window started first waits, saying why, and connects once the presenter's session file appears") {
  Room room;
  NotesClient& notes = room.window();
  notes.start();
  CHECK(room.reactor.tcpClients.empty());  // no session file: no connection tried
  CHECK_FALSE(notes.view().connected);
  CHECK_THAT(notes.view().waiting, Contains("does not exist"));
  room.reactor.advance(0.375);
  room.reactor.advance(0.5625);
  CHECK(room.reactor.tcpClients.empty());
  for (int i = 0; i < 10; ++i) room.reactor.advance(1);  // the delay stops growing at 1 s
  CHECK(room.seen[0].size() == 1);  // the same reason is not redrawn every second
  writeSession(room.dir, 4242, ::getpid());
  room.reactor.advance(1);
  REQUIRE(room.reactor.tcpClients.size() == 1);
  room.reactor.tcpClients[0].factory->clientConnectionFailed(*room.reactor.connectors[0],
                                                             twist::ConnectionRefusedError("ECONNREFUSED"));
  CHECK_THAT(notes.view().waiting, Contains("the presenter's port") && Contains("ECONNREFUSED"));
  room.reactor.advance(1);
  REQUIRE(room.reactor.tcpClients.size() == 2);
  room.presenter.setDeck("02-reactor", 9);
  room.accept(1).pump();
  CHECK(notes.view().connected);
  CHECK(notes.view().lesson == "02-reactor");
}

TEST_CASE("When the presenter quits, the notes window keeps its view, waits, and follows the next presenter") {
  Room room;
  room.presenting("02-reactor", 9, 5);
  auto [notes, wire] = room.connected();
  writeSession(room.dir, 4242, 0);  // the presenter's exit: "pid" removed
  wire.close();
  CHECK_FALSE(notes.view().connected);
  CHECK(notes.view().slide == 5);  // the last state stays on screen
  CHECK_FALSE(notes.view().waiting.empty());
  CHECK_FALSE(notes.sendKey({Key::next}));
  room.reactor.advance(0.375);
  CHECK(room.reactor.tcpClients.size() == 1);
  CHECK_THAT(notes.view().waiting, Contains("has left"));

  writeSession(room.dir, 5353, ::getpid());  // a new presenter, on a new port
  room.reactor.advance(1);
  REQUIRE(room.reactor.tcpClients.size() == 2);
  CHECK(room.reactor.tcpClients[1].port == 5353);
  room.presenter.setSlide(6);
  room.accept(1).pump();
  CHECK(notes.view().connected);
  CHECK(notes.view().slide == 6);
}

TEST_CASE("When a notes window quits, the presenter forgets it and goes on with the others") {
  Room room;
  room.presenting("02-reactor", 9, 1);
  auto [staying, a] = room.connected();
  auto [leaving, b] = room.connected();
  twist::Deferred<void> stopped = leaving.stop();
  CHECK(b.toPresenter.disconnecting);
  twist::assertNoResult(stopped);
  b.close();
  twist::successResultOf(stopped);
  CHECK(room.presenter.windows() == 1);
  room.presenter.setSlide(2);
  CHECK(b.toNotes.value().empty());  // nothing more written to the one that left
  a.pump();
  CHECK(staying.view().slide == 2);
  room.reactor.advance(10);
  CHECK(room.reactor.tcpClients.size() == 2);  // a stopped window does not reconnect
}

TEST_CASE("An exception from the presenter's key handler or the window's change handler is logged and contained") {
  testing::TempCourse dir;
  twist::MemoryReactorClock reactor;
  NotesLog log;
  NotesServer presenter([](const NotesKey&) { throw std::runtime_error("key handler broke"); });
  presenter.listenLoopback(reactor);
  presenter.setDeck("02-reactor", 9);
  writeSession(dir, 4242, ::getpid());
  NotesClient notes(reactor, reactor, slidesSessionFile(dir.root / ".twistlings"),
                    [](const PresenterView&) { throw std::runtime_error("change handler broke"); });
  notes.start();
  Wire wire;
  wire.presenterEnd = presenter.buildProtocol({"TCP", "127.0.0.1", 40000});
  wire.notesEnd = reactor.tcpClients.at(0).factory->buildProtocol({"TCP", "127.0.0.1", 4242});
  wire.presenterEnd->makeConnection(wire.toNotes);
  wire.notesEnd->makeConnection(wire.toPresenter);
  wire.pump();
  notes.sendKey({Key::next});
  notes.sendKey({Key::prev});
  wire.pump();
  CHECK_FALSE(wire.toNotes.disconnecting);
  CHECK_FALSE(wire.toPresenter.disconnecting);
  CHECK(notes.view().lesson == "02-reactor");
  CHECK_THAT(log.all(), Contains("key handler broke") && Contains("change handler broke"));
  wire.close();
}

TEST_CASE("The presenter refuses to send a state its notes windows would refuse") {
  twist::MemoryReactor reactor;
  NotesServer presenter([](const NotesKey&) {});
  presenter.listenLoopback(reactor);
  CHECK_THROWS_AS(presenter.setSlide(1), std::invalid_argument);  // before setDeck
  CHECK_THROWS_AS(presenter.setDeck("", 9), std::invalid_argument);
  CHECK_THROWS_AS(presenter.setDeck("02 reactor", 9), std::invalid_argument);
  CHECK_THROWS_AS(presenter.setDeck("02-reactor", 0), std::invalid_argument);
  presenter.setDeck("02-reactor", 9);
  CHECK_THROWS_AS(presenter.setSlide(0), std::invalid_argument);
  CHECK_THROWS_AS(presenter.setSlide(10), std::invalid_argument);
  CHECK_THROWS_AS(presenter.listenLoopback(reactor), std::logic_error);
  presenter.setTimer(-5, std::numeric_limits<double>::infinity());  // sent as 0, 0
  twist::StringTransport t;
  auto window = presenter.buildProtocol({"TCP", "127.0.0.1", 40000});
  window->makeConnection(t);
  CHECK(t.value() == "DECK 02-reactor 9\r\nTIMER 0 0\r\n");
  window->connectionLost(twist::Failure(twist::ConnectionDone()));
  twist::successResultOf(presenter.stop());
  CHECK(reactor.ports.at(0)->stopped);
}
