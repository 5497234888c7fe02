// Tests for catch_up.hpp and the catch-up command: the reference in place of
// each earlier core exercise not recorded as passed, the attendee's exact
// bytes kept in the backups, passed, stretch and later exercises untouched,
// and "caught up" kept apart from done.
#include "catch_up.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "temp_course.hpp"
#include "twist_catch.hpp"

using namespace twistlings;
namespace fs = std::filesystem;

namespace {

// 02-reactor: countdown, heartbeat, timeout (stretch); 03-callbacks: session;
// 04-deferreds: lookup. Each reference holds "reference of NAME\n".
void threeLessons(testing::TempCourse& t) {
  t.lesson("02-reactor", {{"countdown"}, {"heartbeat"}, {"timeout", true}});
  t.lesson("03-callbacks", {{"session"}});
  t.lesson("04-deferreds", {{"lookup"}});
  for (std::string name : {"countdown", "heartbeat", "timeout"}) t.write("solutions/02-reactor/" + name + ".cpp", "reference of " + name + "\n");
  t.write("solutions/03-callbacks/session.cpp", "reference of session\n");
  t.write("solutions/04-deferreds/lookup.cpp", "reference of lookup\n");
}

std::string bytesOf(const fs::path& p) { return readFile(p).value_or("<missing>"); }

// Runs f with stdin at /dev/null (not a terminal), whatever ctest gives.
template <class F>
auto withoutTerminal(F f) {
  int saved = ::dup(0);
  int null = ::open("/dev/null", O_RDONLY);
  ::dup2(null, 0);
  ::close(null);
  auto result = f();
  ::dup2(saved, 0);
  ::close(saved);
  return result;
}

std::vector<std::string> idsOf(const std::vector<const Exercise*>& v) {
  std::vector<std::string> out;
  for (const Exercise* e : v) out.push_back(e->id());
  return out;
}

}  // namespace

TEST_CASE("catch-up puts the reference in place of each earlier core exercise not passed, keeping the attendee's exact bytes") {
  testing::TempCourse t;
  threeLessons(t);
  const std::string mine = "int attempt = 1;\r\n\xff\xfe odd bytes, no newline at the end";
  t.write("exercises/02-reactor/countdown.cpp", mine);
  t.write("exercises/02-reactor/heartbeat.cpp", "my heartbeat, which passed\n");
  t.write("exercises/02-reactor/timeout.cpp", "my stretch attempt\n");
  t.write("exercises/04-deferreds/lookup.cpp", "my lookup, begun early\n");
  Context c = t.context();
  c.progress.of("02-reactor/heartbeat").markPassed("digest");

  CatchUpPlan plan = planCatchUp(c.course, c.progress, "04");
  CHECK(plan.lesson == "04-deferreds");
  REQUIRE(plan.items.size() == 2);
  CHECK(plan.items[0].exercise->id() == "02-reactor/countdown");
  CHECK(plan.items[1].exercise->id() == "03-callbacks/session");
  CHECK(idsOf(plan.passed) == std::vector<std::string>{"02-reactor/heartbeat"});
  CHECK(idsOf(plan.stretch) == std::vector<std::string>{"02-reactor/timeout"});
  CHECK(plan.files() == 2);

  fs::path backup = newBackupFolder(c.paths);
  REQUIRE(applyCatchUp(plan, c.course, c.progress, backup) == "");
  CHECK(bytesOf(t.root / "exercises/02-reactor/countdown.cpp") == "reference of countdown\n");
  CHECK(bytesOf(t.root / "exercises/03-callbacks/session.cpp") == "reference of session\n");
  INFO("the backups hold the attendee's files byte for byte, under their paths");
  CHECK(bytesOf(backup / "exercises/02-reactor/countdown.cpp") == mine);
  CHECK(bytesOf(backup / "exercises/03-callbacks/session.cpp") == "starter\n");
  INFO("passed, stretch and later exercises are untouched, and not in the backups");
  CHECK(bytesOf(t.root / "exercises/02-reactor/heartbeat.cpp") == "my heartbeat, which passed\n");
  CHECK(bytesOf(t.root / "exercises/02-reactor/timeout.cpp") == "my stretch attempt\n");
  CHECK(bytesOf(t.root / "exercises/04-deferreds/lookup.cpp") == "my lookup, begun early\n");
  CHECK_FALSE(fs::exists(backup / "exercises/02-reactor/heartbeat.cpp"));
  CHECK_FALSE(fs::exists(backup / "exercises/04-deferreds"));
  INFO("caught up, not done");
  CHECK(c.progress.get("02-reactor/countdown").caughtUp);
  CHECK_FALSE(c.progress.get("02-reactor/countdown").done);
  CHECK(c.progress.get("03-callbacks/session").caughtUp);
  CHECK(c.progress.get("02-reactor/heartbeat").done);
  CHECK_FALSE(c.progress.get("02-reactor/heartbeat").caughtUp);
}

