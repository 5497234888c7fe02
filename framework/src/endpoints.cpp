#include "twist/endpoints.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>

#include "twist/error.hpp"
#include "twist/reactor.hpp"
#include "twist/systemd.hpp"
#include "twist/tcp.hpp"

namespace twist {

namespace {

// ---- parsing: Twisted's "type:arg:key=value" with backslash escapes ------------

struct Parsed {
  std::string type;
  std::vector<std::string> args;
  std::map<std::string, std::string> options;
};

[[noreturn]] void bad(const char* function, std::string_view description, const std::string& why) {
  throw std::invalid_argument(std::string(function) + "(\"" + std::string(description) + "\"): " + why);
}

Parsed parse(const char* function, std::string_view description) {
  struct Part {
    std::string text;
    std::size_t equals = std::string::npos;  // first unescaped '='
  };
  std::vector<Part> parts(1);
  for (std::size_t i = 0; i < description.size(); ++i) {
    char c = description[i];
    if (c == '\\') {
      if (++i == description.size()) bad(function, description, "a backslash at the end escapes nothing");
      parts.back().text += description[i];
    } else if (c == ':') {
      parts.emplace_back();
    } else {
      if (c == '=' && parts.back().equals == std::string::npos) parts.back().equals = parts.back().text.size();
      parts.back().text += c;
    }
  }
  Parsed parsed;
  parsed.type = parts[0].text;
  if (parsed.type.empty()) bad(function, description, "no endpoint type; expected e.g. \"tcp:8080\"");
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const Part& part = parts[i];
    if (part.equals == std::string::npos) {
      if (!parsed.options.empty())
        bad(function, description, "positional argument \"" + part.text + "\" after a key=value option");
      parsed.args.push_back(part.text);
      continue;
    }
    std::string key = part.text.substr(0, part.equals);
    if (key.empty()) bad(function, description, "option \"" + part.text + "\" has no name before '='");
    if (!parsed.options.emplace(key, part.text.substr(part.equals + 1)).second)
      bad(function, description, "option \"" + key + "\" given twice");
  }
  return parsed;
}

int parsePort(const char* function, std::string_view description, const std::string& text) {
  char* end = nullptr;
  long value = text.empty() ? -1 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0 || value > 65535)
    bad(function, description, "bad port \"" + text + "\": expected a number from 0 to 65535");
  return static_cast<int>(value);
}

int parseBacklog(const char* function, std::string_view description, const std::string& text) {
  char* end = nullptr;
  long value = text.empty() ? -1 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 1 || value > 1000000)
    bad(function, description, "bad backlog \"" + text + "\": expected a positive number");
  return static_cast<int>(value);
}

double parseTimeout(const char* function, std::string_view description, const std::string& text) {
  char* end = nullptr;
  double value = text.empty() ? -1 : std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value >= 0) || !std::isfinite(value))  // strtod reads "inf" and "nan"
    bad(function, description, "bad timeout \"" + text + "\": expected a finite number of seconds >= 0");
  return value;
}

// Positional arguments fill `names` in order; key=value options may name any
// of them; anything else is an error.
std::map<std::string, std::string> bindArguments(const char* function, std::string_view description, const Parsed& parsed,
                                        const std::vector<std::string>& names) {
  if (parsed.args.size() > names.size())
    bad(function, description, "too many arguments (\"" + parsed.args[names.size()] + "\" is one too many)");
  std::map<std::string, std::string> values;
  for (std::size_t i = 0; i < parsed.args.size(); ++i) values[names[i]] = parsed.args[i];
  for (const auto& [key, value] : parsed.options) {
    bool known = false;
    for (const std::string& name : names) known = known || name == key;
    if (!known) bad(function, description, "unknown option \"" + key + "\" for \"" + parsed.type + "\"");
    if (!values.emplace(key, value).second)
      bad(function, description, "\"" + key + "\" given both as an argument and as an option");
  }
  return values;
}

// ---- connect(): Twisted's _WrappingFactory and _WrappingProtocol -----------------

// Forwards every event to the protocol the user's factory built, and fires
// the endpoint's Deferred just after that protocol's connectionMade.
class WrappingProtocol final : public Protocol {
 public:
  WrappingProtocol(std::unique_ptr<Protocol> wrapped, Deferred<Protocol*> result)
      : wrapped_(std::move(wrapped)), result_(std::move(result)) {}

