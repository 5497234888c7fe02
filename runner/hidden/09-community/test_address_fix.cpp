// Hidden tests for lesson 09, stretch exercise "address": the attendee's
// fixed splitHostPort (address.hpp) against the contract. They run with the
// attendee's own regression test (test_address.cpp), after it has proved
// itself on the helper as shipped and on the fix (regression.hpp).
#include <stdexcept>
#include <string>

#include "address.hpp"
#include "twist_catch.hpp"

TEST_CASE("bracketed IPv6 addresses split at the colon after the bracket, without the brackets") {
  INFO("REPORT-ipv6.md's bug: an IPv6 address holds colons, so \"[address]:port\" ends its host at the \"]\", "
       "not at the first ':'. The brackets are not part of the host.");
  CHECK(splitHostPort("[::1]:8123") == HostPort{"::1", 8123});
  CHECK(splitHostPort("[fe80::1%eth0]:22") == HostPort{"fe80::1%eth0", 22});
  CHECK(splitHostPort("[2001:db8::7]:65535") == HostPort{"2001:db8::7", 65535});
}

TEST_CASE("IPv4 addresses and host names still split at their colon") {
  INFO("A fix for IPv6 must not break what worked: host:port with one colon.");
  CHECK(splitHostPort("127.0.0.1:8123") == HostPort{"127.0.0.1", 8123});
  CHECK(splitHostPort("localhost:1") == HostPort{"localhost", 1});
}

TEST_CASE("text that is not host:port is refused with std::invalid_argument quoting it") {
  for (std::string text : {"localhost", "[::1]", "[::1]8123", "[::1:8123", ":80", "[]:80", "host:", "host:0",
                           "host:65536", "host:http", "host:123456", "::1:80", "a:b:80"}) {
    INFO("splitHostPort(\"" << text << "\") must throw std::invalid_argument (address.hpp lists each case): "
         "no port, no host, a bad port, a \"[\" without \"]\", or an IPv6 address without brackets");
    bool refused = false;
    try {
      (void)splitHostPort(text);
    } catch (const std::invalid_argument& e) {
      refused = true;
      CHECK_THAT(e.what(), twist_catch::Contains(text));
    }
    CHECK(refused);
  }
}
