// progress.hpp — what the attendee has done, kept in .twistlings/progress.json
// so that it survives restarts: for each exercise, whether it was checked at
// least once (which unlocks its solution), whether it passed (or was caught
// up: the reference put in place by `catch-up`), and how many hints were shown.
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
#include <vector>

#include "files.hpp"

namespace twistlings {

struct ExerciseProgress {
  bool checked = false;     // `check` has run on it at least once
  bool done = false;        // it passed
  int hintsShown = 0;       // how many of its tiered hints were shown
  std::string lastStatus;   // "pass", "fail", "error", or empty
  std::string passDigest;   // filesDigest() of the attendee's files when it last passed; empty: not known
  // `catch-up` put the reference solution in place (the attendee's files are
  // in .twistlings/backups/): not done, but off the path ahead, and shown
  // apart. caughtUpDigest: filesDigest() of the reference as put in place.
  bool caughtUp = false;
  std::string caughtUpDigest;

  // A grading passed with the files whose digest is `digest`: done, unless
  // those files are still the reference catch-up put there (a pass of the
  // reference is not the attendee's); a pass of anything else is a real one,
  // and the exercise stops being caught up.
  void markPassed(const std::string& digest);
  // catch-up put the reference in place, its files' digest `digest`.
  void markCaughtUp(const std::string& digest);
};

// A digest of files' names and contents (FNV-1a, 64 bits, as hex): equal
// digests mean unchanged files. A missing file counts as its own content.
std::string filesDigest(const std::vector<std::filesystem::path>& files);

class Progress {
 public:
  // Reads stateDir/progress.json; a missing file is empty progress. warnings
  // receives one line when a corrupt file was moved aside.
  static Progress load(const std::filesystem::path& stateDir, std::string* warning = nullptr);

  ExerciseProgress& of(const std::string& exerciseId) { return exercises_[exerciseId]; }
  ExerciseProgress get(const std::string& exerciseId) const;
  bool done(const std::string& exerciseId) const { return get(exerciseId).done; }
  // Whether a progress file was there to load (false: none yet, or a corrupt one moved aside).
  bool existed() const { return existed_; }
  // Incomplete: started again while earlier work existed, so an exercise
  // without a check since may be done or not. Saved with the rest.
  bool incomplete() const { return incomplete_; }
  void setIncomplete(bool incomplete) { incomplete_ = incomplete; }
  // Writes progress.json atomically; throws std::runtime_error naming the path on failure.
  void save() const;

 private:
  std::filesystem::path file_;
  std::map<std::string, ExerciseProgress> exercises_;
  bool existed_ = false;
  bool incomplete_ = false;
};

}  // namespace twistlings
