// mutants.cpp — see mutants.hpp.
#include "mutants.hpp"

#include <algorithm>
#include <memory>

#include "files.hpp"

namespace twistlings {

namespace {

// What the workers share: the next mutant to run, and the outcomes so far.
struct MutantQueue {
  const Exercise* exercise = nullptr;
  MutantRunOptions options;
  size_t next = 0;
  int done = 0;
  std::vector<MutantOutcome> outcomes;
};

twist::Deferred<MutantOutcome> runOneMutant(twist::Reactor& reactor, std::shared_ptr<MutantQueue> queue, size_t index) {
  const Exercise::Mutant& mutant = queue->exercise->mutants[index];
  std::filesystem::path report = queue->options.reportPrefix;
  report += ".mutant-" + std::to_string(index) + ".report.jsonl";
  std::error_code ec;
  std::filesystem::remove(report, ec);
  ProcessOptions run;
  run.timeout = queue->options.timeoutSeconds;
  run.mergeStderr = true;
  run.outputCap = 64 << 10;
  run.extraEnv = {{"TWISTLINGS_REPORT", report.string()},
                  {"TWISTLINGS_MUTANT", mutant.id},
                  {"TWISTLINGS_MEMORY_MB", std::to_string(queue->options.memoryMegabytes)}};
  // --abort: the first failing test is the one that caught it; no need to run the rest.
  std::vector<std::string> argv{queue->options.program.string(), "--order", "decl", "--abort"};
  ProcessResult ran = co_await getProcessOutputAndValue(reactor, argv, run);
  co_return judgeMutantRun(mutant, ran, readFile(report).value_or(""));
}

twist::Deferred<int> mutantWorker(twist::Reactor& reactor, std::shared_ptr<MutantQueue> queue) {
  while (queue->next < queue->outcomes.size()) {
    size_t index = queue->next++;
    MutantOutcome outcome = co_await runOneMutant(reactor, queue, index);
    queue->outcomes[index] = outcome;
    ++queue->done;
    if (queue->options.onProgress) queue->options.onProgress(queue->done, static_cast<int>(queue->outcomes.size()));
  }
  co_return 0;
}

std::string quotedTestNames(const std::vector<const TestOutcome*>& tests) {
  std::string names;
  for (size_t i = 0; i < tests.size(); ++i) {
    if (i > 0) names += i + 1 == tests.size() ? " and " : ", ";
    names += "\"" + tests[i]->name + "\"";
  }
  return names;
}

}  // namespace

double mutantTimeout(double referenceSeconds, double exerciseTimeout) {
  double timeout = std::max(1.0, 4 * referenceSeconds + 0.5);
  return exerciseTimeout > 0 ? std::min(timeout, exerciseTimeout) : timeout;
}

MutantOutcome judgeMutantRun(const Exercise::Mutant& mutant, const ProcessResult& run, std::string_view report) {
  MutantOutcome outcome;
  outcome.id = mutant.id;
  outcome.breaks = mutant.breaks;
  outcome.seconds = run.seconds;
  outcome.caught = !run.ok() || run.timedOut || run.signal.has_value();
  if (!outcome.caught) return outcome;
  for (const TestOutcome& t : parseReport(report, run.out)) {
    if (t.status == "pass") continue;
    outcome.caughtBy = t.name;
    // A test that started and never ended: the run died or was stopped in it.
    outcome.how = t.status == "fail" ? "failed" : run.timedOut ? "hung" : "crashed";
    return outcome;
  }
  // Before the first test, or after the last.
  outcome.how = run.timedOut ? "hung" : run.signal ? "crashed" : "failed";
  return outcome;
}

twist::Deferred<std::vector<MutantOutcome>> runMutants(twist::Reactor& reactor, const Exercise& exercise,
                                                       MutantRunOptions options) {
  auto queue = std::make_shared<MutantQueue>();
  queue->exercise = &exercise;
  queue->options = std::move(options);
  queue->outcomes.resize(exercise.mutants.size());
  std::vector<twist::Deferred<int>> workers;
  for (int i = 0; i < kMutantRunsAtOnce; ++i) workers.push_back(mutantWorker(reactor, queue));
  for (auto& worker : workers) co_await worker;
  co_return queue->outcomes;
}

std::vector<const TestOutcome*> slowTests(const GradeResult& result) {
  std::vector<const TestOutcome*> slow;
  for (const auto& t : result.tests)
    if (t.ran && t.seconds >= kSlowTestSeconds) slow.push_back(&t);
  return slow;
}

std::vector<const TestOutcome*> uncleanTests(const GradeResult& result) {
  std::vector<const TestOutcome*> unclean;
  for (const auto& t : result.tests)
    if (!t.unclean.empty()) unclean.push_back(&t);
  return unclean;
}

void concludeMutants(GradeResult& result) {
  int survivors = static_cast<int>(std::count_if(result.mutants.begin(), result.mutants.end(),
                                                 [](const MutantOutcome& m) { return !m.caught; }));
  std::vector<const TestOutcome*> slow = slowTests(result), unclean = uncleanTests(result);
  result.verdict = survivors == 0 && slow.empty() && unclean.empty() ? Verdict::Pass : Verdict::Fail;
  result.message.clear();
  if (survivors > 0) {
    result.message = std::string(survivors == 1 ? "Write a test that the version named above would fail"
                                                : "Write a test that each version named above would fail") +
                     ": what does the contract promise that it does not do?";
  }
  if (!slow.empty()) {
    if (!result.message.empty()) result.message += "\n";
    result.message += (slow.size() == 1 ? "Your test " : "Your tests ") + quotedTestNames(slow) +
                      " must not take real time: tests never sleep or wait for a real reactor; give the code a"
                      " twist::Clock and advance() it.";
  }
  if (!unclean.empty()) {
    if (!result.message.empty()) result.message += "\n";
    result.message += (unclean.size() == 1 ? "Your test " : "Your tests ") + quotedTestNames(unclean) +
                      " must leave the reactor clean: cancel the delayed calls, stop listening, close the"
                      " connections, or use a twist::Clock and a StringTransport instead of a real reactor.";
  }
}

}  // namespace twistlings
