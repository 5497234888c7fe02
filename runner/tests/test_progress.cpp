// Tests for progress.hpp: progress that survives restarts, written atomically,
// and a corrupt file moved aside rather than a crash.
#include "progress.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "twist_catch.hpp"

using namespace twistlings;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("twistlings-progress-" + std::to_string(::getpid()) + "-" + std::to_string(n()++));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  static int& n() {
    static int count = 0;
    return count;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("progress saved is progress loaded") {
  TempDir dir;
  {
    Progress p = Progress::load(dir.path);
    CHECK_FALSE(p.done("02-reactor/countdown"));
    p.of("02-reactor/countdown").done = true;
    p.of("02-reactor/countdown").checked = true;
    p.of("04-deferreds/lookup").hintsShown = 2;
    p.of("04-deferreds/lookup").lastStatus = "fail";
    p.save();
  }
  Progress again = Progress::load(dir.path);
  CHECK(again.done("02-reactor/countdown"));
  CHECK(again.get("02-reactor/countdown").checked);
  CHECK(again.get("04-deferreds/lookup").hintsShown == 2);
  CHECK(again.get("04-deferreds/lookup").lastStatus == "fail");
  CHECK_FALSE(again.done("04-deferreds/lookup"));
}

TEST_CASE("a corrupt progress file is moved aside with a warning and progress starts again") {
  TempDir dir;
  std::ofstream(dir.path / "progress.json") << "{ this is not json";
  std::string warning;
  Progress p = Progress::load(dir.path, &warning);
  CHECK_THAT(warning, twist_catch::Contains("could not be read"));
  CHECK_THAT(warning, twist_catch::Contains("progress.json.corrupt-"));
  CHECK_FALSE(p.done("02-reactor/countdown"));
  CHECK_FALSE(fs::exists(dir.path / "progress.json"));
  int aside = 0;
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    if (entry.path().filename().string().rfind("progress.json.corrupt-", 0) == 0) {
      ++aside;
      CHECK(slurp(entry.path()) == "{ this is not json");  // kept as it was
    }
  }
  CHECK(aside == 1);
  p.of("x/y").done = true;
  p.save();
  CHECK(Progress::load(dir.path).done("x/y"));
}

TEST_CASE("valid json of the wrong shape counts as corrupt too") {
  TempDir dir;
  std::ofstream(dir.path / "progress.json") << "[1, 2, 3]";
  std::string warning;
  Progress::load(dir.path, &warning);
  CHECK_FALSE(warning.empty());
}

TEST_CASE("an atomic write replaces the file whole and leaves no temporary file") {
  TempDir dir;
  fs::path file = dir.path / "sub" / "f.json";
  writeFileAtomically(file, "first");
  writeFileAtomically(file, "second");
  CHECK(slurp(file) == "second");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path / "sub")) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("an atomic write into a directory that cannot be written throws naming the path") {
  if (::geteuid() == 0) {
    // root writes anywhere: use a path under a regular file instead
    TempDir dir;
    std::ofstream(dir.path / "plain") << "x";
    CHECK_THROWS_WITH(writeFileAtomically(dir.path / "plain" / "f.json", "x"), twist_catch::Contains("plain/f.json"));
    return;
  }
  CHECK_THROWS_WITH(writeFileAtomically("/proc/twistlings-cannot/f.json", "x"), twist_catch::Contains("/proc/twistlings-cannot/f.json"));
}

TEST_CASE("the digest of a pass and a lost progress are kept across restarts") {
  TempDir dir;
  {
    Progress p = Progress::load(dir.path);
    CHECK_FALSE(p.existed());
    CHECK_FALSE(p.incomplete());
    p.of("02-reactor/countdown").done = true;
    p.of("02-reactor/countdown").passDigest = "0123456789abcdef";
    p.setIncomplete(true);
    p.save();
  }
  Progress again = Progress::load(dir.path);
  CHECK(again.existed());
  CHECK(again.get("02-reactor/countdown").passDigest == "0123456789abcdef");
  INFO("incomplete survives a restart until every exercise has been checked again");
  CHECK(again.incomplete());
  again.setIncomplete(false);
  again.save();
  CHECK_FALSE(Progress::load(dir.path).incomplete());
  CHECK_THAT(slurp(dir.path / "progress.json"), !twist_catch::Contains("incomplete"));
}

TEST_CASE("a corrupt progress file did not exist as far as progress goes") {
  TempDir dir;
  std::ofstream(dir.path / "progress.json") << R"({"incomplete": true, "exercises": 7})";
  Progress p = Progress::load(dir.path);
  CHECK_FALSE(p.existed());
  CHECK_FALSE(p.incomplete());
}

TEST_CASE("the files digest changes with a file's content, name, or absence") {
  TempDir dir;
  fs::path a = dir.path / "a.cpp", b = dir.path / "b.cpp";
  std::ofstream(a) << "int x;\n";
  std::ofstream(b) << "int y;\n";
  std::string before = filesDigest({a, b});
  CHECK(before.size() == 16);
  CHECK(filesDigest({a, b}) == before);
  std::ofstream(a) << "int x = 1;\n";
  CHECK(filesDigest({a, b}) != before);
  std::ofstream(a) << "int x;\n";
  CHECK(filesDigest({a, b}) == before);
  INFO("the same bytes split differently between two files are not the same files");
  std::ofstream(a) << "X";
  std::ofstream(b) << "b.cppY";
  std::string one = filesDigest({a, b});  // bytes "a.cpp" "X" "b.cpp" "b.cppY"
  std::ofstream(a) << "Xb.cpp";
  std::ofstream(b) << "Y";
  CHECK(filesDigest({a, b}) != one);      // bytes "a.cpp" "Xb.cpp" "b.cpp" "Y": the same, run together
  std::ofstream(a) << "int x;\n";
  std::ofstream(b) << "int y;\n";
  fs::remove(b);
  CHECK(filesDigest({a, b}) != before);
}

TEST_CASE("caught up is saved apart from done, and only a pass of other files than the reference makes it done") {
  TempDir dir;
  {
    Progress p = Progress::load(dir.path);
    p.of("03-callbacks/session").markCaughtUp("ref1");
    p.save();
  }
  Progress again = Progress::load(dir.path);
  ExerciseProgress& session = again.of("03-callbacks/session");
  CHECK(session.caughtUp);
  CHECK(session.caughtUpDigest == "ref1");
  CHECK_FALSE(session.done);
  CHECK_THAT(slurp(dir.path / "progress.json"), twist_catch::Contains("\"caught_up\": true"));
  session.markPassed("ref1");
  CHECK(session.caughtUp);
  CHECK_FALSE(session.done);
  session.markPassed("mine");
  CHECK(session.done);
  CHECK(session.passDigest == "mine");
  CHECK_FALSE(session.caughtUp);
  again.save();
  CHECK_THAT(slurp(dir.path / "progress.json"), !twist_catch::Contains("caught_up"));
  INFO("a done exercise caught up (reset, then catch-up) is not done");
  session.markCaughtUp("ref2");
  CHECK_FALSE(session.done);
  CHECK(session.passDigest.empty());
}
