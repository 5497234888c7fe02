// cmd_slides.cpp — slides: the terminal presenter, its notes window, and the
// decks' course check (issue 12 §1, §2). presenter.hpp is the logic, tested
// without a terminal; this file is the terminal: the alternate screen, raw
// keys, resizes (SIGWINCH through uv_signal), the session file, the notes
// link (notes_link.hpp) and the demo.
//
// The terminal is given back on every way out: q and Ctrl-C (raw mode makes
// it a key), SIGTERM and SIGHUP (uv_signal: the presenter quits as with q),
// an exception (FullScreen's destructor). While it is in full screen, twist's
// log goes to .twistlings/slides.log instead of over the slide.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agenda.hpp"
#include "commands.hpp"
#include "deck.hpp"
#include "keyboard.hpp"
#include "notes_link.hpp"
#include "presenter.hpp"
#include "react.hpp"
#include "twist/logger.hpp"

namespace twistlings {

namespace slides_io {

// stdout, unbuffered by stdio (the screen is written whole, then flushed).
void writeOut(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

ScreenSize screenSize() { return {term::width(), term::height()}; }

// A key's or a signal's handler, with what it throws logged (to slides.log
// while the screen is ours) and contained: libuv's C callbacks must not see it.
template <class F>
void contained(const char* what, F&& f) {
  static const twist::Logger log{"twistlings.slides"};
  try {
    f();
  } catch (const std::exception& e) {
    log.error("{what}: {error}", {{"what", what}, {"error", e.what()}});
  }
}

// The screen's lines, drawn from the top-left, each clearing what was left of it.
void paint(const std::vector<std::string>& lines) {
  std::string out = "\x1b[H";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += "\x1b[K";
    if (i + 1 < lines.size()) out += "\r\n";
  }
  writeOut(out);
}

// One uv_signal handle, freed in its close callback.
class SignalWatch {
 public:
  SignalWatch(twist::Reactor& reactor, int signo, std::function<void()> onSignal) : handle_(new Handle) {
    handle_->onSignal = std::move(onSignal);
    uv_signal_init(reactor.uvLoop(), &handle_->signal);
    handle_->signal.data = handle_;
    uv_signal_start(
        &handle_->signal,
        [](uv_signal_t* s, int) {
          auto* self = static_cast<Handle*>(s->data);
          if (self->onSignal) {
            auto onSignal = self->onSignal;  // it may destroy this watch
            contained("a signal's handler", onSignal);
          }
        },
        signo);
  }
  ~SignalWatch() {
    handle_->onSignal = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->signal),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
  }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  struct Handle {
    uv_signal_t signal;
    std::function<void()> onSignal;
  };
  Handle* handle_;
};

// The alternate screen, raw keys, resizes and the quitting signals, for as
// long as it lives; suspend() hands the terminal back for a while (the demo).
class FullScreen {
 public:
  FullScreen(twist::Reactor& reactor, std::function<void(char)> onByte, std::function<void()> onResize,
             std::function<void()> onQuitSignal)
      : reactor_(reactor),
        onByte_([onByte = std::move(onByte)](char byte) { contained("a key's handler", [&] { onByte(byte); }); }) {
    enter();
    resize_ = std::make_unique<SignalWatch>(reactor, SIGWINCH, std::move(onResize));
    for (int signo : {SIGTERM, SIGHUP, SIGINT}) quit_.push_back(std::make_unique<SignalWatch>(reactor, signo, onQuitSignal));
  }
  ~FullScreen() { leave(); }
  FullScreen(const FullScreen&) = delete;
  FullScreen& operator=(const FullScreen&) = delete;

  void suspend() { leave(); }
  void resume() { enter(); }

