#include "twist/inotify.hpp"

#include <sys/stat.h>

#include <stdexcept>
#include <utility>

#include "twist/logger.hpp"

namespace twist {

static_assert(INotify::RENAME == UV_RENAME && INotify::CHANGE == UV_CHANGE, "INotify's bits are libuv's");

namespace {
const Logger inotifyLog{"twist.inotify"};
}

// One watched path. Freed in its handle's close callback; `owner` is cleared
// first, so an event that libuv still delivers before then is dropped.
struct INotify::Watch {
  uv_fs_event_t handle{};
  std::string path;
  bool isDirectory = false;
  Callback callback;
  INotify* owner = nullptr;
};

INotify::INotify(Reactor& reactor) : reactor_(&reactor) { reactor.registerResource(this); }

INotify::~INotify() {
  if (!reactor_) return;
  closeAll();
  reactor_->unregisterResource(this);
}

void INotify::watch(const std::string& path, Callback callback) {
  if (!reactor_) throw std::logic_error("INotify.watch: the Reactor this INotify belongs to is gone");
  auto existing = watches_.find(path);
  if (existing != watches_.end()) {
    existing->second->callback = std::move(callback);
    return;
  }
  auto watch = std::make_unique<Watch>();
  watch->path = path;
  struct stat info {};
  watch->isDirectory = ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
  watch->callback = std::move(callback);
  watch->owner = this;
  uv_fs_event_init(reactor_->uvLoop(), &watch->handle);
  watch->handle.data = watch.get();
  int rc = uv_fs_event_start(&watch->handle, &INotify::onEvent, path.c_str(), 0);
  Watch* raw = watch.release();  // from here on, freed in the close callback
  if (rc < 0) {
    raw->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&raw->handle), [](uv_handle_t* h) { delete static_cast<Watch*>(h->data); });
    throw std::runtime_error("INotify.watch(\"" + path + "\"): " + uv_err_name(rc) + " (" + uv_strerror(rc) + ")");
  }
  watches_.emplace(path, raw);
}

void INotify::ignore(const std::string& path) {
  auto found = watches_.find(path);
  if (found == watches_.end()) throw std::invalid_argument("INotify.ignore(\"" + path + "\"): that path is not watched");
  Watch* watch = found->second;
  watches_.erase(found);
  watch->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&watch->handle), [](uv_handle_t* h) { delete static_cast<Watch*>(h->data); });
}

void INotify::closeAll() {
  while (!watches_.empty()) ignore(watches_.begin()->first);
}

void INotify::closeForReactorShutdown() {
  closeAll();
  reactor_ = nullptr;  // no need to unregister: the Reactor is going away
}

void INotify::onEvent(uv_fs_event_t* handle, const char* filename, int events, int status) {
  auto* watch = static_cast<Watch*>(handle->data);
  if (!watch->owner || watch->owner->reactor_->tearingDown()) return;
  if (status < 0) {
    inotifyLog.error("INotify: watching {path} failed: {error}",
                     {{"path", watch->path}, {"error", std::string(uv_err_name(status)) + " (" + uv_strerror(status) + ")"}});
    return;
  }
  std::string path = watch->path;
  if (watch->isDirectory && filename && *filename) {
    if (path.empty() || path.back() != '/') path += '/';
    path += filename;
  }
  // A copy: the callback may watch() this path again (replacing itself) or ignore() it.
  Callback callback = watch->callback;
  callContained(inotifyLog, "INotify callback", [&] { callback(path, static_cast<unsigned>(events)); });
}

}  // namespace twist
