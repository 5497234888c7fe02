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

}  // namespace twistlings
