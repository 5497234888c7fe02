# Demos.cmake — the live demos that lessons name in lesson.json ("demo":
# {"program": ...}). A demo is a program built with the course: either one of
# twist's examples (framework/examples/NAME.cpp, built by framework/CMakeLists.txt)
# or a one-file program beside its lesson, lessons/NN-topic/demo/NAME.cpp, built
# here as build/bin/NAME. Program names are global: one NAME, one program.
file(GLOB COURSE_DEMO_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/*/demo/*.cpp)
foreach(demo_source ${COURSE_DEMO_SOURCES})
  get_filename_component(demo_name ${demo_source} NAME_WE)
  if(TARGET ${demo_name})
    message(FATAL_ERROR "${demo_source}: a program named '${demo_name}' exists already (an example or another "
                        "lesson's demo): give the demo a name of its own")
  endif()
  add_executable(${demo_name} ${demo_source})
  target_link_libraries(${demo_name} PRIVATE twist)
endforeach()
# Lesson 08's narrator runs twist's chat_service example as its child: the
# demo's build (`twistlings demo 08` builds graceful_stop alone) makes it too.
if(TARGET graceful_stop AND TARGET chat_service)
  add_dependencies(graceful_stop chat_service)
endif()

# Every lesson's demo, read from its lesson.json (as the runner reads it,
# runner/src/course.cpp): the program must be one this build makes, and the
# question must be there. Each gets a ctest: `twistlings demo NN --smoke`,
# the short run with the demo's smoke_args, which must exit 0 within 30 s, so
# that no demo rots between workshops.
function(course_demo_fail manifest field why)
  message(FATAL_ERROR "${manifest}: field 'demo.${field}' ${why}")
endfunction()

file(GLOB COURSE_DEMO_MANIFESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/*/lesson.json)
foreach(manifest ${COURSE_DEMO_MANIFESTS})
  file(READ ${manifest} json)
  string(JSON demo_type ERROR_VARIABLE missing TYPE "${json}" demo)
  if(missing)
    continue()  # a lesson without a demo: the runner says so when asked
  endif()
  if(NOT demo_type STREQUAL "OBJECT")
    course_demo_fail(${manifest} "" "must be an object")
  endif()
  string(JSON program ERROR_VARIABLE error GET "${json}" demo program)
  if(error OR program STREQUAL "")
    course_demo_fail(${manifest} program "is missing: name a program of the build")
  endif()
  if(NOT TARGET ${program})
    course_demo_fail(${manifest} program "is '${program}', which this build does not make: put it in "
                     "framework/examples/${program}.cpp or lessons/<lesson>/demo/${program}.cpp")
  endif()
  string(JSON predict ERROR_VARIABLE error GET "${json}" demo predict)
  if(error OR predict STREQUAL "")
    course_demo_fail(${manifest} predict "is missing: the question to ask the room before it runs")
  endif()
  get_filename_component(lesson_dir ${manifest} DIRECTORY)
  get_filename_component(lesson ${lesson_dir} NAME)
  add_test(NAME "course: the demo of ${lesson} runs (twistlings demo ${lesson} --smoke)"
           COMMAND twistlings demo ${lesson} --smoke
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties("course: the demo of ${lesson} runs (twistlings demo ${lesson} --smoke)" PROPERTIES
                       TIMEOUT 60 ENVIRONMENT "TWISTLINGS_ROOT=${CMAKE_SOURCE_DIR};TWISTLINGS_BUILD_DIR=${CMAKE_BINARY_DIR};NO_COLOR=1")
endforeach()

# The command itself, on a small course of its own: unknown lesson, lesson
# without a demo, a failing demo's exit status, SIGINT stopping a server demo.
add_test(NAME "course: twistlings demo refuses, passes a failure on and stops on SIGINT"
         COMMAND ${CMAKE_SOURCE_DIR}/runner/tests/demo_check.sh $<TARGET_FILE:twistlings> ${CMAKE_BINARY_DIR})
set_tests_properties("course: twistlings demo refuses, passes a failure on and stops on SIGINT" PROPERTIES
                     TIMEOUT 120 FAIL_REGULAR_EXPRESSION "FAIL ")
