// paths.cpp — see paths.hpp.
#include "paths.hpp"

#include <cstdlib>

namespace twistlings {

namespace {
bool isRepository(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir / "lessons", ec) && std::filesystem::exists(dir / "twistlings", ec);
}
}  // namespace

Paths Paths::discover() {
  Paths paths;
  if (const char* root = std::getenv("TWISTLINGS_ROOT"); root != nullptr && *root != '\0') {
    paths.root = root;
  } else {
    std::error_code ec;
    for (auto dir = std::filesystem::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
      if (isRepository(dir)) {
        paths.root = dir;
        break;
      }
      if (dir == dir.parent_path()) break;
    }
    if (paths.root.empty()) paths.root = TWISTLINGS_SOURCE_DIR;
  }
  if (const char* build = std::getenv("TWISTLINGS_BUILD_DIR"); build != nullptr && *build != '\0') {
    paths.build = build;
  } else {
    paths.build = TWISTLINGS_BUILD_DIR;
  }
  paths.state = paths.root / ".twistlings";
  return paths;
}

}  // namespace twistlings
