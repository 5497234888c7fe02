// grader.cpp — see grader.hpp.
#include "grader.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "files.hpp"
#include "hidden_tests.hpp"
#include "mutants.hpp"
#include "regression.hpp"
#include "symbolize.hpp"
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
std::string timeoutMessage(const Exercise& e, double timeout, const std::string& test, bool beforeFirstTest) {
  std::ostringstream m;
  m << "the tests of " << e.id() << " were stopped after " << timeout << " s";
  if (!test.empty()) {
    m << ", in the test \"" << test << "\"";
  } else if (beforeFirstTest) {
    m << ", before the first test started. Something blocked at start-up, before main: the constructor of a"
         " global or static object (a loop or a wait in it?) runs before any test.";
    return m.str();
  }
  if (e.kind == "mutants") {
    m << ", on the correct implementation. A test that waits for real time, or runs a reactor that nothing"
         " stops, hangs: give the code a twist::Clock and advance() it instead.";
    return m.str();
  }
  if (e.kind == "program") {
    m << ". Your program was probably still running: a reactor that is never stopped keeps run() from returning"
         " (call reactor.stop() when the work is done), and the tests wait for the program to end.";
    return m.str();
  }
  m << ". Something probably blocked the loop: a sleep, a while loop waiting for a"
       " change that only a callback could make, or a wait for an event that never"
       " comes. In an event loop, return and let a callback (callLater, a Deferred) continue the work.";
  return m.str();
}

std::string crashMessage(const Exercise& e, const ProcessResult& run, const std::string& test, bool beforeFirstTest) {
  std::ostringstream m;
  m << "the tests of " << e.id() << " crashed: " << run.describeEnd();
  if (!test.empty()) {
    m << ", in the test \"" << test << "\"";
  } else if (beforeFirstTest) {
    m << ", before the first test started (in the constructor of a global or static object?)";
  } else {
    m << ", after the last test had ended (in the destructor of a global or static object?)";
  }
  if (e.kind == "mutants") m << ", on the correct implementation";
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

// The text of line `line` (1-based) of file, without its end of line.
std::string sourceLine(const fs::path& file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int l = 1; l <= line && std::getline(in, text); ++l) {
    if (l == line) return text;
  }
  return "";
}

// The files whose TEST_CASEs the program runs: the hidden tests, or a
// mutants exercise's own .cpp files (the attendee's tests).
std::vector<fs::path> testSources(const Course& course, const Exercise& e, const fs::path& sourceDir) {
  std::vector<fs::path> sources;
  if (e.kind == "mutants") {
    for (const auto& file : e.files)
      if (fs::path(file).extension() == ".cpp") sources.push_back(sourceDir / file);
  } else {
    for (const auto& file : e.tests) sources.push_back(course.hiddenDir(e) / file);
  }
  return sources;
}

std::optional<long long> mtimeNanoseconds(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
#ifdef __APPLE__
  return static_cast<long long>(st.st_mtimespec.tv_sec) * 1000000000LL + st.st_mtimespec.tv_nsec;
#else
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
#endif
}

}  // namespace

fs::path resultsPath(const Paths& paths, const Exercise& exercise) {
  return paths.results() / exercise.lesson / (exercise.name + ".json");
}

