// Catch2 2 needs its main compiled once, in one file; Catch2 3 brings its own
// (Catch2WithMain), and then this file compiles to nothing.
#if TWIST_CATCH_MAJOR == 2
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
