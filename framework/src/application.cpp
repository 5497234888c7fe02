// application.cpp — Service and MultiService (Twisted: twisted.application.service).
#include "twist/application.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <random>
#include <utility>

#include "twist/error.hpp"
#include "twist/failure.hpp"
#include "twist/logger.hpp"

namespace twist {

namespace {
// 1.5, 2.25, 60.3817: seconds as a person reads them (std::to_string gives 1.500000).
std::string secondsText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", seconds);
  return text;
}

const Logger& applicationLog() {
  static const Logger log{"twist.application"};
  return log;
}
}  // namespace

// ---- Service ----------------------------------------------------------------

Service::~Service() {
  if (parent_) parent_->forget(*this);
}

void Service::setName(std::string name) {
  if (parent_) throw std::runtime_error("cannot change name when parent exists");
  name_ = std::move(name);
}

void Service::setServiceParent(MultiService& parent) {
  if (parent_) disownServiceParent();
  // Twisted sets self.parent before addService, so a refused child (a
  // duplicate name) keeps a parent that does not list it; here addService
  // sets it only once the child is in.
  parent.addService(*this);
}

Deferred<void> Service::disownServiceParent() {
  if (!parent_) throw std::logic_error("disownServiceParent: the service '" + name_ + "' has no parent");
  return parent_->removeService(*this);  // clears parent_
}

void Service::privilegedStartService() {}

void Service::startService() { running = true; }

Deferred<void> Service::stopService() {
  running = false;
  return succeed();
}

// ---- MultiService -------------------------------------------------------------

MultiService::~MultiService() {
  // Owned children die with their parent pointer already cleared, so they do
  // not call back into this half-destroyed object; the others are let go.
  for (Service* child : services_) child->parent_ = nullptr;
  services_.clear();
  while (!owned_.empty()) {  // in reverse order of adding, as stopService goes
    std::unique_ptr<Service> child = std::move(owned_.back());
    owned_.pop_back();
    if (child->parent_ == this) child->parent_ = nullptr;
    child.reset();
  }
}

void MultiService::privilegedStartService() {
  Service::privilegedStartService();
  // By index, as Twisted iterates its live list: a child added meanwhile is
  // visited too.
  for (std::size_t i = 0; i < services_.size(); ++i) services_[i]->privilegedStartService();
}

void MultiService::startService() {
  Service::startService();
  for (std::size_t i = 0; i < services_.size(); ++i) services_[i]->startService();
}

Deferred<void> MultiService::stopService() {
  Service::stopService();
  std::vector<Service*> children(services_.rbegin(), services_.rend());
  std::vector<Deferred<void>> stops;
  std::vector<std::string> names;
  stops.reserve(children.size());
  for (Service* child : children) {
    names.push_back(child->name());
    try {  // Twisted: defer.maybeDeferred(service.stopService)
      stops.push_back(child->stopService());
    } catch (...) {
      stops.push_back(fail<void>(Failure::current()));
    }
  }
  return DeferredList(std::move(stops), {.consumeErrors = true})
      .addCallback([names = std::move(names)](std::vector<ListResult<void>> results) {
        for (const ListResult<void>& r : results)
          if (!r.success)
            applicationLog().failure("stopService of the service '{service}' failed", *r.failure,
                                     {{"service", names[r.index]}});
      });
}

void MultiService::addService(Service& child) {
  if (&child == this) throw std::logic_error("addService: a MultiService cannot be its own child");
  if (child.parent_) throw std::logic_error("addService: the service '" + child.name() + "' already has a parent");
  if (!child.name().empty())
    for (const Service* s : services_)
      if (s->name() == child.name())
        throw std::runtime_error("cannot have two services with same name '" + child.name() + "'");
  services_.push_back(&child);
  child.parent_ = this;
  if (running) {
    child.privilegedStartService();
    child.startService();
  }
}

Deferred<void> MultiService::removeService(Service& child) {
  auto at = std::find(services_.begin(), services_.end(), &child);
  if (at == services_.end())
    throw std::invalid_argument("removeService: the service '" + child.name() + "' is not a child of this one");
  services_.erase(at);
  child.parent_ = nullptr;
  if (running) return child.stopService();
  return succeed();
}

