# Course.cmake — the course format, read by the build (issue 4, §1).
#
# lessons/NN-topic/lesson.json is the one source of truth:
#   { "id": "NN-topic", "title": "...", "minutes": { "talk": 8, "hands_on": 17 },
#     "exercises": [ { "name": "chat", "files": ["chat.hpp", "chat.cpp"],
#                      "tests": ["test_chat.cpp"], "timeout_s": 10,
#                      "hints": ["first", "second", "third"] },
#                    { "name": "rooms", "stretch": true, ... } ] }
# lessons/course.json is the plan of all ten (CheckCoursePlan.cmake holds each
# lesson.json to it).
# For each exercise the build makes two programs, each linked with the same
# hidden tests (runner/hidden/NN-topic/) and Catch's main:
#   build/bin/exercise_NN-topic_NAME   the attendee's code, exercises/NN-topic/
#   build/bin/solution_NN-topic_NAME   the reference, solutions/NN-topic/
# A "mutants" exercise ("kind": "mutants") is built as a unit one, with its
# hidden reference implementation ("reference") in place of hidden tests: the
# attendee's files are the tests, and the grader runs the program once on the
# reference and once per mutant (TWISTLINGS_MUTANT, twist_mutant.hpp).
# A "regression" exercise ("kind": "regression", runner/src/regression.hpp)
# has two programs: the one above holds the attendee's helper, their
# regression test and the hidden tests of the fix; ..._regression holds their
# regression test and the hidden reference (the helper fixed, and as shipped
# behind mutant("as-shipped")), run as a mutants exercise's program.
# A "program" exercise ("kind": "program") is the attendee's whole program
# instead, built on its own as build/bin/exercise_NN-topic_NAME_program (and
# solution_..._program); the two programs above then hold the hidden tests
# alone, which run it as a child process and check what it printed, its exit
# status and its timing.
# twist and Catch's main are libraries built once, so after an edit only the
# attendee's file recompiles. A broken manifest stops the configure step with
# an error that names the file and the field.
#
# ctest holds the course's own checks (like rustlings' dev check): every
# solution passes its hidden tests; every starter compiles, has a TODO, and
# fails at least one hidden test; the contract headers of both are identical.

include(${CMAKE_CURRENT_LIST_DIR}/CourseManifest.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/Listings.cmake)  # every listing in lessons/ and slides/ compiles

# Every exercise's program: what ./twistlings builds (keeping going past the
# ones that do not compile yet) before it starts the runner.
add_custom_target(course_exercises)

# The twist headers the exercises include, precompiled once and reused by
# every exercise and solution program: an edit then recompiles only the
# attendee's own code, not deferred.hpp's templates (see runner/bench/).
# Exercise programs are compiled without optimisation (quicker to build, and
# a debugger steps them line by line); twist itself keeps the build type's
# flags. They keep line tables whatever the build type (-g1: functions and
# lines, not local variables), so a crash's verdict names the attendee's line
# (runner/src/symbolize.hpp). Measured on edit -> verdict (2 cores, medians
# of CPU time): -g1 costs 0.01-0.02 s over no debug information, and saves
# about 0.1 s against the -g that RelWithDebInfo gave them before.
# And they link as CourseLink.cmake says, quickly.
set(COURSE_COMPILE_OPTIONS -O0 -g1)
include(${CMAKE_CURRENT_LIST_DIR}/CourseLink.cmake)
set(course_pch_headers
  <functional> <memory> <stdexcept> <string> <string_view> <utility> <vector>
  "${CMAKE_SOURCE_DIR}/framework/include/twist/deferred.hpp"
  "${CMAKE_SOURCE_DIR}/framework/include/twist/task.hpp"
  "${CMAKE_SOURCE_DIR}/framework/include/twist/basic.hpp")
add_library(course_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/course_pch.cpp)
target_link_libraries(course_pch PRIVATE twist twist_catch)
target_compile_options(course_pch PRIVATE ${COURSE_COMPILE_OPTIONS})
target_precompile_headers(course_pch PRIVATE ${course_pch_headers})
# A program exercise's attendee file is a whole program: it includes
# reactor.hpp, which course_pch leaves out (19 MB more of it would cost every
# other exercise 0.05 s a check), and which parsed on each edit was 0.25 s of
# hello.cpp's 0.65 s of CPU.
add_library(course_program_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/course_pch.cpp)
target_link_libraries(course_program_pch PRIVATE twist twist_catch)
target_compile_options(course_program_pch PRIVATE ${COURSE_COMPILE_OPTIONS})
target_precompile_headers(course_program_pch PRIVATE ${course_pch_headers}
  "${CMAKE_SOURCE_DIR}/framework/include/twist/reactor.hpp")
