// doctor.hpp — `twistlings doctor`: is this machine ready for the workshop?
//
// It checks, one after another, what the course needs and prints each result
// as soon as it is known: the compiler CMake uses (and that it compiles
// C++20: coroutines, concepts, std::span), CMake and Ninja, each library with
// its version, a TCP round trip on 127.0.0.1, the file watcher, and the
// sanitizers. Every problem comes with the command that fixes it, for the
// package manager found here (apt, dnf or brew), with the same package names
// as the ./twistlings driver script installs.
//
//   checking the compiler…
//   ✓ compiler: g++ 12.2.0 at /usr/bin/c++ (C++20: yes)
//   checking the libraries…
//   ✗ libuv: not found (pkg-config does not know it)
//       fix: sudo apt-get update && sudo apt-get install -y libuv1-dev
//
// (On a terminal, each "checking …" line is replaced by its result.)
//
// A failure (✗) is something the course cannot work without; a warning (!)
// is something it works around (no Ninja: CMake uses Make; no file events:
// `watch --poll`; no sanitizers: the course runs without them). A note (·)
// is neither: which of nc and telnet are here, and that the lessons use
// `./twistlings connect` instead.
//
// Every check is bounded in time — 20 s for a compile, 10 s for any other
// program, 5 s for the network, 3 s for a file event — so doctor never hangs,
// not even on the machine it is meant to diagnose.
//
// Ownership: doctor copies what it is given; the scratch directories it makes
// under paths.state/doctor/ are removed before its Deferred fires. The reactor
// must run until then (react() does that); it keeps the TCP probe's factories
// until it shuts down, since a connection that hangs is closed only then.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paths.hpp"
#include "terminal.hpp"
#include "twist/deferred.hpp"
#include "twist/reactor.hpp"

namespace twistlings {

// Runs every check, writing to stdout; fires with 0 when none failed
// (warnings allowed), 1 otherwise. It never fails: a check that throws is
// reported as that check's failure.
twist::Deferred<int> doctor(twist::Reactor& reactor, const Paths& paths, const term::Painter& paint);
// The same, writing through `write` (tests read what it says).
twist::Deferred<int> doctor(twist::Reactor& reactor, const Paths& paths, const term::Painter& paint,
                            std::function<void(std::string_view)> write);

}  // namespace twistlings
