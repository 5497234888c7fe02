// doctor: the pure parts (package names and fix commands, versions, CMake's
// files) with made-up inputs, then the real doctor under react() on this
// machine, where everything the course needs is installed.
#include "doctor.hpp"
#include "doctor_facts.hpp"

#include <stdlib.h>
#include <uv.h>

#include <CLI/Version.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "paths.hpp"
#include "react.hpp"
#include "terminal.hpp"
#include "twist_catch.hpp"
#if TWIST_CATCH_MAJOR == 3
#include <catch2/catch_version_macros.hpp>
#endif

using twist_catch::Contains;
using namespace twistlings;
namespace fs = std::filesystem;

namespace {

// A fresh directory (mkdtemp), removed with everything in it at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "twistlings-doctor-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void writeFile(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file);
  out << text;
  REQUIRE(out.good());
}

// Sets an environment variable for one test and puts the old value back.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
    if (const char* was = std::getenv(name.c_str())) old = was;
    if (value != nullptr) {
      ::setenv(name.c_str(), value, 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ~ScopedEnv() {
    if (old) {
      ::setenv(name.c_str(), old->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

// A haveCommand that knows only these programs.
std::function<bool(std::string_view)> only(std::vector<std::string> programs) {
  return [programs](std::string_view name) {
    for (const auto& p : programs)
      if (p == name) return true;
    return false;
  };
}

// The lines of text, without their newline.
std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line that starts with prefix, or "" when none does.
std::string lineStartingWith(const std::string& text, const std::string& prefix) {
  for (const auto& line : linesOf(text))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

// The line right after the one that starts with prefix ("" when none).
std::string lineAfter(const std::string& text, const std::string& prefix) {
  auto lines = linesOf(text);
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (lines[i].rfind(prefix, 0) == 0) return lines[i + 1];
  return "";
}

struct DoctorRun {
  int code = -1;
  std::string output;
};

DoctorRun runDoctor(const Paths& paths) {
  DoctorRun run;
  term::Painter plain(false);
  run.code = react([&](twist::Reactor& reactor) {
    return doctor(reactor, paths, plain, [&run](std::string_view text) { run.output += text; });
  });
  return run;
}

}  // namespace

// --- package managers and fixes -------------------------------------------------

TEST_CASE("the package manager is the one TWISTLINGS_PKG_MANAGER names, else the first of apt dnf and brew found") {
  auto everything = only({"apt-get", "dpkg", "dnf", "brew"});
  CHECK(detectPackageManager("dnf", false, everything) == "dnf");
  CHECK(detectPackageManager("none", false, everything) == "none");
  CHECK(detectPackageManager("", false, everything) == "apt");
  CHECK(detectPackageManager("", false, only({"apt-get", "dnf"})) == "dnf");  // apt needs dpkg too
  CHECK(detectPackageManager("", false, only({"brew"})) == "brew");
  CHECK(detectPackageManager("", false, only({})) == "none");
  CHECK(detectPackageManager("", true, everything) == "brew");  // macOS: only Homebrew counts
  CHECK(detectPackageManager("", true, only({"apt-get", "dpkg"})) == "none");
}

TEST_CASE("an unknown TWISTLINGS_PKG_MANAGER is refused with the values it may take") {
  REQUIRE_THROWS_AS(detectPackageManager("pacman", false, only({})), std::invalid_argument);
  try {
    detectPackageManager("pacman", false, only({}));
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Contains("apt, dnf, brew or none"));
    CHECK_THAT(e.what(), Contains("pacman"));
  }
}

TEST_CASE("the package manager found on this machine follows TWISTLINGS_PKG_MANAGER") {
  ScopedEnv env("TWISTLINGS_PKG_MANAGER", "brew");
  CHECK(detectPackageManager() == "brew");
}

TEST_CASE("package names are those of package_for in the twistlings driver script") {
  std::ifstream script(Paths::discover().root / "twistlings");
  REQUIRE(script.good());
  std::stringstream text;
  text << script.rdbuf();
  std::string body = text.str();
  // Lines such as:   apt:libuv) echo libuv1-dev ;;       dnf:libuv) echo libuv-devel ;;
  std::regex entry(R"(\b(apt|dnf|brew):([a-z0-9-]+)\) echo ([^;]+?) ;;)");
  int compared = 0;
  for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it) {
    std::string manager = (*it)[1], requirement = (*it)[2], package = (*it)[3];
    INFO(manager << ":" << requirement);
    CHECK(packageFor(requirement, manager) == package);
    ++compared;
  }
  CHECK(compared >= 27);  // every requirement, for the three managers (the compiler has no brew package)
  CHECK(packageFor("compiler", "brew").empty());
  CHECK(packageFor("libuv", "none").empty());
  CHECK(packageFor("no-such-thing", "apt").empty());
}

TEST_CASE("the install command is the driver install hint for apt dnf and brew") {
  CHECK(installCommand("apt", "libuv1-dev cmake") == "sudo apt-get update && sudo apt-get install -y libuv1-dev cmake");
  CHECK(installCommand("dnf", "libuv-devel") == "sudo dnf install -y libuv-devel");
  CHECK(installCommand("brew", "libuv") == "brew install libuv");
  CHECK(installCommand("none", "libuv").empty());
}

TEST_CASE("the fix for a missing requirement installs its package with the package manager found") {
  CHECK(fixCommand("libuv", "apt") == "sudo apt-get update && sudo apt-get install -y libuv1-dev");
  CHECK(fixCommand("nlohmann-json", "dnf") == "sudo dnf install -y json-devel");
  CHECK(fixCommand("ninja", "brew") == "brew install ninja");
  CHECK(fixCommand("pkg-config", "dnf") == "sudo dnf install -y pkgconf-pkg-config");
  for (std::string_view requirement : kRequirements) {
    for (std::string_view manager : {"apt", "dnf", "brew"}) {
      INFO(std::string(manager) << ":" << std::string(requirement));
      std::string package = packageFor(requirement, manager);
      if (package.empty()) {
        CHECK(fixCommand(requirement, manager) == "xcode-select --install");  // the compiler on macOS
      } else {
        CHECK(fixCommand(requirement, manager) == installCommand(manager, package));
      }
    }
  }
}

TEST_CASE("without a package manager the fix says what to install by hand, with the version needed") {
  CHECK_THAT(fixCommand("libuv", "none"), Contains("install libuv >= 1.40 yourself"));
  CHECK_THAT(fixCommand("cmake", "none"), Contains("CMake >= 3.21"));
  CHECK_THAT(fixCommand("compiler", "none"), Contains("g++ 12 or clang 14"));
}

TEST_CASE("a fix for a requirement the driver does not know is refused") {
  REQUIRE_THROWS_AS(fixCommand("boost", "apt"), std::invalid_argument);
}

TEST_CASE("the sanitizer fix installs the runtime package of the compiler in use") {
  CHECK(sanitizerFix("gcc", 12, "apt") == "sudo apt-get update && sudo apt-get install -y libgcc-12-dev");
  CHECK(sanitizerFix("clang", 14, "apt") == "sudo apt-get update && sudo apt-get install -y libclang-rt-14-dev");
  CHECK(sanitizerFix("gcc", 13, "dnf") == "sudo dnf install -y libasan libubsan");
  CHECK(sanitizerFix("clang", 17, "dnf") == "sudo dnf install -y compiler-rt");
  CHECK(sanitizerFix("apple-clang", 15, "brew") == "xcode-select --install");
  CHECK_THAT(sanitizerFix("gcc", 12, "none"), Contains("libasan"));
}

TEST_CASE("the fix for an old compiler installs a newer one and configures a fresh build with it") {
  CHECK_THAT(newerCompilerFix("apt"), Contains("sudo apt-get install -y g++-12"));
  CHECK_THAT(newerCompilerFix("apt"), Contains("rm -rf build && CXX=g++-12 ./twistlings"));
  CHECK_THAT(newerCompilerFix("dnf"), Contains("sudo dnf install -y gcc-c++"));
  CHECK_THAT(newerCompilerFix("brew"), Contains("xcode-select --install"));
}

TEST_CASE("doctor's note on line clients says which of nc and telnet are here and points at twistlings connect") {
  CHECK(lineClientsNote(only({"nc", "telnet"})) ==
        "nc and telnet are installed; the lessons use ./twistlings connect HOST:PORT, which works the same on every machine");
  CHECK_THAT(lineClientsNote(only({"nc"})), Contains("nc is installed, telnet is not;"));
  CHECK_THAT(lineClientsNote(only({"telnet"})), Contains("telnet is installed, nc is not;"));
  CHECK_THAT(lineClientsNote(only({"ncat", "busybox"})), Contains("neither nc nor telnet is installed;"));
  CHECK_THAT(lineClientsNote(only({})), Contains("./twistlings connect HOST:PORT"));
}

// --- versions ------------------------------------------------------------------------

TEST_CASE("versions compare part by part as numbers") {
  CHECK(versionAtLeast("3.25.1", "3.21"));
  CHECK(versionAtLeast("3.21", "3.21"));
  CHECK(versionAtLeast("3.21.0", "3.21"));
  CHECK_FALSE(versionAtLeast("3.9.6", "3.21"));  // 9 < 21, though "9" > "2" as text
  CHECK_FALSE(versionAtLeast("3.20.9", "3.21"));
  CHECK(versionAtLeast("1.44.2", "1.40"));
  CHECK_FALSE(versionAtLeast("1.34.2", "1.40"));
  CHECK(versionAtLeast("4.0", "3.21"));
  CHECK(versionAtLeast("3.28.0-rc1", "3.28"));
  CHECK_FALSE(versionAtLeast("", "1.40"));
}

TEST_CASE("the version of cmake and ninja is read from the first line they print") {
  CHECK(parseToolVersion("cmake version 3.25.1\n\nCMake suite maintained and supported by Kitware (kitware.com/cmake).\n") ==
        "3.25.1");
  CHECK(parseToolVersion("cmake3 version 3.20.2\n") == "3.20.2");
  CHECK(parseToolVersion("1.11.1\n") == "1.11.1");
  CHECK(parseToolVersion("cmake version 3.28.0-rc1\n") == "3.28.0");
  CHECK(parseToolVersion("no version here\n1.2.3\n").empty());
}

TEST_CASE("the compiler family and version are read from the first line of its --version") {
  auto gcc = parseCompilerVersion(
      "g++ (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.\n");
  CHECK(gcc.family == "gcc");
  CHECK(gcc.version == "12.2.0");
  CHECK(gcc.major == 12);

  auto fedora = parseCompilerVersion("g++ (GCC) 13.2.1 20231205 (Red Hat 13.2.1-6)\n");
  CHECK(fedora.family == "gcc");
  CHECK(fedora.version == "13.2.1");

  auto ubuntu = parseCompilerVersion("c++ (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0\nCopyright (C) 2021 Free Software Foundation, Inc.\n");
  CHECK(ubuntu.family == "gcc");
  CHECK(ubuntu.major == 11);

  auto clang = parseCompilerVersion("Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\n");
  CHECK(clang.family == "clang");
  CHECK(clang.version == "14.0.6");
  CHECK(clang.major == 14);

  auto apple = parseCompilerVersion("Apple clang version 15.0.0 (clang-1500.1.0.2.5)\nTarget: arm64-apple-darwin23.2.0\n");
  CHECK(apple.family == "apple-clang");
  CHECK(apple.version == "15.0.0");

  auto upstream = parseCompilerVersion("clang version 17.0.6 (https://github.com/llvm/llvm-project 6009708b4367171ccdbf4b5905cb6a803753fe18)\n");
  CHECK(upstream.family == "clang");
  CHECK(upstream.major == 17);

  CHECK(parseCompilerVersion("Some Compiler 2024.0.0\n").family == "unknown");
}

// --- CMake's files -------------------------------------------------------------

TEST_CASE("a value is read from a CMakeCache.txt by its exact key") {
  TempDir dir;
  writeFile(dir.path / "CMakeCache.txt",
            "# This is the CMakeCache file.\n"
            "//CXX compiler\n"
            "CMAKE_CXX_COMPILER_AR:FILEPATH=/usr/bin/gcc-ar-12\n"
            "CMAKE_CXX_COMPILER:FILEPATH=/usr/bin/g++-12\n"
            "CMAKE_BUILD_TYPE:STRING=\n"
            "Catch2_DIR:PATH=/usr/lib/cmake/Catch2\n");
  CHECK(cmakeCacheValue(dir.path / "CMakeCache.txt", "CMAKE_CXX_COMPILER") == std::optional<std::string>("/usr/bin/g++-12"));
  CHECK(cmakeCacheValue(dir.path / "CMakeCache.txt", "Catch2_DIR") == std::optional<std::string>("/usr/lib/cmake/Catch2"));
  CHECK(cmakeCacheValue(dir.path / "CMakeCache.txt", "CMAKE_BUILD_TYPE") == std::optional<std::string>(""));
  CHECK_FALSE(cmakeCacheValue(dir.path / "CMakeCache.txt", "CMAKE_C_COMPILER").has_value());
  CHECK_FALSE(cmakeCacheValue(dir.path / "missing" / "CMakeCache.txt", "CMAKE_CXX_COMPILER").has_value());
}

TEST_CASE("the compiler checked is the one in the build cache, else CXX, else c++") {
  TempDir withCache;
  writeFile(withCache.path / "CMakeCache.txt", "CMAKE_CXX_COMPILER:FILEPATH=/opt/my compilers/clang++\n");
  TempDir empty;
  CHECK(compilerCommand(withCache.path, "g++-13") == std::vector<std::string>{"/opt/my compilers/clang++"});
  CHECK(compilerCommand(empty.path, "g++-13") == std::vector<std::string>{"g++-13"});
  CHECK(compilerCommand(empty.path, "ccache  g++") == std::vector<std::string>{"ccache", "g++"});
  CHECK(compilerCommand(empty.path, nullptr) == std::vector<std::string>{"c++"});
  CHECK(compilerCommand(empty.path, "") == std::vector<std::string>{"c++"});
}

TEST_CASE("a CMake package version file gives its PACKAGE_VERSION") {
  CHECK(parseCMakeVersionFile("# comment\nset(PACKAGE_VERSION \"3.11.2\")\nif(PACKAGE_VERSION VERSION_LESS 3)\n") ==
        std::optional<std::string>("3.11.2"));
  CHECK(parseCMakeVersionFile("set(PACKAGE_VERSION  \"2.13.10\")") == std::optional<std::string>("2.13.10"));
  CHECK_FALSE(parseCMakeVersionFile("set(PACKAGE_VERSION_EXACT TRUE)").has_value());
  CHECK_FALSE(parseCMakeVersionFile("").has_value());
}

TEST_CASE("a CMake package is found through the build cache first, then under the prefixes") {
  TempDir root;
  fs::path prefix = root.path / "prefix";
  writeFile(prefix / "lib" / "x86_64-linux-gnu" / "cmake" / "Catch2" / "Catch2ConfigVersion.cmake",
            "set(PACKAGE_VERSION \"3.4.0\")\n");
  writeFile(prefix / "share" / "cmake" / "CLI11" / "cli11-config-version.cmake", "set(PACKAGE_VERSION \"2.3.2\")\n");
  writeFile(root.path / "elsewhere" / "Catch2ConfigVersion.cmake", "set(PACKAGE_VERSION \"2.13.10\")\n");
  fs::path build = root.path / "build";
  writeFile(build / "CMakeCache.txt", "Catch2_DIR:PATH=" + (root.path / "elsewhere").string() + "\n");
  fs::path noBuild = root.path / "no-build";

  auto cached = findCMakePackage("Catch2", build, {prefix});
  REQUIRE(cached.has_value());
  CHECK(cached->version == "2.13.10");  // what the build uses wins
  CHECK(cached->where == root.path / "elsewhere");

  auto multiarch = findCMakePackage("Catch2", noBuild, {prefix});
  REQUIRE(multiarch.has_value());
  CHECK(multiarch->version == "3.4.0");

  auto lowercaseFile = findCMakePackage("CLI11", noBuild, {prefix});
  REQUIRE(lowercaseFile.has_value());
  CHECK(lowercaseFile->version == "2.3.2");

  CHECK_FALSE(findCMakePackage("nlohmann_json", noBuild, {prefix}).has_value());
}

TEST_CASE("CMAKE_PREFIX_PATH comes first among the prefixes searched for CMake packages") {
  ScopedEnv env("CMAKE_PREFIX_PATH", "/opt/one:/opt/two");
  auto prefixes = defaultPackagePrefixes();
  REQUIRE(prefixes.size() >= 4);
  CHECK(prefixes[0] == fs::path("/opt/one"));
  CHECK(prefixes[1] == fs::path("/opt/two"));
  CHECK(std::find(prefixes.begin(), prefixes.end(), fs::path("/usr")) != prefixes.end());
}

// --- the real doctor -------------------------------------------------------------

TEST_CASE("doctor passes every check on this machine and prints each as it completes") {
  TempDir state;
  Paths paths = Paths::discover();
  paths.state = state.path / ".twistlings";
  DoctorRun run = runDoctor(paths);
  INFO(run.output);
  CHECK(run.code == 0);
  CHECK(run.output.find("✗") == std::string::npos);

  // One line per check: the compiler, the build tools, the libraries, the network, the watcher, the sanitizers.
  CHECK_THAT(lineStartingWith(run.output, "✓ compiler: "), Contains("(C++20: yes)"));
  CHECK(run.output.find("checking the compiler…\n") < run.output.find("✓ compiler: "));
  CHECK_THAT(lineStartingWith(run.output, "✓ cmake: "), Contains("3."));
  CHECK(lineStartingWith(run.output, "✓ ninja: ") != "");
  CHECK(lineStartingWith(run.output, "✓ pkg-config: ") != "");
  // The versions are those of the headers this test was compiled with.
  CHECK_THAT(lineStartingWith(run.output, "✓ libuv: "), Contains(std::to_string(UV_VERSION_MAJOR) + "." + std::to_string(UV_VERSION_MINOR) + "." +
                      std::to_string(UV_VERSION_PATCH)));
  CHECK(lineStartingWith(run.output, "✓ md4c: ") != "");
  CHECK_THAT(lineStartingWith(run.output, "✓ nlohmann_json: "),
             Contains(std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                      "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH)));
  CHECK_THAT(lineStartingWith(run.output, "✓ CLI11: "), Contains(CLI11_VERSION));
  CHECK_THAT(lineStartingWith(run.output, "✓ Catch2: "),
             Contains(std::to_string(CATCH_VERSION_MAJOR) + "." + std::to_string(CATCH_VERSION_MINOR) + "." +
                      std::to_string(CATCH_VERSION_PATCH)));
  CHECK_THAT(lineStartingWith(run.output, "✓ network: "), Contains("127.0.0.1"));
  // Information, neither a warning nor a problem: what this machine has, and connect.
  CHECK(lineStartingWith(run.output, "· line clients: ") == "· line clients: " + lineClientsNote(onPath));
  CHECK(lineStartingWith(run.output, "✓ file watcher: ") != "");
  CHECK(lineStartingWith(run.output, "✓ sanitizers: ") != "");
  CHECK_THAT(run.output, Contains("All checks passed"));

  // The scratch directories are gone.
  CHECK_FALSE(fs::exists(paths.state / "doctor"));
}

TEST_CASE("doctor reports a compiler that cannot be started with the command that installs one and fails") {
  ScopedEnv manager("TWISTLINGS_PKG_MANAGER", "apt");
  TempDir root;
  Paths paths = Paths::discover();
  paths.state = root.path / ".twistlings";
  paths.build = root.path / "build";
  writeFile(paths.build / "CMakeCache.txt", "CMAKE_CXX_COMPILER:FILEPATH=/nonexistent/twistlings-no-such-c++\n");
  DoctorRun run = runDoctor(paths);
  INFO(run.output);
  CHECK(run.code == 1);
  CHECK_THAT(lineStartingWith(run.output, "✗ compiler: "), Contains("/nonexistent/twistlings-no-such-c++ is not installed"));
  CHECK(lineAfter(run.output, "✗ compiler: ") == "    fix: sudo apt-get update && sudo apt-get install -y g++");
  CHECK_THAT(lineStartingWith(run.output, "! sanitizers: "), Contains("not checked"));
  // Without the build's cache, the libraries are still found under the usual prefixes.
  CHECK(lineStartingWith(run.output, "✓ Catch2: ") != "");
  CHECK(lineStartingWith(run.output, "✓ network: ") != "");
  CHECK_THAT(run.output, Contains("1 problem: run the fix commands above"));
  CHECK_FALSE(fs::exists(paths.state / "doctor"));
}

TEST_CASE("doctor gives up on a compiler that does not answer and goes on with the other checks") {
  TempDir root;
  Paths paths = Paths::discover();
  paths.state = root.path / ".twistlings";
  paths.build = root.path / "build";
  fs::path hanging = root.path / "hanging-c++";
  writeFile(hanging, "#!/bin/sh\nexec sleep 60\n");
  fs::permissions(hanging, fs::perms::owner_all);
  writeFile(paths.build / "CMakeCache.txt", "CMAKE_CXX_COMPILER:FILEPATH=" + hanging.string() + "\n");
  auto started = std::chrono::steady_clock::now();
  DoctorRun run = runDoctor(paths);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(run.output);
  CHECK(run.code == 1);
  CHECK_THAT(lineStartingWith(run.output, "✗ compiler: "), Contains("killed after the timeout"));
  CHECK(lineStartingWith(run.output, "✓ network: ") != "");
  CHECK(seconds < 20);  // the 10 s timeout, and the other checks
}
