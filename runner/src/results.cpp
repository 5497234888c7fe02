// results.cpp — see results.hpp.
#include "results.hpp"

#include <map>

namespace twistlings {

using nlohmann::json;

namespace {

// Calls f with each line of the listener's report (without its '\n') until f returns false.
template <class F>
void forEachLine(std::string_view text, F f) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!f(text.substr(start, end - start))) return;
    start = end + 1;
  }
}

}  // namespace

std::string GradeResult::status() const {
  switch (verdict) {
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "fail";
    default: return "error";
  }
}

int GradeResult::failed() const {
  int n = 0;
  for (const auto& t : tests) n += t.status != "pass";
  return n;
}

std::string capText(std::string_view text, size_t cap) {
  if (text.size() <= cap) return std::string(text);
  size_t cut = cap;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
  return std::string(text.substr(0, cut)) + "\n[... " + std::to_string(text.size() - cut) + " more bytes not shown]";
}

namespace {

// Splits stdout at the listener's markers: \x1e twistlings-test N \x1e.
std::map<int, std::string> outputByTest(std::string_view out) {
  std::map<int, std::string> byTest;
  const std::string_view marker = "\x1etwistlings-test ";
  int current = -1;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t next = out.find(marker, pos);
    std::string_view chunk = out.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (current >= 0) byTest[current] += chunk;
    if (next == std::string_view::npos) break;
    size_t numberStart = next + marker.size();
    size_t end = out.find('\x1e', numberStart);
    if (end == std::string_view::npos) break;
    current = std::atoi(std::string(out.substr(numberStart, end - numberStart)).c_str());
    pos = end + 1;
  }
  return byTest;
}

std::string describeFailures(const json& failures) {
  std::string text;
  for (const auto& f : failures) {
    if (!text.empty()) text += "\n";
    text += f.value("text", "");
    for (const auto& info : f.value("info", json::array())) text += "\n  note: " + info.get<std::string>();
  }
  return text;
}

}  // namespace

std::vector<TestOutcome> parseReport(std::string_view reportLines, std::string_view stdoutWithMarkers) {
  std::vector<TestOutcome> tests;
  std::map<int, size_t> byIndex;
  std::map<int, json> failures;
  forEachLine(reportLines, [&](std::string_view line) {
    json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) return true;  // a line cut short by a crash
    int index = event.value("index", -1);
    std::string kind = event.value("event", "");
    if (kind == "start") {
      TestOutcome t;
      t.name = event.value("name", "");
      t.file = event.value("file", "");
      t.line = event.value("line", 0);
      t.status = "error";  // until its end arrives
      byIndex[index] = tests.size();
      tests.push_back(t);
    } else if (kind == "failure") {
      failures[index].push_back(event["failure"]);
    } else if (kind == "end" && byIndex.count(index)) {
      TestOutcome& t = tests[byIndex[index]];
      t.status = event.value("status", "fail");
      t.message = describeFailures(event.value("failures", json::array()));
      t.seconds = event.value("seconds", 0.0);
      for (const auto& line : event.value("unclean", json::array()))
        if (line.is_string()) t.unclean.push_back(line.get<std::string>());
      int failed = event.value("failed", 0);
      int shown = static_cast<int>(event.value("failures", json::array()).size());
      if (failed > shown) t.message += "\n(and " + std::to_string(failed - shown) + " more failed checks)";
    }
    return true;
  });
  // A test cut short keeps the failures it reported before it died.
  for (auto& [index, at] : byIndex) {
    if (tests[at].status == "error" && failures.count(index)) tests[at].message = describeFailures(failures[index]);
  }
  auto outputs = outputByTest(stdoutWithMarkers);
  for (auto& [index, at] : byIndex) {
    if (outputs.count(index)) tests[at].output = capText(outputs[index], kTestOutputCap);
  }
  return tests;
}

std::optional<CrashReport> readCrash(std::string_view reportLines) {
  std::optional<CrashReport> crash;
  forEachLine(reportLines, [&](std::string_view line) {
    if (line.find("\"crash\"") == std::string_view::npos) return true;  // most lines: no need to parse
    json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("event", "") != "crash") return true;
    CrashReport report;
    report.index = event.value("index", -1);
    for (const auto& frame : event.value("frames", json::array()))
      if (frame.is_string()) report.frames.push_back(frame.get<std::string>());
    crash = report;  // the first crash ends the run; a second would be a crash in the handler
    return false;
  });
  return crash;
}

json resultsJson(const GradeResult& result) {
  json doc;
  doc["version"] = 3;
  doc["status"] = result.status();
  if (result.status() == "error") {
    std::string message = result.message;
    if (result.compileError) {
      const auto& e = *result.compileError;
      message = e.linkError ? e.message
                            : e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": error: " + e.message;
    }
    if (result.crashSite) message += "\n(at " + result.crashSite->file + ":" + std::to_string(result.crashSite->line) + ")";
    doc["message"] = message;
  } else {
    doc["message"] = nullptr;
  }
  json tests = json::array();
  for (const auto& t : result.tests) {
    json entry{{"name", t.name}, {"status", t.status}, {"test_code", t.testCode}};
    entry["message"] = t.status == "pass" ? json(nullptr) : json(t.message);
    if (!t.output.empty()) entry["output"] = capText(t.output, kTestOutputCap);
    if (!result.mutants.empty() && t.seconds >= kSlowTestSeconds) entry["seconds"] = t.seconds;
    if (!result.mutants.empty() && !t.unclean.empty()) entry["unclean"] = t.unclean;
    tests.push_back(entry);
  }
  doc["tests"] = tests;
  if (!result.mutants.empty()) {
    json mutants = json::array();
    for (const auto& m : result.mutants) {
      json entry{{"breaks", m.breaks}, {"status", m.caught ? "caught" : "survived"}};
      if (m.caught && !m.caughtBy.empty()) entry["caught_by"] = m.caughtBy;
      mutants.push_back(entry);
    }
    doc["mutants"] = mutants;
  }
  return doc;
}

}  // namespace twistlings
