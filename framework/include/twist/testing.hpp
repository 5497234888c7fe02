// testing.hpp — helpers for testing code that returns Deferreds, without a
// running reactor (Twisted: trial's SynchronousTestCase helpers).
//
//   twist::Deferred<int> d = lookup("alice");
//   clock.advance(1);
//   REQUIRE(twist::successResultOf(d) == 42);
//   twist::Failure f = twist::failureResultOf<KeyError>(d2);
//   twist::assertNoResult(d3);
//
// Each fails by throwing twist::FailTest with Twisted's message ("found no
// result instead", ...), which any test framework reports as a failure.
// successResultOf and failureResultOf take the result out of the chain, as
// Twisted's do (there, None is left behind; here, adding to the chain after
// that throws).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "twist/deferred.hpp"

namespace twist {

// A test assertion failed (Twisted: FailTest, trial's AssertionError).
struct FailTest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class T>
std::string describeDeferred(const Deferred<T>&) {
  return "<Deferred<" + demangle(typeid(T)) + ">>";
}
template <class T, class = void>
struct Printable : std::false_type {};
template <class T>
struct Printable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};
template <class T>
std::string describeValue(Chain& c) {
  if (*c.tailType != typeid(T)) {  // a stale handle: do not read the value as a T
    return "a value the chain carries as Deferred<" + demangle(*c.tailType) + "> (this handle is stale)";
  } else if constexpr (std::is_void_v<T>) {
    return "no value (Deferred<void>)";
  } else if constexpr (Printable<T>::value) {
    std::ostringstream out;
    out << c.result.ref<T>();
    return out.str();
  } else {
    return "a value of type " + demangle(typeid(T));
  }
}
inline Chain& chainForTest(Chain* c) {
  if (!c) throw FailTest("a moved-from Deferred handle was passed to a testing helper");
  return *c;
}
// "found no result instead", and why, when the result was taken earlier.
inline std::string noResult(const Chain& c) {
  if (*c.tailType == typeid(ResultTaken) && c.takenBy)
    return "found no result instead (it was already taken by " + std::string(c.takenBy) + ")";
  return "found no result instead";
}
}  // namespace detail

// The result of d, which must have succeeded already.
template <class T>
T successResultOf(Deferred<T>& d) {
  detail::Chain& c = detail::chainForTest(chainOf(d));
  if (!c.hasResult() || c.result.state() == detail::Result::State::empty)
    throw FailTest("Success result expected on " + detail::describeDeferred(d) + ", " + detail::noResult(c));
  if (c.result.isFailure()) {
    // Consumed, as trial's addBoth does: the test reports it, so it is not also unhandled.
    Failure failure(c.result.takeFailure());
    c.markTaken("successResultOf");
    throw FailTest("Success result expected on " + detail::describeDeferred(d) +
                   ", found failure result instead:\n" + failure.describe());
  }
  return detail::takeResult<T>(c, "successResultOf");
}
template <class T>
T successResultOf(Deferred<T>&& d) {
  return successResultOf(d);
}

// The Failure of d, which must have failed already, with one of E... when given.
template <class... E, class T>
Failure failureResultOf(Deferred<T>& d) {
  detail::Chain& c = detail::chainForTest(chainOf(d));
  if (!c.hasResult() || c.result.state() == detail::Result::State::empty)
    throw FailTest("Failure result expected on " + detail::describeDeferred(d) + ", " + detail::noResult(c));
  if (!c.result.isFailure())
    throw FailTest("Failure result expected on " + detail::describeDeferred(d) + ", found success result (" +
                   detail::describeValue<T>(c) + ") instead");
  Failure failure(c.result.takeFailure());  // consumed either way, as trial's addBoth does
  c.markTaken("failureResultOf");
  if constexpr (sizeof...(E) > 0) {
    if (!failure.check<E...>()) {
      std::string expected;
      ((expected += (expected.empty() ? "" : ", ") + detail::demangle(typeid(E))), ...);
      throw FailTest("Failure of type (" + expected + ") expected on " + detail::describeDeferred(d) +
                     ", found type " + failure.typeName() + " instead: " + failure.getErrorMessage());
    }
  }
  return failure;
}
template <class... E, class T>
Failure failureResultOf(Deferred<T>&& d) {
  return failureResultOf<E...>(d);
}

// d must not have a result yet. A failure found is consumed (so it is not
// also reported as unhandled) before the test fails.
template <class T>
void assertNoResult(Deferred<T>& d) {
  detail::Chain& c = detail::chainForTest(chainOf(d));
  if (!c.hasResult() || c.result.state() == detail::Result::State::empty) return;
  if (c.result.isFailure()) {
    Failure failure(c.result.takeFailure());
    c.markTaken("assertNoResult");
    throw FailTest("No result expected on " + detail::describeDeferred(d) + ", found " + failure.describe() + " instead");
  }
  throw FailTest("No result expected on " + detail::describeDeferred(d) + ", found " + detail::describeValue<T>(c) +
                 " instead");
}
template <class T>
void assertNoResult(Deferred<T>&& d) {
  assertNoResult(d);
}

}  // namespace twist

