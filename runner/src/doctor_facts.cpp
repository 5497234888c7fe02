// doctor_facts.cpp — see doctor_facts.hpp.
#include "doctor_facts.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "files.hpp"

namespace twistlings {

namespace fs = std::filesystem;

// Is `name` an executable file in one of $PATH's directories (bash's `command -v`)?
bool onPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return true;
  }
  return false;
}

std::string lineClientsNote(const std::function<bool(std::string_view)>& haveCommand) {
  const bool nc = haveCommand("nc"), telnet = haveCommand("telnet");
  std::string found = nc && telnet ? "nc and telnet are installed"
                      : nc         ? "nc is installed, telnet is not"
                      : telnet     ? "telnet is installed, nc is not"
                                   : "neither nc nor telnet is installed";
  return found + "; the lessons use ./twistlings connect HOST:PORT, which works the same on every machine";
}

bool runningOnMacOS() {
  struct utsname system {};
  return ::uname(&system) == 0 && std::string_view(system.sysname) == "Darwin";
}

std::string_view firstLine(std::string_view text) {
  size_t end = text.find('\n');
  std::string_view line = end == std::string_view::npos ? text : text.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// --- Package managers: the driver's tables, in C++ ---------------------------

std::string detectPackageManager(std::string_view chosen, bool isMacOS,
                                 const std::function<bool(std::string_view)>& haveCommand) {
  if (!chosen.empty()) {
    if (chosen == "apt" || chosen == "dnf" || chosen == "brew" || chosen == "none") return std::string(chosen);
    throw std::invalid_argument("TWISTLINGS_PKG_MANAGER must be apt, dnf, brew or none, not '" + std::string(chosen) +
                                "'");
  }
  if (isMacOS) return haveCommand("brew") ? "brew" : "none";
  if (haveCommand("apt-get") && haveCommand("dpkg")) return "apt";
  if (haveCommand("dnf")) return "dnf";
  if (haveCommand("brew")) return "brew";
  return "none";
}

namespace {

// What a requirement is, for a person installing it by hand.
std::string_view humanName(std::string_view requirement) {
  if (requirement == "compiler") return "g++ 12 or clang 14 (or newer)";
  if (requirement == "cmake") return "CMake >= 3.21";
  if (requirement == "ninja") return "Ninja";
  if (requirement == "pkg-config") return "pkg-config";
  if (requirement == "libuv") return "libuv >= 1.40";
  if (requirement == "catch2") return "Catch2 2 or 3";
  if (requirement == "nlohmann-json") return "nlohmann_json >= 3.10";
  if (requirement == "cli11") return "CLI11";
  if (requirement == "md4c") return "md4c";
  if (requirement == "md4c-html") return "md4c-html (md4c's HTML renderer, for the HTML slides)";
  if (requirement == "chromium") return "Chromium (optional: the HTML slides' browser test)";
  if (requirement == "twisted") return "Python's Twisted";
  if (requirement == "mold") return "the mold linker (optional)";
  throw std::invalid_argument("unknown requirement '" + std::string(requirement) + "'");
}

}  // namespace

std::string detectPackageManager() {
  const char* chosen = std::getenv("TWISTLINGS_PKG_MANAGER");
  return detectPackageManager(chosen != nullptr ? chosen : "", runningOnMacOS(), onPath);
}

std::string packageFor(std::string_view requirement, std::string_view packageManager) {
  struct Row {
    std::string_view requirement, apt, dnf, brew;
  };
  // Keep in step with package_for in ./twistlings.
  static constexpr Row table[] = {
      {"compiler", "g++", "gcc-c++", ""},
      {"cmake", "cmake", "cmake", "cmake"},
      {"ninja", "ninja-build", "ninja-build", "ninja"},
      {"pkg-config", "pkg-config", "pkgconf-pkg-config", "pkg-config"},
      {"libuv", "libuv1-dev", "libuv-devel", "libuv"},
      {"catch2", "catch2", "catch2-devel", "catch2"},
      {"nlohmann-json", "nlohmann-json3-dev", "json-devel", "nlohmann-json"},
      {"cli11", "libcli11-dev", "cli11-devel", "cli11"},
      {"md4c", "libmd4c-dev", "md4c-devel", "md4c"},
      {"md4c-html", "libmd4c-html0-dev", "md4c-devel", "md4c"},
      {"twisted", "python3-twisted", "python3-twisted", ""},
      {"chromium", "chromium", "chromium", ""},  // tests only: the HTML slides in a browser
      {"mold", "mold", "mold", ""},  // optional: quicker links (macOS's linker is not mold's)
  };
  for (const Row& row : table) {
    if (row.requirement != requirement) continue;
    if (packageManager == "apt") return std::string(row.apt);
    if (packageManager == "dnf") return std::string(row.dnf);
    if (packageManager == "brew") return std::string(row.brew);
    return "";
  }
  return "";
}

std::string installCommand(std::string_view packageManager, std::string_view packages) {
  std::string list(packages);
  if (packageManager == "apt") return "sudo apt-get update && sudo apt-get install -y " + list;
  if (packageManager == "dnf") return "sudo dnf install -y " + list;
  if (packageManager == "brew") return "brew install " + list;
  return "";
}

std::string fixCommand(std::string_view requirement, std::string_view packageManager) {
  std::string what(humanName(requirement));  // throws for an unknown requirement
  if (packageManager != "apt" && packageManager != "dnf" && packageManager != "brew")
    return "no package manager found (apt-get, dnf or brew): install " + what + " yourself";
  std::string package = packageFor(requirement, packageManager);
  if (!package.empty()) return installCommand(packageManager, package);
  // Homebrew has no compiler of its own to offer: macOS's comes with Xcode.
  if (requirement == "compiler") return "xcode-select --install";
  if (requirement == "twisted") return "python3 -m pip install twisted";
  return "install " + what + " yourself (" + std::string(packageManager) + " has no package for it)";
}

std::string sanitizerFix(std::string_view compilerFamily, int compilerMajor, std::string_view packageManager) {
  bool gcc = compilerFamily == "gcc";
  bool clang = compilerFamily == "clang" || compilerFamily == "apple-clang";
  std::string major = compilerMajor > 0 ? std::to_string(compilerMajor) : "";
  if (packageManager == "apt") {
    // Debian and Ubuntu ship the runtimes in a package per compiler version.
    if (gcc) return installCommand("apt", major.empty() ? "g++" : "libgcc-" + major + "-dev");
    if (clang) return installCommand("apt", major.empty() ? "clang" : "libclang-rt-" + major + "-dev");
  } else if (packageManager == "dnf") {
    if (gcc) return installCommand("dnf", "libasan libubsan");
    if (clang) return installCommand("dnf", "compiler-rt");
  } else if (packageManager == "brew") {
    if (gcc) return installCommand("brew", "gcc");
    if (clang) return "xcode-select --install";  // Apple clang ships both sanitizers
  }
  return "install your compiler's AddressSanitizer and UBSan runtimes (libasan and libubsan, or compiler-rt)";
}

std::string newerCompilerFix(std::string_view packageManager) {
  const std::string reconfigure = ", then start a fresh build with it: rm -rf build && ";
  if (packageManager == "apt") return installCommand("apt", "g++-12") + reconfigure + "CXX=g++-12 ./twistlings";
  if (packageManager == "dnf") return installCommand("dnf", "gcc-c++") + reconfigure + "./twistlings";
  if (packageManager == "brew") return "xcode-select --install (Xcode 14 or newer)" + reconfigure + "./twistlings";
  return "install g++ 12 or clang 14 (or newer)" + reconfigure + "CXX=<that compiler> ./twistlings";
}

// --- Versions -------------------------------------------------------------------

namespace {

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The leading number of a version part ("28" of "28rc1"), 0 when there is none.
long leadingNumber(std::string_view part) {
  long n = 0;
  for (char c : part) {
    if (!isDigit(c)) break;
    n = n * 10 + (c - '0');
  }
  return n;
}


// The first "1.2" or "1.2.3" in text that does not continue a word ("cmake3" is not a version).
std::string firstDottedNumber(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!isDigit(text[i])) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) != 0 || text[i - 1] == '.')) continue;
    size_t end = i;
    bool dotted = false;
    while (end < text.size()) {
      if (isDigit(text[end])) {
        ++end;
      } else if (text[end] == '.' && end + 1 < text.size() && isDigit(text[end + 1])) {
        dotted = true;
        ++end;
      } else {
        break;
      }
    }
    if (dotted) return std::string(text.substr(i, end - i));
    i = end;
  }
  return "";
}

}  // namespace