TEST_CASE("caught-up exercises are off the path ahead, counted apart from done, and marked in list") {
  testing::TempCourse t;
  threeLessons(t);
  Context c = t.context();
  CatchUpPlan plan = planCatchUp(c.course, c.progress, "03-callbacks");
  REQUIRE(applyCatchUp(plan, c.course, c.progress, newBackupFolder(c.paths)) == "");
  REQUIRE(plan.items.size() == 2);
  const Exercise& countdown = *c.course.find("02-reactor/countdown");
  CHECK(c.state(countdown) == ExerciseState::CaughtUp);
  REQUIRE(c.current() != nullptr);
  CHECK(c.current()->id() == "03-callbacks/session");
  Tally tally = c.tally();
  CHECK(tally.coreDone == 0);
  CHECK(tally.caughtUp == 2);
  std::string listed = testing::stdoutOf([&] { listCommand(c, false); });
  CHECK_THAT(listed, twist_catch::Contains("↷ caught  02-reactor/countdown"));
  CHECK_THAT(listed, twist_catch::Contains("caught up: the reference is in place"));
  CHECK_THAT(listed, twist_catch::Contains("caught up: 2"));
  nlohmann::json doc = nlohmann::json::parse(testing::stdoutOf([&] { listCommand(c, true); }));
  CHECK(doc["lessons"][0]["exercises"][0]["state"] == "caught_up");
  CHECK(doc["lessons"][0]["exercises"][0]["done"] == false);
  CHECK(doc["core"]["caught_up"] == 2);
  CHECK(doc["core"]["done"] == 0);
  INFO("the core path done with some caught up says so, not that every core exercise passes");
  c.progress.of("03-callbacks/session").markPassed("mine");
  c.progress.of("04-deferreds/lookup").markPassed("mine");
  CHECK_THAT(testing::stdoutOf([&] { listCommand(c, false); }),
             twist_catch::Contains("Every core exercise passes or is caught up: that is the workshop's path, done."));
}

TEST_CASE("a pass of the reference catch-up put there leaves it caught up, a pass of the attendee's own version makes it done") {
  testing::TempCourse t;
  threeLessons(t);
  Context c = t.context();
  REQUIRE(applyCatchUp(planCatchUp(c.course, c.progress, "03"), c.course, c.progress, newBackupFolder(c.paths)) == "");
  const Exercise& countdown = *c.course.find("02-reactor/countdown");
  c.record(countdown, testing::gradedAs(Verdict::Pass));
  CHECK(c.state(countdown) == ExerciseState::CaughtUp);
  CHECK_FALSE(c.progress.done(countdown.id()));
  INFO("saved and loaded again, still caught up");
  CHECK(t.context().state(countdown) == ExerciseState::CaughtUp);
  t.write("exercises/02-reactor/countdown.cpp", "the attendee's own version\n");
  c.record(countdown, testing::gradedAs(Verdict::Pass));
  CHECK(c.state(countdown) == ExerciseState::Done);
  CHECK_FALSE(c.progress.get(countdown.id()).caughtUp);
  CHECK(t.context().state(countdown) == ExerciseState::Done);
}

