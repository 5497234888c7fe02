// failure.hpp — twist::Failure, the error half of every Deferred
// (Twisted: twisted.python.failure.Failure).
//
// A Failure wraps a std::exception_ptr: it is what an errback receives instead
// of a value. Where Twisted returns a Failure from an errback to keep it going,
// twist rethrows (`throw;` inside a catch, or `f.raise()`); where Twisted's
// `trap` returns the matching class, twist's `trap<E...>()` rethrows the
// original exception when none matches and returns nothing otherwise.
//
// Ownership: a Failure is a value; copies share the one exception object
// (std::exception_ptr is reference counted), which is never modified.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <typeinfo>

namespace twist {

namespace detail {
// "std::runtime_error" rather than "St13runtime_error": error messages that
// teach name types the way the reader wrote them.
std::string demangle(const std::type_info& type);
}  // namespace detail

// Raised by Failure::current() when no exception is being handled
// (Twisted: NoCurrentExceptionError, from errback() with no argument).
struct NoCurrentExceptionError : std::logic_error {
  NoCurrentExceptionError()
      : std::logic_error("Failure::current() called outside a catch block: there is no current exception") {}
};

class Failure {
 public:
  explicit Failure(std::exception_ptr error);
  // Failure(std::runtime_error("boom")): wraps a copy of the exception object.
  template <class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
  Failure(E&& error) : Failure(std::make_exception_ptr(std::forward<E>(error))) {}  // NOLINT: implicit on purpose

  // The exception being handled right now, in a catch block.
  static Failure current();

  // True when the exception is one of E... (or derived from one of them).
  template <class... E>
  bool check() const {
    return (matches<E>() || ...);
  }
  // Rethrows the original exception unless it is one of E...: an errback that
  // handles only some errors traps them first, and the others keep propagating.
  template <class... E>
  void trap() const {
    if (!check<E...>()) raise();
  }
  // The exception as an E, or nullptr when it is not one.
  template <class E>
  const E* value() const {
    try {
      std::rethrow_exception(error_);
    } catch (const E& e) {
      return &e;  // the exception object lives as long as error_ does
    } catch (...) {
      return nullptr;
    }
  }

  // what() of the exception, or a description when it is not a std::exception.
  std::string getErrorMessage() const;
  // The exception's dynamic type, demangled: "std::runtime_error".
  std::string typeName() const;
  // "std::runtime_error: boom", as Twisted prints a Failure on one line.
  std::string describe() const;

  [[noreturn]] void raise() const { std::rethrow_exception(error_); }
  const std::exception_ptr& exception() const { return error_; }

 private:
  template <class E>
  bool matches() const {
    try {
      std::rethrow_exception(error_);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }
  std::exception_ptr error_;
};

}  // namespace twist