std::vector<std::string> buildCommand(const fs::path& build, const std::vector<std::string>& targets) {
  std::error_code ec;
  bool ninjaBuild = fs::exists(build / "build.ninja", ec);
  // Keep going after a failure (ninja -k 0, make -k), so that every broken target reports.
  if (ninjaBuild) {
    std::string cache = readFile(build / "CMakeCache.txt").value_or("");
    const std::string key = "\nCMAKE_MAKE_PROGRAM:FILEPATH=";
    std::size_t at = cache.find(key);
    if (at != std::string::npos) {
      at += key.size();
      fs::path ninja = cache.substr(at, cache.find('\n', at) - at);
      if (ninja.filename().string().find("ninja") != std::string::npos && fs::exists(ninja, ec)) {
        std::vector<std::string> argv{ninja.string(), "-C", build.string(), "-k", "0"};
        argv.insert(argv.end(), targets.begin(), targets.end());
        return argv;
      }
    }
  }
  std::vector<std::string> argv{"cmake", "--build", build.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  argv.insert(argv.end(), {"--", "-k"});
  if (ninjaBuild) argv.push_back("0");  // ninja's "-k 0": no limit
  return argv;
}

twist::Deferred<BuildResult> buildTargets(twist::Reactor& reactor, const Paths& paths, std::vector<std::string> targets,
                                          std::function<void(std::string_view)> onOutput) {
  BuildResult result;
  std::error_code ec;
  if (!fs::exists(paths.build / "CMakeCache.txt", ec)) {
    result.problem = "the build directory " + paths.build.string() + " is not configured: run ./twistlings once (it configures and builds)";
    co_return result;
  }
  std::vector<std::string> argv = buildCommand(paths.build, targets);
  ProcessOptions options;
  options.mergeStderr = true;
  options.outputCap = 4 << 20;
  options.onOutput = std::move(onOutput);
  try {
    result.process = co_await getProcessOutputAndValue(reactor, argv, options);
  } catch (const twist::ProcessSpawnError& e) {
    result.problem = "cannot run " + argv.front() + " (" + e.what() + "): run ./twistlings doctor";
    co_return result;
  }
  result.ok = result.process.ok();
  co_return result;
}

std::optional<fs::path> missingFileIn(std::string_view buildOutput, const std::vector<fs::path>& files) {
  std::string out = term::stripEscapes(std::string(buildOutput));
  std::error_code ec;
  for (const auto& file : files) {
    std::string path = file.string();
    // Ninja and Make name the source by the path CMake gave them: absolute.
    bool named = out.find("'" + path + "', needed by") != std::string::npos ||
                 out.find("No rule to make target '" + path + "'") != std::string::npos;
    // An #include of a deleted header: the compiler names it as it was written.
    bool included = out.find(file.filename().string() + ": No such file or directory") != std::string::npos;
    if ((named || included) && !fs::exists(file, ec)) return file;
  }
  return std::nullopt;
}

std::string missingFileMessage(const fs::path& root, const fs::path& file, const Exercise& exercise, std::string_view kind) {
  std::string shown = file.lexically_relative(root).generic_string();
  if (shown.empty() || shown.rfind("..", 0) == 0) shown = file.string();
  if (kind == "solution") return shown + " is missing: `git checkout -- " + shown + "` brings back the reference solution.";
  return shown + " is missing: `./twistlings reset " + exercise.id() + "` brings back the starter.";
}

std::optional<double> buildSecondsFromNinjaLog(std::string_view log, std::string_view output, long long mtime) {
  // "# ninja log v5": up to version 5 (Ninja 1.11) an entry records its
  // output's mtime; from version 6 (Ninja 1.12) the time its step started
  // (the output's own only for restat rules, which links are not).
  int version = 0;
  if (log.rfind("# ninja log v", 0) == 0) version = std::atoi(std::string(log.substr(13, 4)).c_str());
  std::optional<double> seconds;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#' || line.find(output) == std::string_view::npos) continue;
    // "start_ms <tab> end_ms <tab> mtime <tab> output <tab> hash"; the last entry for an output is the latest.
    std::istringstream fields{std::string(line)};
    long long startMs = 0, endMs = 0, recorded = 0;
    std::string path;
    if (!(fields >> startMs >> endMs >> recorded >> path) || path != output) continue;
    // The entry made the file there now when the file has not changed since:
    // its mtime is the one recorded, or (version 6 on) falls within the step.
    long long stepNanoseconds = (endMs - startMs) * 1000000LL + 10000000LL;  // + 10 ms of clock granularity
    bool same = recorded == mtime || (version >= 6 && recorded < mtime && mtime - recorded <= stepNanoseconds);
    seconds = same ? std::optional<double>(endMs / 1000.0) : std::nullopt;
  }
  return seconds;
}

