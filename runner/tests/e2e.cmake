# The runner end to end on a temporary copy of the repository (e2e_check.sh).
# It configures and builds its own copy, so it takes a minute or two.
add_test(NAME "runner: check, hint, reset and watch end to end on a copy of the repository"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_check.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:twistlings>
                 ${CMAKE_BUILD_TYPE} ${TWIST_SANITIZE})
set_tests_properties("runner: check, hint, reset and watch end to end on a copy of the repository"
                     PROPERTIES TIMEOUT 1200 FAIL_REGULAR_EXPRESSION "FAIL ")