# A mutants exercise's attendee file is a Catch2 test file: its programs
# precompile Catch (Catch2 2's catch.hpp is 17 000 lines, most of the time
# of an edit -> verdict without it) and twist's test doubles too. Apart from
# course_pch, so that Catch's macros (INFO, CHECK, ...) never reach the
# attendee's code in the other exercises. Not reactor.hpp: those tests use
# test doubles, and its 16 MB more of precompiled header took 0.05 s to load
# on every edit of them (a hidden file that needs it includes it).
add_library(course_test_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/course_pch.cpp)
target_link_libraries(course_test_pch PRIVATE twist twist_catch)
target_compile_options(course_test_pch PRIVATE ${COURSE_COMPILE_OPTIONS})
target_precompile_headers(course_test_pch PRIVATE ${course_pch_headers}
  "${CMAKE_SOURCE_DIR}/framework/testsupport/twist_catch.hpp"
  "${CMAKE_SOURCE_DIR}/framework/include/twist/testing.hpp")

file(GLOB COURSE_MANIFESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/*/lesson.json)
foreach(manifest ${COURSE_MANIFESTS})
  course_read(${manifest} ${CMAKE_SOURCE_DIR})
  set(lesson ${course_lesson})
  if(course_exercise_count EQUAL 0)
    continue()  # a lesson without exercises (00-intro, say) has only its text
  endif()
  math(EXPR last_exercise "${course_exercise_count} - 1")
  # Every mutant of the lesson: its exercises share one reference, and each
  # names only its own part of the mutants in it.
  set(lesson_mutants "")
  foreach(e RANGE ${last_exercise})
    list(APPEND lesson_mutants ${course_${e}_mutants})
    if(course_${e}_kind STREQUAL "regression")
      list(APPEND lesson_mutants as-shipped)
    endif()
  endforeach()
  foreach(e RANGE ${last_exercise})
    set(name ${course_${e}_name})
    set(files ${course_${e}_files})
    set(hidden "")
    # A mutants exercise's hidden part is its reference implementation, with
    # the mutants inside (twist_mutant.hpp); the attendee's tests are its files.
    # A regression exercise's reference goes in its second program (below).
    set(hidden_reference "")
    foreach(file ${course_${e}_reference})
      list(APPEND hidden_reference ${CMAKE_SOURCE_DIR}/runner/hidden/${lesson}/${file})
    endforeach()
    foreach(test ${course_${e}_tests})
      list(APPEND hidden ${CMAKE_SOURCE_DIR}/runner/hidden/${lesson}/${test})
    endforeach()
    if(NOT course_${e}_kind STREQUAL "regression")
      list(APPEND hidden ${hidden_reference})
    endif()

    foreach(kind exercise solution)
      set(source_dir ${CMAKE_SOURCE_DIR}/${kind}s/${lesson})
      set(sources "")
      foreach(file ${files})
        if(file MATCHES "\\.cpp$")
          list(APPEND sources ${source_dir}/${file})
        endif()
      endforeach()
      set(target ${kind}_${lesson}_${name})
      if(course_${e}_kind STREQUAL "program")
        # A program exercise: the attendee's whole program (its own main), and
        # the hidden tests as the target `twistlings check` builds and runs,
        # which start that program as a child process (twist_program.hpp) by
        # the path in TWISTLINGS_PROGRAM, and need it built first.
        add_executable(${target}_program ${sources})
        target_include_directories(${target}_program PRIVATE ${source_dir})
        target_link_libraries(${target}_program PRIVATE twist_course)
        # The precompiled headers are reused only with the definitions they
        # were made with (Catch's, which the program itself never reads).
        target_compile_definitions(${target}_program PRIVATE
                                   $<TARGET_PROPERTY:twist_catch,INTERFACE_COMPILE_DEFINITIONS>)
        target_precompile_headers(${target}_program REUSE_FROM course_program_pch)
        target_compile_options(${target}_program PRIVATE ${COURSE_COMPILE_OPTIONS})
        target_link_options(${target}_program PRIVATE ${COURSE_LINK_OPTIONS})
        add_executable(${target} ${hidden})
        target_link_libraries(${target} PRIVATE twist_program)
        target_compile_definitions(${target} PRIVATE TWISTLINGS_PROGRAM="$<TARGET_FILE:${target}_program>")
        add_dependencies(${target} ${target}_program)
      elseif(course_${e}_kind STREQUAL "regression")
        # The attendee's regression test is in both programs: compiled once,
        # as an object library both link (two compiles of it after each edit
        # were 0.4 s more of edit -> verdict on 2 cores).
        set(regression_test ${source_dir}/${course_${e}_regression_test})
        list(REMOVE_ITEM sources ${regression_test})
        add_library(${target}_regression_test OBJECT ${regression_test})
        add_executable(${target} ${sources} ${hidden})
        target_link_libraries(${target} PRIVATE ${target}_regression_test)
      else()
        add_executable(${target} ${sources} ${hidden})
      endif()
      set(test_programs ${target})
      if(course_${e}_kind STREQUAL "regression")
        # Its second program (regression.hpp, step (a)): the attendee's
        # regression test on the hidden reference, the helper fixed, which
        # carries the helper as shipped as its mutant "as-shipped".
        add_executable(${target}_regression ${hidden_reference})
        target_link_libraries(${target}_regression PRIVATE ${target}_regression_test)
        list(APPEND test_programs ${target}_regression_test ${target}_regression)
        # For the course's own check that the reference's helper as shipped
        # is the starter's (CheckRegression.cmake): the hidden tests of the
        # fix on the reference, to run as the as-shipped version.
        if(kind STREQUAL "exercise")
          add_executable(course_${lesson}_${name}_as_shipped ${hidden} ${hidden_reference})
          list(APPEND test_programs course_${lesson}_${name}_as_shipped)
        endif()
      endif()
      foreach(program ${test_programs})
        target_include_directories(${program} PRIVATE ${source_dir})
        target_link_libraries(${program} PRIVATE twist_course twist_catch twistlings_listener)
        # The attendee's file is a Catch2 test file in both forms that have them write tests.
        if(course_${e}_kind MATCHES "^(mutants|regression)$")
          target_precompile_headers(${program} REUSE_FROM course_test_pch)
        else()
          target_precompile_headers(${program} REUSE_FROM course_pch)
        endif()
        target_compile_options(${program} PRIVATE ${COURSE_COMPILE_OPTIONS})
        target_link_options(${program} PRIVATE ${COURSE_LINK_OPTIONS})
      endforeach()
    endforeach()
    add_dependencies(course_exercises exercise_${lesson}_${name})
    if(course_${e}_kind STREQUAL "regression")
      add_dependencies(course_exercises exercise_${lesson}_${name}_regression)
    endif()

    set(id "${lesson}/${name}")
    if(course_${e}_kind STREQUAL "mutants")
      # The attendee writes the tests: the solution's must pass on the
      # reference and kill every mutant, the starter's few of them, and each
      # mutant must be wired into the reference under its id.
      set(mutants "${course_${e}_mutants}")
      list(LENGTH mutants mutant_count)
      math(EXPR all_runs_timeout "${course_${e}_timeout} * (${mutant_count} + 1)")
      set(check_mutants ${CMAKE_COMMAND} "-DMUTANTS=${mutants}" -DTIMEOUT=${course_${e}_timeout})
      set(solution_test "course: the solution of ${id} passes on the reference and catches every mutant")
      set(starter_test "course: the starter of ${id} passes on the reference and catches at most a third of the mutants")
      add_test(NAME "${solution_test}" COMMAND ${check_mutants} -DMODE=solution -DPROGRAM=$<TARGET_FILE:solution_${lesson}_${name}>
                                               -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
      add_test(NAME "${starter_test}" COMMAND ${check_mutants} -DMODE=starter -DPROGRAM=$<TARGET_FILE:exercise_${lesson}_${name}>
                                              -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
      set_tests_properties("${solution_test}" "${starter_test}" PROPERTIES TIMEOUT ${all_runs_timeout})
      set(reference "")
      foreach(file ${course_${e}_reference})
        list(APPEND reference ${CMAKE_SOURCE_DIR}/runner/hidden/${lesson}/${file})
      endforeach()
      add_test(NAME "course: every mutant of ${id} is wired into its reference under its id"
               COMMAND ${CMAKE_COMMAND} -DMODE=wired "-DMUTANTS=${mutants}" "-DLESSON_MUTANTS=${lesson_mutants}"
                       "-DREFERENCE=${reference}"
                       -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
    else()
      add_test(NAME "course: the solution of ${id} passes its hidden tests" COMMAND solution_${lesson}_${name})
      add_test(NAME "course: the starter of ${id} fails a hidden test" COMMAND exercise_${lesson}_${name})
      set_tests_properties("course: the starter of ${id} fails a hidden test" PROPERTIES WILL_FAIL TRUE)
      set_tests_properties("course: the solution of ${id} passes its hidden tests"
                           "course: the starter of ${id} fails a hidden test" PROPERTIES TIMEOUT ${course_${e}_timeout})
    endif()
    if(course_${e}_kind STREQUAL "regression")
      # Step (a) of its grading (regression.hpp), as the mutants form's
      # checks: the solution's regression test passes on the fixed helper
      # and fails on the helper as shipped; the starter's reproduces nothing
      # yet, so its first verdict is about the test; the as-shipped version
      # is wired into the reference. (The tests above are step (b)'s.)
      set(check_reproduction ${CMAKE_COMMAND} -DMUTANTS=as-shipped -DTIMEOUT=${course_${e}_timeout})
      set(reproduction_tests "course: the solution's regression test of ${id} fails on the helper as shipped and passes on the fix"
                             "course: the starter's test of ${id} does not reproduce the report yet")
      list(GET reproduction_tests 0 solution_reproduction)
      list(GET reproduction_tests 1 starter_reproduction)
      add_test(NAME "${solution_reproduction}" COMMAND ${check_reproduction} -DMODE=solution
               -DPROGRAM=$<TARGET_FILE:solution_${lesson}_${name}_regression> -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
      add_test(NAME "${starter_reproduction}" COMMAND ${check_reproduction} -DMODE=starter
               -DPROGRAM=$<TARGET_FILE:exercise_${lesson}_${name}_regression> -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
      math(EXPR both_runs_timeout "${course_${e}_timeout} * 2")
      set_tests_properties(${reproduction_tests} PROPERTIES TIMEOUT ${both_runs_timeout})
      add_test(NAME "course: the helper as shipped in the reference of ${id} fails the hidden tests as the starter's does"
               COMMAND ${CMAKE_COMMAND} -DSHIPPED=$<TARGET_FILE:course_${lesson}_${name}_as_shipped>
                       -DSTARTER=$<TARGET_FILE:exercise_${lesson}_${name}> -DTIMEOUT=${course_${e}_timeout}
                       -P ${CMAKE_SOURCE_DIR}/cmake/CheckRegression.cmake)
      add_test(NAME "course: the helper as shipped of ${id} is wired into its reference"
               COMMAND ${CMAKE_COMMAND} -DMODE=wired -DMUTANTS=as-shipped "-DLESSON_MUTANTS=${lesson_mutants}"
                       "-DREFERENCE=${hidden_reference}" -P ${CMAKE_SOURCE_DIR}/cmake/CheckMutants.cmake)
    endif()
    add_test(NAME "course: the starter of ${id} has a TODO"
             COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_SOURCE_DIR}/exercises/${lesson} "-DFILES=${files}"
                     -P ${CMAKE_SOURCE_DIR}/cmake/CheckTodo.cmake)
    # The header states the contract: the reference must implement the very one the attendee reads.
    foreach(file ${files})
      if(file MATCHES "\\.hpp$")
        add_test(NAME "course: ${id} has the same ${file} in exercises and solutions"
                 COMMAND ${CMAKE_COMMAND} -E compare_files ${CMAKE_SOURCE_DIR}/exercises/${lesson}/${file}
                         ${CMAKE_SOURCE_DIR}/solutions/${lesson}/${file})
      endif()
    endforeach()
  endforeach()
endforeach()

# A broken manifest gets an error that names the file and the field.
function(course_refusal_test fixture expected)
  set(name "course: a broken lesson.json is refused (${fixture})")
  add_test(NAME "${name}"
           COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_SOURCE_DIR}/cmake/tests/${fixture}/lesson.json
                   -DROOT=${CMAKE_SOURCE_DIR}/cmake/tests -P ${CMAKE_SOURCE_DIR}/cmake/CheckLesson.cmake)
  set_tests_properties("${name}" PROPERTIES PASS_REGULAR_EXPRESSION "error: ${fixture}/lesson.json: ${expected}")
endfunction()
course_refusal_test(no_minutes "field 'minutes' is missing")
course_refusal_test(minutes_as_number "field 'minutes' must be an object like")
course_refusal_test(bad_stretch "field 'exercises.0.stretch' must be a BOOLEAN, not a STRING")
course_refusal_test(three_hints "field 'exercises.0.hints' must hold 3 tiered hints, not 2")
course_refusal_test(bad_json "not valid JSON")
course_refusal_test(bad_kind "field 'exercises.0.kind' is 'script', but the kinds are 'unit' \\(the default\\), 'program', 'mutants' and 'regression'")
course_refusal_test(mutants_no_reference "field 'exercises.0.reference' is missing")
course_refusal_test(mutants_empty "field 'exercises.0.mutants' must not be empty")
course_refusal_test(mutants_bad_id "field 'exercises.0.mutants.0.id' is 'Never_Times_Out', but an id holds only a-z, 0-9 and '-'")
course_refusal_test(mutants_duplicate_id "field 'exercises.0.mutants.1.id' is 'a', which an earlier mutant has")
course_refusal_test(mutants_no_breaks "field 'exercises.0.mutants.0.breaks' is missing")
course_refusal_test(mutants_missing_reference "exercise 'kv' lists reference 'nowhere.cpp', but runner/hidden/mutants_missing_reference/nowhere.cpp is missing")
course_refusal_test(regression_bad_test "field 'exercises.0.regression_test' is 'kv.hpp', but it must be one of the exercise's .cpp files")
course_refusal_test(id_mismatch "field 'id' is 'something_else', but the folder is 'id_mismatch'")

add_test(NAME "course: a lesson.json of the regression form, with its report, regression test, reference and tests, is accepted"
         COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_SOURCE_DIR}/cmake/tests/regression_valid/lesson.json
                 -DROOT=${CMAKE_SOURCE_DIR}/cmake/tests -P ${CMAKE_SOURCE_DIR}/cmake/CheckLesson.cmake)
add_test(NAME "course: a lesson.json of the mutants form, with its reference and mutants, is accepted"
         COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_SOURCE_DIR}/cmake/tests/mutants_valid/lesson.json
                 -DROOT=${CMAKE_SOURCE_DIR}/cmake/tests -P ${CMAKE_SOURCE_DIR}/cmake/CheckLesson.cmake)

# ... and a valid one, whose hints hold C++ (semicolons and all), and a stretch exercise, is accepted.
add_test(NAME "course: a lesson.json whose hints hold code, with a stretch exercise, is accepted"
         COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_SOURCE_DIR}/cmake/tests/hint_with_code/lesson.json
                 -DROOT=${CMAKE_SOURCE_DIR}/cmake/tests -P ${CMAKE_SOURCE_DIR}/cmake/CheckLesson.cmake)

# The plan (lessons/course.json): ten lessons, 180 minutes, and every written
# lesson agrees with it; broken plans are refused with the file and the field.
add_test(NAME "course: the plan holds ten lessons in 180 minutes, and every lesson agrees with it"
         COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/CheckCoursePlan.cmake)
function(course_plan_refusal_test fixture expected)
  set(name "course: a broken plan is refused (${fixture})")
  add_test(NAME "${name}"
           COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR}/cmake/tests/plans/${fixture}
                   -P ${CMAKE_SOURCE_DIR}/cmake/CheckCoursePlan.cmake)
  set_tests_properties("${name}" PROPERTIES PASS_REGULAR_EXPRESSION "error: ${expected}")
endfunction()
course_plan_refusal_test(too_many_minutes "lessons/course.json: the 10 lessons' minutes add up to 200, not 180")
course_plan_refusal_test(nine_lessons "lessons/course.json: field 'lessons' holds 9 lessons, not 10")
course_plan_refusal_test(title_mismatch "lessons/02-reactor/lesson.json: field 'title' is 'Another title', but lessons/course.json says")
course_plan_refusal_test(minutes_mismatch "lessons/04-deferreds/lesson.json: field 'minutes.hands_on' is '20', but lessons/course.json plans 16")
course_plan_refusal_test(unplanned "lessons/10-extra/lesson.json: lesson '10-extra' is not in lessons/course.json")
