// cmd_watch.cpp — watch: check the current exercise on every save, move on
// when it passes, and take single keys. File changes come from twist's
// INotify (debounced: an editor's save is often several events); with
// --poll, or when events turn out not to arrive (WSL's /mnt, network
// drives), from comparing the files' times and sizes twice a second.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>

#include "build_lock.hpp"
#include "commands.hpp"
#include "grader.hpp"
#include "keyboard.hpp"
#include "twist/inotify.hpp"
#include "verdict.hpp"

namespace twistlings {

namespace {

constexpr double kDebounce = 0.15;      // seconds of quiet after the last event
constexpr double kPollInterval = 0.5;   // --poll
constexpr double kCanaryInterval = 2;   // event mode: are events arriving at all?

struct Stamp {
  long long mtimeNs = -1;
  long long size = -1;
  bool operator==(const Stamp&) const = default;
};

// The last "[12/48]" of Ninja's output, or "" (Make and a no-op build have none).
std::string buildStep(std::string_view output) {
  for (size_t close = output.rfind(']'); close != std::string_view::npos && close > 0;
       close = output.rfind(']', close - 1)) {
    size_t open = output.rfind('[', close);
    if (open == std::string_view::npos) return "";
    std::string_view inside = output.substr(open + 1, close - open - 1);
    size_t slash = inside.find('/');
    bool digits = slash != std::string_view::npos && slash > 0 && slash + 1 < inside.size() &&
                  inside.find_first_not_of("0123456789/") == std::string_view::npos;
    if (digits) return std::string(output.substr(open, close - open + 1));
  }
  return "";
}

Stamp stampOf(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec, static_cast<long long>(st.st_size)};
}

class Watch : public std::enable_shared_from_this<Watch> {
 public:
  Watch(twist::Reactor& reactor, Context& c, const Exercise* start, bool poll)
      : reactor_(reactor), c_(c), exercise_(start), poll_(poll) {}

  twist::Deferred<int> finished;

  void begin(bool welcome) {
    if (welcome) std::printf("%s\n", welcomeText(c_).c_str());
    if (c_.interactive) {
      try {
        keyboard_ = std::make_unique<Keyboard>(reactor_, [self = weak_from_this()](char key) {
          if (auto watch = self.lock()) watch->onKey(key);
        });
      } catch (const std::exception& e) {
        std::fprintf(stderr, "twistlings: %s (keys are off)\n", e.what());
      }
    }
    follow(exercise_);
  }

 private:
  // Watches e's files, and checks it now.
  void follow(const Exercise* e) {
    exercise_ = e;
    stopWatching();
    if (e == nullptr) {
      std::printf("%s\n", c_.paint.green("Every exercise passes. Well done! ./twistlings verify prints your score.").c_str());
      quit(0);
      return;
    }
    for (const auto& path : c_.course.exerciseFiles(*e)) stamps_[path] = stampOf(path);
    if (!poll_) {
      try {
        notify_ = std::make_unique<twist::INotify>(reactor_);
        notify_->watch(c_.course.exerciseDir(*e).string(), [this](const std::string& path, unsigned) { onEvent(path); });
      } catch (const std::exception& error) {
        std::printf("File change events are not available here (%s): polling instead.\n", error.what());
        notify_.reset();
        poll_ = true;
      }
    }
    schedulePoll();
    check();
  }

  void stopWatching() {
    notify_.reset();
    if (pollTimer_.active()) pollTimer_.cancel();
    stamps_.clear();
  }

  bool isExerciseFile(const fs::path& path) const { return stamps_.count(path) > 0; }

  void onEvent(const std::string& path) {
    if (!isExerciseFile(path)) return;  // editors' temporary files, backups, other exercises
    eventsSeen_ = true;
    if (debounce_.active()) {
      debounce_.reset(kDebounce);
    } else {
      debounce_ = reactor_.callLater(kDebounce, [this] { changed(); });
    }
  }

  // Polling: in --poll mode the source of changes; in event mode a canary
  // that notices when a file changed and no event came.
  void schedulePoll() {
    pollTimer_ = reactor_.callLater(poll_ ? kPollInterval : kCanaryInterval, [this] {
      bool eventsBefore = eventsSeen_;
      bool moved = false;
      for (auto& [path, stamp] : stamps_) {
        Stamp now = stampOf(path);
        if (!(now == stamp)) moved = true;
        stamp = now;
      }
      if (moved && !poll_ && !eventsBefore && !debounce_.active() && !checking_) {
        std::printf("%s\n", c_.paint.yellow("A file changed but no change event arrived (WSL /mnt or a network drive?). "
                                            "Polling from now on; next time start with ./twistlings watch --poll.").c_str());
        poll_ = true;
        notify_.reset();
      }
      eventsSeen_ = false;
      if (moved && poll_) changed();
      schedulePoll();
    });
  }

  void changed() {
    for (auto& [path, stamp] : stamps_) stamp = stampOf(path);
    check();
  }

  void check() {
    if (checking_) {
      again_ = true;  // saved during a check: check once more when it ends
      return;
    }
    checking_ = true;
    const Exercise* e = exercise_;
    // A fresh screen for each verdict, but not over the welcome.
    if (c_.interactive && !firstCheck_) std::printf("\x1b[2J\x1b[H%s\n\n", statusLine().c_str());
    firstCheck_ = false;
    // Our turn on the build tree first (build_lock.hpp): a check in another
    // terminal may be building. The loop keeps turning while we wait, so keys work.
    std::string holder = "watch " + e->id();
    auto self = weak_from_this();
    takeBuildTurn(reactor_, buildLockFile(c_.paths), holder, e->id(),
                  [](const std::string& line) {
                    std::printf("%s\n", line.c_str());
                    std::fflush(stdout);
                  })
        .addCallback([self, e](std::shared_ptr<BuildTurn> turn) {
          auto watch = self.lock();
          if (!watch || watch->quitting_) return;
          watch->turn_ = std::move(turn);
          watch->startGrading(*e);
        });
  }