bool versionAtLeast(std::string_view have, std::string_view want) {
  while (!want.empty()) {
    size_t haveDot = have.find('.');
    size_t wantDot = want.find('.');
    long h = leadingNumber(have.substr(0, haveDot));
    long w = leadingNumber(want.substr(0, wantDot));
    if (h != w) return h > w;
    have = haveDot == std::string_view::npos ? std::string_view() : have.substr(haveDot + 1);
    want = wantDot == std::string_view::npos ? std::string_view() : want.substr(wantDot + 1);
  }
  return true;
}

std::string parseToolVersion(std::string_view output) { return firstDottedNumber(firstLine(output)); }

CompilerId parseCompilerVersion(std::string_view output) {
  CompilerId id;
  std::string_view line = firstLine(output);
  auto versionWord = line.find("version ");
  if (line.find("Apple clang") != std::string_view::npos) {
    id.family = "apple-clang";
  } else if (line.find("clang") != std::string_view::npos) {
    id.family = "clang";
  } else if (line.find("g++") != std::string_view::npos || line.find("GCC") != std::string_view::npos ||
             output.find("Free Software Foundation") != std::string_view::npos) {
    id.family = "gcc";
  } else {
    id.family = "unknown";
  }
  if (id.family != "gcc" && versionWord != std::string_view::npos) {
    id.version = firstDottedNumber(line.substr(versionWord));
  } else if (id.family == "gcc") {
    // "g++ (Debian 12.2.0-14) 12.2.0", "g++ (GCC) 13.2.1 20231205 (Red Hat 13.2.1-6)":
    // the version is the first one outside the parentheses (the packager's is inside).
    std::string outside;
    int depth = 0;
    for (char c : line) {
      if (c == '(') ++depth;
      outside += depth > 0 ? ' ' : c;
      if (c == ')' && depth > 0) --depth;
    }
    id.version = firstDottedNumber(outside);
  }
  if (id.version.empty()) id.version = firstDottedNumber(line);
  id.major = static_cast<int>(leadingNumber(id.version));
  return id;
}

