# Examples that need arguments or a peer: not run bare by the loop in
# framework/CMakeLists.txt (which reads this list after including this file),
# but by their own tests here.
list(APPEND TWIST_EXAMPLES_WITH_OWN_TESTS echo_server echo_client)

# echo_server on a free port, echo_client against it, then SIGTERM to the server.
add_test(NAME example_echo_server_client
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/echo_test.sh $<TARGET_FILE:echo_server> $<TARGET_FILE:echo_client>)
set_tests_properties(example_echo_server_client PROPERTIES TIMEOUT 30)