 private:
  void enter() {
    if (entered_) return;
    writeOut("\x1b[?1049h\x1b[?25l\x1b[2J");
    // libuv's tty handle may put its own descriptor in place of stdin and
    // closes it with the handle: stdin is kept aside, for the demo after.
    savedStdin_ = ::dup(STDIN_FILENO);
    keyboard_ = std::make_unique<Keyboard>(reactor_, onByte_);
    entered_ = true;
  }
  void leave() {
    if (!entered_) return;
    keyboard_.reset();  // the terminal's mode back (uv_tty_reset_mode)
    if (savedStdin_ >= 0) {
      ::dup2(savedStdin_, STDIN_FILENO);
      ::close(savedStdin_);
      savedStdin_ = -1;
      int flags = ::fcntl(STDIN_FILENO, F_GETFL);
      if (flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, flags & ~O_NONBLOCK);  // blocking, as a program expects
    }
    writeOut("\x1b[0m\x1b[?25h\x1b[?1049l");
    entered_ = false;
  }

  twist::Reactor& reactor_;
  std::function<void(char)> onByte_;
  std::unique_ptr<Keyboard> keyboard_;
  std::unique_ptr<SignalWatch> resize_;
  std::vector<std::unique_ptr<SignalWatch>> quit_;
  bool entered_ = false;
  int savedStdin_ = -1;
};

// Twist's log into .twistlings/slides.log while the screen is ours.
class LogToFile {
 public:
  explicit LogToFile(const std::filesystem::path& file) {
    std::error_code ignored;
    std::filesystem::create_directories(file.parent_path(), ignored);
    out_.open(file, std::ios::app);
    id_ = twist::globalLogPublisher().addObserver([this](const twist::LogEvent& event) {
      if (out_) twist::textFileLogObserver(out_)(event);
    });
  }
  ~LogToFile() { twist::globalLogPublisher().removeObserver(id_); }
  LogToFile(const LogToFile&) = delete;
  LogToFile& operator=(const LogToFile&) = delete;

 private:
  std::ofstream out_;
  twist::LogPublisher::ObserverId id_ = 0;
};

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int minutesOfDayNow() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local.tm_hour * 60 + local.tm_min;
}

// The talk minutes of a lesson, by the plan.
int talkMinutesOf(const Course& course, const std::string& lessonId) {
  for (const PlannedLesson& p : course.plan())
    if (p.id == lessonId) return p.talkMinutes;
  if (const Lesson* l = course.lesson(lessonId)) return l->talkMinutes;
  return 0;
}

// The agenda of --start and --break, or nullopt without --start.
std::optional<Agenda> agendaOf(const Course& course, const SlidesFlags& flags) {
  std::optional<int> startClock;
  if (flags.start) startClock = parseTimeOfDay(*flags.start, "--start");
  std::vector<BreakRequest> requests;
  for (const std::string& b : flags.breaks) requests.push_back(parseBreak(b, startClock.has_value()));
  Agenda agenda = buildAgenda(course.plan(), startClock, requests);
  if (!startClock) return std::nullopt;
  return agenda;
}

Theme themeOf(const std::string& name) {
  if (name == "dark") return Theme::dark;
  if (name == "light") return Theme::light;
  throw UsageError("--theme is 'dark' or 'light', not '" + name + "'");
}

// The bytes typed, decoded into keys for `apply`. A lone Esc is a cancel once
// nothing has followed it for 50 ms (an arrow key's bytes come together).
// Lives as long as its owner, which must outlive the reactor's calls to it.
class KeyInput {
 public:
  KeyInput(twist::Reactor& reactor, std::function<void(const PresenterKey&)> apply)
      : reactor_(reactor), apply_(std::move(apply)) {}
  ~KeyInput() { cancel(); }
  // `finished`: the owner quit while applying these keys; nothing more is armed then.
  void feed(char byte, const bool& finished) {
    for (const PresenterKey& key : decoder_.feed(byte)) apply_(key);
    if (finished) return;
    cancel();
    escape_ = reactor_.callLater(0.05, [this] {
      for (const PresenterKey& key : decoder_.flush()) apply_(key);
    });
  }
  void cancel() {
    if (escape_.active()) escape_.cancel();
  }

