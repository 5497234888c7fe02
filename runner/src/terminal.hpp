// terminal.hpp — what the runner needs to know about the terminal: is it one,
// how wide and tall, may we use colour (not when NO_COLOR is set, TERM is
// "dumb", or the output is not a terminal), and the escape codes for colour.
#pragma once

#include <string>
#include <string_view>

namespace twistlings::term {

bool isTerminal(int fd);
// Columns and rows of the terminal on stdout; $COLUMNS / $LINES, else 80 x 24.
int width();
int height();

// Colours and emphasis, or plain text when disabled.
class Painter {
 public:
  explicit Painter(bool enabled) : enabled_(enabled) {}
  // Enabled when fd is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
  static Painter forFd(int fd);

  bool enabled() const { return enabled_; }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string italic(std::string_view s) const { return wrap("3", s); }
  std::string underline(std::string_view s) const { return wrap("4", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string blue(std::string_view s) const { return wrap("34", s); }
  std::string magenta(std::string_view s) const { return wrap("35", s); }
  std::string cyan(std::string_view s) const { return wrap("36", s); }
  // Any SGR code list ("1;36").
  std::string wrap(std::string_view sgr, std::string_view s) const;

 private:
  bool enabled_;
};

// The number of columns s takes on screen: escape sequences take none, a
// UTF-8 character takes one.
size_t displayWidth(std::string_view s);

// s followed by spaces up to `width` columns (as displayWidth counts them);
// s unchanged when it is as wide or wider.
std::string padRight(const std::string& s, size_t width);

// s without its terminal escape sequences (CSI: ESC [ ... final byte).
std::string stripEscapes(std::string_view s);

}  // namespace twistlings::term
