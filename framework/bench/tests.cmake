# The benchmarks stay runnable: ctest runs each once, small, and checks it
# prints its JSON lines. The numbers are for people (compare_twisted.sh), not tests.
add_test(NAME bench_deferred_quick COMMAND deferred_bench --quick)
set_tests_properties(bench_deferred_quick PROPERTIES TIMEOUT 60
  PASS_REGULAR_EXPRESSION "\"workload\": \"calllater0_chain\"")

# echo_compare.sh, quick and on the binaries of this build: the three echo
# servers and the load generator keep working together (skipped without Twisted).
add_test(NAME bench_echo_compare_quick
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/bench/echo_compare.sh --quick --no-build --build ${CMAKE_BINARY_DIR})
set_tests_properties(bench_echo_compare_quick PROPERTIES TIMEOUT 90 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE
  PASS_REGULAR_EXPRESSION "bytes per idle connection")