 private:
  twist::Reactor& reactor_;
  std::function<void(const PresenterKey&)> apply_;
  KeyDecoder decoder_;
  twist::DelayedCall escape_;
};

// The presenter: one deck, its keys, its clocks, its notes windows.
class Presenter {
 public:
  Presenter(twist::Reactor& reactor, Context& c, const Lesson& lesson, Deck deck, const SlidesFlags& flags)
      : reactor_(reactor),
        c_(c),
        lesson_(lesson),
        deck_(std::move(deck)),
        agenda_(agendaOf(c.course, flags)),
        sessionFile_(slidesSessionFile(c.paths.state)),
        notes_([this](const NotesKey& key) { notesKey(key); }) {
    options_.color = term::Painter::forFd(1).enabled();
    options_.theme = themeOf(flags.theme);
    state_.slides = deck_.slides.size();
    talkMinutes_ = talkMinutesOf(c.course, lesson.id);
    timerStart_ = reactor.seconds();
  }

  twist::Deferred<int> run() {
    log_ = std::make_unique<LogToFile>(c_.paths.state / "slides.log");
    try {
      port_ = notes_.listenLoopback(reactor_);
    } catch (const std::exception& e) {
      port_ = 0;  // no notes windows this time; the slides still work
      message_ = std::string("no notes link: ") + e.what();
    }
    notes_.setDeck(deck_.lessonId, deck_.slides.size());
    notes_.setSlide(state_.slide);
    notes_.setTimer(0, talkMinutes_);
    screen_ = std::make_unique<FullScreen>(
        reactor_, [this](char byte) { onByte(byte); }, [this] { draw(); }, [this] { quit(); });
    state_.message = message_;
    draw();
    writeSession(true);
    tick();
    return done_;
  }

 private:
  double talkSecondsUsed() const { return reactor_.seconds() - timerStart_; }

  void onByte(char byte) { keys_.feed(byte, finished_); }

  void notesKey(const NotesKey& key) {
    using Kind = PresenterKey::Kind;
    switch (key.kind) {
      case NotesKey::Kind::next: apply({Kind::next}); break;
      case NotesKey::Kind::prev: apply({Kind::previous}); break;
      case NotesKey::Kind::first: apply({Kind::first}); break;
      case NotesKey::Kind::last: apply({Kind::last}); break;
      case NotesKey::Kind::timer: apply({Kind::timer}); break;
      case NotesKey::Kind::go:
        if (key.slide >= 1 && key.slide <= state_.slides) {
          state_.slide = key.slide;
          changed();
        }
        break;
    }
  }

  void apply(const PresenterKey& key) {
    if (finished_) return;
    switch (applyKey(state_, key)) {
      case PresenterAction::none: return;
      case PresenterAction::redraw: changed(); return;
      case PresenterAction::restartTimer:
        timerStart_ = reactor_.seconds();
        notes_.setTimer(0, talkMinutes_);
        changed();
        return;
      case PresenterAction::runDemo:
        // Out of the key's callback first: the demo runs a reactor of its own.
        reactor_.callLater(0, [this] { runDemo(); });
        return;
      case PresenterAction::quit: quit(); return;
    }
  }

  void changed() {
    notes_.setSlide(state_.slide);
    writeSession(true);
    draw();
  }

  void draw() {
    if (finished_ || !screen_) return;
    options_.size = screenSize();
    PresenterClock clock;
    clock.lesson = lesson_.id;
    clock.talkSecondsUsed = talkSecondsUsed();
    clock.talkMinutes = talkMinutes_;
    if (agenda_) clock.workshop = workshopClock(*agenda_, minutesOfDayNow(), lesson_.id, clock.talkSecondsUsed);
    paint(drawPresenter(deck_, state_, clock, options_));
  }

  // The footer's clocks move: a redraw a second.
  void tick() {
    ticker_ = reactor_.callLater(1.0, [this] {
      draw();
      tick();
    });
  }

