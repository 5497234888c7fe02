# The listener's own test (included by runner/CMakeLists.txt): a probe program
# linked as an exercise is, and a script that checks what the runner relies on.
add_executable(twistlings_listener_probe ${CMAKE_CURRENT_LIST_DIR}/listener_probe.cpp)
target_link_libraries(twistlings_listener_probe PRIVATE twist twist_catch twistlings_listener)
set(probe_test "listener: a test's stderr follows its marker on stdout, a failed check shows pairs' values, and a reactor left unclean is named")
add_test(NAME "${probe_test}"
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_listener_probe.sh $<TARGET_FILE:twistlings_listener_probe>)
set_tests_properties("${probe_test}"
                     PROPERTIES TIMEOUT 60 FAIL_REGULAR_EXPRESSION "FAIL ")
