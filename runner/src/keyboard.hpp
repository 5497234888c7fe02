// keyboard.hpp — single key presses from the terminal, as reactor events:
// what watch mode's h/l/n/r/q keys need. The terminal is put in raw mode (no
// line buffering, no echo) while a Keyboard exists, and restored by its
// destructor — and by the signal handlers, should the runner be killed
// (uv_tty_reset_mode is safe to call from a signal handler).
//
// Ownership: the Keyboard owns a uv_tty_t on stdin, freed in its close
// callback. It must be destroyed before its Reactor.
#pragma once

#include <functional>
#include <memory>

#include "twist/reactor.hpp"

namespace twistlings {

class Keyboard {
 public:
  // onKey receives each byte typed (Ctrl-C arrives as 3: raw mode turns off signals).
  // Throws std::runtime_error when stdin is not a terminal.
  Keyboard(twist::Reactor& reactor, std::function<void(char)> onKey);
  ~Keyboard();
  Keyboard(const Keyboard&) = delete;
  Keyboard& operator=(const Keyboard&) = delete;

 private:
  struct Handle;
  Handle* handle_;  // freed in its close callback
};

}  // namespace twistlings
