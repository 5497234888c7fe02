// test_address.cpp — lesson 09, stretch exercise "address": the regression
// test for REPORT-ipv6.md, written before the fix. On the helper as shipped
// splitHostPort throws, which fails the test; on the fixed one it passes.
#include <stdexcept>

#include "address.hpp"
#include "twist_catch.hpp"

TEST_CASE("an IPv6 address in brackets splits at the colon after its bracket (REPORT-ipv6.md)") {
  CHECK(splitHostPort("[::1]:8123") == HostPort{"::1", 8123});
}
