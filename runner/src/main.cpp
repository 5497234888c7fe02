// main.cpp — twistlings, the workshop's runner: the command line.
#include "cli.hpp"

int main(int argc, char** argv) { return twistlings::runCli(argc, argv); }
