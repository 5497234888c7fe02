// keyboard.cpp — see keyboard.hpp.
#include "keyboard.hpp"

#include <uv.h>

#include <stdexcept>
#include <string>

namespace twistlings {

struct Keyboard::Handle {
  uv_tty_t tty;
  std::function<void(char)> onKey;
  char buffer[64];
};

Keyboard::Keyboard(twist::Reactor& reactor, std::function<void(char)> onKey) : handle_(new Handle) {
  handle_->onKey = std::move(onKey);
  int rc = uv_tty_init(reactor.uvLoop(), &handle_->tty, 0, 1);
  if (rc != 0) {
    delete handle_;  // never initialised: nothing to close
    handle_ = nullptr;
    throw std::runtime_error(std::string("cannot read keys from stdin: uv_tty_init: ") + uv_err_name(rc));
  }
  handle_->tty.data = handle_;
  uv_tty_set_mode(&handle_->tty, UV_TTY_MODE_RAW);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&handle_->tty),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* self = static_cast<Handle*>(h->data);
        *buf = uv_buf_init(self->buffer, sizeof self->buffer);
      },
      [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
        auto* self = static_cast<Handle*>(s->data);
        if (n < 0) {
          uv_read_stop(s);  // end of input: no more keys
          return;
        }
        // A key may destroy the Keyboard (q quits): then onKey is empty, and
        // the Handle itself lives on until its close callback.
        for (ssize_t i = 0; i < n && self->onKey; ++i) {
          auto onKey = self->onKey;
          onKey(buf->base[i]);
        }
      });
}

Keyboard::~Keyboard() {
  if (handle_ == nullptr) return;
  uv_tty_reset_mode();
  handle_->onKey = nullptr;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_->tty));
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->tty), [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
}

}  // namespace twistlings
