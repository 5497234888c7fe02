// terminal.cpp — see terminal.hpp.
#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace twistlings::term {

bool isTerminal(int fd) { return ::isatty(fd) == 1; }

namespace {
int fromEnv(const char* name, int fallback) {
  const char* value = std::getenv(name);
  int n = value != nullptr ? std::atoi(value) : 0;
  return n > 0 ? n : fallback;
}
}  // namespace

int width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return fromEnv("COLUMNS", 80);
}

int height() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) return size.ws_row;
  return fromEnv("LINES", 24);
}

Painter Painter::forFd(int fd) {
  const char* noColor = std::getenv("NO_COLOR");
  const char* termName = std::getenv("TERM");
  bool enabled = isTerminal(fd) && (noColor == nullptr || *noColor == '\0') &&
                 !(termName != nullptr && std::strcmp(termName, "dumb") == 0);
  return Painter(enabled);
}

std::string Painter::wrap(std::string_view sgr, std::string_view s) const {
  if (!enabled_) return std::string(s);
  std::string out = "\x1b[";
  out += sgr;
  out += 'm';
  out += s;
  out += "\x1b[0m";
  return out;
}

namespace {
// If an escape sequence (CSI: ESC [ ... final byte) starts at i, the index of
// its final byte; else i itself.
size_t escapeEnd(std::string_view s, size_t i) {
  if (s[i] != '\x1b' || i + 1 >= s.size() || s[i + 1] != '[') return i;
  i += 2;
  while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7e)) ++i;
  return i;
}
}  // namespace

std::string padRight(const std::string& s, size_t width) {
  size_t w = displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

size_t displayWidth(std::string_view s) {
  size_t columns = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t end = escapeEnd(s, i);
    if (end != i) {
      i = end;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) ++columns;  // count lead bytes, not continuation bytes
  }
  return columns;
}

std::string stripEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    size_t end = escapeEnd(s, i);
    if (end != i) {
      i = end;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace twistlings::term
