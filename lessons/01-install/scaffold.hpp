// scaffold.hpp — what lesson 01's `cpp fragment` listings assume: the
// standard headers they use and twist's reactor. Each listing declares the
// names it uses itself (a Reactor as a parameter, ...).
#pragma once

#include <cstdio>

#include "twist/reactor.hpp"