twist::Deferred<GradeResult> grade(twist::Reactor& reactor, const Paths& paths, const Course& course,
                                   const Exercise& exercise, GradeOptions options) {
  // A regression exercise: two steps, each graded as one of the forms below (regression.hpp).
  if (exercise.kind == "regression") co_return co_await gradeRegression(reactor, paths, course, exercise, options);
  GradeResult result;
  result.exerciseId = exercise.id();
  std::string target = exercise.target(options.kind);
  fs::path sourceDir = options.kind == "solution" ? course.solutionDir(exercise) : course.exerciseDir(exercise);
  std::vector<fs::path> attendeeFiles;
  for (const auto& file : exercise.files) attendeeFiles.push_back(sourceDir / file);
  fs::path program = paths.program(target);
  // The program the attendee's files make: the tests' own, or a program
  // exercise's separate one (which the tests run; see course.hpp's `kind`).
  std::string madeTarget = exercise.kind == "program" ? target + "_program" : target;
  fs::path made = paths.program(madeTarget);

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

  // A deleted file: say how to get it back, before a build that would fail far from it.
  std::error_code ec;
  for (const auto& file : attendeeFiles) {
    if (fs::exists(file, ec)) continue;
    result.verdict = Verdict::Error;
    result.message = missingFileMessage(paths.root, file, exercise, options.kind);
    co_return finish(result);
  }

  if (options.build) {
    std::optional<long long> before = mtimeNanoseconds(made);
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
      if (std::optional<fs::path> missing = missingFileIn(built.process.out, attendeeFiles)) {
        result.compileError.reset();
        result.verdict = Verdict::Error;
        result.message = missingFileMessage(paths.root, *missing, exercise, options.kind);
      } else if (result.compileError) {
        result.verdict = Verdict::CompileError;
        result.message = "does not compile";
      } else {
        result.verdict = Verdict::Error;
        result.message = "the build failed, and not in your code:\n" + lastLines(term::stripEscapes(built.process.out), 15) +
                         "\nTry ./twistlings (it reconfigures), then ./twistlings doctor.";
      }
      co_return finish(result);
    }
    // The build this grading ran made the program, or an earlier one did
    // (./twistlings builds every exercise before it starts the runner): then
    // that build's time, from Ninja's log, is the one to show.
    std::optional<long long> after = mtimeNanoseconds(made);
    if (after && after != before) {
      result.programMadeNow = true;
      result.programBuildSeconds = result.buildSeconds;
    } else if (after) {
      std::string log = readFile(paths.build / ".ninja_log").value_or("");
      result.programBuildSeconds = buildSecondsFromNinjaLog(log, "bin/" + madeTarget, *after);
    }
  }

  fs::path report = resultsPath(paths, exercise);
  report.replace_extension(".report.jsonl");
  fs::path catchOutput = report;
  catchOutput.replace_extension("").replace_extension(".catch.txt");
  fs::create_directories(report.parent_path(), ec);
  fs::remove(report, ec);

  ProcessOptions run;
  run.timeout = options.timeoutSeconds > 0 ? options.timeoutSeconds : exercise.timeoutSeconds;
  run.mergeStderr = true;
  run.outputCap = 256 << 10;
  // TWISTLINGS_MUTANT empty: the reference itself (a mutants exercise's; the others never read it).
  run.extraEnv = {{"TWISTLINGS_REPORT", report.string()},
                  {"TWISTLINGS_MEMORY_MB", std::to_string(options.memoryMegabytes)},
                  {"TWISTLINGS_MUTANT", ""}};
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
  std::string reportText = readFile(report).value_or("");
  result.tests = parseReport(reportText, ran.out);
  std::optional<CrashReport> crash = readCrash(reportText);

  // Test code, from the hidden test files.
  std::map<std::string, std::string> sources;
  for (auto& t : result.tests) {
    if (!sources.count(t.file)) sources[t.file] = readFile(t.file).value_or("");
    t.testCode = extractTestCode(sources[t.file], t.line);
  }

  // The test cut short: the one the listener saw crash, else one that started
  // and never ended, else (a listener without the crash line) the one Catch
  // ended with its "crashed: SIGSEGV" failure.
  TestOutcome* running = nullptr;
  if (crash && crash->index >= 0 && static_cast<size_t>(crash->index) < result.tests.size()) {
    running = &result.tests[static_cast<size_t>(crash->index)];
  } else if (!result.tests.empty() && result.tests.back().status == "error") {
    running = &result.tests.back();
  } else if (ran.signal && !result.tests.empty() &&
             ("\n" + result.tests.back().message).find("\ncrashed: ") != std::string::npos) {
    running = &result.tests.back();
  }
  // The files that declare the tests: the hidden ones, or a mutants exercise's attendee files.
  std::vector<fs::path> testFiles = testSources(course, exercise, sourceDir);
  bool stopped = ran.timedOut || ran.signal;
  bool beforeFirstTest = result.tests.empty();
  if (stopped || running != nullptr) {
    if (running != nullptr) {
      result.runningTest = running->name;
      running->status = "error";
    }
    if (ran.timedOut) {
      result.verdict = Verdict::Timeout;
      result.message = timeoutMessage(exercise, run.timeout, result.runningTest, beforeFirstTest);
    } else if (ran.signal) {
      result.verdict = Verdict::Crash;
      result.message = crashMessage(exercise, ran, result.runningTest, beforeFirstTest);
    } else {
      // It exited in the middle of a test: exit() called, or a sanitizer's report.
      result.verdict = Verdict::Crash;
      result.message = "the tests of " + exercise.id() + " stopped in the middle of the test \"" + result.runningTest +
                       "\" (" + ran.describeEnd() + ")";
      // A sanitizer's report is in what the test printed, shown under the verdict.
      if (ran.out.find("AddressSanitizer") != std::string::npos || ran.out.find("runtime error:") != std::string::npos) {
        result.message += ": a sanitizer stopped it at a memory or undefined-behaviour error (its report is what the test printed)";
      }
    }
    if (running != nullptr && running->message.empty()) running->message = result.message;

    // Where, in the attendee's code: the listener's stack, else a sanitizer's report.
    if (result.verdict == Verdict::Crash) {
      std::vector<StackFrame> stack;
      if (crash) stack = co_await symbolize(reactor, program, crash->frames);
      result.crashSite = firstFrameIn(stack, attendeeFiles, paths.root);
      if (!result.crashSite) result.crashSite = firstFrameIn(sanitizerFrames(ran.out), attendeeFiles, paths.root);
      if (result.crashSite) result.crashSite->text = sourceLine(result.crashSite->file, result.crashSite->line);
    }

    // The tests that never ran, from the hidden sources: running the program
    // again to list them would crash or hang again.
    std::string why = beforeFirstTest ? (ran.timedOut ? "did not run: the program hung before its first test"
                                                      : "did not run: the program ended before its first test")
                                      : (ran.timedOut ? "did not run: an earlier test hung"
                                                      : "did not run: an earlier test crashed");
    for (const fs::path& path : testFiles) {
      std::string source = readFile(path).value_or("");
      for (const DeclaredTest& declared : declaredTests(source)) {
        bool seen = std::any_of(result.tests.begin(), result.tests.end(),
                                [&](const TestOutcome& t) { return t.name == declared.name; });
        if (seen) continue;
        TestOutcome never{declared.name, "error", why, "", extractTestCode(source, declared.line), path.string(),
                          declared.line};
        never.ran = false;
        result.tests.push_back(never);
      }
    }
  } else if (result.tests.empty() && exercise.kind == "mutants" &&
             (ran.ok() || (ran.exitCode && ran.out.find("No tests ran") != std::string::npos))) {
    // The starter: Catch ran, and found no TEST_CASE to run (Catch2 2 exits
    // 0 then, Catch2 3 with a status of its own).
    result.verdict = Verdict::Fail;
    result.message = "no tests yet";
  } else if (result.tests.empty()) {
    result.verdict = Verdict::Error;
    result.message = "the tests did not run (" + ran.describeEnd() + "):\n" + lastLines(term::stripEscapes(ran.out), 10);
  } else {
    result.verdict = result.failed() == 0 && ran.ok() ? Verdict::Pass : Verdict::Fail;
  }
  // File order: the manifest's order of test files, then line.
  auto rank = [&](const TestOutcome& t) {
    for (size_t i = 0; i < testFiles.size(); ++i)
      if (fs::path(t.file).filename() == testFiles[i].filename()) return std::pair<size_t, int>(i, t.line);
    return std::pair<size_t, int>(testFiles.size(), t.line == 0 ? 1 << 30 : t.line);
  };
  std::stable_sort(result.tests.begin(), result.tests.end(),
                   [&](const TestOutcome& a, const TestOutcome& b) { return rank(a) < rank(b); });

  // A mutants exercise whose tests all pass on the reference: now each mutant.
  if (exercise.kind == "mutants" && result.verdict == Verdict::Pass) {
    MutantRunOptions mutantRuns;
    mutantRuns.program = program;
    mutantRuns.reportPrefix = report;
    mutantRuns.reportPrefix.replace_extension("").replace_extension("");
    mutantRuns.timeoutSeconds = mutantTimeout(ran.seconds, run.timeout);
    mutantRuns.memoryMegabytes = options.memoryMegabytes;
    if (options.onProgress) {
      auto onProgress = options.onProgress;
      mutantRuns.onProgress = [onProgress](int done, int total) {
        onProgress("against its mutants: " + std::to_string(done) + " of " + std::to_string(total));
      };
    }
    auto started = std::chrono::steady_clock::now();
    std::optional<std::string> spawnError;
    try {
      result.mutants = co_await runMutants(reactor, exercise, mutantRuns);
    } catch (const twist::ProcessSpawnError& e) {
      spawnError = e.what();
    }
    if (spawnError) {
      result.verdict = Verdict::Error;
      result.message = "cannot run the tests against the mutants: " + *spawnError + ". Run ./twistlings to build them.";
      co_return finish(result);
    }
    result.mutantSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    concludeMutants(result);
  }
  co_return finish(result);
}

}  // namespace twistlings
