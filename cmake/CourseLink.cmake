# CourseLink.cmake — how the course's programs are linked: the link is a
# third of an edit -> verdict, so it is made short (issue 8, §7).
#
# COURSE_LINK_OPTIONS: mold when it is installed (Debian 12 has it), else gold
# when the toolchain has it (half the time of GNU ld). mold runs with
# --no-fork: by default it forks and hands the output back from a child,
# which for a program this small costs more than the link itself (measured:
# 0.25 s against 0.14 s).
#
# twist_course: twist as the course's programs link it, from a copy of
# libtwist.a without its debug information. The debug sections are most of
# what the linker reads and copies (libtwist.a: 16 MB with them, 1.2 MB
# without), and an attendee's verdict never needs them: a crash is placed in
# the attendee's own lines, which keep theirs (-g1, Course.cmake). twist's own
# tests and tools keep linking the full libtwist.a. Without objcopy,
# twist_course is twist itself.
include(CheckLinkerFlag)
# Checked again while it fails and mold is there: ./twistlings installs mold
# after a build tree may have cached "no" (a machine set up before it did).
find_program(COURSE_MOLD mold)
if(COURSE_MOLD AND NOT COURSE_HAVE_MOLD)
  unset(COURSE_HAVE_MOLD CACHE)
endif()
check_linker_flag(CXX "-fuse-ld=mold" COURSE_HAVE_MOLD)
set(COURSE_LINK_OPTIONS "")
if(COURSE_HAVE_MOLD)
  check_linker_flag(CXX "-fuse-ld=mold;LINKER:--no-fork" COURSE_HAVE_MOLD_NO_FORK)
  set(COURSE_LINK_OPTIONS -fuse-ld=mold)
  if(COURSE_HAVE_MOLD_NO_FORK)
    list(APPEND COURSE_LINK_OPTIONS LINKER:--no-fork)
  endif()
else()
  check_linker_flag(CXX "-fuse-ld=gold" COURSE_HAVE_GOLD)
  if(COURSE_HAVE_GOLD)
    set(COURSE_LINK_OPTIONS -fuse-ld=gold)
  endif()
endif()

add_library(twist_course INTERFACE)
if(CMAKE_OBJCOPY)
  set(course_twist_archive ${CMAKE_BINARY_DIR}/lib/libtwist_course.a)
  add_custom_command(OUTPUT ${course_twist_archive}
                     COMMAND ${CMAKE_OBJCOPY} --strip-debug $<TARGET_FILE:twist> ${course_twist_archive}
                     DEPENDS twist
                     COMMENT "Copying libtwist.a without its debug information, for the course's programs" VERBATIM)
  add_custom_target(course_twist_archive DEPENDS ${course_twist_archive})
  add_dependencies(twist_course course_twist_archive)
  # The stripped archive first: the linker takes every twist object from it.
  # twist after it brings twist's include directories, definitions and libuv.
  target_link_libraries(twist_course INTERFACE ${course_twist_archive} twist)
else()
  target_link_libraries(twist_course INTERFACE twist)
endif()

# The two other pieces every course program links, Catch's main and the
# grader's listener, are built without debug information for the same reason
# (20 MB of Catch's, in libtwist_catch.a, otherwise): nobody steps through
# Catch's internals, and a crash is placed in the attendee's lines.
set_source_files_properties(${CMAKE_SOURCE_DIR}/framework/testsupport/catch_main.cpp
                            TARGET_DIRECTORY twist_catch PROPERTIES COMPILE_OPTIONS -g0)
set_source_files_properties(${CMAKE_SOURCE_DIR}/runner/listener/twistlings_listener.cpp
                            TARGET_DIRECTORY twistlings_listener PROPERTIES COMPILE_OPTIONS -g0)
