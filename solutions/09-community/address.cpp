// address.cpp — splitHostPort (address.hpp), fixed: an IPv6 address in
// brackets is split at the colon after its "]" (REPORT-ipv6.md).
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
  if (!text.empty() && text.front() == '[') {
    // "[host]:port": the host ends at the "]", and the port follows its ":".
    size_t close = text.find(']');
    if (close == std::string_view::npos) refuse(text, "a \"[\" without its \"]\"");
    if (close == 1) refuse(text, "no host: write [address]:port");
    if (close + 1 == text.size() || text[close + 1] != ':') refuse(text, "no port: write [address]:port");
    return {std::string(text.substr(1, close - 1)), parsePort(text.substr(close + 2), text)};
  }
  if (colon == std::string_view::npos) refuse(text, "no port: write host:port");
  if (colon == 0) refuse(text, "no host: write host:port");
  if (text.find(':', colon + 1) != std::string_view::npos)
    refuse(text, "an IPv6 address goes in brackets: write [address]:port");
  return {std::string(text.substr(0, colon)), parsePort(text.substr(colon + 1), text)};
}