TEST_CASE("catching up again leaves what is still the reference, and catches up one edited since") {
  testing::TempCourse t;
  threeLessons(t);
  t.write("exercises/02-reactor/heartbeat.cpp", "reference of heartbeat\n");
  Context c = t.context();
  CatchUpPlan first = planCatchUp(c.course, c.progress, "04");
  REQUIRE(first.items.size() == 3);
  INFO("a file that is already the reference is only marked, not copied");
  CHECK(first.items[1].exercise->id() == "02-reactor/heartbeat");
  CHECK(first.items[1].files.empty());
  fs::path firstBackup = newBackupFolder(c.paths);
  REQUIRE(applyCatchUp(first, c.course, c.progress, firstBackup) == "");
  CHECK_FALSE(fs::exists(firstBackup / "exercises/02-reactor/heartbeat.cpp"));
  CHECK(c.progress.get("02-reactor/heartbeat").caughtUp);
  CatchUpPlan again = planCatchUp(c.course, c.progress, "04");
  CHECK(again.items.empty());
  CHECK(again.alreadyCaughtUp == 3);
  t.write("exercises/03-callbacks/session.cpp", "tinkering after the catch-up\n");
  again = planCatchUp(c.course, c.progress, "04");
  REQUIRE(again.items.size() == 1);
  CHECK(again.items[0].exercise->id() == "03-callbacks/session");
  fs::path backup = newBackupFolder(c.paths);
  REQUIRE(applyCatchUp(again, c.course, c.progress, backup) == "");
  CHECK(bytesOf(backup / "exercises/03-callbacks/session.cpp") == "tinkering after the catch-up\n");
  CHECK(firstBackup != backup);
}

TEST_CASE("catch-up takes a lesson by number or id, and refuses another naming the lessons") {
  testing::TempCourse t;
  threeLessons(t);
  Context c = t.context();
  CHECK(catchUpLesson(c.course, "3").id == "03-callbacks");
  CHECK(catchUpLesson(c.course, "03").id == "03-callbacks");
  CHECK(catchUpLesson(c.course, "03-callbacks").id == "03-callbacks");
  CHECK(planCatchUp(c.course, c.progress, "02").items.empty());
  try {
    catchUpLesson(c.course, "07");
    FAIL("07 was accepted");
  } catch (const UsageError& e) {
    CHECK_THAT(std::string(e.what()), twist_catch::Contains("not '07': 02-reactor, 03-callbacks, 04-deferreds"));
  }
}

TEST_CASE("the catch-up command refuses without a terminal and --yes, and changes nothing") {
  testing::TempCourse t;
  threeLessons(t);
  t.write("exercises/02-reactor/countdown.cpp", "mine\n");
  Context c = t.context();
  int status = withoutTerminal([&] { return catchUpCommand(c, "03", false); });
  CHECK(status == 2);
  CHECK(bytesOf(t.root / "exercises/02-reactor/countdown.cpp") == "mine\n");
  CHECK_FALSE(fs::exists(c.paths.backups()));
  CHECK_FALSE(c.progress.get("02-reactor/countdown").caughtUp);
  std::string said = testing::stdoutOf([&] { status = withoutTerminal([&] { return catchUpCommand(c, "03", true); }); });
  CHECK(status == 0);
  CHECK_THAT(said, twist_catch::Contains("02-reactor/countdown"));
  CHECK_THAT(said, twist_catch::Contains("Stretch, not caught up (off the workshop's path): 02-reactor/timeout"));
  CHECK_THAT(said, twist_catch::Contains("Caught up 2 exercises (2 files replaced)"));
  CHECK(bytesOf(t.root / "exercises/02-reactor/countdown.cpp") == "reference of countdown\n");
  INFO("saved in progress.json");
  CHECK(t.context().progress.get("02-reactor/countdown").caughtUp);
  said = testing::stdoutOf([&] { status = catchUpCommand(c, "03", true); });
  CHECK_THAT(said, twist_catch::Contains("Nothing to catch up"));
}