Service& MultiService::getServiceNamed(const std::string& name) const {
  if (!name.empty())
    for (Service* s : services_)
      if (s->name() == name) return *s;
  throw ServiceNotFound(name);
}

void MultiService::forget(Service& child) noexcept {
  services_.erase(std::remove(services_.begin(), services_.end(), &child), services_.end());
}

// ---- TimerService -------------------------------------------------------------

void TimerService::startService() {
  Service::startService();
  loopFinished_ = loop_.start(step_, true).addErrback([this](Failure& why) {
    // Twisted's _failed: log.err(why); the LoopingCall has stopped itself.
    applicationLog().failure("TimerService '{service}': its call failed and will not be called again", why,
                             {{"service", name()}});
  });
}

Deferred<void> TimerService::stopService() {
  if (!loopFinished_) return Service::stopService();  // never started (Twisted fails here)
  if (loop_.running()) loop_.stop();
  Deferred<void> finished = std::move(*loopFinished_);
  loopFinished_.reset();
  // Twisted: running stays true until the call in progress is done.
  return finished.addCallback([this] { Service::stopService(); });
}

// ---- StreamServerEndpointService ----------------------------------------------

StreamServerEndpointService::StreamServerEndpointService(std::unique_ptr<IStreamServerEndpoint> endpoint,
                                                         Factory& factory, std::string description)
    : endpoint_(std::move(endpoint)),
      factory_(factory),
      description_(description.empty() ? std::string("its endpoint") : std::move(description)) {
  if (!endpoint_) throw std::invalid_argument("StreamServerEndpointService: a null endpoint");
}

StreamServerEndpointService::StreamServerEndpointService(std::unique_ptr<IStreamServerEndpoint> endpoint,
                                                         std::unique_ptr<Factory> factory, std::string description)
    : StreamServerEndpointService(std::move(endpoint), *factory, std::move(description)) {
  ownedFactory_ = std::move(factory);
}

void StreamServerEndpointService::privilegedStartService() {
  Service::privilegedStartService();
  // Shared with the errback, which may run after this returns (a listen that
  // completes later), as Twisted's raisedNow list is.
  auto raisedNow = std::make_shared<std::optional<Failure>>();
  waitingForPort_ = endpoint_->listen(factory_)
                        .addCallback([this](std::shared_ptr<IListeningPort> port) {
                          port_ = port;
                          return port;
                        })
                        .addErrback([this, raisedNow](Failure& why) -> std::shared_ptr<IListeningPort> {
                          if (raiseSynchronously)
                            *raisedNow = why;
                          else if (!why.check<CancelledError>())
                            applicationLog().failure("'{service}' could not listen on {endpoint}", why,
                                                     {{"service", name()}, {"endpoint", description_}});
                          return nullptr;
                        });
  if (*raisedNow) (*raisedNow)->raise();  // as Twisted, the flag stays set then
  raiseSynchronously = false;
}

void StreamServerEndpointService::startService() {
  Service::startService();
  if (!waitingForPort_) privilegedStartService();
}

Deferred<void> StreamServerEndpointService::stopService() {
  if (!waitingForPort_) return Service::stopService();  // never started (Twisted fails here)
  Deferred<std::shared_ptr<IListeningPort>> waiting = std::move(*waitingForPort_);
  waitingForPort_.reset();
  waiting.cancel();  // a listen still in progress; nothing once it has fired
  return waiting
      .addCallback([this](std::shared_ptr<IListeningPort> port) -> Deferred<void> {
        port_.reset();
        if (port) return port->stopListening();
        return succeed();
      })
      .addCallbacks([this] { running = false; },
                    [this](Failure& why) {
                      running = false;
                      why.raise();
                    });
}

std::unique_ptr<StreamServerEndpointService> strportsService(IReactorTCP& reactor, std::string_view description,
                                                             Factory& factory) {
  auto service = std::make_unique<StreamServerEndpointService>(serverFromString(reactor, description), factory,
                                                               std::string(description));
  service->raiseSynchronously = true;  // as Twisted's strports.service
  return service;
}

