# check_catch3_headers.cmake — every Catch2 macro that a file including
# twist_catch.hpp uses has its Catch2 3 header in twist_catch.hpp's Catch2 3
# branch. Catch2 2's catch.hpp holds everything, so with Debian's Catch2 2 a
# missing header never shows: GENERATE compiled here for months and failed
# on the first Catch2 3 build (Ubuntu 24.04, Homebrew). Run as a test:
#   cmake -DROOT=<repository> -P check_catch3_headers.cmake
if(NOT DEFINED ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<repository> -P check_catch3_headers.cmake")
endif()
set(header "${ROOT}/framework/testsupport/twist_catch.hpp")
file(READ "${header}" text)
# The Catch2 3 branch: from "#if TWIST_CATCH_MAJOR == 3" to its "#else".
string(FIND "${text}" "#if TWIST_CATCH_MAJOR == 3" begin)
string(FIND "${text}" "#else" end)
if(begin EQUAL -1 OR end LESS begin)
  message(FATAL_ERROR "${header}: no '#if TWIST_CATCH_MAJOR == 3' ... '#else' branch to check")
endif()
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${text}" ${begin} ${length} catch3)

# A macro (as a regular expression) and the Catch2 3 header that declares it.
set(needs
    "GENERATE(_COPY|_REF)?[ (]|Catch::Generators::" "catch2/generators/catch_generators.hpp"
    "TEMPLATE_(PRODUCT_|LIST_)?TEST_CASE" "catch2/catch_template_test_macros.hpp"
    "BENCHMARK(_ADVANCED)?[ (]" "catch2/benchmark/catch_benchmark.hpp"
    "(CHECK|REQUIRE)_THAT[ (]" "catch2/matchers/catch_matchers"
    "Approx[ (]" "catch2/catch_approx.hpp")

file(GLOB_RECURSE sources RELATIVE "${ROOT}"
     "${ROOT}/framework/*.cpp" "${ROOT}/framework/*.hpp" "${ROOT}/runner/*.cpp" "${ROOT}/runner/*.hpp"
     "${ROOT}/exercises/*.cpp" "${ROOT}/exercises/*.hpp" "${ROOT}/solutions/*.cpp" "${ROOT}/solutions/*.hpp"
     "${ROOT}/lessons/*.cpp" "${ROOT}/lessons/*.hpp")
set(problems "")
set(checked 0)
foreach(source ${sources})
  if(source MATCHES "^build" OR source STREQUAL "framework/testsupport/twist_catch.hpp")
    continue()
  endif()
  file(STRINGS "${ROOT}/${source}" includes REGEX "#include \"twist_catch.hpp\"")
  if(NOT includes)
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  set(rest ${needs})
  while(rest)
    list(POP_FRONT rest macro wanted)
    file(STRINGS "${ROOT}/${source}" uses REGEX "${macro}")
    if(uses)
      string(FIND "${catch3}" "#include <${wanted}" found)
      if(found EQUAL -1)
        list(GET uses 0 first)
        string(STRIP "${first}" first)
        if(NOT wanted MATCHES "\\.hpp$")
          string(APPEND wanted "….hpp")  # a family: any of its headers will do
        endif()
        string(APPEND problems "\n  ${source} uses \"${first}\": add #include <${wanted}> to twist_catch.hpp's Catch2 3 branch")
      endif()
    endif()
  endwhile()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no file under ${ROOT} includes twist_catch.hpp: is ROOT the repository?")
endif()
if(problems)
  message(FATAL_ERROR "Catch2 3 would not compile these (Catch2 2's single header hides it):${problems}")
endif()
message(STATUS "${checked} files that include twist_catch.hpp: every Catch2 macro they use has its Catch2 3 header")
