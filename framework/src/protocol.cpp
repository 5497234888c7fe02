#include "twist/protocol.hpp"

#include <algorithm>
#include <random>

#include "twist/logger.hpp"

namespace twist {

namespace {
const Logger protocolLog{"twist.protocol"};
}

std::unique_ptr<Protocol> Factory::buildProtocol(const Address&) {
  if (!protocol) return nullptr;
  std::unique_ptr<Protocol> p = protocol();
  if (p) p->factory = this;
  return p;
}

void Factory::doStart() {
  if (numPorts++ == 0) startFactory();
}

void Factory::doStop() {
  if (numPorts == 0) return;  // more stops than starts: nothing to undo
  if (--numPorts == 0) stopFactory();
}

struct JitterSource::Engine {
  std::mt19937 generator{std::random_device{}()};
};

JitterSource::JitterSource() : engine_(std::make_unique<Engine>()) {}
JitterSource::~JitterSource() = default;
JitterSource::JitterSource(JitterSource&&) noexcept = default;
JitterSource& JitterSource::operator=(JitterSource&&) noexcept = default;

void JitterSource::seed(std::uint32_t value) { engine_->generator.seed(value); }

double JitterSource::normal(double mean, double stddev) {
  return std::normal_distribution<double>(mean, stddev)(engine_->generator);
}

void ReconnectingClientFactory::clientConnectionFailed(IConnector& c, Failure) {
  if (continueTrying) retry(c);
}

void ReconnectingClientFactory::clientConnectionLost(IConnector& c, Failure) {
  if (continueTrying) retry(c);
}

void ReconnectingClientFactory::retry(IConnector& c) {
  if (!continueTrying) return;
  connector = c.shared_from_this();  // the retry runs later: keep the connector
  ++retries;
  if (maxRetries && retries > *maxRetries) {
    protocolLog.info("Abandoning {destination} after {retries} retries.",
                     {{"destination", c.getDestination().str()}, {"retries", std::to_string(retries)}});
    return;
  }
  delay = std::min(delay * factor, maxDelay);
  if (jitter > 0) delay = random.normal(delay, delay * jitter);
  if (delay < 0) delay = 0;  // a normal draw can go below zero; callLater cannot
  protocolLog.info("Will retry {destination} in {delay} seconds",
                   {{"destination", c.getDestination().str()}, {"delay", std::to_string(delay)}});
  callID = clock->callLater(delay, [this] {
    callID = DelayedCall();
    if (connector) connector->connect();
  });
}

void ReconnectingClientFactory::resetDelay() {
  delay = initialDelay;
  retries = 0;
  continueTrying = true;
}

void ReconnectingClientFactory::stopTrying() {
  if (callID.active()) callID.cancel();
  callID = DelayedCall();
  continueTrying = false;
  if (connector) {
    try {
      connector->stopConnecting();
    } catch (...) {
      // Twisted ignores the error of a connector that is not connecting.
    }
  }
}

}  // namespace twist
