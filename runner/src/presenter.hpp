// presenter.hpp — the terminal presenter's logic, apart from the terminal
// (issue 12 §2): the keys as a state machine, and each screen as a pure
// function of the state, so both are tested at 80x24 without a terminal.
// cmd_slides.cpp does the I/O: the alternate screen, raw keys, resizes,
// the session file, the notes link and the demo.
//
//   bytes from the terminal --KeyDecoder--> PresenterKey --applyKey--> state
//   state + deck + clocks --drawPresenter--> screen lines --> the terminal
//
// Ownership: everything here is a plain value or a pure function.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "agenda.hpp"
#include "deck.hpp"

namespace twistlings {

// The keys the presenter knows, decoded from the terminal's bytes.
struct PresenterKey {
  enum class Kind {
    next,       // -> space PageDown (and l, j, n, Enter when not typing a number)
    previous,   // <- PageUp (and h, k, p, Backspace)
    first,      // Home
    last,       // End
    goTo,       // g: start typing a slide number
    digit,      // 0-9 (only meaningful after g)
    enter,      // Enter
    backspace,  // Backspace
    cancel,     // Esc (a lone one), or Ctrl-G
    demo,       // d
    timer,      // t: restart the talk timer
    quit,       // q, Ctrl-C, Ctrl-D
    redraw,     // Ctrl-L
  };
  Kind kind = Kind::next;
  char digit = 0;  // for digit
  bool operator==(const PresenterKey&) const = default;
};

// Terminal bytes to keys: single bytes, and the escape sequences xterm and
// the Linux console send for the arrows, PageUp/PageDown, Home/End (CSI and
// SS3 forms). A sequence split across reads is kept until it is complete;
// an unknown one is dropped whole. A lone Esc is a cancel only when the
// next byte does not start a sequence (flush() after a pause delivers it).
class KeyDecoder {
 public:
  std::vector<PresenterKey> feed(char byte);
  // A pending lone Esc, as a cancel (call when no byte followed for a while).
  std::vector<PresenterKey> flush();

 private:
  std::string pending_;  // an escape sequence read so far
};

// Where the presenter is. Slides are 1-based, as the footer and `g` say them.
struct PresenterState {
  std::size_t slide = 1;
  std::size_t slides = 1;
  bool typing = false;       // after g: typing a slide number
  std::string typed;         // the digits so far
  std::string message;       // a one-line message for the footer ("no slide 42: 1-12")
};

// What the caller must do after a key, beyond redrawing.
enum class PresenterAction { none, redraw, runDemo, restartTimer, quit };

// Applies one key. Moving past the ends stays at the end; `g` 7 Enter goes
// to slide 7 (an out-of-range number leaves the slide and says so); Esc or
// any other key while typing stops typing (and that key is not applied,
// except quit). Returns what the caller must do; redraw whenever the state
// changed.
PresenterAction applyKey(PresenterState& state, const PresenterKey& key);

enum class Theme { dark, light };

// The clocks the footer shows.
struct PresenterClock {
  std::string lesson;          // "02-reactor"
  double talkSecondsUsed = 0;  // since the timer started (t restarts it)
  int talkMinutes = 0;         // the lesson's, from the plan
  // The workshop clock's line, "10:25 plan: 04-deferreds talk · 3 min
  // behind" (workshopClock), or "" without --start.
  std::string workshop;
};

struct ScreenSize {
  int columns = 80;
  int rows = 24;
};

struct DrawOptions {
  ScreenSize size;
  bool color = true;
  Theme theme = Theme::dark;
};

// The presenter's screen, exactly size.rows lines (none wider than
// size.columns, as displayWidth counts): the slide rendered (renderSlide)
// and centred in the rows above the footer; then a rule and the footer:
// lesson, slide n/N (or the `g` prompt, or the message), talk time used of
// the talk minutes (the warning colour when over), and the workshop clock.
// A slide taller than the screen is cut, its last line saying so.
std::vector<std::string> drawPresenter(const Deck& deck, const PresenterState& state, const PresenterClock& clock,
                                       const DrawOptions& options);

// What the notes window knows.
struct NotesScreen {
  const Deck* deck = nullptr;   // the presenter's deck, once known
  std::size_t slide = 0;        // 1-based; 0: not known yet
  bool connected = false;
  std::string waiting;          // why not connected
  double talkSecondsUsed = 0;
  int talkMinutes = 0;
  std::string workshop;         // as in PresenterClock
  std::string problem;          // the deck could not be read: why
};

// The notes window's screen, exactly size.rows lines: the slide n/N and
// title, the next slide's title, the timers, then the notes (rendered, cut
// to fit, saying so); "waiting for the presenter" and why while not
// connected.
std::vector<std::string> drawNotes(const NotesScreen& notes, const DrawOptions& options);

// The deck as plain text, one slide after another, each under a rule with
// its number, with its notes: what `slides` prints when stdout is not a
// terminal.
std::string deckAsText(const Deck& deck, int width = 80);

// "12:05" for 725 seconds ("-0:30" when negative, whole seconds).
std::string minutesSeconds(double seconds);

// The workshop clock: where the room should be at `nowMinutes` (minutes
// after midnight) by the agenda (which must have a start), against where it
// is: in `lesson`, `talkSecondsUsed` into its talk. "10:25 plan: 04-deferreds
// talk · here: 03-callbacks, 12 min behind". "" when the agenda has no start.
std::string workshopClock(const Agenda& agenda, int nowMinutes, const std::string& lesson, double talkSecondsUsed);

}  // namespace twistlings
