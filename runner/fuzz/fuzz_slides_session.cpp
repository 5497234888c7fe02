// fuzz_slides_session.cpp — libFuzzer target for the slides session file
// (.twistlings/slides-session.json), which the presenter, another process,
// writes and the agenda and a notes window read: parseSlidesSession refuses
// bad text with std::runtime_error only (agenda.hpp), and readPresenterPort
// never throws and gives a port in 1..65535 or nothing (notes_link.hpp).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "agenda.hpp"
#include "notes_link.hpp"

namespace {

void fail(const std::string& why) {
  std::fprintf(stderr, "%s\n", why.c_str());
  std::abort();
}

// The file each input is written to, in the temporary directory; removed
// after each use (libFuzzer may end a run without running atexit handlers).
const std::filesystem::path& sessionFile() {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("fuzz_slides_session." + std::to_string(::getpid()) + ".json");
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)twistlings::parseSlidesSession(text, [](double t) { return t - 1.0e9; }, [](long long) { return true; });
  } catch (const std::runtime_error&) {
  } catch (const std::exception& e) {
    fail(std::string("parseSlidesSession threw something other than a runtime_error: ") + e.what());
  }
  {
    std::ofstream out(sessionFile(), std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::string why;
  std::optional<int> port;
  try {
    port = twistlings::readPresenterPort(sessionFile(), &why);
  } catch (const std::exception& e) {
    fail(std::string("readPresenterPort threw: ") + e.what());
  }
  std::error_code ignored;
  std::filesystem::remove(sessionFile(), ignored);
  if (port && (*port < 1 || *port > 65535)) fail("readPresenterPort gave port " + std::to_string(*port));
  if (!port && why.empty()) fail("readPresenterPort gave no port and no reason");
  return 0;
}
