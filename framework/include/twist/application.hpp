// application.hpp — services: things that start and stop with the program
// (Twisted: twisted.application.service.Service and MultiService), and the
// common ones (twisted.application.internet): TimerService,
// StreamServerEndpointService (strportsService) and ClientService, further down.
//
//   twist::MultiService top;
//   Web web;  web.setName("web");  web.setServiceParent(top);   // not owned
//   top.own(std::make_unique<Janitor>());                      // owned by top
//   top.privilegedStartService();  // still as root: bind low ports
//   top.startService();            // children start in the order they were added
//   ...
//   top.stopService().addCallback([&] { reactor.stop(); });  // children stop in
//                                                           // reverse, all at once
//
// The rules are Twisted's (twisted/application/service.py, 22.4):
// - setName throws std::runtime_error once the service has a parent.
// - setServiceParent(p) first leaves the current parent (disownServiceParent),
//   then p.addService(*this). addService refuses a second child with the same
//   non-empty name (std::runtime_error, naming it); the refused child is left
//   without a parent (Twisted's keeps pointing at the parent that refused it).
//   If the parent is running, the new child gets privilegedStartService() then
//   startService() at once.
// - disownServiceParent() returns what removeService returns: when the parent
//   is running, the child's stopService() Deferred; when it is not, nothing
//   happens to the child and (Twisted returns None) an already-fired Deferred.
// - startService sets `running`, stopService clears it; a MultiService then
//   starts its children in order, and stops them in reverse order, all at once
//   (each is asked before any has finished), firing when all have stopped —
//   Twisted's DeferredList. A child's stopService that fails (a failed Deferred
//   or an exception) is logged under "twist.application" naming the child, and
//   the others still stop; the parent's Deferred still succeeds, as Twisted's
//   DeferredList of the stops does (there the failure is logged as unhandled).
// - A child whose startService (or privilegedStartService) throws: the
//   exception leaves the parent's, as in Twisted, so the launcher reports it;
//   the children before it have started, those after it have not, and the
//   parent is `running`. Its stopService still asks every child, started or
//   not, as Twisted's does.
// - getServiceNamed(name) throws twist::ServiceNotFound (Twisted: KeyError),
//   naming the name.
//
// Ownership. Where C++ differs from Twisted: a parent does not keep a child
// alive (there is no garbage collector), so either you keep the child alive
// longer than its membership (setServiceParent / addService: the parent holds
// a plain pointer), or you give it to the parent with own(std::unique_ptr),
// which destroys it with the parent. Either way a child destroyed while still
// in a parent leaves it (without being stopped: its own part is gone by then),
// and a parent destroyed first lets its non-owned children go (their parent()
// becomes null). An owned child removed from its parent (removeService,
// disownServiceParent, setServiceParent elsewhere) stays owned by the old
// parent until the old parent is destroyed, so a stop still in progress never
// runs on a dead object. Everything here runs on the reactor's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "twist/deferred.hpp"
#include "twist/endpoints.hpp"
#include "twist/protocol.hpp"
#include "twist/task.hpp"
#include "twist/time.hpp"

namespace twist {

class MultiService;

// getServiceNamed found no child of that name (Twisted: KeyError).
struct ServiceNotFound : std::out_of_range {
  explicit ServiceNotFound(const std::string& name)
      : std::out_of_range("no service named '" + name + "' in this MultiService"), name(name) {}
  std::string name;
};

class Service {
 public:
  Service() = default;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  virtual ~Service();

  // Throws std::runtime_error("cannot change name when parent exists").
  void setName(std::string name);
  const std::string& name() const { return name_; }

  // Leaves the current parent (if any), then parent.addService(*this). Not
  // owned by the parent: keep this service alive while it is a member.
  void setServiceParent(MultiService& parent);
  // parent()->removeService(*this), then no parent. Throws std::logic_error
  // when there is no parent.
  Deferred<void> disownServiceParent();
  MultiService* parent() const { return parent_; }

  // Called before startService while the program may still hold privileges
  // (the launcher calls it first). Does nothing here.
  virtual void privilegedStartService();
  // Sets running. An override calls Service::startService() (or sets running).
  virtual void startService();
  // Clears running and returns an already-fired Deferred. An override returns
  // a Deferred that fires when the service has really stopped.
  virtual Deferred<void> stopService();

  bool running = false;

 private:
  friend class MultiService;
  std::string name_;
  MultiService* parent_ = nullptr;
};

class MultiService : public Service {
 public:
  MultiService() = default;
  ~MultiService() override;

  // Privileged-starts, then starts, each child in the order they were added.
  void privilegedStartService() override;
  void startService() override;
  // Stops every child, in reverse order, all at once; fires when all have
  // stopped (a failed stop is logged, see the top of this file).
  Deferred<void> stopService() override;

