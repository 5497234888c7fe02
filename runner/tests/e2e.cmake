# The runner end to end, each script on a temporary copy of the repository.
# runner_e2e_test(NAME SCRIPT TIMEOUT [NOTHING_BUILT]): the test "runner: NAME"
# runs tests/SCRIPT with the source tree and the runner, and the build type
# and sanitizer setting for its copy's build unless it builds nothing.
function(runner_e2e_test name script timeout)
  set(args ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>)
  if(NOT "NOTHING_BUILT" IN_LIST ARGN)
    list(APPEND args ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
  endif()
  add_test(NAME "runner: ${name}" COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/${script} ${args})
  set_tests_properties("runner: ${name}" PROPERTIES TIMEOUT ${timeout} FAIL_REGULAR_EXPRESSION "FAIL ")
endfunction()

# check, hint, reset and watch (e2e_check.sh). It configures and builds its
# own copy, so it takes a minute or two.
runner_e2e_test("check, hint, reset and watch end to end on a copy of the repository" e2e_check.sh 1200)

# The program form of exercise (lesson 01's hello): a program that hangs,
# crashes, exits non-zero or prints the wrong line each gets its verdict
# (e2e_program.sh). Its copy builds one exercise, so a minute or two.
runner_e2e_test("a program exercise that hangs, crashes, exits non-zero or prints the wrong line gets its verdict"
                e2e_program.sh 900)

# The mutants form of exercise (lesson 07's core): a test that fails on the
# reference, surviving mutants, a test that sleeps, a dirty reactor, a compile
# error and the reference tests each get their verdict (e2e_mutants.sh).
runner_e2e_test("a mutants exercise names a test failing on the reference, each surviving mutant, a sleeping test and a dirty reactor"
                e2e_mutants.sh 900)

# The regression form of exercise (lesson 09's core): the starter, a test that
# does not reproduce the report, one that fails on the fix too, the right test
# without the fix, and the solution each get a verdict naming the step
# (e2e_regression.sh). Its copy builds one exercise's two programs.
runner_e2e_test("a regression exercise says whether the test reproduces the report, claims too much, or the fix is missing"
                e2e_regression.sh 900)

# catch-up for an attendee who fell behind (e2e_catch_up.sh): refused without a
# terminal or --yes, "n" changes nothing, "y" puts the references in place with
# the attendee's exact bytes in the backups and every other file untouched, and
# list shows them caught up. Nothing is built, so it takes seconds.
runner_e2e_test("catch-up keeps the attendee's files, puts the references in place and marks them caught up"
                e2e_catch_up.sh 300 NOTHING_BUILT)

# Runners that share a build tree take turns; an interrupted one leaves it usable
# (e2e_concurrency.sh). Its copy builds the runner too (through the driver), so
# it takes a few minutes: in the plain build only. What it tests is processes
# and locks, not memory, and a sanitized copy would take three times as long;
# the lock and the stopping of children have their unit tests under the
# sanitizers (test_build_lock, test_subprocess).
if(NOT TWIST_SANITIZE)
  runner_e2e_test("two runs at once take turns, and an interrupted check leaves the build usable" e2e_concurrency.sh
                  3000)
endif()
