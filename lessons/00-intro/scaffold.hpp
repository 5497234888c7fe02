// scaffold.hpp — what lesson 00's `cpp fragment` and `cpp body` listings
// assume: the standard headers they use and twist's reactor. Each listing
// declares the names it uses itself.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>

#include "twist/reactor.hpp"