  // Twisted's addService: prefer child.setServiceParent(*this), which also
  // leaves the child's old parent. Throws std::logic_error if the child
  // already has a parent, std::runtime_error for a duplicate name.
  void addService(Service& child);
  // Adds the child (as addService) and owns it: it is destroyed with this
  // MultiService. Returns it, typed, for the caller to keep using.
  template <class S>
  S& own(std::unique_ptr<S> child) {
    static_assert(std::is_base_of_v<Service, S>, "own() takes a std::unique_ptr to a twist::Service");
    if (!child) throw std::invalid_argument("MultiService::own: a null service");
    S& ref = *child;
    addService(ref);
    owned_.push_back(std::move(child));
    return ref;
  }
  // Removes the child; when this MultiService is running, returns the child's
  // stopService() Deferred, else an already-fired one. Throws
  // std::invalid_argument if it is not a child of this one.
  Deferred<void> removeService(Service& child);

  // Throws ServiceNotFound.
  Service& getServiceNamed(const std::string& name) const;
  // The named child as S (throws ServiceNotFound, or std::bad_cast if it is
  // not an S).
  template <class S>
  S& namedService(const std::string& name) const {
    return dynamic_cast<S&>(getServiceNamed(name));
  }
  // The children, in the order they were added (Twisted: iter(multiService)).
  const std::vector<Service*>& services() const { return services_; }

 private:
  friend class Service;
  void forget(Service& child) noexcept;  // a child being destroyed leaves

  std::vector<Service*> services_;
  std::vector<std::unique_ptr<Service>> owned_;  // includes removed ones, see above
};

// ---- the common services (Twisted: twisted.application.internet) ------------

// TimerService: a LoopingCall as a service (Twisted: internet.TimerService).
// startService starts calling `callable` every `step` seconds, the first call
// at once (now = true). If the call fails (throws, or its Deferred fails) the
// failure is logged under "twist.application" and no further call is made.
// stopService stops the loop and fires once the call in progress (a Deferred
// it returned) is done; `running` stays true until then, as in Twisted.
// Ownership: the IReactorTime must outlive the service, and the service its
// stopService Deferred; the service owns the callable.
class TimerService : public Service {
 public:
  // F: callable() -> void or Deferred<void>, as LoopingCall takes.
  template <class F>
  TimerService(IReactorTime& clock, double step, F callable) : step_(step), loop_(clock, std::move(callable)) {}
  void startService() override;
  Deferred<void> stopService() override;
  double step() const { return step_; }
  LoopingCall& loop() { return loop_; }

 private:
  double step_;
  LoopingCall loop_;
  std::optional<Deferred<void>> loopFinished_;
};

// StreamServerEndpointService: listens on an endpoint while it runs (Twisted:
// internet.StreamServerEndpointService; strportsService below is
// strports.service). privilegedStartService calls endpoint.listen(factory)
// (startService does, if privilegedStartService has not); port() is the
// IListeningPort once listening. stopService cancels a listen still in
// progress, or stops listening, and fires once the port is closed.
// A listen failure: when raiseSynchronously is false (the constructor's
// default, as Twisted's class default) it is logged under "twist.application"
// ("'<name>' could not listen on <description>", then the error naming the
// address and the libuv error), and the service goes on without a port. When
// it is true (Twisted's private _raiseSynchronously, which strports.service
// sets, and so does strportsService) a listen that has already failed when
// listen() returns (a port in use, on the real Reactor) makes
// privilegedStartService throw that error, so a launcher can exit non-zero;
// the flag is cleared once privilegedStartService returns normally, so a
// later failure is logged, as in Twisted. Unlike Twisted, a service stopped
// and started again listens again (Twisted keeps its old, stopped port).
// Ownership: the service owns the endpoint; the factory is the caller's (it
// must outlive the service) unless given as a unique_ptr, then owned. The
// service must outlive its stopService Deferred (as every service here).
class StreamServerEndpointService : public Service {
 public:
  StreamServerEndpointService(std::unique_ptr<IStreamServerEndpoint> endpoint, Factory& factory,
                              std::string description = "");
  StreamServerEndpointService(std::unique_ptr<IStreamServerEndpoint> endpoint, std::unique_ptr<Factory> factory,
                              std::string description = "");
  void privilegedStartService() override;
  void startService() override;
  Deferred<void> stopService() override;
  // Null until listening, and again once stopped.
  std::shared_ptr<IListeningPort> port() const { return port_; }
  const std::string& description() const { return description_; }
  bool raiseSynchronously = false;

