// address.cpp — splitHostPort (address.hpp), as released in version 1.4.
// REPORT-ipv6.md is a bug report about it. TODO: first write the regression
// test in test_address.cpp (it must fail here), then fix this file.
#include "address.hpp"

#include <stdexcept>

namespace {

[[noreturn]] void refuse(std::string_view text, const std::string& why) {
  throw std::invalid_argument("\"" + std::string(text) + "\": " + why);
}

int parsePort(std::string_view digits, std::string_view text) {
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string_view::npos)
    refuse(text, "the port must be a number from 1 to 65535");
  int port = std::stoi(std::string(digits));
  if (port < 1 || port > 65535) refuse(text, "the port must be a number from 1 to 65535");
  return port;
}

}  // namespace

HostPort splitHostPort(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) refuse(text, "no port: write host:port");
  if (colon == 0) refuse(text, "no host: write host:port");
  return {std::string(text.substr(0, colon)), parsePort(text.substr(colon + 1), text)};
}