  void runDemo() {
    if (finished_) return;
    if (!lesson_.demo) {
      state_.message = "lesson " + lesson_.id + " has no demo";
      draw();
      return;
    }
    screen_->suspend();
    int code = 2;
    try {
      code = demoCommand(c_, lesson_, DemoFlags{});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "twistlings: %s\n", e.what());
    }
    std::printf("\nThe demo ended%s. Press Enter to go back to the slides… ",
                code == 0 ? "" : (" (exit code " + std::to_string(code) + ")").c_str());
    std::fflush(stdout);
    std::string line;
    std::getline(std::cin, line);
    std::cin.clear();
    screen_->resume();
    draw();
  }

  void quit() {
    if (finished_) return;
    finished_ = true;
    if (ticker_.active()) ticker_.cancel();
    keys_.cancel();
    screen_.reset();  // the terminal back
    writeSession(false);
    notes_.stop().addBoth([this] {
      log_.reset();  // after the port's last words
      done_.callback(0);
    });
  }

  // .twistlings/slides-session.json, written whole (temp + rename); "pid"
  // only while the presenter runs.
  void writeSession(bool running) {
    double now = unixNow();
    nlohmann::json session = {{"lesson", lesson_.id},
                              {"slide", state_.slide},
                              {"slides", state_.slides},
                              {"started", static_cast<long long>(now - talkSecondsUsed())},
                              {"updated", static_cast<long long>(now)}};
    if (port_ != 0) session["port"] = port_;
    if (running) session["pid"] = static_cast<long long>(::getpid());
    std::error_code error;
    std::filesystem::create_directories(sessionFile_.parent_path(), error);
    std::filesystem::path temp = sessionFile_;
    temp += ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(temp, std::ios::trunc);
      out << session.dump(2) << "\n";
      if (!out) return;  // a full disk: the slides go on, agenda --now will not know
    }
    std::filesystem::rename(temp, sessionFile_, error);
  }

  twist::Reactor& reactor_;
  Context& c_;
  const Lesson& lesson_;
  Deck deck_;
  std::optional<Agenda> agenda_;
  std::filesystem::path sessionFile_;
  NotesServer notes_;
  DrawOptions options_;
  PresenterState state_;
  KeyInput keys_{reactor_, [this](const PresenterKey& key) { apply(key); }};
  int talkMinutes_ = 0;
  double timerStart_ = 0;
  int port_ = 0;
  std::string message_;
  std::unique_ptr<LogToFile> log_;
  std::unique_ptr<FullScreen> screen_;
  twist::DelayedCall ticker_;
  bool finished_ = false;
  twist::Deferred<int> done_;
};

// The notes window: follows the presenter found through the session file.
class NotesWindow {
 public:
  NotesWindow(twist::Reactor& reactor, Context& c, const SlidesFlags& flags)
      : reactor_(reactor),
        c_(c),
        agenda_(agendaOf(c.course, flags)),
        client_(reactor, reactor, slidesSessionFile(c.paths.state), [this](const PresenterView&) { draw(); }) {
    options_.color = term::Painter::forFd(1).enabled();
    options_.theme = themeOf(flags.theme);
  }

  twist::Deferred<int> run() {
    log_ = std::make_unique<LogToFile>(c_.paths.state / "slides.log");
    screen_ = std::make_unique<FullScreen>(
        reactor_, [this](char byte) { onByte(byte); }, [this] { draw(); }, [this] { quit(); });
    client_.start();
    draw();
    tick();
    return done_;
  }

 private:
  void onByte(char byte) { keys_.feed(byte, finished_); }

