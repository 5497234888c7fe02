// catch_up.hpp — `twistlings catch-up NN`, for an attendee who fell behind:
// the reference solution in place of every core exercise of the lessons
// before NN that is not recorded as passed, so that they can follow lesson NN
// with everyone else. Their own files are kept first (backups.hpp), and the
// exercises are marked "caught up", not done (progress.hpp): list and verify
// show them apart, and a later pass of the attendee's own version makes one
// done.
//
// "Not passed" is what progress.json records, not a fresh grading: grading
// every earlier exercise would take minutes of compiling, while the room
// moves on. An exercise that passes but was never checked is therefore
// caught up too (its files are in the backups). So is one whose progress was
// lost (progress.json missing while the files are not the starters, as on a
// clone edited before any check): the plan lists them as unknown, and the
// command says so; a check of the attendee's own version makes one done.
//
// Stretch exercises are never caught up: they are off the workshop's path.
//
// Ownership: a CatchUpPlan points into the Course it was made from.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "backups.hpp"
#include "course.hpp"
#include "progress.hpp"

namespace twistlings {

struct CatchUpItem {
  const Exercise* exercise = nullptr;
  // The files whose bytes are not the reference's, with the reference's
  // text; empty when they all are already (then it is only marked).
  std::vector<FileReplacement> files;
};

struct CatchUpPlan {
  std::string lesson;                           // caught up to: "03-callbacks"
  std::vector<CatchUpItem> items;               // in course order
  std::vector<const Exercise*> passed;          // core, recorded as passed: left alone
  std::vector<const Exercise*> unknown;         // of items: not checked since progress was lost
  std::vector<const Exercise*> stretch;         // of the earlier lessons: left alone
  size_t alreadyCaughtUp = 0;                   // caught up before, still the reference: left alone

  size_t files() const;
};

// The lesson of the plan that `id` names: its id ("03-callbacks") or its
// number ("03", "3"). Throws UsageError listing the lessons.
const PlannedLesson& catchUpLesson(const Course& course, std::string_view id);

// What catching up to `lesson` (an id catchUpLesson accepts) would do.
// Throws UsageError for an unknown lesson, std::runtime_error naming a
// reference file that cannot be read.
CatchUpPlan planCatchUp(const Course& course, const Progress& progress, std::string_view lesson);

// Does it: the plan's files replaced, the attendee's copies in `backup`
// first; then each item marked caught up in `progress` (not saved here).
// Returns "" or what failed (replaceKeepingCopies's words; then nothing is marked).
std::string applyCatchUp(const CatchUpPlan& plan, const Course& course, Progress& progress,
                         const std::filesystem::path& backup);

}  // namespace twistlings