// ---- networking test doubles (Twisted: twisted.internet.testing) ----------------
// A transport, a reactor and a protocol that do everything in memory, so a
// protocol is tested by calling its methods and reading what it wrote: no
// socket, no loop, no waiting. They keep the state a test reads in public
// members (value(), disconnecting, tcpServers, ...); code under test must not
// rely on them, since real transports and reactors do not have them.
#include <memory>
#include <optional>
#include <vector>

#include "twist/error.hpp"
#include "twist/protocol.hpp"
#include "twist/task.hpp"
#include "twist/transport.hpp"

namespace twist {

// StringTransport: a transport that keeps what is written in a string
// (Twisted: StringTransport). value() is every byte written since the last
// clear(); writes are recorded even after loseConnection, as in Twisted.
// loseConnection() only sets `disconnecting`, and abortConnection() also sets
// `disconnected`: nothing calls the protocol back (StringTransportWithDisconnection
// does). loseWriteConnection() sets `writeDisconnecting` (twist's own flag:
// Twisted's StringTransport has no half-close). The default peer is
// TCP:192.168.1.1:54321 and the default host TCP:10.0.0.1:12345, as in Twisted.
//
// As a consumer it records the producer and its streaming flag; registering a
// second one, or unregistering none, throws std::logic_error (Twisted's
// RuntimeError). As a producer (what a protocol pauses to stop reading) it keeps
// `producerState`, "producing", "paused" or "stopped"; pausing or resuming
// after loseConnection (unless `lenient`), or resuming a stopped transport,
// throws std::logic_error.
//
// Ownership: the test owns the transport and the protocol, and the transport
// outlives the protocol's use of it; `producer` is not owned.
class StringTransport : public ITransport, public IProducer {
 public:
  explicit StringTransport(std::optional<Address> hostAddress = std::nullopt,
                           std::optional<Address> peerAddress = std::nullopt, bool lenient = false);

  // Every byte written since construction or the last clear() (not a transport method).
  std::string value() const { return io_; }
  void clear() { io_.clear(); }

  void write(std::string_view data) override;
  void writeSequence(const std::vector<std::string_view>& parts) override;
  void loseConnection() override;
  void abortConnection() override;
  void loseWriteConnection() override;
  Address getPeer() const override { return peerAddr; }
  Address getHost() const override { return hostAddr; }
  void registerProducer(IProducer& p, bool isStreaming) override;
  void unregisterProducer() override;

  // The transport as a producer (Twisted: IPushProducer on StringTransport).
  void pauseProducing() override;
  void resumeProducing() override;
  void stopProducing() override;

  Address hostAddr{"TCP", "10.0.0.1", 12345};
  Address peerAddr{"TCP", "192.168.1.1", 54321};
  bool connected = true;
  bool disconnected = false;        // set by abortConnection (Twisted's name)
  bool writeDisconnecting = false;  // set by loseWriteConnection
  IProducer* producer = nullptr;    // the registered producer, if any
  bool streaming = false;           // its streaming flag (false when none)
  std::string producerState = "producing";
  bool lenient = false;

 private:
  void checkState() const;
  std::string io_;
};

// StringTransportWithDisconnection: a StringTransport whose loseConnection()
// tells the protocol (Twisted: the same name). Set `protocol` first; the first
// loseConnection() (or abortConnection()) sets `connected` to false and calls
// protocol->connectionLost(ConnectionDone("Bye.")) at once, inside the call,
// where a real transport calls it later, on a later turn of the loop; later
// calls do nothing. As Twisted 22.4's, it does not set `disconnecting`, so a
// LineReceiver that closes in lineReceived goes on with the rest of the chunk
// after its connectionLost (a plain StringTransport, like a real one, sets
// `disconnecting` and stops it). Kept as Twisted's so that a test reads the
// same in both. Throws std::logic_error when `protocol` is not set.
//
// Ownership: `protocol` is not owned; it must outlive the transport's use of it.
class StringTransportWithDisconnection : public StringTransport {
 public:
  using StringTransport::StringTransport;
  void loseConnection() override;

  Protocol* protocol = nullptr;
};

// MemoryReactor: an IReactorTCP that records listenTCP and connectTCP calls
// and opens nothing (Twisted: MemoryReactor). listenTCP returns a FakePort
// whose getHost() is TCP:0.0.0.0:port (or interface:port for an IPv6
// interface), and whose stopListening() fires at once. connectTCP calls the
// factory's startedConnecting and returns a FakeConnector whose connection
// never completes: a test plays the rest by calling the factory itself
// (buildProtocol, clientConnectionFailed, ...). Unlike a real connector, a
// FakeConnector only records stopConnecting() and disconnect(), and counts
// connect(); it calls the factory back for none of them, as in Twisted.
//
// Ownership: the reactor keeps the ports and connectors it returned (in
// `ports` and `connectors`); the factories recorded are not owned and must
// outlive the test's use of the records.
class MemoryReactor : public IReactorTCP {
 public:
  struct TCPServer {
    int port;
    Factory* factory;
    int backlog;
    std::string interface;
  };
  struct TCPClient {
    std::string host;
    int port;
    ClientFactory* factory;
    double timeout;
  };

