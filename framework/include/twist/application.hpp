// application.hpp — services: things that start and stop with the program
// (Twisted: twisted.application.service.Service and MultiService).
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
//   non-empty name (std::runtime_error, naming it). If the parent is running,
//   the new child gets privilegedStartService() then startService() at once.
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
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "twist/deferred.hpp"

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

}  // namespace twist
