// progress.cpp — see progress.hpp.
#include "progress.hpp"

#include "files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace twistlings {

namespace fs = std::filesystem;
using nlohmann::json;

Progress Progress::load(const fs::path& stateDir, std::string* warning) {
  Progress progress;
  progress.file_ = stateDir / "progress.json";
  std::ifstream in(progress.file_);
  if (!in) return progress;
  std::stringstream text;
  text << in.rdbuf();
  try {
    json doc = json::parse(text.str());
    progress.incomplete_ = doc.value("incomplete", false);
    for (const auto& [id, entry] : doc.at("exercises").items()) {
      ExerciseProgress& p = progress.exercises_[id];
      p.checked = entry.value("checked", false);
      p.done = entry.value("done", false);
      p.hintsShown = entry.value("hints_shown", 0);
      p.lastStatus = entry.value("last_status", "");
      p.passDigest = entry.value("pass_digest", "");
      p.caughtUp = entry.value("caught_up", false);
      p.caughtUpDigest = entry.value("caught_up_digest", "");
    }
    progress.existed_ = true;
  } catch (const json::exception& e) {
    // Moved aside, not deleted: it may still hold something worth reading.
    auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    fs::path aside = progress.file_;
    aside += ".corrupt-" + std::to_string(stamp);
    std::error_code ec;
    fs::rename(progress.file_, aside, ec);
    progress.exercises_.clear();
    progress.incomplete_ = false;
    if (warning != nullptr) {
      *warning = progress.file_.string() + " could not be read (" + e.what() + "); it was moved to " +
                 aside.string() + " and progress starts again (your code is untouched).";
    }
  }
  return progress;
}

void ExerciseProgress::markPassed(const std::string& digest) {
  if (caughtUp && digest == caughtUpDigest) return;
  done = true;
  passDigest = digest;
  caughtUp = false;
  caughtUpDigest.clear();
}

void ExerciseProgress::markCaughtUp(const std::string& digest) {
  done = false;
  passDigest.clear();
  caughtUp = true;
  caughtUpDigest = digest;
}

ExerciseProgress Progress::get(const std::string& exerciseId) const {
  auto it = exercises_.find(exerciseId);
  return it == exercises_.end() ? ExerciseProgress{} : it->second;
}

void Progress::save() const {
  json exercises = json::object();
  for (const auto& [id, p] : exercises_) {
    exercises[id] = {{"checked", p.checked}, {"done", p.done}, {"hints_shown", p.hintsShown}, {"last_status", p.lastStatus}};
    if (!p.passDigest.empty()) exercises[id]["pass_digest"] = p.passDigest;
    if (p.caughtUp) exercises[id]["caught_up"] = true;
    if (p.caughtUp && !p.caughtUpDigest.empty()) exercises[id]["caught_up_digest"] = p.caughtUpDigest;
  }
  json doc{{"version", 1}, {"exercises", exercises}};
  if (incomplete_) doc["incomplete"] = true;
  writeFileAtomically(file_, doc.dump(2) + "\n");
}

std::string filesDigest(const std::vector<fs::path>& files) {
  // FNV-1a: not a defence against anyone, only a cheap "did this change".
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
  };
  for (const fs::path& file : files) {
    mix(file.filename().string());
    std::optional<std::string> text = readFile(file);
    // The length first, so that no two sequences of files give the same bytes.
    mix(text ? std::to_string(text->size()) + ":" : std::string("missing:"));
    if (text) mix(*text);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace twistlings
