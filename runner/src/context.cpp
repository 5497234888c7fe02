// context.cpp — see commands.hpp (Context).
#include <unistd.h>

#include <cstdio>

#include "commands.hpp"
#include "starters.hpp"

namespace twistlings {

namespace {

// Progress is lost, not just new, when the attendee's files are no longer
// the starters: a fresh clone has no progress.json either.
bool workWithoutProgress(const Context& c) {
  std::vector<std::string> files;
  for (const Exercise* e : c.course.exercises())
    for (const auto& file : e->files) files.push_back("exercises/" + e->lesson + "/" + file);
  auto changed = changedFromStarters(c.paths.root, files);
  return changed && !changed->empty();
}

// The first exercise not done among those of one kind, starting after
// `after` (nullptr: from the start) and coming round to the beginning; never
// `after` itself.
const Exercise* firstPending(const Context& c, bool stretch, const Exercise* after) {
  std::vector<const Exercise*> all = c.course.exercises();
  std::string afterId = after != nullptr ? after->id() : "";
  size_t start = 0;
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i]->id() == afterId) start = i + 1;
  for (size_t k = 0; k < all.size(); ++k) {
    const Exercise* e = all[(start + k) % all.size()];
    // A caught-up exercise (catch-up put the reference in place) is not done, but not ahead either.
    ExerciseProgress p = c.progress.get(e->id());
    if (e->id() != afterId && e->stretch == stretch && !p.done && !p.caughtUp) return e;
  }
  return nullptr;
}

}  // namespace

Context Context::load() {
  Context context;
  context.paths = Paths::discover();
  context.course = Course::load(context.paths.root);
  std::string warning;
  context.progress = Progress::load(context.paths.state, &warning);
  context.paint = term::Painter::forFd(STDOUT_FILENO);
  context.interactive = term::isTerminal(STDIN_FILENO) && term::isTerminal(STDOUT_FILENO);
  if (!warning.empty()) std::fprintf(stderr, "twistlings: warning: %s\n", warning.c_str());
  if (!context.progress.existed() && workWithoutProgress(context)) context.progress.setIncomplete(true);
  return context;
}

std::pair<int, int> Context::doneOfTotal() const {
  Tally t = tally();
  return {t.coreDone + t.stretchDone, t.core + t.stretch};
}

Tally Context::tally() const {
  Tally t;
  for (const Exercise* e : course.exercises()) {
    bool done = progress.done(e->id());
    (e->stretch ? t.stretch : t.core) += 1;
    (e->stretch ? t.stretchDone : t.coreDone) += done;
    ExerciseState s = state(*e);
    t.changedSincePass += s == ExerciseState::DoneChanged;
    t.unknown += s == ExerciseState::Unknown;
    t.caughtUp += s == ExerciseState::CaughtUp;
  }
  return t;
}

const Exercise* Context::current() const {
  if (const Exercise* e = firstPending(*this, false, nullptr)) return e;
  return firstPending(*this, true, nullptr);
}

bool Context::coreDone() const { return firstPending(*this, false, nullptr) == nullptr; }

const Exercise* Context::nextAfter(const Exercise& e) const {
  if (const Exercise* next = firstPending(*this, false, &e)) return next;
  // Off the core path, the first stretch exercise not done, as status and the
  // welcome name it, so that every "next" the attendee reads agrees.
  const Exercise* first = firstPending(*this, true, nullptr);
  return first != nullptr && first->id() == e.id() ? firstPending(*this, true, &e) : first;
}

ExerciseState Context::state(const Exercise& e) const {
  ExerciseProgress p = progress.get(e.id());
  if (p.done) {
    if (!p.passDigest.empty() && p.passDigest != filesDigest(course.exerciseFiles(e))) return ExerciseState::DoneChanged;
    return ExerciseState::Done;
  }
  if (p.caughtUp) return ExerciseState::CaughtUp;
  if (progress.incomplete() && !p.checked) return ExerciseState::Unknown;
  return ExerciseState::Pending;
}

std::string Context::coreDoneNote(const Exercise& e) const {
  const Exercise* next = nextAfter(e);
  if (e.stretch || !coreDone() || next == nullptr) return "";
  return paint.green("Every core exercise passes: that is the workshop's path, done.") + " " + next->id() +
         " is a stretch exercise, for when you have time.\n";
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
  if (result.verdict == Verdict::Pass) p.markPassed(filesDigest(course.exerciseFiles(e)));
  if (progress.incomplete()) {
    bool allChecked = true;
    for (const Exercise* x : course.exercises()) allChecked = allChecked && progress.get(x->id()).checked;
    if (allChecked) progress.setIncomplete(false);
  }
  saveProgress();
}

VerdictContext Context::verdictContext(const Exercise& e) const {
  VerdictContext vc;
  vc.root = paths.root;
  vc.hintsShown = progress.get(e.id()).hintsShown;
  const Exercise* next = nextAfter(e);
  vc.nextExercise = next != nullptr ? next->id() : "";
  return vc;
}

}  // namespace twistlings
