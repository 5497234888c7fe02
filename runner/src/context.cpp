// context.cpp — see commands.hpp (Context).
#include <unistd.h>

#include <cstdio>

#include "commands.hpp"

namespace twistlings {

Context Context::load() {
  Context context;
  context.paths = Paths::discover();
  context.course = Course::load(context.paths.root);
  std::string warning;
  context.progress = Progress::load(context.paths.state, &warning);
  context.paint = term::Painter::forFd(STDOUT_FILENO);
  context.interactive = term::isTerminal(STDIN_FILENO) && term::isTerminal(STDOUT_FILENO);
  if (!warning.empty()) std::fprintf(stderr, "twistlings: warning: %s\n", warning.c_str());
  return context;
}

std::pair<int, int> Context::doneOfTotal() const {
  int done = 0, total = 0;
  for (const Exercise* e : course.exercises()) {
    ++total;
    done += progress.done(e->id());
  }
  return {done, total};
}

const Exercise* Context::current() const {
  for (const Exercise* e : course.exercises())
    if (!progress.done(e->id())) return e;
  return nullptr;
}

const Exercise* Context::nextAfter(const Exercise& e) const {
  bool after = false;
  for (const Exercise* x : course.exercises()) {
    if (after && !progress.done(x->id())) return x;
    if (x->id() == e.id()) after = true;
  }
  return nullptr;
}

std::vector<const Exercise*> Context::select(const std::optional<std::string>& id) const {
  if (id) return course.resolve(*id);
  if (const Exercise* e = current()) return {e};
  throw UsageError("every exercise is done: name one (./twistlings list shows them), or run ./twistlings verify");
}

void Context::saveProgress() {
  try {
    progress.save();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "twistlings: warning: progress not saved: %s\n", error.what());
  }
}

void Context::record(const Exercise& e, const GradeResult& result) {
  ExerciseProgress& p = progress.of(e.id());
  p.checked = true;
  p.lastStatus = result.status();
  if (result.verdict == Verdict::Pass) p.done = true;
  saveProgress();
}

VerdictContext Context::verdictContext(const Exercise& e) const {
  VerdictContext vc;
  vc.root = paths.root;
  vc.hintsShown = progress.get(e.id()).hintsShown;
  const Exercise* next = nextAfter(e);
  if (next == nullptr) next = current();
  vc.nextExercise = next != nullptr && next != &e ? next->id() : "";
  return vc;
}

}  // namespace twistlings
