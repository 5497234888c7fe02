// starters.cpp — see starters.hpp.
#include "starters.hpp"

#include <cstdlib>
#include <sstream>

#include "subprocess.hpp"

namespace twistlings {

std::optional<std::vector<std::string>> changedFromStarters(const std::filesystem::path& root,
                                                            const std::vector<std::string>& relative) {
  if (relative.empty()) return std::vector<std::string>{};
  std::vector<std::string> refs;
  if (const char* configured = std::getenv("TWISTLINGS_STARTER_REF"); configured != nullptr && *configured != '\0')
    refs.push_back(configured);
  refs.insert(refs.end(), {"@{upstream}", "HEAD"});
  for (const std::string& ref : refs) {
    // One git for all the files: the working tree against the ref, names only.
    std::vector<std::string> argv = {"git", "-C", root.string(), "diff", "--no-ext-diff", "--relative", "--name-only", ref, "--"};
    argv.insert(argv.end(), relative.begin(), relative.end());
    ProcessOptions options;
    options.timeout = 10;
    ProcessResult r;
    try {
      r = runProcess(argv, options);
    } catch (const std::exception&) {
      return std::nullopt;  // no git on this machine
    }
    if (!r.ok()) continue;  // no such ref (no upstream), or not a repository
    std::vector<std::string> changed;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) changed.push_back(line);
    return changed;
  }
  return std::nullopt;
}

}  // namespace twistlings
