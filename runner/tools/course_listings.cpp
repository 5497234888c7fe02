// course_listings.cpp — the course's check that every listing in a lesson or
// a deck compiles (issue 8, §2) and that no raw HTML is lost in the terminal
// (§5). cmake/Listings.cmake runs it, three tests per Markdown file.
//
//   course_listings --check cpp    --root . --cxx g++ --include-dirs framework/include lessons/02-reactor/README.md
//   course_listings --check python --root . lessons/02-reactor/README.md
//   course_listings --check html   --root . slides/02-reactor.md
//
// The marking convention is in listing_parser.hpp; the deliberate-raw-HTML
// marker in raw_html.hpp. Each finding reads as a compiler's does,
// "lessons/02-reactor/README.md:117: error: ...", with the compiler's or
// Python's own output indented below it.
//
// Exit codes: 0 all is well; 1 something to fix; 77 (ctest's skip) the Python
// check could not be made in full (no python3, or no Twisted for a
// `python run` listing) and found nothing else wrong; 2 the check itself could
// not run (bad arguments, an unreadable file).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cpp_listings.hpp"
#include "findings.hpp"
#include "listing_parser.hpp"
#include "python_listings.hpp"
#include "raw_html.hpp"
#include "react.hpp"
#include "subprocess.hpp"

namespace fs = std::filesystem;
using namespace twistlings;
using namespace twistlings::listings;

namespace {

constexpr int kSkipped = 77;

struct Options {
  std::string check;
  std::string root = ".";
  std::string cxx;
  std::vector<std::string> includeDirs;
  std::string python;
  double pythonTimeout = 10;
  int jobs = 2;
  std::string workDir;
  std::vector<std::string> files;
};

std::vector<std::string> splitColons(const std::vector<std::string>& lists) {
  std::vector<std::string> out;
  for (const std::string& list : lists) {
    std::istringstream in(list);
    for (std::string dir; std::getline(in, dir, ':');) {
      if (!dir.empty()) out.push_back(dir);
    }
  }
  return out;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": no such file, or not readable");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Finding markerFinding(const MarkerError& e) { return {Finding::Kind::Error, e.line, e.message, ""}; }

// Prints a file's findings in line order; returns how many are errors.
int report(const std::string& file, std::vector<Finding> findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.line < b.line; });
  int errors = 0;
  for (const Finding& f : findings) {
    std::fputs(formatFinding(file, f).c_str(), stdout);
    if (f.kind == Finding::Kind::Error) ++errors;
  }
  return errors;
}

twist::Deferred<int> checkFile(twist::Reactor& reactor, Options options, std::string file) {
  // Normal form (no "/."), so messages can drop it from the paths the compiler prints.
  fs::path root = fs::absolute(options.root).lexically_normal();
  std::string text;
  try {
    text = readFile(root / file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "course_listings: %s\n", e.what());
    co_return 2;
  }
  CheckSetup setup{root, file, fs::absolute(options.workDir), options.jobs};

  if (options.check == "html") {
    std::vector<Finding> findings;
    for (const RawHtml& h : findRawHtml(text)) findings.push_back({Finding::Kind::Error, h.line, h.message, ""});
    int errors = report(file, findings);
    std::printf("%s: %s\n", file.c_str(),
                errors == 0 ? "no raw HTML" : (std::to_string(errors) + " place(s) of raw HTML to fix").c_str());
    co_return errors == 0 ? 0 : 1;
  }

  Language language = options.check == "cpp" ? Language::Cpp : Language::Python;
  const char* name = language == Language::Cpp ? "C++" : "Python";
  ParsedListings parsed = parseListings(text);
  std::vector<Finding> findings;
  for (const MarkerError& e : parsed.errors) {
    if (e.language == language) findings.push_back(markerFinding(e));
  }
  std::vector<Listing> listings;
  for (const Listing& l : parsed.listings) {
    if (l.language == language) listings.push_back(l);
  }

  std::string skipped;
  if (language == Language::Cpp) {
    CppToolchain toolchain{options.cxx, options.includeDirs};
    std::vector<Finding> compiled = co_await checkCppListings(reactor, setup, toolchain, listings);
    findings.insert(findings.end(), compiled.begin(), compiled.end());
  } else {
    PythonSetup python{options.python, options.pythonTimeout};  // not braced inside co_await: g++ 12 miscompiles it
    PythonOutcome outcome = co_await checkPythonListings(reactor, setup, python, listings);
    findings.insert(findings.end(), outcome.findings.begin(), outcome.findings.end());
    skipped = outcome.skipped;
  }
  int errors = report(file, findings);
  std::printf("%s: %zu %s listing(s) checked, %d error(s)\n", file.c_str(), listings.size(), name, errors);
  // Said even when there are errors to fix: "ok: ... compiles" alone would
  // read as if the runnable listings had run.
  if (!skipped.empty()) std::printf("skipped: %s\n", skipped.c_str());
  if (errors > 0) co_return 1;
  co_return skipped.empty() ? 0 : kSkipped;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::vector<std::string> includeLists;
  CLI::App app{"course_listings: proves that the listings of a lesson or a deck compile (cpp), compile and run "
               "(python), and that no raw HTML is lost in the terminal (html).\n"
               "Exit codes: 0 pass, 1 something to fix, 77 skipped (Python or Twisted missing), 2 cannot check."};
  app.add_option("--check", options.check, "what to check")->required()->check(CLI::IsMember({"cpp", "python", "html"}));
  app.add_option("--root", options.root, "the repository; FILEs and scaffolds are relative to it")->check(CLI::ExistingDirectory);
  app.add_option("--cxx", options.cxx, "the C++ compiler (CMake's CMAKE_CXX_COMPILER); needed by --check cpp");
  app.add_option("--include-dirs", includeLists, "twist's include folders, separated by ':' (may repeat)");
  app.add_option("--python", options.python, "the python3 to use (default: /usr/bin/python3, else python3 in PATH)");
  app.add_option("--python-timeout", options.pythonTimeout, "seconds a `python run` listing may take")
      ->check(CLI::PositiveNumber);
  app.add_option("--jobs", options.jobs, "compilers running at once")->check(CLI::PositiveNumber);
  app.add_option("--work-dir", options.workDir, "where the generated sources go (kept); default: a temporary folder");
  app.add_option("files", options.files, "Markdown files, relative to --root")->required();
  CLI11_PARSE(app, argc, argv);
  options.includeDirs = splitColons(includeLists);
  if (options.check == "cpp" && options.cxx.empty()) {
    std::fprintf(stderr, "course_listings: --check cpp needs --cxx, the C++ compiler to use\n");
    return 2;
  }

  bool temporary = options.workDir.empty();
  if (temporary) {
    std::string pattern = (fs::temp_directory_path() / "course_listings.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("course_listings: cannot make a temporary folder");
      return 2;
    }
    options.workDir = pattern;
  }

  installChildKillingSignalHandlers();
  int code = react([&](twist::Reactor& reactor) -> twist::Deferred<int> {
    int worst = 0;
    for (const std::string& file : options.files) {
      int c = co_await checkFile(reactor, options, file);
      // 2 (cannot check) outranks 1 (to fix), which outranks 77 (skipped), which outranks 0.
      auto rank = [](int x) { return x == 2 ? 3 : x == 1 ? 2 : x == kSkipped ? 1 : 0; };
      if (rank(c) > rank(worst)) worst = c;
    }
    co_return worst;
  });
  if (temporary) {
    std::error_code ec;
    fs::remove_all(options.workDir, ec);
  }
  return code;
}
