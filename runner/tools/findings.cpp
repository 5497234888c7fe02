// findings.cpp — see findings.hpp.
#include "findings.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace twistlings::listings {

std::string formatFinding(std::string_view markdownPath, const Finding& finding, size_t maxDetailLines) {
  const char* kind = finding.kind == Finding::Kind::Error ? "error" : finding.kind == Finding::Kind::Note ? "note" : "ok";
  std::string out = std::string(markdownPath) + ":" + std::to_string(finding.line) + ": " + kind + ": " +
                    finding.message + "\n";
  size_t shown = 0, total = 0;
  size_t start = 0;
  std::string_view details = finding.details;
  while (start < details.size()) {
    size_t end = details.find('\n', start);
    if (end == std::string_view::npos) end = details.size();
    ++total;
    if (shown < maxDetailLines) {
      out += "    ";
      out += details.substr(start, end - start);
      out += "\n";
      ++shown;
    }
    start = end + 1;
  }
  if (total > shown) out += "    ... (" + std::to_string(total - shown) + " more lines)\n";
  return out;
}

std::filesystem::path generatedPath(const CheckSetup& setup, int line, std::string_view extension) {
  return setup.workDir / (setup.markdownPath + "." + std::to_string(line) + std::string(extension));
}

void writeFile(const std::filesystem::path& path, std::string_view text) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

twist::Deferred<std::vector<Finding>> inTurns(int jobs, size_t count,
                                              std::function<twist::Deferred<Finding>(size_t)> check) {
  // Both live in this coroutine's frame until every check has fired.
  twist::DeferredSemaphore slots(jobs < 1 ? 1 : jobs);
  std::vector<twist::Deferred<Finding>> checks;
  checks.reserve(count);
  for (size_t i = 0; i < count; ++i) checks.push_back(slots.run([&check, i] { return check(i); }));
  co_return co_await twist::gatherResults(std::move(checks), /*consumeErrors=*/true);
}

}  // namespace twistlings::listings
