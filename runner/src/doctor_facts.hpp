// doctor_facts.hpp — what `twistlings doctor` knows, as plain functions:
// the package that provides each requirement on apt, dnf and brew (the same
// tables as the ./twistlings driver), the command that installs it, version
// numbers and how to compare them, and where CMake keeps what it found.
// No I/O beyond reading a file or PATH; doctor.cpp does the checking.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twistlings {

// Is `name` an executable file in one of $PATH's directories (bash's `command -v`)?
bool onPath(std::string_view name);
// True on macOS (uname).
bool runningOnMacOS();
// The first line of a program's output, without its newline.
std::string_view firstLine(std::string_view text);

// The requirements, named as the driver script names them (its REQUIREMENTS).
inline constexpr std::string_view kRequirements[] = {"compiler", "cmake",         "ninja", "pkg-config", "libuv",
                                                      "catch2",   "nlohmann-json", "cli11", "md4c",
                                                      "md4c-html"};

// "apt", "dnf", "brew" or "none", as the driver decides: `chosen` (the value
// of $TWISTLINGS_PKG_MANAGER, "" when unset) when given — it must be one of
// those four, else std::invalid_argument; otherwise brew (or none) on macOS,
// apt where apt-get and dpkg are, then dnf, then brew, else none.
std::string detectPackageManager(std::string_view chosen, bool isMacOS,
                                 const std::function<bool(std::string_view)>& haveCommand);
// The same for this machine (the environment, uname and PATH).
std::string detectPackageManager();

// The package that provides a requirement ("" when the manager has none:
// the compiler on brew, anything on "none"). The driver's package_for.
std::string packageFor(std::string_view requirement, std::string_view packageManager);
// The command that installs `packages` (a space-separated list). The driver's install_hint.
std::string installCommand(std::string_view packageManager, std::string_view packages);
// What to run (or do) to get a requirement: installCommand(packageFor(...)),
// `xcode-select --install` for the compiler on macOS, or, without a package
// manager, a sentence saying what to install by hand.
std::string fixCommand(std::string_view requirement, std::string_view packageManager);
// What makes -fsanitize=address,undefined link, for this compiler:
// compilerFamily is "gcc", "clang" or "apple-clang"; compilerMajor its major version.
std::string sanitizerFix(std::string_view compilerFamily, int compilerMajor, std::string_view packageManager);

// What doctor says about the line clients people reach for to talk to a
// server: which of nc and telnet this machine has, and that the lessons use
// `./twistlings connect HOST:PORT`, which needs neither and behaves the same
// everywhere (nc's options differ between systems; telnet is often absent).
// Information, never a problem.
std::string lineClientsNote(const std::function<bool(std::string_view)>& haveCommand);

// What to do when the compiler is too old for twist (g++ 12 or clang 14 and
// newer): install one, and configure a fresh build with it.
std::string newerCompilerFix(std::string_view packageManager);

// Dotted numeric comparison, as the driver's version_at_least: "3.25.1" >= "3.21";
// a part's non-digit tail is ignored ("3.28.0-rc1" is 3.28.0).
bool versionAtLeast(std::string_view have, std::string_view want);

// The first line of `cmake --version` or `ninja --version`: the first dotted
// number ("cmake version 3.25.1" -> "3.25.1"); "" when there is none.
std::string parseToolVersion(std::string_view output);

struct CompilerId {
  std::string family;   // "gcc", "clang", "apple-clang" or "unknown"
  std::string version;  // "12.2.0"; "" when not found
  int major = 0;
};
// From the output of `c++ --version`: "g++ (Debian 12.2.0-14) 12.2.0",
// "Debian clang version 14.0.6", "Apple clang version 15.0.0 (clang-1500.1.0.2.5)".
CompilerId parseCompilerVersion(std::string_view output);

// The value of `key` in a CMakeCache.txt ("KEY:TYPE=VALUE" lines); nullopt
// when the file or the key is not there.
std::optional<std::string> cmakeCacheValue(const std::filesystem::path& cacheFile, std::string_view key);
// The compiler CMake uses: CMAKE_CXX_COMPILER from buildDir/CMakeCache.txt,
// else $CXX (cxxEnv, split at spaces: "ccache g++"), else "c++".
std::vector<std::string> compilerCommand(const std::filesystem::path& buildDir, const char* cxxEnv);

// PACKAGE_VERSION from a CMake package version file (`set(PACKAGE_VERSION "3.11.2")`).
std::optional<std::string> parseCMakeVersionFile(std::string_view text);

struct FoundPackage {
  std::string version;
  std::filesystem::path where;  // the directory of its version file
};
// A CMake package's version, looked for where find_package looks: first the
// <name>_DIR the build recorded in buildDir/CMakeCache.txt, then
// <prefix>/{lib,lib64,lib/*,share}/cmake/<name>/ for each prefix, reading
// <name>ConfigVersion.cmake or <lowercase name>-config-version.cmake.
std::optional<FoundPackage> findCMakePackage(std::string_view name, const std::filesystem::path& buildDir,
                                             const std::vector<std::filesystem::path>& prefixes);
// /usr, /usr/local, /opt/homebrew and each entry of $CMAKE_PREFIX_PATH.
std::vector<std::filesystem::path> defaultPackagePrefixes();

}  // namespace twistlings
