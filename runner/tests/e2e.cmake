# The runner end to end on a temporary copy of the repository (e2e_check.sh).
# It configures and builds its own copy, so it takes a minute or two.
add_test(NAME "runner: check, hint, reset and watch end to end on a copy of the repository"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_check.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: check, hint, reset and watch end to end on a copy of the repository"
                     PROPERTIES TIMEOUT 1200 FAIL_REGULAR_EXPRESSION "FAIL ")

# The program form of exercise (lesson 01's hello): a program that hangs,
# crashes, exits non-zero or prints the wrong line each gets its verdict
# (e2e_program.sh). Its copy builds one exercise, so a minute or two.
add_test(NAME "runner: a program exercise that hangs, crashes, exits non-zero or prints the wrong line gets its verdict"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_program.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: a program exercise that hangs, crashes, exits non-zero or prints the wrong line gets its verdict"
                     PROPERTIES TIMEOUT 900 FAIL_REGULAR_EXPRESSION "FAIL ")

# The mutants form of exercise (lesson 07's core): a test that fails on the
# reference, surviving mutants, a test that sleeps, a dirty reactor, a compile
# error and the reference tests each get their verdict (e2e_mutants.sh).
add_test(NAME "runner: a mutants exercise names a test failing on the reference, each surviving mutant, a sleeping test and a dirty reactor"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_mutants.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: a mutants exercise names a test failing on the reference, each surviving mutant, a sleeping test and a dirty reactor"
                     PROPERTIES TIMEOUT 900 FAIL_REGULAR_EXPRESSION "FAIL ")

# The regression form of exercise (lesson 09's core): the starter, a test that
# does not reproduce the report, one that fails on the fix too, the right test
# without the fix, and the solution each get a verdict naming the step
# (e2e_regression.sh). Its copy builds one exercise's two programs.
add_test(NAME "runner: a regression exercise says whether the test reproduces the report, claims too much, or the fix is missing"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_regression.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: a regression exercise says whether the test reproduces the report, claims too much, or the fix is missing"
                     PROPERTIES TIMEOUT 900 FAIL_REGULAR_EXPRESSION "FAIL ")

# catch-up for an attendee who fell behind (e2e_catch_up.sh): refused without a
# terminal or --yes, "n" changes nothing, "y" puts the references in place with
# the attendee's exact bytes in the backups and every other file untouched, and
# list shows them caught up. Nothing is built, so it takes seconds.
add_test(NAME "runner: catch-up keeps the attendee's files, puts the references in place and marks them caught up"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_catch_up.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>)
set_tests_properties("runner: catch-up keeps the attendee's files, puts the references in place and marks them caught up"
                     PROPERTIES TIMEOUT 300 FAIL_REGULAR_EXPRESSION "FAIL ")

# Runners that share a build tree take turns; an interrupted one leaves it usable
# (e2e_concurrency.sh). Its copy builds the runner too (through the driver), so
# it takes a few minutes: in the plain build only. What it tests is processes
# and locks, not memory, and a sanitized copy would take three times as long;
# the lock and the stopping of children have their unit tests under the
# sanitizers (test_build_lock, test_subprocess).
if(TWIST_SANITIZE)
  return()
endif()
add_test(NAME "runner: two runs at once take turns, and an interrupted check leaves the build usable"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_concurrency.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: two runs at once take turns, and an interrupted check leaves the build usable"
                     PROPERTIES TIMEOUT 3000 FAIL_REGULAR_EXPRESSION "FAIL ")
