// cmd_hint.cpp — hint (the next tiered hint) and solution (the reference, after an honest try).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "files.hpp"
#include "subprocess.hpp"

namespace twistlings {

namespace {

// Word-wraps one paragraph (hints are prose, with code on lines of their own).
std::string wrap(const std::string& text, int width, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      out += prefix + line + "\n";  // indented: code, kept as written
      continue;
    }
    std::istringstream words(line);
    std::string current = prefix;
    for (std::string word; words >> word;) {
      if (current.size() > prefix.size() && static_cast<int>(term::displayWidth(current) + 1 + word.size()) > width) {
        out += current + "\n";
        current = prefix;
      }
      current += (current.size() > prefix.size() ? " " : "") + word;
    }
    out += current + "\n";
  }
  return out;
}

}  // namespace

int hintCommand(Context& c, const Exercise& e) {
  ExerciseProgress& p = c.progress.of(e.id());
  int total = static_cast<int>(e.hints.size());
  int width = std::min(term::width(), 100);
  if (p.hintsShown >= total) {
    std::printf("%s\n", c.paint.bold("All " + std::to_string(total) + " hints for " + e.id() + ", once more:").c_str());
    for (int i = 0; i < total; ++i) {
      std::printf("\n%s\n%s", c.paint.yellow("Hint " + std::to_string(i + 1)).c_str(), wrap(e.hints[i], width, "  ").c_str());
    }
    std::printf("\nThe reference solution: ./twistlings solution %s\n", e.id().c_str());
    return 0;
  }
  int shown = ++p.hintsShown;
  c.saveProgress();
  std::printf("%s\n%s", c.paint.bold(c.paint.yellow("Hint " + std::to_string(shown) + " of " + std::to_string(total) + " for " + e.id())).c_str(),
              wrap(e.hints[shown - 1], width, "  ").c_str());
  if (shown < total) {
    std::printf("%s\n", c.paint.dim("Run ./twistlings hint again for a stronger one.").c_str());
  } else {
    std::printf("%s\n", c.paint.dim("That was the last hint. After an honest try: ./twistlings solution " + e.id()).c_str());
  }
  return 0;
}

int solutionCommand(Context& c, const Exercise& e, bool diff, bool force) {
  if (!c.progress.get(e.id()).checked && !force) {
    std::fprintf(stderr,
                 "twistlings: the solution of %s opens once you have checked it at least once: try it first, run "
                 "./twistlings check %s, then ask again (or add --force).\n",
                 e.id().c_str(), e.id().c_str());
    return 2;
  }
  for (const auto& file : e.files) {
    fs::path mine = c.course.exerciseDir(e) / file;
    fs::path reference = c.course.solutionDir(e) / file;
    std::string theirs = readFile(reference).value_or("");
    if (readFile(mine) == theirs && file.ends_with(".hpp")) continue;  // the contract: the same in both
    if (diff) {
      ProcessResult r = runProcess({"diff", "-u", "--label", "yours: exercises/" + e.lesson + "/" + file, "--label",
                                    "reference: solutions/" + e.lesson + "/" + file, mine.string(), reference.string()});
      if (r.exitCode == 0) {
        std::printf("%s\n", c.paint.green(file + ": the same as the reference").c_str());
        continue;
      }
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("+")) line = c.paint.green(line);
        else if (line.starts_with("-")) line = c.paint.red(line);
        else if (line.starts_with("@@")) line = c.paint.cyan(line);
        std::printf("%s\n", line.c_str());
      }
    } else {
      std::printf("%s\n%s\n", c.paint.bold("── solutions/" + e.lesson + "/" + file + " ──").c_str(), theirs.c_str());
    }
  }
  return 0;
}

}  // namespace twistlings
