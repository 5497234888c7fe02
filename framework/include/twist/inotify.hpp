// inotify.hpp — watching files and directories for changes
// (Twisted: twisted.internet.inotify.INotify), over libuv's uv_fs_event.
//
//   twist::INotify notifier(reactor);
//   notifier.watch("exercises/04-deferreds", [](const std::string& path, unsigned mask) {
//     if (mask & twist::INotify::CHANGE) std::printf("%s changed\n", path.c_str());
//   });
//   ...
//   notifier.ignore("exercises/04-deferreds");
//
// What is reported: libuv folds the kernel's many inotify events into two
// bits, and twist passes them on as they come:
// - INotify::RENAME: an entry appeared, disappeared or was renamed (Linux
//   IN_CREATE, IN_DELETE, IN_MOVED_FROM/TO, and the watched path's own
//   IN_DELETE_SELF / IN_MOVE_SELF);
// - INotify::CHANGE: contents or attributes changed (IN_MODIFY, IN_ATTRIB).
// Twisted reports the finer IN_* masks; code written for both should test
// only "something changed here". One edit may come as several events (an
// editor that writes a temporary file and renames it gives RENAME twice and
// maybe CHANGE), so treat each event as "look again", not as a count.
//
// The path given to the callback: for a watched file, the file's path as
// passed to watch(); for a watched directory, that path joined with the name
// of the entry inside it that changed. Watching is not recursive (neither is
// Twisted's by default): a subdirectory's files are not reported.
//
// Errors: watch() throws std::runtime_error naming the path and the libuv
// error (ENOENT when it does not exist); ignore() of a path not watched throws
// std::invalid_argument (Twisted: KeyError). watch() of a path already watched
// replaces its callback. An exception thrown by a callback is logged and contained.
//
// Ownership: the INotify owns one uv_fs_event_t per watched path, each freed
// in its close callback after ignore() or ~INotify. After ignore() returns, or
// once the INotify is destroyed, no callback runs. The INotify must be
// destroyed before its Reactor; if the Reactor goes first, it closes the
// watches and the INotify then does nothing.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "twist/reactor.hpp"

namespace twist {

class INotify final : private detail::LoopResource {
 public:
  static constexpr unsigned RENAME = 1;  // UV_RENAME
  static constexpr unsigned CHANGE = 2;  // UV_CHANGE
  using Callback = std::function<void(const std::string& path, unsigned mask)>;

  explicit INotify(Reactor& reactor);
  ~INotify();
  INotify(const INotify&) = delete;
  INotify& operator=(const INotify&) = delete;

  // Starts watching path (a file or a directory) and calls callback for each change.
  void watch(const std::string& path, Callback callback);
  // Stops watching path.
  void ignore(const std::string& path);
  // True while path is watched.
  bool isWatched(const std::string& path) const { return watches_.count(path) != 0; }

 private:
  struct Watch;
  void closeForReactorShutdown() override;
  void closeAll();
  static void onEvent(uv_fs_event_t* handle, const char* filename, int events, int status);

  Reactor* reactor_;  // null once the Reactor has gone
  std::map<std::string, Watch*> watches_;
};

}  // namespace twist
