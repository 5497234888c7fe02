// The presenter <-> notes link (notes_link.hpp) over real loopback: a real
// Reactor, 127.0.0.1, port 0, the session file in a temporary directory. Each
// test stops by itself; a watchdog crashes the reactor after kBound seconds
// and fails it, and the reactor must be left clean.
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "notes_link.hpp"
#include "temp_course.hpp"
#include "twist/logger.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"
#include "twist/testing.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using twist_catch::Contains;

namespace {

constexpr double kBound = 10;  // seconds

void writeLiveSession(testing::TempCourse& dir, int port, bool live) {
  dir.write(".twistlings/slides-session.json",
            R"({"lesson": "02-reactor", "slide": 1, "slides": 9, "started": 1, "updated": 2, "port": )" +
                std::to_string(port) + (live ? R"(, "pid": )" + std::to_string(::getpid()) : std::string()) + "}");
}

// Crashes the reactor after kBound seconds; cancel() before stopping.
struct Watchdog {
  explicit Watchdog(twist::Reactor& reactor)
      : call(reactor.callLater(kBound, [this, &reactor] {
          fired = true;
          reactor.crash();
        })) {}
  void cancel() {
    if (call.active()) call.cancel();
  }
  twist::DelayedCall call;
  bool fired = false;
};

}  // namespace

TEST_CASE("Over loopback, a notes window started first finds the presenter, moves it, waits when it quits and follows the next one") {
  testing::TempCourse dir;
  twist::Reactor reactor;
  Watchdog watchdog(reactor);
  std::vector<NotesKey> keys;
  std::unique_ptr<NotesServer> first, second;
  int phase = 0;
  std::vector<std::string> story;

  auto presenter = [&](std::unique_ptr<NotesServer>& slot, const char* lesson, std::size_t slide) {
    slot = std::make_unique<NotesServer>([&keys, &slot](const NotesKey& k) {
      keys.push_back(k);
      if (k.kind == NotesKey::Kind::go) slot->setSlide(k.slide);
    });
    int port = slot->listenLoopback(reactor);
    REQUIRE(port > 0);
    slot->setDeck(lesson, 9);
    slot->setSlide(slide);
    slot->setTimer(0, 20);
    writeLiveSession(dir, port, true);
  };

  NotesClient notes(reactor, reactor, slidesSessionFile(dir.root / ".twistlings"), [&](const PresenterView& v) {
    if (phase == 0 && v.connected && v.slide == 1) {
      story.push_back("followed the first presenter");
      phase = 1;
      CHECK(notes.sendKey({NotesKey::Kind::go, 5}));
    } else if (phase == 1 && v.slide == 5) {
      story.push_back("moved it to slide 5");
      phase = 2;
      writeLiveSession(dir, 1, false);  // the presenter's exit: "pid" removed
      first->stop();
    } else if (phase == 2 && !v.connected) {
      story.push_back("waited");
      phase = 3;
      CHECK(v.slide == 5);  // the last view kept
      reactor.callLater(0.3, [&] { presenter(second, "03-deferred", 2); });
    } else if (phase == 3 && v.connected && v.lesson == "03-deferred" && v.slide == 2) {
      story.push_back("followed the second presenter");
      phase = 4;
      notes.stop().addCallback([&] { return second->stop(); }).addCallback([&] {
        watchdog.cancel();
        reactor.stop();
      });
    }
  });

  notes.start();
  reactor.callLater(0.2, [&] {
    CHECK_FALSE(notes.view().connected);
    CHECK_THAT(notes.view().waiting, Contains("does not exist"));
    presenter(first, "02-reactor", 1);
  });
  double start = reactor.seconds();
  reactor.run(false);
  INFO("took " << reactor.seconds() - start << " s; " << story.size() << " steps");
  CHECK_FALSE(watchdog.fired);
  CHECK(phase == 4);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == NotesKey{NotesKey::Kind::go, 5});
  CHECK(reactor.seconds() - start < 3);  // each retry waits at most 1 s
  twist::assertReactorClean(reactor);
}

// A client that connects and never reads: its receive buffer, then the
// presenter's socket buffer fill, then twist's buffer for it grows until the
// presenter drops it (ITCPTransport::bufferedBytes, the default measure).
struct NeverReads : twist::Protocol {
  void connectionMade() override { dynamic_cast<twist::ITCPTransport&>(*transport).pauseProducing(); }
  void connectionLost(twist::Failure) override { lost = true; }
  bool lost = false;
};

