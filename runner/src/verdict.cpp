// verdict.cpp — see verdict.hpp.
#include "verdict.hpp"

#include <cstdio>
#include <sstream>

#include "regression.hpp"

namespace twistlings {

namespace {

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
  return out;
}

std::string hintLine(const Exercise& e, const VerdictContext& c, const term::Painter& paint) {
  int total = static_cast<int>(e.hints.size());
  if (c.hintsShown >= total) {
    return "Still stuck after " + std::to_string(total) + " hints? " + paint.bold("./twistlings solution " + e.id()) +
           " shows the reference (then try to write it yourself).\n";
  }
  return "Stuck? " + paint.bold("./twistlings hint " + e.id()) + " shows hint " + std::to_string(c.hintsShown + 1) +
         " of " + std::to_string(total) + ".\n";
}

// The tests in file order, each with ✓ or ✗ (only the failing ones past 15),
// the one cut short marked; those that never ran are counted, not listed,
// unless verbose.
void listTests(std::ostringstream& out, const GradeResult& result, const VerdictContext& c, const term::Painter& paint) {
  int total = static_cast<int>(result.tests.size());
  int notRun = 0;
  for (const auto& t : result.tests) {
    if (!t.ran) {
      ++notRun;
      if (c.verbose) out << "  " << paint.dim("· " + t.name + " (did not run)") << "\n";
      continue;
    }
    bool pass = t.status == "pass";
    std::string mark;
    if (!result.runningTest.empty() && t.name == result.runningTest)
      mark = result.verdict == Verdict::Timeout ? " (still running at the timeout)" : " (crashed here)";
    if (total <= 15 || !pass) out << "  " << (pass ? paint.green("✓ ") : paint.red("✗ ")) << t.name << mark << "\n";
  }
  if (notRun > 0 && !c.verbose) {
    std::string more = notRun < total ? " more" : "";
    out << "  " << paint.dim("· " + std::to_string(notRun) + more + (notRun == 1 ? " test" : " tests") +
                              " did not run (--verbose lists them)")
        << "\n";
  }
}

// The first failure (every failure when verbose) of the tests that ran to
// their end: a crash or a hang does not hide what failed before it.
void showFailures(std::ostringstream& out, const GradeResult& result, const VerdictContext& c, const term::Painter& paint) {
  bool first = true;
  for (const auto& t : result.tests) {
    if (t.status == "pass" || !t.ran || (!result.runningTest.empty() && t.name == result.runningTest)) continue;
    if (!first && !c.verbose) break;
    out << "\n" << paint.bold(first ? "First failure: " : "Failure: ") << t.name << "\n";
    out << indent(t.message.empty() ? "(no message)" : t.message, "  ");
    if (t.line > 0) out << paint.dim("  at " + relativeTo(c.root, t.file) + ":" + std::to_string(t.line)) << "\n";
    if (!t.output.empty()) out << "  It printed:\n" << indent(t.output, "    ");
    first = false;
  }
}

int failedBeforeTheStop(const GradeResult& result) {
  int n = 0;
  for (const auto& t : result.tests) n += t.ran && t.status != "pass" && t.name != result.runningTest;
  return n;
}

std::string buildTime(const GradeResult& result) {
  return result.programBuildSeconds ? "build " + seconds(*result.programBuildSeconds) : "already built";
}

// After a pass: where to go on.
std::string nextLine(const VerdictContext& c, const term::Painter& paint) {
  if (c.nextExercise.empty())
    return "That was the last exercise. " + paint.bold("./twistlings verify") + " shows your score.\n";
  return "Next: " + paint.bold(c.nextExercise) + ". Open exercises/" + c.nextExercise.substr(0, c.nextExercise.find('/')) +
         "/ and run " + paint.bold("./twistlings check " + c.nextExercise) + ".\n";
}

// The first file of the attendee's tests (a mutants exercise's .cpp), for "write it in ...".
std::string testFileOf(const Exercise& e) {
  for (const auto& file : e.files)
    if (file.size() > 4 && file.compare(file.size() - 4, 4, ".cpp") == 0) return "exercises/" + e.lesson + "/" + file;
  return "exercises/" + e.lesson + "/";
}

// Each mutant: caught (and by which test), or its behaviour and "passed all your tests".
void listMutants(std::ostringstream& out, const GradeResult& result, const term::Painter& paint) {
  for (const auto& m : result.mutants) {
    if (m.caught) {
      std::string by;
      if (!m.caughtBy.empty()) {
        by = " (your test \"" + m.caughtBy + "\" " + m.how + (m.how == "failed" ? "" : " on it") + ")";
      } else {
        by = " (its run " + m.how + " before your first test)";
      }
      out << "  " << paint.green("✓ caught: ") << m.breaks << paint.dim(by) << "\n";
    } else {
      out << "  " << paint.red("✗ ") << paint.bold(m.breaks) << " passed all your tests\n";
    }
  }
}

// The tests that pass but still fail the verdict: they take real time, or leave a reactor unclean.
void listSlowAndUnclean(std::ostringstream& out, const GradeResult& result, const term::Painter& paint) {
  for (const auto& t : result.tests) {
    if (!t.ran || t.seconds < kSlowTestSeconds) continue;
    out << "  " << paint.red("✗ ") << "your test \"" << t.name << "\" takes " << seconds(t.seconds)
        << " of real time: tests never sleep; advance a twist::Clock\n";
  }
  for (const auto& t : result.tests) {
    if (t.unclean.empty()) continue;
    out << "  " << paint.red("✗ ") << "your test \"" << t.name << "\" left its reactor unclean:\n";
    out << "      Reactor was unclean.\n";
    for (const auto& line : t.unclean) out << "      " << line << "\n";
  }
}

// The mutants' runs take tens of milliseconds each: in hundredths, so that they do not read "0.0 s".
std::string mutantsTime(const GradeResult& result) {
  char mutants[32];
  std::snprintf(mutants, sizeof mutants, "%.2f s", result.mutantSeconds);
  return "(" + buildTime(result) + ", tests " + seconds(result.runSeconds) + ", mutants " + mutants + ")";
}

// A mutants exercise's Pass or Fail (the other verdicts read as for any exercise).
std::string renderMutantsVerdict(const GradeResult& result, const Exercise& e, const VerdictContext& c,
                                 const term::Painter& paint) {
  std::ostringstream out;
  const std::string id = paint.bold(e.id());
  int total = static_cast<int>(result.tests.size());
  std::string yourTests = "your " + std::to_string(total) + (total == 1 ? " test" : " tests");
  std::string pass = total == 1 ? " passes" : " pass";
  if (result.tests.empty()) {
    out << paint.red("✗ ") << id << ": " << testFileOf(e) << " has no TEST_CASE yet.\n"
        << "  Write one there, for a behaviour the contract (" << e.files.front() << ") promises:\n"
        << "    TEST_CASE(\"an idle client is disconnected\") { ... }\n"
        << "  It must pass on the correct implementation, and each of the " << e.mutants.size()
        << " wrong versions must fail at least one of your tests.\n\n"
        << hintLine(e, c, paint);
    return out.str();
  }
  if (result.mutants.empty()) {  // some tests fail on the reference: the mutants did not run
    int failed = result.failed();
    out << paint.red("✗ ") << id << ": ";
    if (failed == 0) {  // every test passed, and yet the program failed: at its exit (a leak report?)
      out << yourTests << pass << " on the correct implementation, but the program did not end cleanly"
          << " (--verbose shows its output).\n";
      if (c.verbose) out << indent(result.output, "  ");
      out << "\n" << hintLine(e, c, paint);
      return out.str();
    }
    if (failed == 1) {
      for (const auto& t : result.tests)
        if (t.status != "pass") out << "your test \"" << t.name << "\" fails on the correct implementation.\n";
    } else {
      out << failed << " of " << yourTests << " fail on the correct implementation.\n";
    }
    listTests(out, result, c, paint);
    showFailures(out, result, c, paint);
    out << "\n  A test must pass on correct code: check what it expects against the contract in " << e.files.front()
        << ".\n  (The wrong versions run once every test passes on the correct one.)\n\n"
        << hintLine(e, c, paint);
    return out.str();
  }
  int caught = 0;
  for (const auto& m : result.mutants) caught += m.caught;
  int count = static_cast<int>(result.mutants.size());
  std::string all = count == 1 ? "the 1 wrong version" : "all " + std::to_string(count) + " wrong versions";
  if (result.verdict == Verdict::Pass) {
    out << paint.green("✓ ") << id << ": " << yourTests << pass << " on the correct implementation and catch"
        << (total == 1 ? "es " : " ") << all << " " << paint.dim(mutantsTime(result)) << "\n";
    listMutants(out, result, paint);
    out << nextLine(c, paint);
    return out.str();
  }
  out << paint.red("✗ ") << id << ": " << yourTests << pass << " on the correct implementation";
  if (caught == count) {
    out << " and catch" << (total == 1 ? "es " : " ") << all << " " << paint.dim(mutantsTime(result)) << ", but:\n";
  } else {
    out << ", but " << count - caught << " of " << count << " wrong versions pass " << (total == 1 ? "it" : "them")
        << " too " << paint.dim(mutantsTime(result)) << "\n";
  }
  listMutants(out, result, paint);
  listSlowAndUnclean(out, result, paint);
  if (!result.message.empty()) out << "\n" << indent(result.message, "  ");
  out << "\n" << hintLine(e, c, paint);
  return out.str();
}

// A regression exercise's Pass or Fail (regression.hpp): which of its two
// steps it is at, in the bug report's terms.
std::string renderRegressionVerdict(const GradeResult& result, const Exercise& e, const VerdictContext& c,
                                    const term::Painter& paint) {
  std::ostringstream out;
  const std::string id = paint.bold(e.id());
  const std::string report = "exercises/" + e.lesson + "/" + e.report;
  int total = static_cast<int>(result.tests.size()), failed = result.failed();
  if (result.tests.empty()) {
    out << paint.red("✗ ") << id << ": exercises/" << e.lesson << "/" << e.regressionTest << " has no TEST_CASE yet.\n"
        << "  Read " << report << ", then write a test there that does what the reporter did and CHECKs what they\n"
        << "  expected. It must fail on the helper as shipped (the bug, reproduced) and pass on the helper fixed.\n\n"
        << hintLine(e, c, paint);
    return out.str();
  }
  if (!isFixStep(result, e)) {  // step (a): the attendee's test on the fixed helper, then on the one as shipped
    out << paint.red("✗ ") << id << ": ";
    if (result.mutants.empty() && failed == 0) {  // every test passed, and the program failed at its exit
      out << "your tests pass on the fixed helper, but the program did not end cleanly (--verbose shows its output).\n";
      if (c.verbose) out << indent(result.output, "  ");
      out << "\n" << hintLine(e, c, paint);
      return out.str();
    }
    if (result.mutants.empty()) {
      if (failed == 1) {
        for (const auto& t : result.tests)
          if (t.status != "pass") out << "your test \"" << t.name << "\" fails";
      } else {
        out << failed << " of your " << total << " tests fail";
      }
      out << " on the fixed helper too: " << (failed == 1 ? "it asserts" : "they assert")
          << " something the report does not claim.\n";
      listTests(out, result, c, paint);
      showFailures(out, result, c, paint);
      out << "\n  A regression test expects what " << report << " says should happen, and nothing else: the fix\n"
          << "  changes only what the report is about. (Your test runs on the helper as shipped once it passes on"
          << " the fix.)\n\n"
          << hintLine(e, c, paint);
      return out.str();
    }
    if (!result.mutants.front().caught) {
      out << "your " << (total == 1 ? "test passes" : std::to_string(total) + " tests pass")
          << " on the helper as shipped: " << (total == 1 ? "it does" : "they do") << " not reproduce the report "
          << paint.dim("(" + buildTime(result) + ", on the fix " + seconds(result.runSeconds) + ", as shipped " +
                       seconds(result.mutantSeconds) + ")")
          << "\n";
    } else {
      out << "your tests tell the helper as shipped from the fixed one, but:\n";
    }
    listSlowAndUnclean(out, result, paint);
    out << "\n" << indent(result.message, "  ") << "\n" << hintLine(e, c, paint);
    return out.str();
  }
  // Step (b): the attendee's helper against the hidden tests of the fix and their own.
  std::string by;
  if (!result.mutants.empty() && !result.mutants.front().caughtBy.empty())
    by = " \"" + result.mutants.front().caughtBy + "\"";
  std::string reproduced = "your test" + by + " fails on the helper as shipped and passes on the fix";
  if (result.verdict == Verdict::Pass) {
    out << paint.green("✓ ") << id << ": " << reproduced << ", and your fixed helper passes all " << total
        << " tests " << paint.dim("(" + buildTime(result) + ", tests " + seconds(result.runSeconds) + ")") << "\n"
        << nextLine(c, paint);
    return out.str();
  }
  std::string helper;
  for (const auto& file : e.files)
    if (file != e.regressionTest && file.size() > 4 && file.compare(file.size() - 4, 4, ".cpp") == 0)
      helper += (helper.empty() ? "" : ", ") + file;
  out << paint.red("✗ ") << id << ": the report is reproduced (" << reproduced << ").\n"
      << "  Now the fix: " << failed << " of " << total << " tests fail on your " << helper << ".\n";
  listTests(out, result, c, paint);
  showFailures(out, result, c, paint);
  out << "\n" << hintLine(e, c, paint);
  return out.str();
}

}  // namespace

