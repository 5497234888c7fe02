// systemd's socket activation variables and sd_notify's datagram, on plain
// sockets (systemd.hpp).
#include "twist/systemd.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace twist {

namespace {

// A decimal number and nothing else; false otherwise.
bool parseNumber(const char* text, long& out) {
  if (!text || !*text) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtol(text, &end, 10);
  return errno == 0 && *end == '\0';
}

}  // namespace

ListenFDs ListenFDs::fromValues(const char* listenPid, const char* listenFds, long pid) {
  ListenFDs fds;
  long owner = 0;
  long count = 0;
  if (!listenPid && !listenFds) {
    fds.why = "LISTEN_FDS and LISTEN_PID are not set (not started by systemd socket activation?)";
  } else if (!listenPid) {
    fds.why = "LISTEN_PID is not set";
  } else if (!parseNumber(listenPid, owner)) {
    fds.why = "LISTEN_PID \"" + std::string(listenPid) + "\" is not a process id";
  } else if (owner != pid) {
    fds.why = "LISTEN_PID is " + std::to_string(owner) + ", not this process (" + std::to_string(pid) + ")";
  } else if (!listenFds) {
    fds.why = "LISTEN_FDS is not set";
  } else if (!parseNumber(listenFds, count) || count < 0 || count > 65536) {
    fds.why = "LISTEN_FDS \"" + std::string(listenFds) + "\" is not a number of descriptors";
  } else if (count == 0) {
    fds.why = "LISTEN_FDS is 0";
  } else {
    for (long i = 0; i < count; ++i) fds.descriptors.push_back(start + static_cast<int>(i));
  }
  return fds;
}

ListenFDs ListenFDs::fromEnvironment() {
  const char* pid = std::getenv("LISTEN_PID");
  const char* count = std::getenv("LISTEN_FDS");
  const long self = static_cast<long>(::getpid());
  ListenFDs fds = fromValues(pid, count, self);
  // As Twisted: both go once they were meant for this process and LISTEN_FDS
  // is a number (even 0), whatever else they hold.
  long owner = 0;
  long number = 0;
  if (parseNumber(pid, owner) && owner == self && parseNumber(count, number)) {
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
  }
  return fds;
}

const ListenFDs& ListenFDs::inherited() {
  static const ListenFDs fds = fromEnvironment();
  return fds;
}

bool sdNotify(std::string_view state) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (!name || !*name) return false;
  const std::string where(name);
  auto failure = [&](const char* operation, const std::string& why) {
    return std::runtime_error(std::string("sd_notify: ") + operation + " " + where + ": " + why);
  };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (where[0] != '/' && where[0] != '@')
    throw failure("connect", "NOTIFY_SOCKET is neither an absolute path nor an @abstract name");
  if (where.size() >= sizeof address.sun_path) throw failure("connect", "name longer than a socket address holds");
  std::memcpy(address.sun_path, where.data(), where.size());
  if (where[0] == '@') address.sun_path[0] = '\0';  // abstract: no terminating NUL counts
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + where.size() + (where[0] == '/'));

  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw failure("socket", uv_err_name(-errno));
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                          reinterpret_cast<const sockaddr*>(&address), length);
  int error = errno;
  ::close(fd);
  if (sent < 0) throw failure("sendto", uv_err_name(-error));
  if (static_cast<std::size_t>(sent) != state.size()) throw failure("sendto", "the datagram was cut short");
  return true;
}

bool notifyReady() { return sdNotify("READY=1"); }

bool notifyStopping() { return sdNotify("STOPPING=1"); }

}  // namespace twist