// --- CMake's files --------------------------------------------------------------

std::optional<std::string> cmakeCacheValue(const fs::path& cacheFile, std::string_view key) {
  std::ifstream in(cacheFile);
  if (!in) return std::nullopt;
  for (std::string line; std::getline(in, line);) {
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0) continue;
    char after = line[key.size()];
    if (after != ':' && after != '=') continue;  // a longer key that starts the same
    size_t eq = line.find('=', key.size());
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return value;
  }
  return std::nullopt;
}

std::vector<std::string> compilerCommand(const fs::path& buildDir, const char* cxxEnv) {
  if (auto cached = cmakeCacheValue(buildDir / "CMakeCache.txt", "CMAKE_CXX_COMPILER"); cached && !cached->empty())
    return {*cached};
  std::vector<std::string> argv;
  if (cxxEnv != nullptr) {
    std::istringstream words(cxxEnv);
    for (std::string word; words >> word;) argv.push_back(word);
  }
  if (argv.empty()) argv.push_back("c++");
  return argv;
}

std::optional<std::string> parseCMakeVersionFile(std::string_view text) {
  constexpr std::string_view marker = "set(PACKAGE_VERSION";
  size_t at = text.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  size_t open = text.find_first_not_of(" \t", at + marker.size());
  if (open == std::string_view::npos || text[open] != '"') return std::nullopt;
  size_t close = text.find('"', open + 1);
  if (close == std::string_view::npos || close == open + 1) return std::nullopt;
  return std::string(text.substr(open + 1, close - open - 1));
}

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The version in dir's <name>ConfigVersion.cmake or <name>-config-version.cmake.
std::optional<FoundPackage> versionIn(const fs::path& dir, std::string_view name) {
  for (const std::string& file : {std::string(name) + "ConfigVersion.cmake", lowercase(name) + "-config-version.cmake"}) {
    if (auto text = readFile(dir / file)) {
      if (auto version = parseCMakeVersionFile(*text)) return FoundPackage{*version, dir};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<FoundPackage> findCMakePackage(std::string_view name, const fs::path& buildDir,
                                             const std::vector<fs::path>& prefixes) {
  // What the build found first: that is the one it compiles against.
  if (auto dir = cmakeCacheValue(buildDir / "CMakeCache.txt", std::string(name) + "_DIR");
      dir && !dir->empty() && dir->find("-NOTFOUND") == std::string::npos) {
    if (auto found = versionIn(*dir, name)) return found;
  }
  std::error_code ec;
  for (const fs::path& prefix : prefixes) {
    std::vector<fs::path> dirs = {prefix / "lib" / "cmake", prefix / "lib64" / "cmake"};
    // <prefix>/lib/<multiarch triplet>/cmake, as on Debian and Ubuntu.
    for (fs::directory_iterator entry(prefix / "lib", ec), end; !ec && entry != end; entry.increment(ec)) {
      if (entry->is_directory(ec) && fs::is_directory(entry->path() / "cmake", ec)) dirs.push_back(entry->path() / "cmake");
    }
    ec.clear();
    dirs.push_back(prefix / "share" / "cmake");
    for (const fs::path& dir : dirs) {
      if (auto found = versionIn(dir / std::string(name), name)) return found;
    }
  }
  return std::nullopt;
}

std::vector<fs::path> defaultPackagePrefixes() {
  std::vector<fs::path> prefixes;
  if (const char* extra = std::getenv("CMAKE_PREFIX_PATH"); extra != nullptr) {
    std::stringstream entries(extra);
    for (std::string entry; std::getline(entries, entry, ':');) {
      if (!entry.empty()) prefixes.emplace_back(entry);
    }
  }
  for (const char* prefix : {"/usr/local", "/usr", "/opt/homebrew"}) prefixes.emplace_back(prefix);
  return prefixes;
}

}  // namespace twistlings