  class FakePort : public IListeningPort {
   public:
    explicit FakePort(Address hostAddress) : hostAddress_(std::move(hostAddress)) {}
    Deferred<void> stopListening() override;
    Address getHost() const override { return hostAddress_; }
    bool stopped = false;  // stopListening was called (twist's own record)

   private:
    Address hostAddress_;
  };

  class FakeConnector : public IConnector {
   public:
    explicit FakeConnector(Address destination) : destination_(std::move(destination)) {}
    void stopConnecting() override { stoppedConnecting = true; }
    void disconnect() override { disconnected = true; }
    void connect() override { ++connectCalls; }
    Address getDestination() const override { return destination_; }
    bool stoppedConnecting = false;
    bool disconnected = false;
    int connectCalls = 0;  // twist's own record: ReconnectingClientFactory calls connect()

   private:
    Address destination_;
  };

  std::shared_ptr<IListeningPort> listenTCP(int port, Factory& factory, int backlog = 50,
                                            const std::string& interface = "") override;
  std::shared_ptr<IConnector> connectTCP(const std::string& host, int port, ClientFactory& factory,
                                         double timeout = 30) override;

  std::vector<TCPServer> tcpServers;
  std::vector<TCPClient> tcpClients;
  std::vector<std::shared_ptr<FakePort>> ports;
  std::vector<std::shared_ptr<FakeConnector>> connectors;
};

// MemoryReactorClock: a MemoryReactor that is also a Clock, for code that
// takes one reactor for both TCP and time (Twisted: MemoryReactorClock).
class MemoryReactorClock : public MemoryReactor, public Clock {};

// AccumulatingProtocol: a protocol that records what happens to it (Twisted:
// AccumulatingProtocol). `made` after connectionMade, `data` gathers every
// dataReceived, `closed` and `closedReason` after connectionLost. When
// `closedDeferred` is set, connectionLost fires it (once: it is then reset).
// When its factory is an AccumulatingFactory with `protocolConnectionMade`
// set, connectionMade fires that Deferred with this protocol, once.
//
// Ownership: as any protocol (protocol.hpp); a Deferred fired here is shared
// with whoever else holds a handle to it.
class AccumulatingProtocol : public Protocol {
 public:
  void connectionMade() override;
  void dataReceived(std::string_view bytes) override { data.append(bytes); }
  void connectionLost(Failure reason) override;

  bool made = false;
  std::string data;
  bool closed = false;
  std::optional<Failure> closedReason;
  std::optional<Deferred<void>> closedDeferred;
};

// A factory of AccumulatingProtocols (Twisted sets `protocolConnectionMade` on
// any factory; C++ needs a type for it). `protocolConnectionMade`, when set,
// fires with the first protocol to be connected, and is then reset.
class AccumulatingFactory : public ClientFactory {
 public:
  AccumulatingFactory() {
    protocol = [] { return std::make_unique<AccumulatingProtocol>(); };
  }
  std::optional<Deferred<AccumulatingProtocol*>> protocolConnectionMade;
};

}  // namespace twist

// ---- the clean-reactor check (Twisted: trial's _Janitor, DirtyReactorAggregateError) ----
// At the end of a test that used a real Reactor, nothing the test started may
// still be pending: a delayed call left scheduled or a port or connection left
// open would run into the next test, or hide a missing cleanup in the code
// under test.
//
//   twist::Reactor reactor;
//   auto port = reactor.listenTCP(0, *factory, 50, "127.0.0.1");
//   ... the test ...
//   port->stopListening();
//   twist::assertReactorClean(reactor);   // last line of the test
//
// As trial does, it first runs the loop twice without waiting
// (Reactor::iterate), so that closes already under way can finish. Then
// whatever is left is cancelled (delayed calls) and closed silently (ports and
// connections: no connectionLost, no doStop, no Deferred fired), and the test
// fails with FailTest, whose message starts "Reactor was unclean." and lists
// each leftover on its own line:
//
//   Reactor was unclean.
//   DelayedCalls: (cancelled)
//     a call due at t=1234.567 s (in 4.999 s)
//   Selectables: (closed)
//     connection to TCP:127.0.0.1:5555
//     listening port TCP:127.0.0.1:4242
//
// Once it has thrown, the reactor is clean: a second check passes. Resources
// that cannot be closed silently (a child process, a file watcher) are listed
// under "Left open:" and stay; their owner must close them. Call it outside
// Reactor::run() (std::logic_error otherwise), e.g. after run() returned or
// after a watchdog's crash(), or on a reactor that was never run.
//
// Ownership: the reactor is the caller's; the check only cancels calls and
// closes what the reactor has registered.
namespace twist {

class Reactor;  // reactor.hpp

// Spins the loop twice, cancels every pending delayed call, closes every
// open port and connection, and returns one line per leftover, grouped and
// worded as above (empty when the reactor was clean). Does not throw.
std::vector<std::string> cleanReactor(Reactor& reactor);

// cleanReactor, then FailTest("Reactor was unclean.\n...") if anything was left.
void assertReactorClean(Reactor& reactor);

}  // namespace twist
