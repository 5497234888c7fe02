// test_address.cpp — lesson 09, stretch exercise "address": your regression
// test for the bug in REPORT-ipv6.md, written before the fix. Graded as the
// core exercise is: it must fail on the helper as shipped and pass on the
// helper fixed; then your fixed address.cpp must pass the grader's tests.
#include <stdexcept>

#include "address.hpp"
#include "twist_catch.hpp"

// TODO: one TEST_CASE that calls splitHostPort as the reporter did and
// CHECKs what they expected.
