// address_fixed.cpp — lesson 09's reference splitHostPort (address.hpp),
// hidden from the attendee: the helper fixed, and behind
// twist_test::mutant("as-shipped") (twist_mutant.hpp) the helper as shipped,
// exercises/09-community/address.cpp as released, whose messages it keeps
// word for word. The attendee's regression test runs on both
// (runner/src/regression.hpp).
#include <stdexcept>

#include "address.hpp"
#include "twist_mutant.hpp"

namespace {

std::invalid_argument refused(std::string_view text, std::string_view why) {
  return std::invalid_argument("\"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

HostPort splitHostPort(std::string_view text) {
  const bool shipped = twist_test::mutant("as-shipped");
  std::string_view host, port;
  if (!shipped && text.substr(0, 1) == "[") {  // as shipped: the bracket is part of the host, cut at the first ':'
    size_t close = text.find(']');
    if (close == std::string_view::npos) throw refused(text, "a \"[\" without its \"]\"");
    if (close == 1) throw refused(text, "no host: write [address]:port");
    if (text.substr(close + 1, 1) != ":") throw refused(text, "no port: write [address]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) throw refused(text, "no port: write host:port");
    if (colon == 0) throw refused(text, "no host: write host:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (!shipped && port.find(':') != std::string_view::npos)
      throw refused(text, "an IPv6 address goes in brackets: write [address]:port");
  }
  bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
  int number = digits ? std::stoi(std::string(port)) : 0;
  if (number < 1 || number > 65535) throw refused(text, "the port must be a number from 1 to 65535");
  return {std::string(host), number};
}
