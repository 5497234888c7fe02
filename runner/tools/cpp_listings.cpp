// cpp_listings.cpp — see cpp_listings.hpp.
#include "cpp_listings.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "subprocess.hpp"

namespace twistlings::listings {

std::string scaffoldFor(std::string_view markdownPath) {
  std::filesystem::path p(markdownPath);
  if (p.parent_path().filename() == "slides") {
    return (p.parent_path().parent_path() / "lessons" / p.stem() / "scaffold.hpp").generic_string();
  }
  return (p.parent_path() / "scaffold.hpp").generic_string();
}

std::string cppSource(const Listing& listing, std::string_view markdownPath, std::string_view scaffold) {
  std::string line = "#line " + std::to_string(listing.firstCodeLine) + " \"" + std::string(markdownPath) + "\"\n";
  std::string s = "// The `" + listing.info + "` listing at " + std::string(markdownPath) + ":" +
                  std::to_string(listing.fenceLine) + ", as course_listings compiles it.\n";
  if (listing.form == CppForm::Whole) return s + line + listing.code;
  s += "#include \"" + std::string(scaffold) + "\"\n";
  if (listing.form == CppForm::Fragment) return s + line + listing.code;
  return s + "void theListingAtLine" + std::to_string(listing.fenceLine) + "() {\n" + line + listing.code + "}\n";
}

CompilerError firstCompilerError(std::string_view output, std::string_view markdownPath) {
  static const std::regex located(R"(^(.*?):(\d+):(?:\d+:)? (?:fatal )?error: (.*)$)");
  static const std::regex unlocated(R"((?:^|: )(?:fatal )?error: (.*)$)");
  std::vector<std::string> lines;
  for (size_t start = 0; start < output.size();) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    lines.emplace_back(output.substr(start, end - start));
    start = end + 1;
  }
  // "lessons/04-deferreds/README.md:55:20:   required from here" and the like.
  auto markdownLine = [&](const std::string& l) -> int {
    std::string prefix = std::string(markdownPath) + ":";
    if (l.compare(0, prefix.size(), prefix) != 0) return 0;
    return std::atoi(l.c_str() + prefix.size());
  };

  CompilerError first;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_match(lines[i], m, located)) {
      if (m[1].str() == markdownPath) {
        first.line = std::stoi(m[2].str());
        first.message = m[3].str();
        return first;
      }
      first.message = m[3].str() + " (at " + m[1].str() + ":" + m[2].str() + ")";
    } else if (std::regex_search(lines[i], m, unlocated)) {
      first.message = m[1].str();
    } else {
      continue;
    }
    // Located elsewhere (a twist header, the scaffold): the Markdown line that
    // led there, the last one before the error (g++), else the first after (clang++).
    for (size_t j = i; j-- > 0;) {
      if (int l = markdownLine(lines[j])) {
        first.line = l;
        return first;
      }
    }
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (int l = markdownLine(lines[j])) {
        first.line = l;
        return first;
      }
    }
    return first;
  }
  return first;
}

namespace {

std::string withoutRoot(std::string text, const std::filesystem::path& root) {
  std::string prefix = root.lexically_normal().string();
  if (prefix.empty()) return text;
  if (prefix.back() != '/') prefix += '/';
  for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  return text;
}

twist::Deferred<Finding> compileListing(twist::Reactor& reactor, CheckSetup setup, CppToolchain toolchain,
                                        Listing listing, std::string scaffold, bool haveScaffold) {
  Finding finding;
  finding.line = listing.fenceLine;
  std::string marking = "`" + describeMarking(listing) + "` listing";
  if (listing.form != CppForm::Whole && !haveScaffold) {
    finding.kind = Finding::Kind::Error;
    finding.message = "this " + marking + " needs the lesson's scaffold, " + scaffold +
                      ", which does not exist: write it once for the lesson, with the #includes and the names its "
                      "fragments assume (`twist::Reactor reactor;`, a declared `twist::Deferred<int> getNumber();`)";
    co_return finding;
  }

  std::filesystem::path source = generatedPath(setup, listing.fenceLine, ".cpp");
  try {
    writeFile(source, cppSource(listing, setup.markdownPath, scaffold));
  } catch (const std::exception& e) {
    finding.kind = Finding::Kind::Error;
    finding.message = std::string("cannot check this listing: ") + e.what();
    co_return finding;
  }
  std::vector<std::string> argv{toolchain.compiler, "-std=c++20", "-fsyntax-only", "-fdiagnostics-color=never",
                                "-iquote", "."};
  for (const std::string& dir : toolchain.includeDirs) argv.push_back("-I" + dir);
  argv.push_back(source.string());
  ProcessOptions options;
  options.cwd = setup.root.string();
  options.timeout = toolchain.timeout;
  options.mergeStderr = true;

  ProcessResult r;
  std::string spawnError;
  try {
    r = co_await getProcessOutputAndValue(reactor, std::move(argv), std::move(options));
  } catch (const std::exception& e) {
    spawnError = e.what();
  }
  finding.kind = Finding::Kind::Error;
  if (!spawnError.empty()) {
    finding.message = "cannot start the C++ compiler `" + toolchain.compiler + "`: " + spawnError;
    co_return finding;
  }
  if (r.timedOut || r.signal) {
    finding.message = "the compiler did not finish this " + marking + ": " + r.describeEnd();
    finding.details = r.out;
    co_return finding;
  }
  CompilerError first = firstCompilerError(r.out, setup.markdownPath);
  first.message = withoutRoot(first.message, setup.root);
  if (first.line != 0) finding.line = first.line;
  std::string at = " (the listing at line " + std::to_string(listing.fenceLine) + ")";
  if (!listing.fails) {
    if (r.ok()) {
      finding.kind = Finding::Kind::Ok;
      finding.line = listing.fenceLine;
      finding.message = "this " + marking + " compiles";
    } else {
      finding.message = "this " + marking + " does not compile" + at + ": " +
                        (first.message.empty() ? r.describeEnd() : first.message);
      finding.details = r.out;
    }
  } else if (r.ok()) {
    finding.line = listing.fenceLine;
    finding.message = "this " + marking +
                      " compiles, but `fails` says it must not: a pitfall listing must show the error it warns "
                      "about (or, if it is right now, drop `fails`)";
  } else if (first.message.empty()) {
    finding.message = "this " + marking + " made the compiler fail without an error message (" + r.describeEnd() + ")";
    finding.details = r.out;
  } else {
    // It must fail, and it does: say with what, so a human can see it is the intended error.
    finding.kind = Finding::Kind::Note;
    finding.message = "this " + marking + " fails to compile, as it should" + at + ": " + first.message;
  }
  co_return finding;
}

}  // namespace

twist::Deferred<std::vector<Finding>> checkCppListings(twist::Reactor& reactor, CheckSetup setup, CppToolchain toolchain,
                                                       std::vector<Listing> listings) {
  std::string scaffold = scaffoldFor(setup.markdownPath);
  bool haveScaffold = std::filesystem::is_regular_file(setup.root / scaffold);
  co_return co_await inTurns(setup.jobs, listings.size(), [&](size_t i) {
    return compileListing(reactor, setup, toolchain, listings[i], scaffold, haveScaffold);
  });
}

}  // namespace twistlings::listings
