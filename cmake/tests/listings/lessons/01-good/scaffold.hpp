// What the fragments and bodies of this fixture lesson assume.
#pragma once

#include <string>
#include <string_view>

#include "twist/deferred.hpp"
#include "twist/reactor.hpp"
#include "twist/task.hpp"

twist::Reactor reactor;
twist::Deferred<int> getNumber();