  void connectionMade() override {
    wrapped_->makeConnection(*transport);
    if (!result_.called()) result_.callback(wrapped_.get());
  }
  void dataReceived(std::string_view data) override { wrapped_->dataReceived(data); }
  void connectionLost(Failure reason) override {
    if (!result_.called()) result_.errback(reason);  // connectionMade threw
    wrapped_->connectionLost(reason);
  }
  bool wantsHalfClose() const override { return wrapped_->wantsHalfClose(); }
  void readConnectionLost() override { wrapped_->readConnectionLost(); }
  void writeConnectionLost() override { wrapped_->writeConnectionLost(); }

 private:
  std::unique_ptr<Protocol> wrapped_;
  Deferred<Protocol*> result_;
};

// The ClientFactory the connector talks to. The connector owns it (through
// IConnector::keepAlive): it lives while the connector may call it, and goes
// with it. (It used to own itself until stopFactory, which a MemoryReactor
// never calls: 504 bytes leaked per connect, issue 10, 1.8.)
class WrappingFactory final : public ClientFactory {
 public:
  // Cancelling fails the Deferred with CancelledError first, then stops the
  // connector (Twisted: ConnectingCancelledError, then stopConnecting).
  explicit WrappingFactory(Factory& wrapped) : wrapped(wrapped), result([this](Deferred<Protocol*>& self) {
    self.errback(CancelledError());
    if (std::shared_ptr<IConnector> connector = connector_.lock()) {
      try {
        connector->stopConnecting();
      } catch (const std::logic_error&) {
        // no longer connecting: nothing to stop
      }
    }
  }) {}

  std::unique_ptr<Protocol> buildProtocol(const Address& addr) override {
    std::unique_ptr<Protocol> built;
    try {
      built = wrapped.buildProtocol(addr);
      if (!built) throw NoProtocol();
    } catch (...) {
      if (!result.called()) result.errback(Failure::current());
      return nullptr;  // the connector drops the connection
    }
    return std::make_unique<WrappingProtocol>(std::move(built), result);
  }
  void startedConnecting(IConnector& connector) override { connector_ = connector.shared_from_this(); }
  void clientConnectionFailed(IConnector&, Failure reason) override {
    if (!result.called()) result.errback(reason);
  }
  void startFactory() override { wrapped.doStart(); }
  void stopFactory() override { wrapped.doStop(); }

  std::weak_ptr<IConnector> connector_;
  Factory& wrapped;
  Deferred<Protocol*> result;  // cancelling it stops the connector
};

}  // namespace

Deferred<std::shared_ptr<IListeningPort>> TCP4ServerEndpoint::listen(Factory& factory) {
  try {
    return succeed(reactor->listenTCP(port, factory, backlog, interface));
  } catch (...) {
    return fail<std::shared_ptr<IListeningPort>>(Failure::current());
  }
}

Deferred<Protocol*> TCP4ClientEndpoint::connect(Factory& factory) {
  auto wrapping = std::make_shared<WrappingFactory>(factory);
  Deferred<Protocol*> result = wrapping->result;
  try {
    std::shared_ptr<IConnector> connector = reactor->connectTCP(host, port, *wrapping, timeout);
    if (!connector) throw std::logic_error("connectTCP returned no connector");
    if (wrapping->connector_.expired()) wrapping->connector_ = connector;
    connector->keepAlive = std::move(wrapping);
  } catch (...) {
    return fail<Protocol*>(Failure::current());
  }
  return result;
}

// ---- adopted sockets: systemd's ---------------------------------------------------

namespace {

// The family name, as the socket module spells it without "AF_".
const char* familyName(int family) {
  return family == AF_INET ? "INET" : family == AF_INET6 ? "INET6" : family == AF_UNIX ? "UNIX" : "another family";
}

// Twisted's _SystemdParser: "systemd:domain=INET:index=0". The string is
// checked before the environment, so that a typo is named as one.
std::unique_ptr<IStreamServerEndpoint> systemdFromString(IReactorTCP& reactor, std::string_view description,
                                                         const Parsed& parsed) {
  const char* function = "serverFromString";
  auto values = bindArguments(function, description, parsed, {"domain", "index"});
  if (!values.count("domain")) bad(function, description, "no domain; expected e.g. \"systemd:domain=INET:index=0\"");
  if (!values.count("index")) bad(function, description, "no index; expected e.g. \"systemd:domain=INET:index=0\"");
  const std::string& domain = values["domain"];
  int family = domain == "INET" ? AF_INET : domain == "INET6" ? AF_INET6 : -1;
  if (domain == "UNIX")
    bad(function, description, "domain UNIX: twist has no unix-socket transport (supported: INET, INET6)");
  if (family < 0) bad(function, description, "bad domain \"" + domain + "\": expected INET or INET6");
  const std::string& text = values["index"];
  char* end = nullptr;
  long index = text.empty() ? -1 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || index < 0 || index > 65535)
    bad(function, description, "bad index \"" + text + "\": expected a number from 0 (descriptor 3)");
  const ListenFDs& inherited = ListenFDs::inherited();
  if (inherited.descriptors.empty()) bad(function, description, "no sockets from systemd: " + inherited.why);
  if (static_cast<std::size_t>(index) >= inherited.descriptors.size())
    bad(function, description, "index " + text + " out of range: systemd passed " +
                                   std::to_string(inherited.descriptors.size()) + " socket(s) (LISTEN_FDS)");
  return std::make_unique<AdoptedStreamServerEndpoint>(reactor, inherited.descriptors[static_cast<std::size_t>(index)],
                                                       family, std::string(description));
}

}  // namespace

