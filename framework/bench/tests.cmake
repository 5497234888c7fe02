# The benchmarks stay runnable: ctest runs each once, small, and checks it
# prints its JSON lines. The numbers are for people (compare_twisted.sh), not tests.
add_test(NAME bench_deferred_quick COMMAND deferred_bench --quick)
set_tests_properties(bench_deferred_quick PROPERTIES TIMEOUT 60
  PASS_REGULAR_EXPRESSION "\"workload\": \"calllater0_chain\"")
