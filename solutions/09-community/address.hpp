// address.hpp — lesson 09, stretch: splitHostPort, the helper that
// REPORT-ipv6.md is about.
//
// Splits "host:port", as a user writes it on a command line or in a
// configuration file, into its host and its port:
//   "127.0.0.1:8123"  ->  { "127.0.0.1", 8123 }
//   "localhost:80"    ->  { "localhost", 80 }
//   "[::1]:8123"      ->  { "::1", 8123 }   an IPv6 address is written in
//                         brackets, as in a URL (RFC 3986), and returned
//                         without them
// Throws std::invalid_argument, whose message quotes the text, when the text
// has no port ("localhost", "[::1]"), no host (":80", "[]:80"), a port that
// is not a decimal number from 1 to 65535 ("host:http", "host:0"), a "["
// without its "]", or an IPv6 address without brackets ("::1:80": which
// colon starts the port?).
#pragma once

#include <string>
#include <string_view>

struct HostPort {
  std::string host;
  int port = 0;
  bool operator==(const HostPort&) const = default;
};

HostPort splitHostPort(std::string_view text);
