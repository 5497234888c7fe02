# cmake -DMANIFEST=lessons/NN-topic/lesson.json -DROOT=<repository> -P CheckLesson.cmake
# Checks one manifest as the build does; prints the error that names the field.
set(COURSE_CHECK_ONLY ON)
include(${CMAKE_CURRENT_LIST_DIR}/CourseManifest.cmake)
course_read(${MANIFEST} ${ROOT})
message(STATUS "${MANIFEST}: valid")