TEST_CASE("Over loopback, a notes window that never reads is dropped once past maxUnsent, without stopping the presenter") {
  twist::Reactor reactor;
  Watchdog watchdog(reactor);
  std::vector<std::string> logged;
  auto observer = twist::globalLogPublisher().addObserver([&](const twist::LogEvent& e) {
    if (e.logNamespace == "twistlings.notes") logged.push_back(e.text());
  });
  NotesServer presenter([](const NotesKey&) {});
  presenter.maxUnsent = 4096;
  int port = presenter.listenLoopback(reactor);
  presenter.setDeck("02-reactor", 9);
  twist::AccumulatingFactory factory;
  factory.protocol = [] { return std::make_unique<NeverReads>(); };
  twist::connectTCP(reactor, "127.0.0.1", port, factory, 5);
  std::size_t changes = 0;
  twist::LoopingCall poll(reactor, [&] {
    if (presenter.windows() == 0) return;
    // 70 bytes a change, alternating decks: kernel buffers hold some megabytes.
    std::string a(60, 'a'), b(60, 'b');
    while (presenter.windows() == 1 && changes < 1'000'000) presenter.setDeck(++changes % 2 ? a : b, 9);
    poll.stop();
    presenter.stop().addCallback([&] {
      watchdog.cancel();
      reactor.callLater(0.05, [&] { reactor.stop(); });  // the aborted socket's close, then stop
    });
  });
  poll.start(0.01);
  reactor.run(false);
  twist::globalLogPublisher().removeObserver(observer);
  CHECK_FALSE(watchdog.fired);
  INFO(changes << " changes sent before the drop");
  CHECK(presenter.windows() == 0);
  CHECK(changes < 1'000'000);
  REQUIRE(logged.size() == 1);
  CHECK_THAT(logged[0], Contains("not reading") && Contains("more than 4096"));
  twist::assertReactorClean(reactor);
}

TEST_CASE("Over loopback, a presenter destroyed once stopped leaves its notes window waiting, which is then stopped and destroyed") {
  testing::TempCourse dir;
  twist::Reactor reactor;
  Watchdog watchdog(reactor);
  auto presenter = std::make_unique<NotesServer>([](const NotesKey&) {});
  writeLiveSession(dir, presenter->listenLoopback(reactor), true);
  presenter->setDeck("02-reactor", 9);
  presenter->setSlide(4);
  std::unique_ptr<NotesClient> notes;
  int phase = 0;
  notes = std::make_unique<NotesClient>(
      reactor, reactor, slidesSessionFile(dir.root / ".twistlings"), [&](const PresenterView& v) {
        if (phase == 0 && v.connected && v.slide == 4) {
          phase = 1;
          CHECK(presenter->windows() == 1);
          writeLiveSession(dir, 1, false);
          // Its window may still be closing when the port has closed: ~NotesServer detaches it.
          presenter->stop().addCallback([&] { presenter.reset(); });
        } else if (phase == 1 && !v.connected) {
          phase = 2;
          CHECK(v.slide == 4);
          // Destroyed only once stopped, and not from inside its own callback.
          notes->stop().addCallback([&] {
            reactor.callLater(0, [&] {
              notes.reset();
              watchdog.cancel();
              reactor.stop();
            });
          });
        }
      });
  notes->start();
  reactor.run(false);
  CHECK_FALSE(watchdog.fired);
  CHECK(phase == 2);
  CHECK_FALSE(presenter);
  CHECK_FALSE(notes);
  twist::assertReactorClean(reactor);
}

TEST_CASE("Over loopback, a notes window destroyed while connected is cut off, and the presenter sees it leave") {
  testing::TempCourse dir;
  twist::Reactor reactor;
  Watchdog watchdog(reactor);
  NotesServer presenter([](const NotesKey&) {});
  writeLiveSession(dir, presenter.listenLoopback(reactor), true);
  presenter.setDeck("02-reactor", 9);
  presenter.setSlide(2);
  std::unique_ptr<NotesClient> notes;
  int viewsAfterReset = 0;
  bool destroyed = false;
  // The presenter sees the window go once the abort reaches it.
  std::function<void()> waitForLeave = [&] {
    if (presenter.windows() == 0) {
      watchdog.cancel();
      presenter.stop().addCallback([&] { reactor.stop(); });
    } else {
      reactor.callLater(0.005, waitForLeave);
    }
  };
  notes = std::make_unique<NotesClient>(
      reactor, reactor, slidesSessionFile(dir.root / ".twistlings"), [&](const PresenterView& v) {
        if (destroyed) ++viewsAfterReset;
        if (!v.connected || v.slide != 2 || destroyed) return;
        // Connected: destroyed without stop(), on the loop's next turn (not
        // from inside its own callback).
        reactor.callLater(0, [&] {
          CHECK(presenter.windows() == 1);
          destroyed = true;
          notes.reset();
          waitForLeave();
        });
      });
  notes->start();
  reactor.run(false);
  CHECK_FALSE(watchdog.fired);
  CHECK(destroyed);
  CHECK(viewsAfterReset == 0);
  CHECK(presenter.windows() == 0);
  twist::assertReactorClean(reactor);
}
