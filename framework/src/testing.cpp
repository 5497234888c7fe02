// testing.cpp — the networking test doubles of testing.hpp (Twisted:
// twisted.internet.testing), with Twisted's messages.
#include "twist/testing.hpp"

#include <stdexcept>

namespace twist {

// ---- StringTransport -----------------------------------------------------------

StringTransport::StringTransport(std::optional<Address> hostAddress, std::optional<Address> peerAddress,
                                 bool lenient)
    : lenient(lenient) {
  if (hostAddress) hostAddr = std::move(*hostAddress);
  if (peerAddress) peerAddr = std::move(*peerAddress);
}

void StringTransport::write(std::string_view data) { io_.append(data); }

void StringTransport::writeSequence(const std::vector<std::string_view>& parts) {
  for (std::string_view part : parts) io_.append(part);
}

void StringTransport::loseConnection() { disconnecting = true; }

void StringTransport::abortConnection() {
  disconnected = true;
  loseConnection();  // virtual, as in Twisted: the WithDisconnection variant tells its protocol
}

void StringTransport::loseWriteConnection() { writeDisconnecting = true; }

void StringTransport::registerProducer(IProducer& p, bool isStreaming) {
  if (producer) throw std::logic_error("Cannot register two producers");
  producer = &p;
  streaming = isStreaming;
}

void StringTransport::unregisterProducer() {
  if (!producer) throw std::logic_error("Cannot unregister a producer unless one is registered");
  producer = nullptr;
  streaming = false;
}

void StringTransport::checkState() const {
  if (disconnecting && !lenient) throw std::logic_error("Cannot resume producing after loseConnection");
  if (producerState == "stopped") throw std::logic_error("Cannot resume a stopped producer");
}

void StringTransport::pauseProducing() {
  checkState();
  producerState = "paused";
}

void StringTransport::resumeProducing() {
  checkState();
  producerState = "producing";
}

void StringTransport::stopProducing() { producerState = "stopped"; }

// ---- StringTransportWithDisconnection -------------------------------------------

void StringTransportWithDisconnection::loseConnection() {
  if (!connected) return;
  if (!protocol)
    throw std::logic_error("StringTransportWithDisconnection::loseConnection: set `protocol` to the protocol first");
  connected = false;
  protocol->connectionLost(Failure(ConnectionDone("Bye.")));
}

// ---- MemoryReactor -------------------------------------------------------------

Deferred<void> MemoryReactor::FakePort::stopListening() {
  stopped = true;
  return succeed();
}

std::shared_ptr<IListeningPort> MemoryReactor::listenTCP(int port, Factory& factory, int backlog,
                                                         const std::string& interface) {
  tcpServers.push_back(TCPServer{port, &factory, backlog, interface});
  // As Twisted's: an IPv6 interface is reported as given, any other as 0.0.0.0.
  bool ipv6 = interface.find(':') != std::string::npos;
  auto fake = std::make_shared<FakePort>(Address{"TCP", ipv6 ? interface : "0.0.0.0", port});
  ports.push_back(fake);
  return fake;
}

std::shared_ptr<IConnector> MemoryReactor::connectTCP(const std::string& host, int port, ClientFactory& factory,
                                                      double timeout) {
  tcpClients.push_back(TCPClient{host, port, &factory, timeout});
  auto connector = std::make_shared<FakeConnector>(Address{"TCP", host, port});
  factory.startedConnecting(*connector);
  connectors.push_back(connector);
  return connector;
}

// ---- AccumulatingProtocol ------------------------------------------------------

void AccumulatingProtocol::connectionMade() {
  made = true;
  auto* accumulating = dynamic_cast<AccumulatingFactory*>(factory);
  if (accumulating && accumulating->protocolConnectionMade) {
    Deferred<AccumulatingProtocol*> d = std::move(*accumulating->protocolConnectionMade);
    accumulating->protocolConnectionMade.reset();
    d.callback(this);
  }
}

void AccumulatingProtocol::connectionLost(Failure reason) {
  closed = true;
  closedReason = std::move(reason);
  if (closedDeferred) {
    Deferred<void> d = std::move(*closedDeferred);
    closedDeferred.reset();
    d.callback();
  }
}

}  // namespace twist
