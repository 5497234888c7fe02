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
