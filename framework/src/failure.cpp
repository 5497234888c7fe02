#include "twist/failure.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace twist {

std::string detail::demangle(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string result = (status == 0 && name) ? name.get() : type.name();
  // std::string is spelled out in full by the ABI; say it the way people write it.
  const std::string longString = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
  for (auto at = result.find(longString); at != std::string::npos; at = result.find(longString))
    result.replace(at, longString.size(), "std::string");
  for (auto at = result.find("std::__cxx11::"); at != std::string::npos; at = result.find("std::__cxx11::"))
    result.replace(at, 14, "std::");
  return result;
}

Failure::Failure(std::exception_ptr error) : error_(std::move(error)) {
  if (!error_) throw std::invalid_argument("twist::Failure needs an exception; it was given an empty exception_ptr");
}

Failure Failure::current() {
  auto error = std::current_exception();
  if (!error) throw NoCurrentExceptionError();
  return Failure(error);
}

std::string Failure::getErrorMessage() const {
  try {
    std::rethrow_exception(error_);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of type " + typeName() + " (not derived from std::exception)";
  }
}

std::string Failure::typeName() const {
  try {
    std::rethrow_exception(error_);
  } catch (const std::exception& e) {
    return detail::demangle(typeid(e));
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type ? detail::demangle(*type) : "unknown exception";
  }
}

std::string Failure::describe() const { return typeName() + ": " + getErrorMessage(); }

}  // namespace twist
