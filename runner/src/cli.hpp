// cli.hpp — the runner's command line (CLI11): parses, then runs one command.
#pragma once

namespace twistlings {

// Exit codes: 0 success (or pass), 1 fail, 2 an error of use or of the environment.
int runCli(int argc, char** argv);

}  // namespace twistlings
