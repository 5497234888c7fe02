// python_listings.cpp — see python_listings.hpp.
#include "python_listings.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include "subprocess.hpp"

namespace twistlings::listings {

namespace {

// Run by python3 -c: compiles the padded listing under the Markdown's name
// (so errors and tracebacks name the README's line), and runs it if asked.
constexpr const char* kDriver = R"(import sys
path, name, mode = sys.argv[1:4]
with open(path, encoding="utf-8") as f:
    source = f.read()
try:
    code = compile(source, name, "exec", dont_inherit=True)
except SyntaxError as e:
    print("course_listings-syntax-error\t%s\t%s: %s" % (e.lineno or 0, type(e).__name__, e.msg), flush=True)
    sys.exit(3)
if mode == "run":
    sys.argv = [name]
    exec(code, {"__name__": "__main__"})
)";
constexpr int kSyntaxErrorExit = 3;

std::string lastLine(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// The innermost frame of a traceback that lies in the listing.
int tracebackLine(const std::string& output, const std::string& markdownPath) {
  std::regex frame("File \"" + std::regex_replace(markdownPath, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                   R"(", line (\d+))");
  int line = 0;
  for (std::sregex_iterator it(output.begin(), output.end(), frame), end; it != end; ++it) {
    line = std::stoi((*it)[1].str());
  }
  return line;
}

twist::Deferred<Finding> checkOne(twist::Reactor& reactor, CheckSetup setup, std::string python, double runTimeout,
                                  Listing listing, bool runIt) {
  Finding finding;
  finding.line = listing.fenceLine;
  std::string marking = std::string("`") + (listing.run ? "python run" : "python") + "` listing";
  std::filesystem::path source = generatedPath(setup, listing.fenceLine, ".py");
  try {
    // Blank lines up to the first code line: Python's line numbers are the README's.
    writeFile(source, std::string(static_cast<size_t>(std::max(0, listing.firstCodeLine - 1)), '\n') + listing.code);
  } catch (const std::exception& e) {
    finding.kind = Finding::Kind::Error;
    finding.message = std::string("cannot check this listing: ") + e.what();
    co_return finding;
  }
  std::vector<std::string> argv{python, "-c", kDriver, source.string(), setup.markdownPath, runIt ? "run" : "compile"};
  ProcessOptions options;
  options.cwd = source.parent_path().string();  // whatever a listing writes lands in the work folder
  options.timeout = runIt ? runTimeout : 60;
  options.mergeStderr = true;                   // stdout and stderr in the order they came
  options.extraEnv["PYTHONUNBUFFERED"] = "1";   // so a listing killed at the bound has shown what it printed
  options.extraEnv["PYTHONDONTWRITEBYTECODE"] = "1";

  ProcessResult r;
  std::string spawnError;
  try {
    r = co_await getProcessOutputAndValue(reactor, std::move(argv), std::move(options));
  } catch (const std::exception& e) {
    spawnError = e.what();
  }
  finding.kind = Finding::Kind::Error;
  if (!spawnError.empty()) {
    finding.message = "cannot start `" + python + "`: " + spawnError;
    co_return finding;
  }
  static const std::regex syntaxError("course_listings-syntax-error\t(\\d+)\t([^\n]*)");
  std::smatch m;
  if (r.exitCode == kSyntaxErrorExit && std::regex_search(r.out, m, syntaxError)) {
    if (int line = std::stoi(m[1].str())) finding.line = line;
    finding.message = "this " + marking + " does not compile (the listing at line " +
                      std::to_string(listing.fenceLine) + "): " + m[2].str();
    co_return finding;
  }
  if (r.timedOut) {
    std::ostringstream bound;
    bound << runTimeout;
    finding.message = "this " + marking + " did not end within its bound of " + bound.str() +
                      " s and was killed: a runnable listing must end by itself (stop the reactor)";
    finding.details = r.out.empty() ? "(it printed nothing)" : r.out;
    co_return finding;
  }
  if (!r.ok()) {
    if (int line = tracebackLine(r.out, setup.markdownPath)) finding.line = line;
    std::string last = lastLine(r.out);
    finding.message = "this " + marking + (runIt ? " failed when run" : " could not be compiled") + " (" +
                      r.describeEnd() + ")" + (last.empty() ? "" : ": " + last);
    finding.details = r.out.empty() ? "(it printed nothing)" : r.out;
    co_return finding;
  }
  finding.kind = Finding::Kind::Ok;
  finding.message = "this " + marking + (runIt ? " compiles, and runs to exit code 0" : " compiles");
  co_return finding;
}

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

}  // namespace

std::string findPython(const std::string& given) {
  if (!given.empty()) return given;
  if (executable("/usr/bin/python3")) return "/usr/bin/python3";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && executable(dir + "/python3")) return dir + "/python3";
  }
  return "";
}

twist::Deferred<PythonOutcome> checkPythonListings(twist::Reactor& reactor, CheckSetup setup, PythonSetup settings,
                                                   std::vector<Listing> listings) {
  PythonOutcome outcome;
  if (listings.empty()) co_return outcome;
  std::string python = findPython(settings.python);
  if (python.empty()) {
    outcome.skipped = "no python3 (looked for /usr/bin/python3, then in PATH): install python3 and python3-twisted";
    co_return outcome;
  }

  size_t runnable = static_cast<size_t>(std::count_if(listings.begin(), listings.end(), [](const Listing& l) { return l.run; }));
  std::vector<std::string> probe{python, "-c", runnable > 0 ? "import twisted" : "pass"};
  ProcessOptions options;
  options.timeout = 30;
  ProcessResult r;
  std::string spawnError;
  try {
    r = co_await getProcessOutputAndValue(reactor, std::move(probe), std::move(options));
  } catch (const std::exception& e) {
    spawnError = e.what();
  }
  if (!spawnError.empty()) {
    outcome.skipped = "cannot start " + python + ": " + spawnError;
    co_return outcome;
  }
  bool twisted = runnable > 0 && r.ok();
  if (runnable > 0 && !twisted) {
    outcome.skipped = "Twisted is not importable by " + python + " (" + lastLine(r.err.empty() ? r.out : r.err) +
                      "): its " + std::to_string(runnable) +
                      " `python run` listing(s) were compiled but not run; install python3-twisted";
  }
  outcome.findings = co_await inTurns(setup.jobs, listings.size(), [&](size_t i) {
    return checkOne(reactor, setup, python, settings.runTimeout, listings[i], listings[i].run && twisted);
  });
  co_return outcome;
}

}  // namespace twistlings::listings