  // Keys move the presenter's deck; `g` N Enter is typed here and sent as one goto.
  void apply(const PresenterKey& key) {
    using Kind = PresenterKey::Kind;
    if (finished_) return;
    const PresenterView& view = client_.view();
    if (key.kind == Kind::quit) return quit();
    if (typing_.typing || key.kind == Kind::goTo) {
      typing_.slide = view.slide == 0 ? 1 : view.slide;
      typing_.slides = view.slides == 0 ? 1 : view.slides;
      std::size_t before = typing_.slide;
      applyKey(typing_, key);
      if (typing_.slide != before) client_.sendKey({NotesKey::Kind::go, typing_.slide});
      draw();
      return;
    }
    switch (key.kind) {
      case Kind::next: case Kind::enter: client_.sendKey({NotesKey::Kind::next}); break;
      case Kind::previous: case Kind::backspace: client_.sendKey({NotesKey::Kind::prev}); break;
      case Kind::first: client_.sendKey({NotesKey::Kind::first}); break;
      case Kind::last: client_.sendKey({NotesKey::Kind::last}); break;
      case Kind::timer: client_.sendKey({NotesKey::Kind::timer}); break;
      case Kind::redraw: draw(); break;
      default: break;
    }
  }

  // The presenter's deck, read again when it names another lesson or another slide count.
  void loadDeckFor(const PresenterView& view) {
    if (view.lesson.empty()) return;
    if (deck_ && deck_->lessonId == view.lesson && deck_->slides.size() == view.slides) return;
    if (problemFor_ == view.lesson + "/" + std::to_string(view.slides)) return;  // read and refused already
    try {
      std::string shown = "slides/" + view.lesson + ".md";
      deck_ = loadDeck(deckPath(c_.paths.root, view.lesson), shown);
      problem_.clear();
      if (deck_->slides.size() != view.slides)
        problem_ = shown + " has " + std::to_string(deck_->slides.size()) + " slides here, the presenter's " +
                   std::to_string(view.slides) + ": is it the same file?";
    } catch (const DeckError& e) {
      deck_.reset();
      problem_ = e.what();
    }
    if (!problem_.empty()) problemFor_ = view.lesson + "/" + std::to_string(view.slides);
  }

  void draw() {
    if (finished_ || !screen_) return;
    const PresenterView& view = client_.view();
    loadDeckFor(view);
    options_.size = screenSize();
    NotesScreen notes;
    notes.deck = deck_ ? &*deck_ : nullptr;
    notes.slide = view.slide;
    notes.connected = view.connected;
    notes.waiting = view.waiting;
    notes.talkSecondsUsed = view.timerKnown ? view.talkSecondsNow(reactor_.seconds()) : 0;
    notes.talkMinutes = static_cast<int>(view.talkMinutes);
    notes.problem = problem_;
    if (agenda_ && !view.lesson.empty())
      notes.workshop = workshopClock(*agenda_, minutesOfDayNow(), view.lesson, notes.talkSecondsUsed);
    std::vector<std::string> lines = drawNotes(notes, options_);
    if (typing_.typing && !lines.empty())
      lines.back() = "go to slide: " + typing_.typed + "▏  (Enter; Esc cancels)";
    paint(lines);
  }

  void tick() {
    ticker_ = reactor_.callLater(1.0, [this] {
      draw();
      tick();
    });
  }

  void quit() {
    if (finished_) return;
    finished_ = true;
    if (ticker_.active()) ticker_.cancel();
    keys_.cancel();
    screen_.reset();
    client_.stop().addBoth([this] {
      log_.reset();
      done_.callback(0);
    });
  }

  twist::Reactor& reactor_;
  Context& c_;
  std::optional<Agenda> agenda_;
  NotesClient client_;
  DrawOptions options_;
  KeyInput keys_{reactor_, [this](const PresenterKey& key) { apply(key); }};
  PresenterState typing_;
  std::optional<Deck> deck_;
  std::string problem_, problemFor_;
  std::unique_ptr<LogToFile> log_;
  std::unique_ptr<FullScreen> screen_;
  twist::DelayedCall ticker_;
  bool finished_ = false;
  twist::Deferred<int> done_;
};

