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
