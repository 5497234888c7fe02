// Tests for Context (commands.hpp): the runner follows the core path, offers
// the stretch exercises once it is done, says "next" truthfully after a
// check of several exercises, notices a file changed since it passed, and
// knows when progress was lost.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "starters.hpp"
#include "subprocess.hpp"
#include "temp_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
using namespace twistlings::testing;

namespace {

// 02: countdown, heartbeat, timeout (stretch); 04: lookup, aliases (stretch); 06: chat.
void workshop(TempCourse& t) {
  t.lesson("02-reactor", {{"countdown"}, {"heartbeat"}, {"timeout", true}});
  t.lesson("04-deferreds", {{"lookup"}, {"aliases", true}});
  t.lesson("06-protocol", {{"chat"}});
}

void pass(Context& c, const std::string& id) { c.record(*c.course.find(id), gradedAs(Verdict::Pass)); }

std::string idOf(const Exercise* e) { return e == nullptr ? "(none)" : e->id(); }

}  // namespace

TEST_CASE("current follows the core path and skips the stretch exercises") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  INFO("the core path: what's next, the welcome and watch must not send anyone to a stretch exercise first");
  CHECK(idOf(c.current()) == "02-reactor/countdown");
  pass(c, "02-reactor/countdown");
  pass(c, "02-reactor/heartbeat");
  CHECK(idOf(c.current()) == "04-deferreds/lookup");
  CHECK_FALSE(c.coreDone());
  pass(c, "04-deferreds/lookup");
  pass(c, "06-protocol/chat");
  CHECK(c.coreDone());
  INFO("every core exercise done: the first stretch one not done is offered, not 'the course is over'");
  CHECK(idOf(c.current()) == "02-reactor/timeout");
  CHECK(c.current()->stretch);
  pass(c, "02-reactor/timeout");
  pass(c, "04-deferreds/aliases");
  CHECK(c.current() == nullptr);
}

TEST_CASE("next after an exercise is the next core one not done, coming round, then the first stretch one, never itself") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  const Exercise& countdown = *c.course.find("02-reactor/countdown");
  const Exercise& heartbeat = *c.course.find("02-reactor/heartbeat");
  const Exercise& lookup = *c.course.find("04-deferreds/lookup");
  const Exercise& chat = *c.course.find("06-protocol/chat");
  CHECK(idOf(c.nextAfter(countdown)) == "02-reactor/heartbeat");
  INFO("heartbeat's next skips 02's stretch exercise timeout");
  CHECK(idOf(c.nextAfter(heartbeat)) == "04-deferreds/lookup");
  pass(c, "04-deferreds/lookup");
  pass(c, "06-protocol/chat");
  INFO("after the last core exercise, round to the first core one not done");
  CHECK(idOf(c.nextAfter(chat)) == "02-reactor/countdown");
  pass(c, "02-reactor/countdown");
  pass(c, "02-reactor/heartbeat");
  INFO("core done: next is the first stretch exercise not done, the one status names, wherever e is");
  CHECK(idOf(c.nextAfter(lookup)) == "02-reactor/timeout");
  CHECK(idOf(c.nextAfter(chat)) == "02-reactor/timeout");
  CHECK(idOf(c.nextAfter(chat)) == idOf(c.current()));
  INFO("never e itself");
  CHECK(idOf(c.nextAfter(*c.course.find("02-reactor/timeout"))) == "04-deferreds/aliases");
  pass(c, "02-reactor/timeout");
  CHECK(idOf(c.nextAfter(*c.course.find("04-deferreds/aliases"))) == "(none)");
  CHECK(idOf(c.nextAfter(chat)) == "04-deferreds/aliases");
}

TEST_CASE("a verdict's next, after checking a whole lesson, is the course's next core exercise, not 'the last one'") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  // check 02-reactor: both core exercises pass, timeout (stretch) fails.
  pass(c, "02-reactor/countdown");
  pass(c, "02-reactor/heartbeat");
  c.record(*c.course.find("02-reactor/timeout"), gradedAs(Verdict::Fail));
  INFO("an empty nextExercise prints 'That was the last exercise': only true when nothing is left");
  CHECK(c.verdictContext(*c.course.find("02-reactor/countdown")).nextExercise == "04-deferreds/lookup");
  CHECK(c.verdictContext(*c.course.find("02-reactor/heartbeat")).nextExercise == "04-deferreds/lookup");
  pass(c, "04-deferreds/lookup");
  pass(c, "06-protocol/chat");
  CHECK(c.verdictContext(*c.course.find("06-protocol/chat")).nextExercise == "02-reactor/timeout");
  pass(c, "02-reactor/timeout");
  pass(c, "04-deferreds/aliases");
  CHECK(c.verdictContext(*c.course.find("04-deferreds/aliases")).nextExercise.empty());
}

