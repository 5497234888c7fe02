# cmake -DMODE=... -P CheckMutants.cmake — the course's own checks of a
# "mutants" exercise (lesson 07; cmake/Course.cmake adds them to ctest), and
# of a "regression" exercise's first step, whose one mutant is the helper as
# shipped (lesson 09; runner/src/regression.hpp):
#
#   MODE=solution -DPROGRAM=<solution program> -DMUTANTS=<ids> -DTIMEOUT=<s>
#     the reference tests pass on the reference (TWISTLINGS_MUTANT unset) and
#     fail on every mutant: each mutant is one the reference tests kill;
#   MODE=starter -DPROGRAM=<exercise program> -DMUTANTS=<ids> -DTIMEOUT=<s>
#     the starter's tests pass on the reference and kill at most a third of
#     the mutants, so that the attendee has the work to do;
#   MODE=wired -DREFERENCE=<files> -DMUTANTS=<ids> -DLESSON_MUTANTS=<ids>
#     each id of the exercise appears in the reference as mutant("id"), and
#     each mutant("id") there is one of the lesson's exercises' (which share
#     the reference): a misspelt id would make its "mutant" the reference
#     itself, which no test can kill.
# A test that fails prints why, with the program's output.

function(run_program mutant out_result out_output)
  set(ENV{TWISTLINGS_MUTANT} "${mutant}")
  execute_process(COMMAND ${PROGRAM} --order decl RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output TIMEOUT ${TIMEOUT})
  set(${out_result} "${result}" PARENT_SCOPE)
  set(${out_output} "${output}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "wired")
  set(source "")
  foreach(file ${REFERENCE})
    file(READ ${file} text)
    string(APPEND source "${text}\n")
  endforeach()
  set(problems "")
  foreach(id ${MUTANTS})
    string(FIND "${source}" "mutant(\"${id}\")" at)
    if(at EQUAL -1)
      list(APPEND problems "lesson.json's mutant '${id}' is not in the reference (no mutant(\"${id}\") in ${REFERENCE})")
    endif()
  endforeach()
  string(REGEX MATCHALL "mutant\\(\"[^\"]*\"\\)" uses "${source}")
  foreach(use ${uses})
    string(REGEX REPLACE "mutant\\(\"([^\"]*)\"\\)" "\\1" id "${use}")
    list(FIND LESSON_MUTANTS "${id}" listed)
    if(listed EQUAL -1)
      list(APPEND problems "the reference has mutant(\"${id}\"), which no exercise's \"mutants\" in lesson.json lists")
    endif()
  endforeach()
  if(problems)
    string(REPLACE ";" "\n  " problems "${problems}")
    message(FATAL_ERROR "the mutants are not wired:\n  ${problems}")
  endif()
  list(LENGTH MUTANTS count)
  message(STATUS "all ${count} mutants are wired in the reference")
  return()
endif()

run_program("" result output)
# A starter with no TEST_CASE yet: Catch2 2 exits 0, Catch2 3 with a status of its own.
if(MODE STREQUAL "starter" AND output MATCHES "No tests ran")
  set(result 0)
endif()
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${MODE}: the tests fail on the reference (${result}):\n${output}")
endif()
set(caught "")
set(survived "")
foreach(id ${MUTANTS})
  run_program("${id}" result output)
  if(result EQUAL 0 OR output MATCHES "No tests ran")  # no test (a starter's, under Catch2 3) catches nothing
    list(APPEND survived ${id})
  else()
    list(APPEND caught ${id})
  endif()
endforeach()
list(LENGTH MUTANTS count)
list(LENGTH caught caught_count)
message(STATUS "${MODE}: passes on the reference, catches ${caught_count} of ${count} mutants (caught: ${caught}; survived: ${survived})")
if(MODE STREQUAL "solution" AND survived)
  message(FATAL_ERROR "the solution's tests let these mutants survive: ${survived}")
endif()
if(MODE STREQUAL "starter")
  math(EXPR allowed "${count} / 3")
  if(caught_count GREATER allowed)
    message(FATAL_ERROR "the starter's tests already catch ${caught_count} of ${count} mutants (${caught}): at most ${allowed} leaves the attendee the work")
  endif()
endif()
