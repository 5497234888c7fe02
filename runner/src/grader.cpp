// grader.cpp — see grader.hpp.
#include "grader.hpp"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "files.hpp"
#include "terminal.hpp"
#include "twist/process.hpp"

namespace twistlings {

namespace {

std::string lastLines(const std::string& text, int count) {
  size_t pos = text.size();
  while (count-- > 0 && pos > 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

// What a program stopped by the timeout was probably doing.
std::string timeoutMessage(const Exercise& e, double timeout, const std::string& test) {
  std::ostringstream m;
  m << "the tests of " << e.id() << " were stopped after " << timeout << " s";
  if (!test.empty()) m << ", in the test \"" << test << "\"";
  m << ". Something probably blocked the loop: a sleep, a while loop waiting for a"
       " change that only a callback could make, or a wait for an event that never"
       " comes. In an event loop, return and let a callback (callLater, a Deferred) continue the work.";
  return m.str();
}

std::string crashMessage(const Exercise& e, const ProcessResult& run, const std::string& test) {
  std::ostringstream m;
  m << "the tests of " << e.id() << " crashed: " << run.describeEnd();
  if (!test.empty()) m << ", in the test \"" << test << "\"";
  if (run.signal == SIGSEGV || run.signal == SIGBUS) {
    m << ". Usually a null or dangling pointer: an object used after it was destroyed"
         " (a callback that outlives its object?) or a pointer never set.";
  } else if (run.signal == SIGABRT) {
    m << ". abort() was called: a failed assert, an exception escaping a noexcept"
         " function or a destructor, or std::terminate.";
  } else if (run.signal == SIGFPE) {
    m << ". An arithmetic error, such as a division by zero.";
  } else if (run.signal == SIGKILL) {
    m << ". Something killed it from outside (out of memory?).";
  }
  return m.str();
}

// Tests that never started because an earlier one crashed or hung: their
// names, in declaration order, from the program itself.
twist::Deferred<std::vector<std::string>> listTestNames(twist::Reactor& reactor, std::string program) {
  ProcessOptions options;
  options.timeout = 5;
  // (argv built outside co_await: GCC 12 cannot keep a braced list across a suspension.)
  std::vector<std::string> catch2{program, "--list-test-names-only", "--order", "decl"};
  std::vector<std::string> catch3{program, "--list-tests", "--verbosity", "quiet", "--order", "decl"};
  // Catch2 2 exits with the number of tests listed, so the exit code says nothing here.
  ProcessResult listed = co_await getProcessOutputAndValue(reactor, catch2, options);
  if (listed.signal || listed.out.find("Unrecognised") != std::string::npos)
    listed = co_await getProcessOutputAndValue(reactor, catch3, options);  // Catch2 3's spelling
  std::vector<std::string> names;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) names.push_back(line);
  co_return names;
}

}  // namespace

fs::path resultsPath(const Paths& paths, const Exercise& exercise) {
  return paths.results() / exercise.lesson / (exercise.name + ".json");
}

twist::Deferred<BuildResult> buildTargets(twist::Reactor& reactor, const Paths& paths, std::vector<std::string> targets,
                                          std::function<void(std::string_view)> onOutput) {
  BuildResult result;
  std::error_code ec;
  if (!fs::exists(paths.build / "CMakeCache.txt", ec)) {
    result.problem = "the build directory " + paths.build.string() + " is not configured: run ./twistlings once (it configures and builds)";
    co_return result;
  }
  std::vector<std::string> argv{"cmake", "--build", paths.build.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  // Keep going after a failure (ninja -k 0, make -k), so that every broken target reports.
  argv.insert(argv.end(), {"--", "-k"});
  if (fs::exists(paths.build / "build.ninja", ec)) argv.push_back("0");  // ninja's "-k 0": no limit
  ProcessOptions options;
  options.mergeStderr = true;
  options.outputCap = 4 << 20;
  options.onOutput = std::move(onOutput);
  try {
    result.process = co_await getProcessOutputAndValue(reactor, argv, options);
  } catch (const twist::ProcessSpawnError& e) {
    result.problem = std::string("cannot run cmake (") + e.what() + "): run ./twistlings doctor";
    co_return result;
  }
  result.ok = result.process.ok();
  co_return result;
}

twist::Deferred<GradeResult> grade(twist::Reactor& reactor, const Paths& paths, const Course& course,
                                   const Exercise& exercise, GradeOptions options) {
  GradeResult result;
  result.exerciseId = exercise.id();
  std::string target = exercise.target(options.kind);
  fs::path sourceDir = options.kind == "solution" ? course.solutionDir(exercise) : course.exerciseDir(exercise);
  std::vector<fs::path> attendeeFiles;
  for (const auto& file : exercise.files) attendeeFiles.push_back(sourceDir / file);

  auto finish = [&](GradeResult r) {
    if (options.writeResults) {
      try {
        writeFileAtomically(resultsPath(paths, exercise), resultsJson(r).dump(2) + "\n");
      } catch (const std::exception&) {
        // Results are a convenience for tools; the verdict on screen is what matters.
      }
    }
    return r;
  };

  if (options.build) {
    std::vector<std::string> targets{target};
    BuildResult built = co_await buildTargets(reactor, paths, targets, options.onBuildOutput);
    result.buildSeconds = built.process.seconds;
    if (!built.problem.empty()) {
      result.verdict = Verdict::Error;
      result.message = built.problem;
      co_return finish(result);
    }
    if (!built.ok) {
      result.output = capText(built.process.out, 64 << 10);
      result.compileError = firstCompileError(built.process.out, attendeeFiles);
      if (result.compileError) {
        result.verdict = Verdict::CompileError;
        result.message = "does not compile";
      } else {
        result.verdict = Verdict::Error;
        result.message = "the build failed, and not in your code:\n" + lastLines(term::stripEscapes(built.process.out), 15) +
                         "\nTry ./twistlings (it reconfigures), then ./twistlings doctor.";
      }
      co_return finish(result);
    }
  }

  fs::path program = paths.program(target);
  fs::path report = resultsPath(paths, exercise);
  report.replace_extension(".report.jsonl");
  fs::path catchOutput = report;
  catchOutput.replace_extension("").replace_extension(".catch.txt");
  std::error_code ec;
  fs::create_directories(report.parent_path(), ec);
  fs::remove(report, ec);

  ProcessOptions run;
  run.timeout = options.timeoutSeconds > 0 ? options.timeoutSeconds : exercise.timeoutSeconds;
  run.mergeStderr = true;
  run.outputCap = 256 << 10;
  run.extraEnv = {{"TWISTLINGS_REPORT", report.string()}, {"TWISTLINGS_MEMORY_MB", std::to_string(options.memoryMegabytes)}};
  ProcessResult ran;
  std::vector<std::string> argv{program.string(), "--order", "decl", "--out", catchOutput.string()};
  try {
    ran = co_await getProcessOutputAndValue(reactor, argv, run);
  } catch (const twist::ProcessSpawnError& e) {
    result.verdict = Verdict::Error;
    result.message = std::string("cannot run the tests: ") + e.what() + ". Run ./twistlings to build them.";
    co_return finish(result);
  }
  result.runSeconds = ran.seconds;
  result.output = ran.out;
  if (ran.truncated) result.output += "\n[output cut at 256 KiB]";
  result.tests = parseReport(readFile(report).value_or(""), ran.out);

  // Test code, from the hidden test files.
  std::map<std::string, std::string> sources;
  for (auto& t : result.tests) {
    if (!sources.count(t.file)) sources[t.file] = readFile(t.file).value_or("");
    t.testCode = extractTestCode(sources[t.file], t.line);
  }
  if (ran.timedOut || ran.signal) {
    // The test that was running: the last one to start. (Catch2 reports a
    // crash itself and ends the test as failed before the signal kills it.)
    if (!result.tests.empty()) {
      TestOutcome& last = result.tests.back();
      result.runningTest = last.name;
      last.status = "error";
    }
    result.verdict = ran.timedOut ? Verdict::Timeout : Verdict::Crash;
    result.message = ran.timedOut ? timeoutMessage(exercise, run.timeout, result.runningTest)
                                  : crashMessage(exercise, ran, result.runningTest);
    for (auto& t : result.tests)
      if (t.status == "error" && t.message.empty()) t.message = result.message;
    // The tests that never ran, so that the list stays complete.
    std::vector<std::string> names = co_await listTestNames(reactor, program.string());
    for (const auto& name : names) {
      bool seen = std::any_of(result.tests.begin(), result.tests.end(), [&](const TestOutcome& t) { return t.name == name; });
      if (!seen) result.tests.push_back({name, "error", "did not run: an earlier test " + std::string(ran.timedOut ? "hung" : "crashed"), "", "", "", 0});
    }
  } else if (!result.tests.empty() && result.tests.back().status == "error") {
    // It exited in the middle of a test: exit() called, or a sanitizer's report.
    result.verdict = Verdict::Crash;
    result.runningTest = result.tests.back().name;
    result.message = "the tests of " + exercise.id() + " stopped in the middle of the test \"" + result.runningTest +
                     "\" (" + ran.describeEnd() + ")";
    // A sanitizer's report is in what the test printed, shown under the verdict.
    if (ran.out.find("AddressSanitizer") != std::string::npos || ran.out.find("runtime error:") != std::string::npos) {
      result.message += ": a sanitizer stopped it at a memory or undefined-behaviour error (its report is what the test printed)";
    }
    if (result.tests.back().message.empty()) result.tests.back().message = result.message;
  } else if (result.tests.empty()) {
    result.verdict = Verdict::Error;
    result.message = "the tests did not run (" + ran.describeEnd() + "):\n" + lastLines(term::stripEscapes(ran.out), 10);
  } else {
    result.verdict = result.failed() == 0 && ran.ok() ? Verdict::Pass : Verdict::Fail;
  }
  // File order: the manifest's order of test files, then line.
  auto rank = [&](const TestOutcome& t) {
    for (size_t i = 0; i < exercise.tests.size(); ++i)
      if (fs::path(t.file).filename() == exercise.tests[i]) return std::pair<size_t, int>(i, t.line);
    return std::pair<size_t, int>(exercise.tests.size(), t.line == 0 ? 1 << 30 : t.line);
  };
  std::stable_sort(result.tests.begin(), result.tests.end(),
                   [&](const TestOutcome& a, const TestOutcome& b) { return rank(a) < rank(b); });
  co_return finish(result);
}

}  // namespace twistlings