 private:
  std::unique_ptr<IStreamServerEndpoint> endpoint_;
  std::unique_ptr<Factory> ownedFactory_;
  Factory& factory_;
  std::string description_;
  std::optional<Deferred<std::shared_ptr<IListeningPort>>> waitingForPort_;
  std::shared_ptr<IListeningPort> port_;
};

// Twisted's strports.service(description, factory): serverFromString(reactor,
// description) in a StreamServerEndpointService with raiseSynchronously set
// (description as in endpoints.hpp; std::invalid_argument for a malformed one).
std::unique_ptr<StreamServerEndpointService> strportsService(IReactorTCP& reactor, std::string_view description,
                                                             Factory& factory);
std::unique_ptr<StreamServerEndpointService> strportsService(IReactorTCP& reactor, std::string_view description,
                                                             std::unique_ptr<Factory> factory);

// How long ClientService waits before its next attempt, given the number of
// failed attempts in a row (1 for the first retry).
using RetryPolicy = std::function<double(int failedAttempts)>;
// Twisted's internet.backoffPolicy: min(initialDelay * factor^min(100,
// attempt), maxDelay) + jitter(). The default jitter draws uniformly from
// [0, 1) (Twisted: random.random), so the first retry comes after 1.5 to 2.5
// seconds, then 2.25 to 3.25, ..., at most 61.
RetryPolicy backoffPolicy(double initialDelay = 1.0, double maxDelay = 60.0, double factor = 1.5,
                          std::function<double()> jitter = {});

// ClientService: keeps one connection to a client endpoint (Twisted:
// internet.ClientService, its state machine followed transition for
// transition). startService connects; a failed attempt, or a connection lost
// later, is retried after retryPolicy(failed attempts in a row) seconds on
// `clock` (a connection made resets the count; a lost connection waits
// retryPolicy(1), as Twisted does). Each retry is logged at info level.
//
// whenConnected(failAfterFailures) → Deferred of the connected protocol (the
// one your factory built): at once when connected, else at the next
// connection. It fails with CancelledError when the service stops (or is
// stopped already), and with the connect error once failAfterFailures
// attempts in a row have failed (nullopt: never). stopService cancels an
// attempt in progress or a pending retry, or loses the connection, and fires
// once it is gone; startService while still disconnecting reconnects after.
// An endpoint whose connect() throws counts as a failed attempt (Twisted lets
// the exception escape). Not in twist: Twisted's prepareConnection hook.
//
// Ownership: the clock, the endpoint's reactor and the factory must outlive
// the service; the connection need not. Stopping first (stopService, then
// its Deferred) is the graceful way, but the service may be destroyed in any
// state, and nothing then calls back into it, your factory or your protocol:
// the destructor cancels a pending retry or an attempt in progress, aborts a
// connection (your protocol hears connectionLost(ConnectionAborted) from the
// destructor, and is destroyed), and balances your factory's doStart with its
// doStop. A stopService or whenConnected Deferred still pending then never
// fires. The Protocol* given is valid until its connectionLost has returned.
// The service owns the endpoint; your protocol runs inside a wrapper protocol
// of the service's, which relays connectionLost to it (Twisted's
// _ReconnectingProtocolProxy). Twisted has no destructor: a ClientService
// dropped while connected stays referenced by its connection.
class ClientService : public Service {
 public:
  ClientService(IReactorTime& clock, std::unique_ptr<IStreamClientEndpoint> endpoint, Factory& factory,
                RetryPolicy retryPolicy = {}, std::string description = "");
  // clientFromString(reactor, description) (endpoints.hpp).
  ClientService(IReactorTime& clock, IReactorTCP& reactor, std::string_view description, Factory& factory,
                RetryPolicy retryPolicy = {});
  ~ClientService() override;

  Deferred<Protocol*> whenConnected(std::optional<int> failAfterFailures = std::nullopt);
  // A second startService while running is logged as a warning and ignored.
  void startService() override;
  Deferred<void> stopService() override;

  const std::string& description() const { return description_; }

 private:
  enum class State { init, connecting, waiting, connected, disconnecting, restarting, stopped };
  class Proxy;
  class DisconnectFactory;

  // Twisted's machine inputs.
  void start();
  Deferred<void> stop();
  void connectionMade(Proxy* proxy);
  void connectionFailed(const Failure& why);
  void reconnect();
  void clientDisconnected();
  // Its outputs.
  void connect();
  void wait();
  Deferred<void> waitForStop();
  void finishStopping();
  void unawait(Protocol* protocol);
  void unawaitCancelled();
  void deliverConnectionFailure(const Failure& why);

  IReactorTime& clock_;
  std::unique_ptr<IStreamClientEndpoint> endpoint_;
  std::shared_ptr<DisconnectFactory> proxyFactory_;  // shared with the connection's proxy
  RetryPolicy retryPolicy_;
  std::string description_;
  State state_ = State::init;
  int failedAttempts_ = 0;
  std::optional<Deferred<Protocol*>> connectionInProgress_;
  DelayedCall retryCall_;
  Protocol* current_ = nullptr;  // your protocol, while connected
  Proxy* proxy_ = nullptr;       // its wrapper, which the connection owns
  struct Awaiting {
    Deferred<Protocol*> d;
    std::optional<int> remaining;
  };
  std::vector<Awaiting> awaiting_;
  std::vector<Deferred<void>> stopWaiters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace twist