Deferred<std::shared_ptr<IListeningPort>> AdoptedStreamServerEndpoint::listen(Factory& factory) {
  using Port = std::shared_ptr<IListeningPort>;
  const std::string what = "listen on \"" + description + "\" (fd " + std::to_string(fileno) + "): ";
  if (used) return fail<Port>(std::logic_error(what + "already listened (a socket is adopted once)"));
  used = true;
  try {
    auto* real = dynamic_cast<Reactor*>(reactor);
    if (!real) throw std::invalid_argument(what + "adopting a socket needs a twist::Reactor");
    // Checked here, so that each refusal names the endpoint string.
    const std::string label = "\"" + description + "\" fd " + std::to_string(fileno);
    int type = 0;
    int domain = 0;
    socklen_t size = sizeof type;
    if (::getsockopt(fileno, SOL_SOCKET, SO_TYPE, &type, &size) < 0)
      throw CannotListenError(label, 0, "not a socket (getsockopt: " + std::string(uv_err_name(-errno)) + ")");
    size = sizeof domain;
    if (::getsockopt(fileno, SOL_SOCKET, SO_DOMAIN, &domain, &size) < 0)
      throw CannotListenError(label, 0, "getsockopt(SO_DOMAIN): " + std::string(uv_err_name(-errno)));
    if (type != SOCK_STREAM) throw CannotListenError(label, 0, "not a SOCK_STREAM socket");
    if (domain != addressFamily)
      throw CannotListenError(label, 0, std::string("an AF_") + familyName(domain) + " socket, not AF_" +
                                            familyName(addressFamily) + " as the endpoint says");
    Port port = adoptStreamPort(*real, fileno, addressFamily, factory);
    ::close(fileno);  // Twisted closes it too: the port listens on its own duplicate
    return succeed(std::move(port));
  } catch (...) {
    return fail<Port>(Failure::current());
  }
}

std::unique_ptr<IStreamServerEndpoint> serverFromString(IReactorTCP& reactor, std::string_view description) {
  const char* function = "serverFromString";
  Parsed parsed = parse(function, description);
  if (parsed.type == "systemd") return systemdFromString(reactor, description, parsed);
  if (parsed.type != "tcp")
    bad(function, description, "unknown endpoint type \"" + parsed.type + "\" (supported: tcp, systemd)");
  auto values = bindArguments(function, description, parsed, {"port", "interface", "backlog"});
  if (!values.count("port")) bad(function, description, "no port; expected e.g. \"tcp:8080\" or \"tcp:port=8080\"");
  int port = parsePort(function, description, values["port"]);
  int backlog = values.count("backlog") ? parseBacklog(function, description, values["backlog"]) : 50;
  return std::make_unique<TCP4ServerEndpoint>(reactor, port, backlog, values["interface"]);
}

std::unique_ptr<IStreamClientEndpoint> clientFromString(IReactorTCP& reactor, std::string_view description) {
  const char* function = "clientFromString";
  Parsed parsed = parse(function, description);
  if (parsed.type != "tcp")
    bad(function, description, "unknown endpoint type \"" + parsed.type + "\" (supported: tcp)");
  // Twisted: one positional argument is the port when host= is given, else the host.
  std::vector<std::string> names = {"host", "port", "timeout"};
  if (parsed.args.size() == 1 && parsed.options.count("host")) names = {"port", "host", "timeout"};
  auto values = bindArguments(function, description, parsed, names);
  if (!values.count("host") || values["host"].empty())
    bad(function, description, "no host; expected e.g. \"tcp:example.org:80\" or \"tcp:host=example.org:port=80\"");
  if (!values.count("port")) bad(function, description, "no port; expected e.g. \"tcp:example.org:80\"");
  int port = parsePort(function, description, values["port"]);
  double timeout = values.count("timeout") ? parseTimeout(function, description, values["timeout"]) : 30;
  return std::make_unique<TCP4ClientEndpoint>(reactor, values["host"], port, timeout);
}

}  // namespace twist
