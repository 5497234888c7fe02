// verdict.cpp — see verdict.hpp.
#include "verdict.hpp"

#include <cstdio>
#include <sstream>

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

}  // namespace

std::string relativeTo(const std::filesystem::path& root, const std::string& path) {
  std::string r = root.generic_string();
  if (!r.empty() && r.back() != '/') r += '/';
  return path.rfind(r, 0) == 0 ? path.substr(r.size()) : path;
}

std::string renderVerdict(const GradeResult& result, const Exercise& e, const VerdictContext& c,
                          const term::Painter& paint) {
  std::ostringstream out;
  const std::string id = paint.bold(e.id());
  int total = static_cast<int>(result.tests.size());
  switch (result.verdict) {
    case Verdict::Pass:
      out << paint.green("✓ ") << id << ": all " << total << " tests pass "
          << paint.dim("(build " + seconds(result.buildSeconds) + ", tests " + seconds(result.runSeconds) + ")") << "\n";
      if (!c.nextExercise.empty()) {
        out << "Next: " << paint.bold(c.nextExercise) << ". Open exercises/"
            << c.nextExercise.substr(0, c.nextExercise.find('/')) << "/ and run "
            << paint.bold("./twistlings check " + c.nextExercise) << ".\n";
      } else {
        out << "That was the last exercise. " << paint.bold("./twistlings verify") << " shows your score.\n";
      }
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
    case Verdict::Timeout:
      out << paint.red("✗ ") << id << ": " << (result.verdict == Verdict::Crash ? "crashed" : "timed out") << ".\n";
      out << indent(result.message, "  ");
      for (const auto& t : result.tests) {
        if (t.name == result.runningTest && !t.output.empty()) out << "  It printed:\n" << indent(t.output, "    ");
      }
      out << hintLine(e, c, paint);
      return out.str();

    case Verdict::Error:
      out << paint.yellow("! ") << id << ": could not be graded.\n" << indent(result.message, "  ");
      return out.str();

    case Verdict::Fail:
      break;
  }

  int failed = result.failed();
  out << paint.red("✗ ") << id << ": " << failed << " of " << total << " tests fail.\n";
  const TestOutcome* first = nullptr;
  for (const auto& t : result.tests) {
    bool pass = t.status == "pass";
    if (!pass && first == nullptr) first = &t;
    if (total <= 15 || !pass) out << "  " << (pass ? paint.green("✓ ") : paint.red("✗ ")) << t.name << "\n";
  }
  for (const auto& t : result.tests) {
    if (t.status == "pass" || (&t != first && !c.verbose)) continue;
    out << "\n" << paint.bold(&t == first ? "First failure: " : "Failure: ") << t.name << "\n";
    out << indent(t.message.empty() ? "(no message)" : t.message, "  ");
    if (t.line > 0) out << paint.dim("  at " + relativeTo(c.root, t.file) + ":" + std::to_string(t.line)) << "\n";
    if (!t.output.empty()) out << "  It printed:\n" << indent(t.output, "    ");
  }
  out << "\n" << hintLine(e, c, paint);
  return out.str();
}

}  // namespace twistlings
