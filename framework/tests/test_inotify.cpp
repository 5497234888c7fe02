// INotify (uv_fs_event) on a real loop, in a fresh temporary directory per
// test. Each run has a watchdog: after 5 s the reactor stops and the test fails.
#include "twist/inotify.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist_catch.hpp"
#include "twist_reactor_test_support.hpp"
#include "twist_test_support.hpp"

using twist_test::CapturedLog;
using twist_test::Watchdog;

namespace {

// A fresh directory (mkdtemp), removed with everything in it at the end.
struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "twist-inotify-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

using Event = std::pair<std::string, unsigned>;

// One edit may be reported several times (IN_CREATE, then IN_MODIFY): stop once.
struct StopOnce {
  twist::Reactor& reactor;
  bool done = false;
  void operator()() {
    if (!done) reactor.stop();
    done = true;
  }
};

}  // namespace

TEST_CASE("a file created in a watched directory is reported with its path") {
  TempDir dir;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::INotify notifier(reactor);
  std::vector<Event> events;
  StopOnce stop{reactor};
  notifier.watch(dir.path, [&](const std::string& path, unsigned mask) {
    events.emplace_back(path, mask);
    if (path == dir / "new.txt") stop();
  });
  REQUIRE(notifier.isWatched(dir.path));
  reactor.callLater(0.02, [&] { writeFile(dir / "new.txt", "hello"); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE_FALSE(events.empty());
  REQUIRE(events.back().first == dir / "new.txt");
  unsigned all = 0;
  for (const auto& [path, mask] : events) all |= mask;
  REQUIRE((all & twist::INotify::RENAME) != 0);  // it appeared: IN_CREATE
  REQUIRE((all & ~(twist::INotify::RENAME | twist::INotify::CHANGE)) == 0);
}

TEST_CASE("a change to a watched file is reported as CHANGE, with the file's own path") {
  TempDir dir;
  std::string file = dir / "watched.txt";
  writeFile(file, "first");
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::INotify notifier(reactor);
  std::vector<Event> events;
  StopOnce stop{reactor};
  notifier.watch(file, [&](const std::string& path, unsigned mask) {
    events.emplace_back(path, mask);
    if (mask & twist::INotify::CHANGE) stop();
  });
  reactor.callLater(0.02, [&] { writeFile(file, " and more"); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(events.back().first == file);
  REQUIRE((events.back().second & twist::INotify::CHANGE) != 0);
}

TEST_CASE("after ignore() no more events are reported") {
  TempDir dir;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::INotify notifier(reactor);
  int events = 0;
  notifier.watch(dir.path, [&](const std::string&, unsigned) { ++events; });
  notifier.ignore(dir.path);
  REQUIRE_FALSE(notifier.isWatched(dir.path));
  reactor.callLater(0.01, [&] { writeFile(dir / "unseen.txt", "x"); });
  reactor.callLater(0.2, [&] { reactor.stop(); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(events == 0);
}

TEST_CASE("watch() again replaces the callback, a callback may ignore its own path") {
  TempDir dir;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::INotify notifier(reactor);
  int first = 0, second = 0;
  notifier.watch(dir.path, [&](const std::string&, unsigned) { ++first; });
  notifier.watch(dir.path, [&](const std::string&, unsigned) {
    ++second;
    notifier.ignore(dir.path);  // from inside its own callback
    reactor.callLater(0.1, [&] { reactor.stop(); });
  });
  reactor.callLater(0.01, [&] { writeFile(dir / "a.txt", "x"); });
  reactor.callLater(0.05, [&] { writeFile(dir / "b.txt", "x"); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(first == 0);
  REQUIRE(second == 1);
}

TEST_CASE("an exception thrown by a callback is logged and watching goes on") {
  CapturedLog log;
  TempDir dir;
  twist::Reactor reactor;
  Watchdog dog(reactor);
  twist::INotify notifier(reactor);
  int calls = 0;
  StopOnce stop{reactor};
  notifier.watch(dir.path, [&](const std::string& path, unsigned) {
    ++calls;
    if (path == dir / "second.txt") stop();
    if (calls == 1) throw std::runtime_error("watcher broke");
  });
  reactor.callLater(0.01, [&] { writeFile(dir / "first.txt", "x"); });
  reactor.callLater(0.05, [&] { writeFile(dir / "second.txt", "x"); });
  reactor.run();
  REQUIRE_FALSE(dog.fired);
  REQUIRE(calls >= 2);
  REQUIRE(log.contains("watcher broke"));
}

TEST_CASE("watch() of a missing path throws naming it and ENOENT, ignore() of an unwatched path throws") {
  TempDir dir;
  twist::Reactor reactor;
  twist::INotify notifier(reactor);
  try {
    notifier.watch(dir / "missing", [](const std::string&, unsigned) {});
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    REQUIRE_THAT(e.what(), twist_catch::Contains(dir / "missing"));
    REQUIRE_THAT(e.what(), twist_catch::Contains("ENOENT"));
  }
  REQUIRE_FALSE(notifier.isWatched(dir / "missing"));
  REQUIRE_THROWS_AS(notifier.ignore(dir.path), std::invalid_argument);
}

TEST_CASE("an INotify may be destroyed before its Reactor, or after it") {
  TempDir dir;
  SECTION("INotify first") {
    twist::Reactor reactor;
    {
      twist::INotify notifier(reactor);
      notifier.watch(dir.path, [](const std::string&, unsigned) {});
    }
  }
  SECTION("Reactor first: the watches are closed, and the INotify then does nothing") {
    auto reactor = std::make_unique<twist::Reactor>();
    twist::INotify notifier(*reactor);
    notifier.watch(dir.path, [](const std::string&, unsigned) {});
    reactor.reset();
    REQUIRE_FALSE(notifier.isWatched(dir.path));
    REQUIRE_THROWS_AS(notifier.watch(dir.path, [](const std::string&, unsigned) {}), std::logic_error);
  }
  // Under ASan, both prove that every watch was freed.
}
