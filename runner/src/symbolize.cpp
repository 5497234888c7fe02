// symbolize.cpp — see symbolize.hpp.
#include "symbolize.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "subprocess.hpp"
#include "twist/process.hpp"

namespace twistlings {

namespace {

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "file:31", "file:31:7", "??:0", "file:31 (discriminator 2)" into frame's file and line.
void readLocation(std::string_view location, StackFrame& frame) {
  if (size_t cut = location.find(" ("); cut != std::string_view::npos) location = location.substr(0, cut);
  size_t last = location.rfind(':');
  if (last == std::string_view::npos) return;
  std::string_view after = location.substr(last + 1);
  std::string_view file = location.substr(0, last);
  std::string_view line = after;
  if (size_t before = file.rfind(':'); before != std::string_view::npos && allDigits(file.substr(before + 1)) &&
                                       allDigits(after)) {
    line = file.substr(before + 1);  // file:line:column
    file = file.substr(0, before);
  }
  if (file == "??" || file.empty()) return;
  frame.file = std::string(file);
  frame.line = allDigits(line) ? std::atoi(std::string(line).c_str()) : 0;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    start = end + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Whether path ends with tail at a boundary between path components.
bool endsWithPath(const std::string& path, const std::string& tail) {
  if (tail.empty() || path.size() < tail.size()) return false;
  if (path.compare(path.size() - tail.size(), tail.size(), tail) != 0) return false;
  return path.size() == tail.size() || path[path.size() - tail.size() - 1] == '/';
}

}  // namespace

std::vector<std::optional<std::uint64_t>> lookupAddresses(const std::vector<std::string>& frames) {
  std::vector<std::optional<std::uint64_t>> addresses;
  bool sawProgram = false;
  size_t interrupted = frames.size();  // none
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].empty()) {
      // The handler's frames are the program's; the first frame outside it after
      // them is the signal trampoline, and the next one the interrupted code.
      if (sawProgram && interrupted == frames.size()) interrupted = i + 1;
      addresses.emplace_back();
      continue;
    }
    std::uint64_t offset = std::strtoull(frames[i].c_str(), nullptr, 16);
    sawProgram = true;
    addresses.emplace_back(i == interrupted || offset == 0 ? offset : offset - 1);
  }
  return addresses;
}

std::vector<StackFrame> parseAddr2line(std::string_view output) {
  std::vector<StackFrame> frames;
  std::vector<std::string_view> all = lines(output);
  for (size_t i = 0; i < all.size(); ++i) {
    std::string_view line = all[i];
    if (line.rfind("0x", 0) == 0) continue;  // -a: the address that the next frames belong to
    StackFrame frame;
    frame.function = line == "??" ? "" : std::string(line);
    if (i + 1 < all.size()) readLocation(all[++i], frame);
    frames.push_back(frame);
  }
  return frames;
}

std::vector<StackFrame> sanitizerFrames(std::string_view output) {
  std::vector<StackFrame> frames;
  bool inStack = false;
  for (std::string_view line : lines(output)) {
    if (size_t at = line.find(": runtime error:"); at != std::string_view::npos && frames.empty()) {
      StackFrame frame;  // UBSan: "file:line:col: runtime error: ..."
      readLocation(trim(line.substr(0, at)), frame);
      if (!frame.file.empty()) frames.push_back(frame);
      continue;
    }
    std::string_view t = trim(line);
    if (t.size() < 4 || t[0] != '#' || !std::isdigit(static_cast<unsigned char>(t[1]))) continue;
    size_t space = t.find(' ');
    if (space == std::string_view::npos) continue;
    bool first = t.substr(1, space - 1) == "0";
    if (first && inStack) break;  // a second stack: where it was freed or allocated
    inStack = true;
    // "#3 0x55d0 in Countdown::start(int) /repo/exercises/02-reactor/countdown.cpp:31:5"
    size_t in = t.find(" in ", space);
    if (in == std::string_view::npos) continue;  // "#4 0x7f.. (/lib/libc.so.6+0x2718a)"
    std::string_view rest = t.substr(in + 4);
    size_t lastSpace = rest.rfind(' ');
    StackFrame frame;
    if (lastSpace != std::string_view::npos && rest[lastSpace + 1] != '(') {
      frame.function = std::string(rest.substr(0, lastSpace));
      readLocation(rest.substr(lastSpace + 1), frame);
    } else {
      frame.function = std::string(lastSpace == std::string_view::npos ? rest : rest.substr(0, lastSpace));
    }
    frames.push_back(frame);
  }
  return frames;
}

std::optional<StackFrame> firstFrameIn(const std::vector<StackFrame>& frames, const std::vector<std::filesystem::path>& files,
                                       const std::filesystem::path& root) {
  for (const StackFrame& frame : frames) {
    if (frame.file.empty()) continue;
    std::string path = std::filesystem::path(frame.file).lexically_normal().generic_string();
    for (const auto& file : files) {
      std::string absolute = file.lexically_normal().generic_string();
      std::string below = file.lexically_relative(root).lexically_normal().generic_string();
      if (path == absolute || endsWithPath(path, below.rfind("..", 0) == 0 ? absolute : below)) {
        StackFrame found = frame;
        found.file = file.string();
        return found;
      }
    }
  }
  return std::nullopt;
}

twist::Deferred<std::vector<StackFrame>> symbolize(twist::Reactor& reactor, std::filesystem::path program,
                                                   std::vector<std::string> frames) {
  std::vector<std::string> argv{"addr2line", "-a", "-f", "-i", "-C", "-e", program.string()};
  for (const auto& address : lookupAddresses(frames)) {
    if (!address) continue;
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(*address));
    argv.push_back(hex);
  }
  if (argv.size() == 7) co_return std::vector<StackFrame>{};
  ProcessOptions options;
  options.timeout = 10;  // it reads the program's line tables: fast, but never wait for ever
  ProcessResult result;
  try {
    result = co_await getProcessOutputAndValue(reactor, argv, options);
  } catch (const twist::ProcessSpawnError&) {
    co_return std::vector<StackFrame>{};  // no binutils: the verdict names the crash without its line
  }
  if (!result.ok()) co_return std::vector<StackFrame>{};
  co_return parseAddr2line(result.out);
}

}  // namespace twistlings
