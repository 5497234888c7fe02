// uv_error.hpp — private to twist's sources: how an error from libuv is
// written in a message, its name first ("EADDRINUSE (address already in use)"),
// so that a search for the name finds libuv's documentation.
#pragma once

#include <uv.h>

#include <string>

namespace twist::detail {

inline std::string uvError(int rc) { return std::string(uv_err_name(rc)) + " (" + uv_strerror(rc) + ")"; }

}  // namespace twist::detail
