// progress.cpp — see progress.hpp.
#include "progress.hpp"

#include "files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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
    for (const auto& [id, entry] : doc.at("exercises").items()) {
      ExerciseProgress& p = progress.exercises_[id];
      p.checked = entry.value("checked", false);
      p.done = entry.value("done", false);
      p.hintsShown = entry.value("hints_shown", 0);
      p.lastStatus = entry.value("last_status", "");
    }
  } catch (const json::exception& e) {
    // Moved aside, not deleted: it may still hold something worth reading.
    auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    fs::path aside = progress.file_;
    aside += ".corrupt-" + std::to_string(stamp);
    std::error_code ec;
    fs::rename(progress.file_, aside, ec);
    progress.exercises_.clear();
    if (warning != nullptr) {
      *warning = progress.file_.string() + " could not be read (" + e.what() + "); it was moved to " +
                 aside.string() + " and progress starts again (your code is untouched).";
    }
  }
  return progress;
}

ExerciseProgress Progress::get(const std::string& exerciseId) const {
  auto it = exercises_.find(exerciseId);
  return it == exercises_.end() ? ExerciseProgress{} : it->second;
}

void Progress::save() const {
  json exercises = json::object();
  for (const auto& [id, p] : exercises_) {
    exercises[id] = {{"checked", p.checked}, {"done", p.done}, {"hints_shown", p.hintsShown}, {"last_status", p.lastStatus}};
  }
  json doc{{"version", 1}, {"exercises", exercises}};
  writeFileAtomically(file_, doc.dump(2) + "\n");
}

}  // namespace twistlings
