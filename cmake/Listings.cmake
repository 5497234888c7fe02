# Listings.cmake — every listing in the lessons and the decks compiles (issue 8,
# §2), and no raw HTML is lost in the terminal (§5). Included by Course.cmake.
#
# For each lessons/*/README.md and slides/*.md (globbed with CONFIGURE_DEPENDS,
# so a deck or a lesson added later is checked without editing this file),
# three tests run course_listings (runner/tools/course_listings.cpp):
#   course: the listings of FILE compile       its C++ listings, each compiled
#       alone against twist's headers with the project's compiler (and its
#       `cpp fails` pitfalls proven not to), and its fence markings valid
#   course: the Python listings of FILE ...    compiled with python3, the
#       `python run` ones run with Twisted, bounded; skipped (ctest's SKIP,
#       exit code 77, saying why) without python3 or Twisted
#   course: FILE has no raw HTML               Markdown the terminal drops
# and each lesson's README is about 1,200 words (below).
# The marking convention (```cpp fragment, ```cpp body fails, ```python run ...)
# is in runner/tools/listing_parser.hpp; the raw-HTML marker in raw_html.hpp.
# The generated sources stay in build/listings/ for a human to rerun.

file(GLOB COURSE_MARKDOWN CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/*/README.md ${CMAKE_SOURCE_DIR}/slides/*.md)

# twist's include folders and those of what its headers include (libuv's),
# as its usage requirements give them, transitively.
set(COURSE_LISTINGS_INCLUDES "$<JOIN:$<TARGET_PROPERTY:twist,INTERFACE_INCLUDE_DIRECTORIES>,:>")
set(COURSE_LISTINGS_ARGS --root ${CMAKE_SOURCE_DIR} --cxx ${CMAKE_CXX_COMPILER}
    "--include-dirs=${COURSE_LISTINGS_INCLUDES}" --work-dir ${CMAKE_BINARY_DIR}/listings)

foreach(markdown ${COURSE_MARKDOWN})
  file(RELATIVE_PATH file ${CMAKE_SOURCE_DIR} ${markdown})
  add_test(NAME "course: the listings of ${file} compile"
           COMMAND course_listings --check cpp ${COURSE_LISTINGS_ARGS} ${file})
  add_test(NAME "course: the Python listings of ${file} compile, and run where marked"
           COMMAND course_listings --check python ${COURSE_LISTINGS_ARGS} ${file})
  add_test(NAME "course: ${file} has no raw HTML"
           COMMAND course_listings --check html ${COURSE_LISTINGS_ARGS} ${file})
  set_tests_properties("course: the listings of ${file} compile" PROPERTIES TIMEOUT 900)
  set_tests_properties("course: the Python listings of ${file} compile, and run where marked"
                       PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()

# COURSE.md's rule 3, "about 1,200 words including the code": at most 10 %
# more, counted as wc -w does (CheckReadmeWords.cmake).
file(GLOB COURSE_READMES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/*/README.md)
foreach(readme ${COURSE_READMES})
  file(RELATIVE_PATH file ${CMAKE_SOURCE_DIR} ${readme})
  add_test(NAME "course: ${file} is about 1,200 words (at most 1,320)"
           COMMAND ${CMAKE_COMMAND} -DREADME=${readme} -DMAX_WORDS=1320
                   -P ${CMAKE_CURRENT_LIST_DIR}/CheckReadmeWords.cmake)
endforeach()

# The check's own tests (runner/tests/test_listings.cpp) run it on the fixture
# lessons in cmake/tests/listings/ with the same compiler and include folders.
if(TARGET twistlings_test_listings)
  target_link_libraries(twistlings_test_listings PRIVATE course_listings_core)
  add_dependencies(twistlings_test_listings course_listings)
  target_compile_definitions(twistlings_test_listings PRIVATE
    COURSE_LISTINGS_PROGRAM="$<TARGET_FILE:course_listings>"
    COURSE_LISTINGS_FIXTURES="${CMAKE_SOURCE_DIR}/cmake/tests/listings"
    COURSE_LISTINGS_CXX="${CMAKE_CXX_COMPILER}"
    COURSE_LISTINGS_INCLUDES="${COURSE_LISTINGS_INCLUDES}")
endif()