  void startGrading(const Exercise& e) {
    checking_ = true;
    showChecking(e, "");
    GradeOptions options;
    if (c_.interactive) {
      // Ninja's "[3/7]" on the "checking…" line: a first check builds Catch and twist's
      // precompiled headers too, and should not look stuck meanwhile.
      options.onBuildOutput = [self = weak_from_this(), e = &e](std::string_view chunk) {
        std::string step = buildStep(chunk);
        if (auto watch = self.lock(); watch && !step.empty()) watch->showChecking(*e, "building " + step);
      };
      options.onProgress = [self = weak_from_this(), e = &e](const std::string& stage) {
        if (auto watch = self.lock()) watch->showChecking(*e, stage);
      };
    }
    // The callbacks keep the Watch alive: q may end it while a check runs.
    grade(reactor_, c_.paths, c_.course, e, options)
        .addCallbacks([self = shared_from_this(), e = &e](GradeResult r) { self->graded(*e, r); },
                      [self = shared_from_this()](twist::Failure f) {
                        std::printf("twistlings: internal error: %s\n", f.describe().c_str());
                        self->turn_.reset();
                        self->checking_ = false;
                      });
  }

  void showChecking(const Exercise& e, const std::string& step) {
    std::string line = "checking " + e.id() + "…" + (step.empty() ? "" : " " + step);
    if (c_.interactive) {
      std::printf("\r\x1b[2K%s", c_.paint.dim(line).c_str());
    } else if (step.empty()) {
      std::printf("%s\n", line.c_str());
    }
    std::fflush(stdout);
  }

  void graded(const Exercise& e, const GradeResult& r) {
    checking_ = false;
    if (quitting_) return;
    c_.record(e, r);
    turn_.reset();  // recorded: the other runners' turn
    VerdictContext vc = c_.verdictContext(e);
    if (c_.interactive) std::printf("\r\x1b[2K");  // the "checking…" line gives way to the verdict
    std::printf("%s", renderVerdict(r, e, vc, c_.paint).c_str());
    if (r.verdict == Verdict::Pass) {
      std::printf("%s\n", c_.coreDoneNote(e).c_str());  // the core path done: what follows is stretch
      follow(vc.nextExercise.empty() ? nullptr : c_.course.find(vc.nextExercise));
      return;
    }
    if (again_) {
      again_ = false;
      check();
      return;
    }
    prompt();
  }

  std::string statusLine() const {
    // The core path is the workshop, as list counts it; stretch apart.
    Tally t = c_.tally();
    std::string line = "twistlings · " + std::to_string(t.coreDone) + " of " + std::to_string(t.core) + " core exercises done";
    if (t.stretch > 0) line += " · stretch " + std::to_string(t.stretchDone) + " of " + std::to_string(t.stretch);
    return c_.paint.dim(line + " · watching " + exercise_->id());
  }

  void prompt() {
    std::printf("\n%s\n", c_.paint.dim("Watching " + exercise_->id() + ": save to check again. Keys: h hint · l list · n next · r re-run · q quit").c_str());
    std::fflush(stdout);
  }

  void onKey(char key) {
    if (quitting_) return;
    switch (key) {
      case 'h': hintCommand(c_, *exercise_); prompt(); break;
      case 'l': listCommand(c_, false); prompt(); break;
      case 'n': {
        // The next exercise in course order, done or not: the attendee decides.
        auto all = c_.course.exercises();
        for (size_t i = 0; i + 1 < all.size(); ++i)
          if (all[i] == exercise_) {
            if (!checking_) follow(all[i + 1]);
            return;
          }
        std::printf("This is the last exercise.\n");
        break;
      }
      case 'r': check(); break;
      case 'q': case 3 /* Ctrl-C */: case 4 /* Ctrl-D */: quit(0); break;
      default: break;
    }
    std::fflush(stdout);
  }

  void quit(int code) {
    if (quitting_) return;
    quitting_ = true;
    stopWatching();
    if (debounce_.active()) debounce_.cancel();
    keyboard_.reset();
    finished.callback(code);
  }

  twist::Reactor& reactor_;
  Context& c_;
  const Exercise* exercise_;
  bool poll_;
  std::unique_ptr<twist::INotify> notify_;
  std::unique_ptr<Keyboard> keyboard_;
  std::shared_ptr<BuildTurn> turn_;  // held from the start of a check's build to its verdict, not while idle
  std::map<fs::path, Stamp> stamps_;
  twist::DelayedCall debounce_;
  twist::DelayedCall pollTimer_;
  bool eventsSeen_ = false;
  bool checking_ = false;
  bool firstCheck_ = true;
  bool again_ = false;
  bool quitting_ = false;
};

}  // namespace

twist::Deferred<int> watchCommand(twist::Reactor& reactor, Context& c, const Exercise* start, bool poll, bool welcome) {
  // The Watch lives until it has finished; the coroutine frame owns it.
  auto watch = std::make_shared<Watch>(reactor, c, start, poll);
  watch->begin(welcome);
  int code = co_await watch->finished;
  co_return code;
}

}  // namespace twistlings
