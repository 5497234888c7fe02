// application.cpp — Service and MultiService (Twisted: twisted.application.service).
#include "twist/application.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "twist/failure.hpp"
#include "twist/logger.hpp"

namespace twist {

namespace {
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

}  // namespace twist