// "02" or "02-reactor": the planned lesson it names.
const PlannedLesson& plannedLesson(const Course& course, const std::string& id) {
  for (const PlannedLesson& p : course.plan())
    if (p.id == id || p.id.rfind(id + "-", 0) == 0) return p;
  std::string ids;
  for (const PlannedLesson& p : course.plan()) ids += (ids.empty() ? "" : ", ") + p.id;
  throw UsageError("no lesson '" + id + "' in lessons/course.json (the lessons: " + ids + ")");
}

}  // namespace slides_io

int slidesCommand(Context& c, const Lesson& lesson, const SlidesFlags& flags) {
  using namespace slides_io;
  themeOf(flags.theme);     // a bad option is refused before anything is drawn
  agendaOf(c.course, flags);
  if (flags.notes) {
    if (!term::isTerminal(1) || !term::isTerminal(0))
      throw UsageError("slides --notes is a window for a terminal (stdin and stdout must be one)");
    // It outlives its reactor: its link is closed (stop fired) before react returns.
    std::unique_ptr<NotesWindow> window;
    return react([&](twist::Reactor& reactor) {
      window = std::make_unique<NotesWindow>(reactor, c, flags);
      return window->run();
    });
  }
  std::string shown = "slides/" + lesson.id + ".md";
  Deck deck = loadDeck(deckPath(c.paths.root, lesson.id), shown);
  if (!term::isTerminal(1) || !term::isTerminal(0)) {
    std::fputs(deckAsText(deck).c_str(), stdout);
    return 0;
  }
  // It outlives its reactor (never destroyed by its own callbacks): its notes
  // link is closed (stop fired) before react returns.
  std::unique_ptr<Presenter> presenter;
  return react([&](twist::Reactor& reactor) {
    presenter = std::make_unique<Presenter>(reactor, c, lesson, std::move(deck), flags);
    return presenter->run();
  });
}

int checkDecksCommand(const Course& course, const std::optional<std::string>& lessonId) {
  using namespace slides_io;
  const fs::path& root = course.root();
  std::vector<const PlannedLesson*> lessons;
  if (lessonId) {
    lessons.push_back(&plannedLesson(course, *lessonId));
  } else {
    for (const PlannedLesson& p : course.plan())
      if (fs::is_directory(root / "lessons" / p.id)) lessons.push_back(&p);
  }
  std::vector<std::string> problems;
  for (const PlannedLesson* p : lessons) {
    fs::path file = deckPath(root, p->id);
    std::string shown = "slides/" + p->id + ".md";
    if (!fs::exists(file)) {
      problems.push_back(shown + " is missing: every lesson has a deck (lessons/" + p->id +
                         "/ is written, and its talk is " + std::to_string(p->talkMinutes) + " min)");
      continue;
    }
    try {
      Deck deck = loadDeck(file, shown);
      std::vector<std::string> found = deckProblems(deck, p->talkMinutes);
      if (found.empty()) {
        char minutes[32];
        std::snprintf(minutes, sizeof minutes, "%.1f", deck.minutes());
        std::printf("ok: %s: %zu slides that fit 80x24, %s of the %d talk minutes\n", shown.c_str(),
                    deck.slides.size(), minutes, p->talkMinutes);
      }
      problems.insert(problems.end(), found.begin(), found.end());
    } catch (const DeckError& e) {
      problems.push_back(e.what());
    }
  }
  if (!lessonId && fs::is_directory(root / "slides")) {
    for (const auto& entry : fs::directory_iterator(root / "slides")) {
      std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".md" || name == "README.md") continue;
      std::string id = entry.path().stem().string();
      bool planned = false;
      for (const PlannedLesson& p : course.plan()) planned = planned || p.id == id;
      if (!planned) problems.push_back("slides/" + name + ": no lesson '" + id + "' in lessons/course.json");
    }
  }
  for (const std::string& problem : problems) std::printf("error: %s\n", problem.c_str());
  return problems.empty() ? 0 : 1;
}

}  // namespace twistlings