TEST_CASE("the pass that finishes the core path says so, and that what is next is stretch") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  pass(c, "02-reactor/countdown");
  pass(c, "02-reactor/heartbeat");
  pass(c, "04-deferreds/lookup");
  INFO("core exercises left: nothing to add to the verdict's Next");
  CHECK(c.coreDoneNote(*c.course.find("04-deferreds/lookup")).empty());
  pass(c, "06-protocol/chat");
  std::string note = c.coreDoneNote(*c.course.find("06-protocol/chat"));
  CHECK_THAT(note, twist_catch::Contains("Every core exercise passes"));
  CHECK_THAT(note, twist_catch::Contains("02-reactor/timeout is a stretch exercise"));
  INFO("a stretch exercise passing is not the end of the core path");
  pass(c, "02-reactor/timeout");
  CHECK(c.coreDoneNote(*c.course.find("02-reactor/timeout")).empty());
  pass(c, "04-deferreds/aliases");
  CHECK(c.coreDoneNote(*c.course.find("06-protocol/chat")).empty());
}

TEST_CASE("the tally counts core and stretch apart") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  pass(c, "02-reactor/countdown");
  pass(c, "02-reactor/timeout");
  Tally tally = c.tally();
  CHECK(tally.core == 4);
  CHECK(tally.coreDone == 1);
  CHECK(tally.stretch == 2);
  CHECK(tally.stretchDone == 1);
  CHECK(c.doneOfTotal() == std::pair<int, int>{2, 6});
}

TEST_CASE("an exercise whose file changed since it passed is not plain done") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  const Exercise& countdown = *c.course.find("02-reactor/countdown");
  t.write("exercises/02-reactor/countdown.cpp", "my answer\n");
  pass(c, "02-reactor/countdown");
  CHECK(c.state(countdown) == ExerciseState::Done);
  t.write("exercises/02-reactor/countdown.cpp", "my answer, edited\n");
  INFO("the digest taken at the pass differs from the file now");
  CHECK(c.state(countdown) == ExerciseState::DoneChanged);
  CHECK(c.tally().changedSincePass == 1);
  INFO("the digest is kept in progress.json: a new runner notices too");
  Context again = t.context();
  CHECK(again.state(countdown) == ExerciseState::DoneChanged);
  std::string listed = stdoutOf([&] { listCommand(again, false); });
  CHECK_THAT(listed, twist_catch::Contains("done, changed since: check again"));
  CHECK_THAT(listed, !twist_catch::Contains("✓ done    02-reactor/countdown"));
  t.write("exercises/02-reactor/countdown.cpp", "my answer\n");
  CHECK(again.state(countdown) == ExerciseState::Done);
  t.write("exercises/02-reactor/countdown.cpp", "my answer, edited\n");
  pass(again, "02-reactor/countdown");
  CHECK(again.state(countdown) == ExerciseState::Done);
}

TEST_CASE("list names a deleted exercise file and how to get it back, not 'did not build'") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  c.record(*c.course.find("02-reactor/countdown"), gradedAs(Verdict::Error));
  std::string listed = stdoutOf([&] { listCommand(c, false); });
  CHECK_THAT(listed, twist_catch::Contains("(last check: did not build or crashed)"));
  CHECK_THAT(listed, !twist_catch::Contains("is missing"));
  std::filesystem::remove(t.root / "exercises/02-reactor/countdown.cpp");
  listed = stdoutOf([&] { listCommand(c, false); });
  CHECK_THAT(listed, twist_catch::Contains(
                         "02-reactor/countdown  (exercises/02-reactor/countdown.cpp is missing: ./twistlings reset 02-reactor/countdown)"));
  CHECK_THAT(listed, !twist_catch::Contains("did not build"));
  INFO("only the deleted one");
  CHECK_THAT(listed, !twist_catch::Contains("heartbeat.cpp is missing"));
  std::string json = stdoutOf([&] { listCommand(c, true); });
  CHECK_THAT(json, twist_catch::Contains(R"("missing_file": "exercises/02-reactor/countdown.cpp")"));
  CHECK_THAT(json, twist_catch::Contains(R"("missing_file": null)"));
}

