#include "twist/endpoints.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "twist/error.hpp"

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

std::unique_ptr<IStreamServerEndpoint> serverFromString(IReactorTCP& reactor, std::string_view description) {
  const char* function = "serverFromString";
  Parsed parsed = parse(function, description);
  if (parsed.type != "tcp")
    bad(function, description, "unknown endpoint type \"" + parsed.type + "\" (supported: tcp)");
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
