// Tests for symbolize.hpp: from a crashed program's stack (the listener's
// offsets, addr2line's answer, or a sanitizer's report) to the line of the
// attendee's file where it crashed.
#include "symbolize.hpp"

#include "twist_catch.hpp"

using namespace twistlings;

TEST_CASE("return addresses are looked up one byte back, and the interrupted frame exactly") {
  // The handler's frames (in the program), the signal trampoline (libc), the
  // crashed function (interrupted), its caller, then libc's start.
  auto addresses = lookupAddresses({"a00", "b00", "", "1234", "2000", ""});
  REQUIRE(addresses.size() == 6);
  CHECK(addresses[0] == std::optional<std::uint64_t>(0x9ff));
  CHECK(addresses[1] == std::optional<std::uint64_t>(0xaff));
  CHECK_FALSE(addresses[2].has_value());
  CHECK(addresses[3] == std::optional<std::uint64_t>(0x1234));  // where the signal struck
  CHECK(addresses[4] == std::optional<std::uint64_t>(0x1fff));
  CHECK_FALSE(addresses[5].has_value());

  // abort(): the trampoline is followed by libc's raise and abort, so every program frame is a return address.
  auto aborted = lookupAddresses({"a00", "", "", "", "1234"});
  CHECK(aborted[4] == std::optional<std::uint64_t>(0x1233));
}

TEST_CASE("addr2line's answer gives each frame its function, file and line, inlined frames included") {
  const char* output =
      "0x0000000000001233\n"
      "Countdown::step()\n"
      "/repo/exercises/02-reactor/countdown.cpp:31\n"
      "0x0000000000002000\n"
      "twist::detail::inlined(int)\n"
      "/repo/framework/include/twist/deferred.hpp:120 (discriminator 2)\n"
      "Countdown::start(int)\n"
      "/repo/exercises/02-reactor/countdown.cpp:12\n"
      "0x0000000000003000\n"
      "??\n"
      "??:0\n";
  auto frames = parseAddr2line(output);
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].function == "Countdown::step()");
  CHECK(frames[0].file == "/repo/exercises/02-reactor/countdown.cpp");
  CHECK(frames[0].line == 31);
  CHECK(frames[1].file == "/repo/framework/include/twist/deferred.hpp");
  CHECK(frames[1].line == 120);
  CHECK(frames[2].function == "Countdown::start(int)");
  CHECK(frames[3].function.empty());
  CHECK(frames[3].file.empty());
}

TEST_CASE("an AddressSanitizer report gives the frames of its first stack, not where the memory was freed") {
  const char* output =
      "=================================================================\n"
      "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x55d0 bp 0x7ffd sp 0x7ffd\n"
      "READ of size 4 at 0x602000000010 thread T0\n"
      "    #0 0x55d0a1 in twist::DelayedCall::cancel() /repo/framework/src/time.cpp:40:3\n"
      "    #1 0x55d0b2 in Countdown::abort() /repo/exercises/02-reactor/countdown.cpp:44:12\n"
      "    #2 0x7f00 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x2718a)\n"
      "\n"
      "freed by thread T0 here:\n"
      "    #0 0x7f01 in operator delete(void*) (/lib/x86_64-linux-gnu/libasan.so.8+0xd7a80)\n"
      "    #1 0x55d0c3 in Countdown::start(int) /repo/exercises/02-reactor/countdown.cpp:20:5\n";
  auto frames = sanitizerFrames(output);
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].function == "twist::DelayedCall::cancel()");
  CHECK(frames[0].file == "/repo/framework/src/time.cpp");
  CHECK(frames[0].line == 40);
  CHECK(frames[1].file == "/repo/exercises/02-reactor/countdown.cpp");
  CHECK(frames[1].line == 44);
  CHECK(frames[2].file.empty());
}

TEST_CASE("a UBSan report gives the runtime error's own location first") {
  const char* output =
      "/repo/exercises/02-reactor/countdown.cpp:31:52: runtime error: store to null pointer of type 'volatile int'\n"
      "    #0 0x55d0 in Countdown::start(int) /repo/exercises/02-reactor/countdown.cpp:31:52\n";
  auto frames = sanitizerFrames(output);
  REQUIRE_FALSE(frames.empty());
  CHECK(frames[0].file == "/repo/exercises/02-reactor/countdown.cpp");
  CHECK(frames[0].line == 31);
  CHECK(sanitizerFrames("all 12 tests pass\n").empty());
}

TEST_CASE("the crash site is the first frame in one of the attendee's files") {
  std::vector<std::filesystem::path> files{"/repo/exercises/02-reactor/countdown.hpp",
                                           "/repo/exercises/02-reactor/countdown.cpp"};
  std::vector<StackFrame> stack{{"Catch::handleSignal(int)", "/usr/include/catch2/catch.hpp", 10800, ""},
                                {"twist::DelayedCall::cancel()", "/repo/framework/src/time.cpp", 40, ""},
                                {"Countdown::abort()", "/repo/exercises/02-reactor/countdown.cpp", 44, ""},
                                {"Countdown::start(int)", "/repo/exercises/02-reactor/countdown.cpp", 20, ""}};
  auto site = firstFrameIn(stack, files, "/repo");
  REQUIRE(site.has_value());
  CHECK(site->function == "Countdown::abort()");
  CHECK(site->line == 44);

  // A build through ccache's base_dir records paths relative to the build directory.
  std::vector<StackFrame> relative{{"Countdown::abort()", "build/../exercises/02-reactor/countdown.cpp", 44, ""}};
  site = firstFrameIn(relative, files, "/repo");
  REQUIRE(site.has_value());
  CHECK(site->file == "/repo/exercises/02-reactor/countdown.cpp");

  // The solution's file of the same name is not the attendee's.
  std::vector<StackFrame> solution{{"Countdown::abort()", "/repo/solutions/02-reactor/countdown.cpp", 44, ""}};
  CHECK_FALSE(firstFrameIn(solution, files, "/repo").has_value());
  CHECK_FALSE(firstFrameIn({}, files, "/repo").has_value());
}