std::string relativeTo(const std::filesystem::path& root, const std::string& path) {
  std::string r = root.generic_string();
  if (!r.empty() && r.back() != '/') r += '/';
  return path.rfind(r, 0) == 0 ? path.substr(r.size()) : path;
}

std::string renderVerdict(const GradeResult& result, const Exercise& e, const VerdictContext& c,
                          const term::Painter& paint) {
  if (e.kind == "mutants" && (result.verdict == Verdict::Pass || result.verdict == Verdict::Fail))
    return renderMutantsVerdict(result, e, c, paint);
  if (e.kind == "regression" && (result.verdict == Verdict::Pass || result.verdict == Verdict::Fail))
    return renderRegressionVerdict(result, e, c, paint);
  std::ostringstream out;
  const std::string id = paint.bold(e.id());
  int total = static_cast<int>(result.tests.size());
  switch (result.verdict) {
    case Verdict::Pass:
      out << paint.green("✓ ") << id << ": all " << total << " tests pass "
          << paint.dim("(" + buildTime(result) + ", tests " + seconds(result.runSeconds) + ")") << "\n";
      out << nextLine(c, paint);
      return out.str();

    case Verdict::CompileError: {
      out << paint.red("✗ ") << id << " does not compile.\n";
      const auto& d = *result.compileError;
      if (d.linkError) {
        out << "  " << d.message << "\n";
      } else {
        out << "  " << paint.bold(relativeTo(c.root, d.file) + ":" + std::to_string(d.line) + ":" + std::to_string(d.column))
            << ": " << paint.red("error: ") << d.message << "\n";
        for (const auto& line : d.source) out << "  " << line << "\n";
        if (!d.origin.empty()) out << paint.dim("  (" + d.origin + ")") << "\n";
      }
      if (c.verbose) {
        out << "\nThe whole build output:\n" << indent(result.output, "  ");
      } else {
        out << paint.dim("  Only the first error is shown: fix it and check again (--verbose shows them all).") << "\n";
      }
      return out.str();
    }

    case Verdict::Crash:
    case Verdict::Timeout: {
      bool crashed = result.verdict == Verdict::Crash;
      int before = failedBeforeTheStop(result);
      out << paint.red("✗ ") << id << ": " << (crashed ? "crashed" : "timed out");
      if (before > 0) out << ", and " << before << (before == 1 ? " test" : " tests") << " failed before that";
      out << ".\n";
      listTests(out, result, c, paint);
      showFailures(out, result, c, paint);
      out << "\n" << indent(result.message, "  ");
      if (result.crashSite) {
        const StackFrame& site = *result.crashSite;
        out << "  " << paint.bold("at " + relativeTo(c.root, site.file) + ":" + std::to_string(site.line));
        if (!site.function.empty()) out << ", in " << site.function;
        out << "\n";
        if (!site.text.empty()) {
          char number[16];
          std::snprintf(number, sizeof number, "%5d", site.line);
          out << "  " << number << " | " << site.text << "\n";
        }
      }
      for (const auto& t : result.tests) {
        if (t.name != result.runningTest || result.runningTest.empty()) continue;
        // Its own failures before it stopped, and the INFO notes of the crash
        // (under no heading: not Catch's "crashed: SIGSEGV" again).
        std::string reported;
        std::istringstream lines(t.message);
        bool crashNotes = false;
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind("crashed: ", 0) == 0) {
            crashNotes = true;
          } else if (crashNotes && line.rfind("  note: ", 0) == 0) {
            reported += line.substr(2) + "\n";
          } else {
            crashNotes = false;
            reported += line + "\n";
          }
        }
        if (!reported.empty() && t.message != result.message) out << "  The test reported:\n" << indent(reported, "    ");
        if (!t.output.empty()) out << "  It printed:\n" << indent(t.output, "    ");
      }
      out << "\n" << hintLine(e, c, paint);
      return out.str();
    }

    case Verdict::Error:
      out << paint.yellow("! ") << id << ": could not be graded.\n" << indent(result.message, "  ");
      return out.str();

    case Verdict::Fail:
      break;
  }

  int failed = result.failed();
  out << paint.red("✗ ") << id << ": " << failed << " of " << total << " tests fail.\n";
  listTests(out, result, c, paint);
  showFailures(out, result, c, paint);
  out << "\n" << hintLine(e, c, paint);
  return out.str();
}

}  // namespace twistlings
