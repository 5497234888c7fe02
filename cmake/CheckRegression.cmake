# cmake -DSHIPPED=<program> -DSTARTER=<program> -DTIMEOUT=<s> -P CheckRegression.cmake
# — the course's own check of a "regression" exercise (lesson 09;
# runner/src/regression.hpp; cmake/Course.cmake adds it to ctest): the helper
# as shipped that the hidden reference carries, behind mutant("as-shipped"),
# is the one the attendee starts from. The attendee's regression test is
# judged on the reference's copy (their own file they edit), so a copy that
# drifted from exercises/ would grade a report against a bug the attendee
# never saw. Both programs run the hidden tests of the fix: SHIPPED on the
# reference as shipped, STARTER on the starter's helper (with the starter's
# test file, which holds no test). Both must fail, with the same counts of
# test cases and assertions, failed and passed.

function(summary program mutant out)
  set(ENV{TWISTLINGS_MUTANT} "${mutant}")
  execute_process(COMMAND ${program} --order decl RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output TIMEOUT ${TIMEOUT})
  if(result EQUAL 0)
    message(FATAL_ERROR "${program} passes the hidden tests of the fix: it is not the helper as shipped")
  endif()
  string(REGEX MATCHALL "(test cases|assertions):[^\n]*" counts "${output}")
  set(${out} "${counts}" PARENT_SCOPE)
endfunction()

summary(${SHIPPED} as-shipped shipped)
summary(${STARTER} "" starter)
if(NOT shipped STREQUAL starter)
  message(FATAL_ERROR "the reference's helper as shipped and the starter's fail the hidden tests differently:\n"
                      "  reference as shipped: ${shipped}\n  starter:              ${starter}\n"
                      "Make mutant(\"as-shipped\") in the reference behave as exercises/' helper does.")
endif()
message(STATUS "the reference as shipped and the starter fail the hidden tests alike: ${shipped}")
