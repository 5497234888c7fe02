// progress.hpp — what the attendee has done, kept in .twistlings/progress.json
// so that it survives restarts: for each exercise, whether it was checked at
// least once (which unlocks its solution), whether it passed, and how many
// hints were shown.
//
// Written atomically (a temporary file, then rename), so a crash or a full
// disk never leaves half a file. A file that cannot be parsed is moved aside
// (progress.json.corrupt-<time>) with a warning, and progress starts again
// from nothing: never a crash. The results in .twistlings/results/ are not
// touched by that.
//
// Ownership: a Progress is a plain value holding its file's path; nothing is
// written until save().
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "files.hpp"

namespace twistlings {

struct ExerciseProgress {
  bool checked = false;     // `check` has run on it at least once
  bool done = false;        // it passed
  int hintsShown = 0;       // how many of its tiered hints were shown
  std::string lastStatus;   // "pass", "fail", "error", or empty
};

class Progress {
 public:
  // Reads stateDir/progress.json; a missing file is empty progress. warnings
  // receives one line when a corrupt file was moved aside.
  static Progress load(const std::filesystem::path& stateDir, std::string* warning = nullptr);

  ExerciseProgress& of(const std::string& exerciseId) { return exercises_[exerciseId]; }
  ExerciseProgress get(const std::string& exerciseId) const;
  bool done(const std::string& exerciseId) const { return get(exerciseId).done; }
  // Writes progress.json atomically; throws std::runtime_error naming the path on failure.
  void save() const;

 private:
  std::filesystem::path file_;
  std::map<std::string, ExerciseProgress> exercises_;
};

}  // namespace twistlings
