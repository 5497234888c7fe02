// fuzz_endpoints.cpp — serverFromString and clientFromString (endpoints.hpp)
// against arbitrary strings (issue 10, §2). No socket is opened: the
// endpoints are made on a MemoryReactor, which only records listenTCP and
// connectTCP.
//
// The input is the description itself. What must hold:
// - a string is either accepted or refused with std::invalid_argument, and
//   nothing else (no other exception, no crash, no sanitizer report);
// - an accepted endpoint has a port from 0 to 65535, a positive backlog and a
//   finite timeout >= 0 (issue 10, 1.2: "timeout=inf" once wedged a reactor);
// - written back as a string with every value escaped ("tcp:port=…:
//   interface=…"), it parses again to the same endpoint;
// - listen() and connect() hand exactly those values to the reactor.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "twist/endpoints.hpp"
#include "twist/testing.hpp"

namespace {

[[noreturn]] void fail(std::string_view description, const char* why) {
  std::fprintf(stderr, "endpoint string \"%.*s\": %s\n", static_cast<int>(description.size()), description.data(), why);
  std::abort();
}

// Twisted's quoteStringArgument: a backslash before ':', '=' and '\'.
std::string escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == ':' || c == '=' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

struct NoProtocols : twist::Factory {
  std::unique_ptr<twist::Protocol> buildProtocol(const twist::Address&) override { return nullptr; }
};

void server(std::string_view description) {
  twist::MemoryReactor reactor;
  std::unique_ptr<twist::IStreamServerEndpoint> endpoint;
  try {
    endpoint = twist::serverFromString(reactor, description);
  } catch (const std::invalid_argument&) {
    return;
  }
  auto* tcp = dynamic_cast<twist::TCP4ServerEndpoint*>(endpoint.get());
  if (!tcp) fail(description, "serverFromString made something other than a TCP4ServerEndpoint");
  if (tcp->port < 0 || tcp->port > 65535) fail(description, "server port out of range");
  if (tcp->backlog < 1) fail(description, "backlog < 1");
  const std::string again = "tcp:port=" + std::to_string(tcp->port) + ":interface=" + escaped(tcp->interface) +
                            ":backlog=" + std::to_string(tcp->backlog);
  auto reparsed = twist::serverFromString(reactor, again);  // must not throw
  auto* tcp2 = dynamic_cast<twist::TCP4ServerEndpoint*>(reparsed.get());
  if (!tcp2 || tcp2->port != tcp->port || tcp2->backlog != tcp->backlog || tcp2->interface != tcp->interface)
    fail(description, "the server endpoint written back as a string parses to another endpoint");
  NoProtocols factory;
  auto d = tcp->listen(factory);
  if (!d.hasResult() || d.hasFailure()) fail(description, "listen on a MemoryReactor did not succeed at once");
  const auto& recorded = reactor.tcpServers.at(0);
  if (recorded.port != tcp->port || recorded.backlog != tcp->backlog || recorded.interface != tcp->interface)
    fail(description, "listen passed other values to listenTCP");
}

void client(std::string_view description) {
  twist::MemoryReactor reactor;
  std::unique_ptr<twist::IStreamClientEndpoint> endpoint;
  try {
    endpoint = twist::clientFromString(reactor, description);
  } catch (const std::invalid_argument&) {
    return;
  }
  auto* tcp = dynamic_cast<twist::TCP4ClientEndpoint*>(endpoint.get());
  if (!tcp) fail(description, "clientFromString made something other than a TCP4ClientEndpoint");
  if (tcp->port < 0 || tcp->port > 65535) fail(description, "client port out of range");
  if (!std::isfinite(tcp->timeout) || tcp->timeout < 0) fail(description, "timeout not finite and >= 0");
  const std::string again = "tcp:host=" + escaped(tcp->host) + ":port=" + std::to_string(tcp->port) +
                            ":timeout=" + number(tcp->timeout);
  auto reparsed = twist::clientFromString(reactor, again);  // must not throw
  auto* tcp2 = dynamic_cast<twist::TCP4ClientEndpoint*>(reparsed.get());
  if (!tcp2 || tcp2->port != tcp->port || tcp2->host != tcp->host || tcp2->timeout != tcp->timeout)
    fail(description, "the client endpoint written back as a string parses to another endpoint");
  NoProtocols factory;
  auto d = tcp->connect(factory);
  if (d.hasResult()) fail(description, "connect on a MemoryReactor fired before any connection was made");
  const auto& recorded = reactor.tcpClients.at(0);
  if (recorded.host != tcp->host || recorded.port != tcp->port || recorded.timeout != tcp->timeout)
    fail(description, "connect passed other values to connectTCP");
  d.cancel();  // the pending connection given up, its failure handled below
  d.addErrback([](twist::Failure) -> twist::Protocol* { return nullptr; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view description(reinterpret_cast<const char*>(data), size);
  server(description);
  client(description);
  return 0;
}
