// paths.hpp — where the runner finds the repository, the build and its state.
//
// The repository root: $TWISTLINGS_ROOT (the driver script sets it), else the
// nearest directory above the current one holding lessons/ and the driver,
// else the source directory this runner was built from. The build directory:
// $TWISTLINGS_BUILD_DIR, else the one this runner was built in. State lives in
// <root>/.twistlings/ (git-ignored). A Paths is a plain value.
#pragma once

#include <filesystem>

namespace twistlings {

struct Paths {
  std::filesystem::path root;    // the repository
  std::filesystem::path build;   // the CMake build directory (bin/ holds the programs)
  std::filesystem::path state;   // root/.twistlings

  static Paths discover();
  std::filesystem::path program(const std::string& name) const { return build / "bin" / name; }
  std::filesystem::path results() const { return state / "results"; }
  std::filesystem::path backups() const { return state / "backups"; }
};

}  // namespace twistlings
