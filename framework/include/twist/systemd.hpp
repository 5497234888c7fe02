// systemd.hpp — socket activation and readiness, as systemd's protocols say
// them, without libsystemd (Twisted: twisted.python.systemd.ListenFDs; its
// readiness has no counterpart in Twisted 22.4, which has no sd_notify).
//
// Socket activation: systemd opens the listening sockets itself, starts the
// program with them as descriptors 3, 4, ... and says so in two variables:
// LISTEN_FDS (how many) and LISTEN_PID (for which process: a child that
// inherits the environment must not take them for its own). A program asks
// for one with the endpoint string "systemd:domain=INET:index=0"
// (endpoints.hpp): index 0 is descriptor 3.
//
//   auto endpoint = twist::serverFromString(reactor, "systemd:domain=INET:index=0");
//   endpoint->listen(*factory);     // accepts on systemd's socket
//   twist::notifyReady();           // Type=notify: "started" from here
//
// As in Twisted, the variables are read once per process (Twisted: when
// twisted.internet.endpoints is imported; twist: at the first
// ListenFDs::inherited(), which the first "systemd:" endpoint calls), and
// when LISTEN_PID names this process both are then removed from the
// environment, so that processes it starts do not see them. Twisted 22.4
// reads neither LISTEN_FDNAMES nor a name= option, and neither does twist
// (later Twisted releases do: ListenFDs(descriptors, names), "name=foo").
//
// Readiness (sd_notify's protocol): one datagram, e.g. "READY=1", sent to
// the AF_UNIX socket that NOTIFY_SOCKET names: a path, or "@name" for
// Linux's abstract namespace. With NOTIFY_SOCKET unset (not started by
// systemd, or Type=simple) it does nothing. It never blocks the loop.
//
// Not thread-safe: the environment is read and changed without a lock; call
// these from the reactor's thread, before starting other threads that read
// the environment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twist {

// The descriptors inherited from systemd (Twisted: ListenFDs).
class ListenFDs {
 public:
  static constexpr int start = 3;  // systemd's SD_LISTEN_FDS_START

  // LISTEN_FDS descriptors from 3 when LISTEN_PID is this process, and then
  // unsets both (Twisted's fromEnvironment). No descriptors otherwise, with
  // `why` saying what was missing.
  static ListenFDs fromEnvironment();
  // The same reading of given values (nullptr: unset), for a process `pid`;
  // changes no environment.
  static ListenFDs fromValues(const char* listenPid, const char* listenFds, long pid);
  // This process's, read from the environment at the first call only.
  static const ListenFDs& inherited();

  std::vector<int> descriptors;
  // Why there are none, in words that name the variable and its value, e.g.
  // "LISTEN_PID is 812, not this process (990)"; empty when there are some.
  std::string why;
};

// Sends `state` ("READY=1", "STOPPING=1", "STATUS=...", newline-separated
// assignments) to NOTIFY_SOCKET. Returns false, sending nothing, when
// NOTIFY_SOCKET is unset or empty. Throws std::runtime_error naming the
// operation, the socket and the error (e.g. "sd_notify: sendto
// /run/x.sock: ENOENT") when it cannot: a relative path, a name too long,
// nobody bound there, a full queue (EAGAIN: it does not wait).
bool sdNotify(std::string_view state);

// "READY=1": the service is up (Type=notify units count as started from
// here: call it once listening). Same result and errors as sdNotify.
bool notifyReady();
// "STOPPING=1": a graceful stop has begun.
bool notifyStopping();

}  // namespace twist
