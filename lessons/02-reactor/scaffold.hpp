// scaffold.hpp — what lesson 02's `cpp fragment` and `cpp body` listings
// assume: the standard headers and twist's reactor, time and task headers.
// Each listing declares the names it uses itself (a Reactor, a Clock, ...).
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "twist/reactor.hpp"
#include "twist/task.hpp"
#include "twist/time.hpp"