std::unique_ptr<StreamServerEndpointService> strportsService(IReactorTCP& reactor, std::string_view description,
                                                             std::unique_ptr<Factory> factory) {
  auto service = std::make_unique<StreamServerEndpointService>(serverFromString(reactor, description),
                                                               std::move(factory), std::string(description));
  service->raiseSynchronously = true;  // as Twisted's strports.service
  return service;
}

// ---- ClientService ------------------------------------------------------------

RetryPolicy backoffPolicy(double initialDelay, double maxDelay, double factor, std::function<double()> jitter) {
  if (!jitter)
    jitter = [] {
      static std::mt19937 generator{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
    };
  return [=](int attempt) {
    double delay = initialDelay * std::pow(factor, std::min(100, attempt));
    if (!std::isfinite(delay) || delay > maxDelay) delay = maxDelay;  // Twisted: OverflowError -> maxDelay
    return delay + jitter();
  };
}

// Your protocol inside the service's: everything is relayed to it, and its
// connectionLost is followed by the service's (Twisted: _ReconnectingProtocolProxy).
// It keeps the service's factory alive: the connector that closes the
// connection calls the factory's doStop after the proxy's connectionLost.
class ClientService::Proxy : public Protocol {
 public:
  Proxy(std::unique_ptr<Protocol> inner, ClientService& service, std::shared_ptr<DisconnectFactory> keep)
      : inner(std::move(inner)), service_(service), alive_(service.alive_), keep_(std::move(keep)) {}
  void connectionMade() override { inner->makeConnection(*transport); }
  void dataReceived(std::string_view data) override {
    if (inner) inner->dataReceived(data);
  }
  void connectionLost(Failure reason) override {
    if (!inner) return;  // detached: your protocol has heard it already
    inner->connected = false;
    try {
      inner->connectionLost(reason);
    } catch (...) {
      notify();
      throw;
    }
    notify();
  }
  bool wantsHalfClose() const override { return inner && inner->wantsHalfClose(); }
  void readConnectionLost() override {
    if (inner) inner->readConnectionLost();
  }
  void writeConnectionLost() override {
    if (inner) inner->writeConnectionLost();
  }

  // The service is being destroyed: the connection is aborted, your protocol
  // hears connectionLost(ConnectionAborted) now and is destroyed, and what the
  // connection does later reaches neither it nor the service.
  void detach() {
    std::unique_ptr<Protocol> gone = std::move(inner);
    transport->abortConnection();
    gone->connected = false;
    callContained(applicationLog(), "connectionLost", [&] { gone->connectionLost(Failure(ConnectionAborted())); });
  }

  std::unique_ptr<Protocol> inner;

 private:
  void notify() {
    if (alive_.expired()) return;
    if (service_.proxy_ == this) service_.proxy_ = nullptr;
    service_.clientDisconnected();
  }
  ClientService& service_;
  std::weak_ptr<bool> alive_;
  std::shared_ptr<DisconnectFactory> keep_;
};

// Shared by the service and its connection's proxy, so that it outlives
// both; once the service is gone it is detached and forwards nothing.
class ClientService::DisconnectFactory : public Factory, public std::enable_shared_from_this<DisconnectFactory> {
 public:
  DisconnectFactory(Factory& wrapped, ClientService& service) : wrapped_(&wrapped), service_(&service) {}
  std::unique_ptr<Protocol> buildProtocol(const Address& addr) override {
    if (!service_) return nullptr;  // the connector drops the connection
    std::unique_ptr<Protocol> inner = wrapped_->buildProtocol(addr);
    if (!inner) return nullptr;
    auto proxy = std::make_unique<Proxy>(std::move(inner), *service_, shared_from_this());
    proxy->factory = this;
    return proxy;
  }
  void startFactory() override {
    if (wrapped_) wrapped_->doStart();
  }
  void stopFactory() override {
    if (wrapped_) wrapped_->doStop();
  }
  // The service is being destroyed: your factory's doStart is balanced now
  // (it must not be called after the service is gone), and not again later.
  void detach() {
    Factory* wrapped = std::exchange(wrapped_, nullptr);
    service_ = nullptr;
    if (numPorts > 0) callContained(applicationLog(), "doStop", [&] { wrapped->doStop(); });
  }

 private:
  Factory* wrapped_;
  ClientService* service_;
};

ClientService::ClientService(IReactorTime& clock, std::unique_ptr<IStreamClientEndpoint> endpoint, Factory& factory,
                             RetryPolicy retryPolicy, std::string description)
    : clock_(clock),
      endpoint_(std::move(endpoint)),
      proxyFactory_(std::make_shared<DisconnectFactory>(factory, *this)),
      retryPolicy_(retryPolicy ? std::move(retryPolicy) : backoffPolicy()),
      description_(description.empty() ? std::string("its endpoint") : std::move(description)) {
  if (!endpoint_) throw std::invalid_argument("ClientService: a null endpoint");
}

ClientService::ClientService(IReactorTime& clock, IReactorTCP& reactor, std::string_view description,
                             Factory& factory, RetryPolicy retryPolicy)
    : ClientService(clock, clientFromString(reactor, description), factory, std::move(retryPolicy),
                    std::string(description)) {}

// Nothing it leaves behind calls back into it, or into your factory or
// protocol: the retry is cancelled, an attempt cancelled, a connection
// aborted and its proxy detached, the factory detached.
ClientService::~ClientService() {
  alive_.reset();  // the callbacks and protocols still around see it expired
  if (retryCall_.active()) retryCall_.cancel();
  if (state_ == State::connecting && connectionInProgress_) connectionInProgress_->cancel();
  if (Proxy* proxy = std::exchange(proxy_, nullptr)) proxy->detach();
  proxyFactory_->detach();
  // Still started and held by no proxy: a connector will call its doStop, maybe
  // on its way out of the very call that destroys us (a failed attempt whose
  // errback destroys the service). It lives until the next pass of the loop.
  if (proxyFactory_->numPorts > 0 && proxyFactory_.use_count() == 1) {
    try {
      clock_.callLater(0, [keep = proxyFactory_] {});
    } catch (...) {
      applicationLog().failure("ClientService '{service}' destroyed: cannot keep its factory for its connector",
                               Failure::current(), {{"service", name()}});
    }
  }
}

Deferred<Protocol*> ClientService::whenConnected(std::optional<int> failAfterFailures) {
  if (state_ == State::connected) return succeed(current_);
  if (state_ == State::stopped) return fail<Protocol*>(CancelledError());
  Deferred<Protocol*> d;
  awaiting_.push_back({d, failAfterFailures});
  return d;
}

void ClientService::startService() {
  if (running) {
    applicationLog().warn("Duplicate ClientService.startService of '{service}'", {{"service", name()}});
    return;
  }
  Service::startService();
  start();
}

Deferred<void> ClientService::stopService() {
  Service::stopService();
  return stop();
}

// The transitions are Twisted's _ClientMachine's: the state changes first,
// then the outputs run (so a cancel that fails the attempt at once is seen in
// the new state, as Twisted's comment on connecting + stop says).

void ClientService::start() {
  switch (state_) {
    case State::init:
    case State::stopped:
      state_ = State::connecting;
      connect();
      break;
    case State::disconnecting:
      state_ = State::restarting;
      failedAttempts_ = 0;
      break;
    default:
      break;  // connecting, waiting, connected, restarting: already on its way
  }
}

Deferred<void> ClientService::stop() {
  switch (state_) {
    case State::init:
    case State::stopped:
      state_ = State::stopped;
      return succeed();
    case State::connecting: {
      state_ = State::disconnecting;
      Deferred<void> d = waitForStop();
      connectionInProgress_->cancel();
      return d;
    }
    case State::waiting: {
      state_ = State::stopped;
      Deferred<void> d = waitForStop();
      unawaitCancelled();
      if (retryCall_.active()) retryCall_.cancel();
      finishStopping();
      return d;
    }
    case State::connected: {
      state_ = State::disconnecting;
      Deferred<void> d = waitForStop();
      current_->transport->loseConnection();
      return d;
    }
    case State::disconnecting:
    case State::restarting:
      state_ = State::disconnecting;
      return waitForStop();
  }
  return succeed();
}

void ClientService::connect() {
  std::weak_ptr<bool> alive = alive_;
  Deferred<Protocol*> attempt;
  // Twisted lets an exception from endpoint.connect escape startService (or
  // the retry's timer, leaving the machine stuck in connecting); here it is a
  // failed attempt, retried like any other.
  try {
    attempt = endpoint_->connect(*proxyFactory_);
  } catch (...) {
    attempt = fail<Protocol*>(Failure::current());
  }
  connectionInProgress_ = attempt;
  attempt.addCallbacks(
      [this, alive](Protocol* proxy) {
        if (!alive.expired()) connectionMade(static_cast<Proxy*>(proxy));
      },
      [this, alive](Failure& why) {
        if (!alive.expired()) connectionFailed(why);
      });
}

void ClientService::connectionMade(Proxy* proxy) {
  Protocol* protocol = proxy->inner.get();
  switch (state_) {
    case State::connecting:
      state_ = State::connected;
      failedAttempts_ = 0;
      current_ = protocol;
      proxy_ = proxy;
      unawait(protocol);
      break;
    case State::disconnecting:
    case State::restarting:
      // Not in Twisted's machine: the attempt completed although it was
      // cancelled. Close it; its connectionLost moves the machine on.
      current_ = protocol;
      proxy_ = proxy;
      protocol->transport->loseConnection();
      break;
    default:
      break;
  }
}

void ClientService::connectionFailed(const Failure& why) {
  switch (state_) {
    case State::connecting:
      state_ = State::waiting;
      wait();
      deliverConnectionFailure(why);
      break;
    case State::disconnecting:
      state_ = State::stopped;
      unawaitCancelled();
      finishStopping();
      break;
    case State::restarting:  // not in Twisted's machine; as a disconnection
      state_ = State::connecting;
      finishStopping();
      connect();
      break;
    default:
      break;
  }
}

void ClientService::reconnect() {
  if (state_ != State::waiting) return;
  state_ = State::connecting;
  connect();
}

void ClientService::clientDisconnected() {
  switch (state_) {
    case State::connected:
      state_ = State::waiting;
      current_ = nullptr;
      wait();
      break;
    case State::disconnecting:
      state_ = State::stopped;
      unawaitCancelled();
      finishStopping();
      current_ = nullptr;
      break;
    case State::restarting:
      state_ = State::connecting;
      current_ = nullptr;
      finishStopping();
      connect();
      break;
    default:
      break;
  }
}

void ClientService::wait() {
  ++failedAttempts_;
  double delay = retryPolicy_(failedAttempts_);
  applicationLog().info("Scheduling retry {attempt} to connect {endpoint} in {delay} seconds.",
                        {{"attempt", std::to_string(failedAttempts_)},
                         {"endpoint", description_},
                         {"delay", secondsText(delay)}});
  retryCall_ = clock_.callLater(delay, [this] { reconnect(); });
}

Deferred<void> ClientService::waitForStop() {
  stopWaiters_.emplace_back();
  return stopWaiters_.back();
}

void ClientService::finishStopping() {
  std::vector<Deferred<void>> waiting;
  waiting.swap(stopWaiters_);
  for (Deferred<void>& d : waiting) d.callback();
}

void ClientService::unawait(Protocol* protocol) {
  std::vector<Awaiting> waiting;
  waiting.swap(awaiting_);
  for (Awaiting& w : waiting) w.d.callback(protocol);
}

void ClientService::unawaitCancelled() {
  std::vector<Awaiting> waiting;
  waiting.swap(awaiting_);
  for (Awaiting& w : waiting) w.d.errback(CancelledError());
}

void ClientService::deliverConnectionFailure(const Failure& why) {
  std::vector<Deferred<Protocol*>> ready;
  std::vector<Awaiting> notReady;
  for (Awaiting& w : awaiting_) {
    if (!w.remaining)
      notReady.push_back(std::move(w));
    else if (*w.remaining <= 1)
      ready.push_back(std::move(w.d));
    else
      notReady.push_back({std::move(w.d), *w.remaining - 1});
  }
  awaiting_ = std::move(notReady);
  for (Deferred<Protocol*>& d : ready) d.errback(why);
}

}  // namespace twist