TEST_CASE("with progress lost, what is not recorded as passed is caught up too, and catch-up says so") {
  testing::TempCourse t;
  threeLessons(t);
  t.write("exercises/02-reactor/countdown.cpp", "mine, never checked\n");
  Context c = t.context();
  c.progress.setIncomplete(true);
  c.progress.of("02-reactor/heartbeat").checked = true;
  CatchUpPlan plan = planCatchUp(c.course, c.progress, "04");
  CHECK(idsOf(plan.unknown) == std::vector<std::string>{"02-reactor/countdown", "03-callbacks/session"});
  int status = -1;
  std::string said = testing::stdoutOf([&] { status = catchUpCommand(c, "04", true); });
  CHECK(status == 0);
  CHECK_THAT(said, twist_catch::Contains("none of 02-reactor/countdown, 03-callbacks/session is recorded as passed"));
  CHECK(bytesOf(t.root / "exercises/02-reactor/countdown.cpp") == "reference of countdown\n");
  CHECK(c.state(*c.course.find("02-reactor/countdown")) == ExerciseState::CaughtUp);
}

TEST_CASE("a reference that cannot be read is named, and nothing is replaced") {
  testing::TempCourse t;
  threeLessons(t);
  fs::remove(t.root / "solutions/03-callbacks/session.cpp");
  Context c = t.context();
  try {
    planCatchUp(c.course, c.progress, "04");
    FAIL("planned without the reference");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(std::string(e.what()), twist_catch::Contains("solutions/03-callbacks/session.cpp"));
  }
  CHECK(bytesOf(t.root / "exercises/02-reactor/countdown.cpp") == "starter\n");
}

TEST_CASE("a file shared with a passed exercise is never replaced, and a file shared by two is replaced once") {
  testing::TempCourse t;
  auto exercise = [](const std::string& name, const std::string& files) {
    return R"({"name":")" + name + R"(","files":[)" + files + R"(],"tests":["t.cpp"],"timeout_s":10,"hints":["a","b","c"]})";
  };
  t.write("lessons/02-reactor/lesson.json",
          R"({"id":"02-reactor","title":"R","minutes":{"talk":5,"hands_on":15},"exercises":[)" +
              exercise("one", R"("loop.hpp","one.cpp")") + "," + exercise("two", R"("loop.hpp","two.cpp")") + "," +
              exercise("three", R"("clock.hpp","three.cpp")") + "," + exercise("four", R"("clock.hpp","four.cpp")") + "]}");
  t.lesson("03-callbacks", {{"session"}});
  for (std::string file : {"loop.hpp", "one.cpp", "two.cpp", "clock.hpp", "three.cpp", "four.cpp"}) {
    t.write("exercises/02-reactor/" + file, "mine: " + file + "\n");
    t.write("solutions/02-reactor/" + file, "reference: " + file + "\n");
  }
  Context c = t.context();
  c.progress.of("02-reactor/one").markPassed("d");
  CatchUpPlan plan = planCatchUp(c.course, c.progress, "03");
  REQUIRE(plan.items.size() == 3);
  fs::path backup = newBackupFolder(c.paths);
  REQUIRE(applyCatchUp(plan, c.course, c.progress, backup) == "");
  INFO("loop.hpp is one's, which passed: two gets its own file only");
  CHECK(bytesOf(t.root / "exercises/02-reactor/loop.hpp") == "mine: loop.hpp\n");
  CHECK(bytesOf(t.root / "exercises/02-reactor/two.cpp") == "reference: two.cpp\n");
  INFO("clock.hpp, shared by three and four, neither passed: replaced once, its backup the attendee's");
  CHECK(bytesOf(t.root / "exercises/02-reactor/clock.hpp") == "reference: clock.hpp\n");
  CHECK(bytesOf(backup / "exercises/02-reactor/clock.hpp") == "mine: clock.hpp\n");
  CHECK(plan.files() == 4);  // two.cpp, clock.hpp, three.cpp, four.cpp
}

TEST_CASE("verify's table says caught up for a pass of the reference catch-up put in place, and fail for a failure") {
  CHECK(std::string(verifyWord(Verdict::Pass, true)) == "caught up");
  CHECK(std::string(verifyWord(Verdict::Pass, false)) == "pass");
  CHECK(std::string(verifyWord(Verdict::Fail, true)) == "fail");
  CHECK(std::string(verifyWord(Verdict::CompileError, false)) == "no build");
}
