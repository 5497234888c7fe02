// scaffold.hpp — what lesson 05's `cpp fragment` and `cpp body` listings
// assume: the standard headers and twist's protocol, transport, TCP and
// testing headers. Each listing declares the names it uses itself.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist/tcp.hpp"
#include "twist/testing.hpp"
#include "twist/transport.hpp"
