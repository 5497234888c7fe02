// scaffold.hpp — what lesson 09's `cpp fragment` and `cpp body` listings
// assume: lesson 07's scaffold (the standard headers, twist's protocols,
// time, TCP and testing headers, and Catch2 through twist_catch.hpp: lesson
// 09's regression tests are written the way lesson 07 taught), and twist's
// line receivers. Each listing declares the names it uses itself.
#pragma once

#include "../07-testing/scaffold.hpp"
#include "twist/basic.hpp"