TEST_CASE("list marks stretch exercises, in text and in JSON") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  std::string listed = stdoutOf([&] { listCommand(c, false); });
  CHECK_THAT(listed, twist_catch::Contains("02-reactor/timeout  stretch"));
  CHECK_THAT(listed, !twist_catch::Contains("02-reactor/countdown  stretch"));
  CHECK_THAT(listed, twist_catch::Contains("0 of 4 core exercises done"));
  CHECK_THAT(listed, twist_catch::Contains("stretch: 0 of 2"));
  std::string json = stdoutOf([&] { listCommand(c, true); });
  CHECK_THAT(json, twist_catch::Contains(R"("stretch": true)"));
  CHECK_THAT(json, twist_catch::Contains(R"("kind": "unit")"));
  CHECK_THAT(json, twist_catch::Contains(R"("core": {)"));
}

TEST_CASE("status offers the stretch exercises once every core one passes, and says when all are done") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  for (const char* id : {"02-reactor/countdown", "02-reactor/heartbeat", "04-deferreds/lookup", "06-protocol/chat"})
    pass(c, id);
  std::string status = stdoutOf([&] { statusCommand(c); });
  CHECK_THAT(status, twist_catch::Contains("Every core exercise passes"));
  CHECK_THAT(status, twist_catch::Contains("02-reactor/timeout"));
  CHECK_THAT(status, !twist_catch::Contains("Every exercise passes"));
  CHECK_THAT(welcomeText(c), twist_catch::Contains("02-reactor/timeout (stretch)"));
  pass(c, "02-reactor/timeout");
  pass(c, "04-deferreds/aliases");
  status = stdoutOf([&] { statusCommand(c); });
  CHECK_THAT(status, twist_catch::Contains("Every exercise passes, the stretch ones too"));
}

TEST_CASE("lost progress is unknown, not '0 of N done', until every exercise is checked again") {
  TempCourse t;
  workshop(t);
  Context c = t.context();
  c.progress.setIncomplete(true);  // what Context::load does when git says the files are not the starters
  const Exercise& countdown = *c.course.find("02-reactor/countdown");
  CHECK(c.state(countdown) == ExerciseState::Unknown);
  std::string listed = stdoutOf([&] { listCommand(c, false); });
  CHECK_THAT(listed, twist_catch::Contains("Progress unknown: .twistlings/progress.json is missing"));
  CHECK_THAT(listed, twist_catch::Contains("./twistlings verify checks every exercise and rebuilds it"));
  CHECK_THAT(listed, !twist_catch::Contains("0 of 4 core exercises done"));
  pass(c, "02-reactor/countdown");
  INFO("one check since: the others are still unknown, and it is kept so in progress.json");
  CHECK(c.state(countdown) == ExerciseState::Done);
  Context reloaded = t.context();
  CHECK(reloaded.progress.incomplete());
  CHECK(reloaded.state(*c.course.find("02-reactor/heartbeat")) == ExerciseState::Unknown);
  CHECK_THAT(stdoutOf([&] { listCommand(reloaded, false); }), twist_catch::Contains("Progress partly unknown"));
  INFO("what verify does: every exercise checked, and progress is whole again");
  for (const Exercise* e : reloaded.course.exercises())
    reloaded.record(*e, gradedAs(e->stretch ? Verdict::Fail : Verdict::Pass));
  CHECK_FALSE(reloaded.progress.incomplete());
  CHECK_FALSE(t.context().progress.incomplete());
  CHECK(t.context().state(*c.course.find("02-reactor/timeout")) == ExerciseState::Pending);
}

TEST_CASE("git tells which exercise files are no longer their starters") {
  if (!runProcess({"git", "--version"}).ok()) {
    WARN("git is not installed: skipped");
    return;
  }
  TempCourse t;
  workshop(t);
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"git", "-C", t.root.string(), "-c", "user.name=t", "-c", "user.email=t@t"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.timeout = 10;
    return runProcess(argv, options);
  };
  REQUIRE(git({"init", "-q"}).ok());
  REQUIRE(git({"add", "."}).ok());
  REQUIRE(git({"commit", "-q", "-m", "starters"}).ok());
  std::vector<std::string> files = {"exercises/02-reactor/countdown.cpp", "exercises/06-protocol/chat.cpp"};
  auto changed = changedFromStarters(t.root, files);
  REQUIRE(changed);
  CHECK(changed->empty());
  t.write("exercises/06-protocol/chat.cpp", "my chat\n");
  fs::remove(t.root / "exercises/02-reactor/countdown.cpp");
  changed = changedFromStarters(t.root, files);
  REQUIRE(changed);
  CHECK(*changed == files);
  INFO("not a repository: git cannot tell, and nobody is told their progress is lost");
  fs::remove_all(t.root / ".git");
  CHECK_FALSE(changedFromStarters(t.root, files).has_value());
}
