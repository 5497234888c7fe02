// scaffold.hpp — what lesson 06's `cpp fragment` and `cpp body` listings
// assume. The course's listing check compiles a `cpp fragment` after this file
// and a `cpp body` inside a function body after it (a `cpp` listing is
// compiled alone).
//
// The lesson's examples are a connection counter (a Factory's shared state)
// and Shout, a LineReceiver that answers in capitals; each listing declares
// the classes it shows itself, and a `cpp body` reaches the README's Shout
// through makeShout().
#pragma once

#include <cctype>
#include <memory>
#include <string>
#include <string_view>

#include "twist/basic.hpp"
#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/testing.hpp"

// A new Shout (the README's LineReceiver), as a test would build one.
std::unique_ptr<twist::Protocol> makeShout();
