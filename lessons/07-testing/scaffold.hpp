// scaffold.hpp — what lesson 07's `cpp fragment` and `cpp body` listings
// assume: the standard headers, twist's headers for protocols, time, TCP and
// testing, and Catch2 through the course's twist_catch.hpp (its version found
// here, as the build's TWIST_CATCH_MAJOR would say). Each listing declares
// the names it uses itself.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/reactor.hpp"
#include "twist/task.hpp"
#include "twist/tcp.hpp"
#include "twist/testing.hpp"

#ifndef TWIST_CATCH_MAJOR
#if __has_include(<catch2/catch_test_macros.hpp>)
#define TWIST_CATCH_MAJOR 3
#else
#define TWIST_CATCH_MAJOR 2
#endif
#endif
#include "framework/testsupport/twist_catch.hpp"
