# CourseManifest.cmake — reads and checks one lessons/NN-topic/lesson.json.
# Used by the build (Course.cmake) and by the course's own test of broken
# manifests (cmake -DMANIFEST=... -DROOT=... -P CheckLesson.cmake), so both
# give the same errors: each names the file and the field.

# course_fail(TEXT): stops with TEXT. CheckLesson.cmake also prints it on one
# line (a FATAL_ERROR is re-wrapped to the terminal), so a test can match it.
function(course_fail text)
  if(COURSE_CHECK_ONLY)
    message(STATUS "error: ${text}")
  endif()
  message(FATAL_ERROR "${text}")
endfunction()

# course_field(OUT FILE JSON TYPE PATH...): the value at PATH, which must be of TYPE.
function(course_field out manifest json type)
  string(JSON kind ERROR_VARIABLE error TYPE "${json}" ${ARGN})
  string(REPLACE ";" "." where "${ARGN}")
  if(error)
    course_fail("${manifest}: field '${where}' is missing (${error})")
  endif()
  if(NOT kind STREQUAL type)
    course_fail("${manifest}: field '${where}' must be a ${type}, not a ${kind}")
  endif()
  string(JSON value GET "${json}" ${ARGN})
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# course_whole(OUT FILE JSON PATH...): a whole number >= 0 at PATH.
function(course_whole out manifest json)
  course_field(value "${manifest}" "${json}" NUMBER ${ARGN})
  string(REPLACE ";" "." where "${ARGN}")
  if(NOT value MATCHES "^[0-9]+$")
    course_fail("${manifest}: field '${where}' must be a whole number of minutes, 0 or more, not ${value}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# course_list(OUT FILE JSON PATH...): the strings of a non-empty array.
function(course_list out manifest json)
  course_field(ignored "${manifest}" "${json}" ARRAY ${ARGN})
  string(JSON count LENGTH "${json}" ${ARGN})
  string(REPLACE ";" "." where "${ARGN}")
  if(count EQUAL 0)
    course_fail("${manifest}: field '${where}' must not be empty")
  endif()
  set(items "")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    course_field(item "${manifest}" "${json}" STRING ${ARGN} ${i})
    list(APPEND items "${item}")
  endforeach()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()

# course_mutants(OUT FILE JSON E): the ids of exercise E's "mutants", a
# non-empty list of { "id": "never-times-out", "breaks": "a version that never
# times out an idle client" }: ids unique, of a-z, 0-9 and '-' (the grader
# passes one in TWISTLINGS_MUTANT), "breaks" a phrase that completes "<breaks>
# passed all your tests" (the verdict names a surviving mutant by it alone).
function(course_mutants out manifest json e)
  course_field(ignored "${manifest}" "${json}" ARRAY exercises ${e} mutants)
  string(JSON count LENGTH "${json}" exercises ${e} mutants)
  if(count EQUAL 0)
    course_fail("${manifest}: field 'exercises.${e}.mutants' must not be empty: a mutants exercise needs at least one mutant")
  endif()
  set(ids "")
  math(EXPR last "${count} - 1")
  foreach(m RANGE ${last})
    course_field(ignored "${manifest}" "${json}" OBJECT exercises ${e} mutants ${m})
    course_field(id "${manifest}" "${json}" STRING exercises ${e} mutants ${m} id)
    course_field(breaks "${manifest}" "${json}" STRING exercises ${e} mutants ${m} breaks)
    if(NOT id MATCHES "^[a-z0-9-]+$")
      course_fail("${manifest}: field 'exercises.${e}.mutants.${m}.id' is '${id}', but an id holds only a-z, 0-9 and '-'")
    endif()
    list(FIND ids "${id}" seen)  # not IN_LIST: CheckLesson.cmake runs in script mode, without CMP0057
    if(NOT seen EQUAL -1)
      course_fail("${manifest}: field 'exercises.${e}.mutants.${m}.id' is '${id}', which an earlier mutant has: ids must be unique")
    endif()
    if(breaks STREQUAL "")
      course_fail("${manifest}: field 'exercises.${e}.mutants.${m}.breaks' must not be empty: say what the mutant breaks (\"a version that never times out an idle client\")")
    endif()
    list(APPEND ids "${id}")
  endforeach()
  set(${out} "${ids}" PARENT_SCOPE)
endfunction()

# course_read(MANIFEST ROOT): checks the manifest and the files it names, and
# sets, in the caller's scope: course_lesson, course_lesson_dir,
# course_talk, course_hands_on, course_minutes (their sum), course_exercise_count,
# and for each exercise e (0-based): course_<e>_name, course_<e>_files,
# course_<e>_tests, course_<e>_timeout, course_<e>_stretch (ON/OFF),
# course_<e>_kind ("unit", "program", "mutants" or "regression"), and for a
# mutants exercise course_<e>_reference (its hidden implementation files) and
# course_<e>_mutants (the ids of its mutants; course_<e>_tests is then empty);
# for a regression exercise course_<e>_reference, course_<e>_report and
# course_<e>_regression_test.
macro(course_read manifest root)
  file(RELATIVE_PATH manifest_name ${root} ${manifest})
  get_filename_component(course_lesson_dir ${manifest} DIRECTORY)
  get_filename_component(course_lesson ${course_lesson_dir} NAME)
  file(READ ${manifest} json)
  string(JSON ignored ERROR_VARIABLE parse_error TYPE "${json}")
  if(parse_error)
    course_fail("${manifest_name}: not valid JSON (${parse_error})")
  endif()

  course_field(id "${manifest_name}" "${json}" STRING id)
  if(NOT id STREQUAL course_lesson)
    course_fail("${manifest_name}: field 'id' is '${id}', but the folder is '${course_lesson}': they must match")
  endif()
  course_field(title "${manifest_name}" "${json}" STRING title)
  # The room's minutes: the instructor's talk plus the attendees' hands-on time
  # (COURSE.md's time model); lessons/course.json must agree (CheckCoursePlan.cmake).
  string(JSON minutes_type ERROR_VARIABLE error TYPE "${json}" minutes)
  if(error)
    course_fail("${manifest_name}: field 'minutes' is missing: say { \"talk\": 7, \"hands_on\": 13 }")
  elseif(NOT minutes_type STREQUAL "OBJECT")
    course_fail("${manifest_name}: field 'minutes' must be an object like { \"talk\": 7, \"hands_on\": 13 }, not a ${minutes_type}")
  endif()
  course_whole(course_talk "${manifest_name}" "${json}" minutes talk)
  course_whole(course_hands_on "${manifest_name}" "${json}" minutes hands_on)
  math(EXPR course_minutes "${course_talk} + ${course_hands_on}")
  if(course_minutes LESS_EQUAL 0)
    course_fail("${manifest_name}: field 'minutes' must add up to more than 0 (talk + hands_on)")
  endif()
  if(NOT EXISTS ${course_lesson_dir}/README.md)
    course_fail("${manifest_name}: the lesson has no text: lessons/${course_lesson}/README.md is missing")
  endif()
  course_field(ignored "${manifest_name}" "${json}" ARRAY exercises)
  string(JSON course_exercise_count LENGTH "${json}" exercises)
  if(course_exercise_count GREATER 0)
    math(EXPR last_exercise "${course_exercise_count} - 1")
    foreach(e RANGE ${last_exercise})
      course_field(course_${e}_name "${manifest_name}" "${json}" STRING exercises ${e} name)
      course_list(course_${e}_files "${manifest_name}" "${json}" exercises ${e} files)
      course_field(course_${e}_timeout "${manifest_name}" "${json}" NUMBER exercises ${e} timeout_s)
      # Optional: a stretch exercise is for the fast half of the room; the core path skips it.
      set(course_${e}_stretch OFF)
      string(JSON stretch_type ERROR_VARIABLE no_stretch TYPE "${json}" exercises ${e} stretch)
      if(NOT no_stretch)
        course_field(course_${e}_stretch "${manifest_name}" "${json}" BOOLEAN exercises ${e} stretch)
      endif()
      # Optional: how it is graded (DESIGN.md "Grading forms"). A unit exercise's
      # files are linked with its hidden tests; a program exercise's make a
      # program of their own, which the hidden tests run as a child process.
      set(course_${e}_kind unit)
      string(JSON kind_type ERROR_VARIABLE no_kind TYPE "${json}" exercises ${e} kind)
      if(NOT no_kind)
        course_field(course_${e}_kind "${manifest_name}" "${json}" STRING exercises ${e} kind)
        if(NOT course_${e}_kind MATCHES "^(unit|program|mutants|regression)$")
          course_fail("${manifest_name}: field 'exercises.${e}.kind' is '${course_${e}_kind}', but the kinds are 'unit' (the default), 'program', 'mutants' and 'regression'")
        endif()
      endif()
      # A mutants exercise: the attendee writes the tests (its files), which run
      # against the hidden reference implementation and each of its mutants;
      # "tests" is not used. Every other kind has hidden tests.
      set(course_${e}_tests "")
      set(course_${e}_reference "")
      set(course_${e}_mutants "")
      if(course_${e}_kind STREQUAL "mutants")
        course_list(course_${e}_reference "${manifest_name}" "${json}" exercises ${e} reference)
        course_mutants(course_${e}_mutants "${manifest_name}" "${json}" ${e})
      else()
        course_list(course_${e}_tests "${manifest_name}" "${json}" exercises ${e} tests)
      endif()
      # A regression exercise (runner/src/regression.hpp): its hidden tests
      # are the fix's; its reference is the helper fixed, carrying the helper
      # as shipped as mutant("as-shipped"); the bug report is a file of the
      # lesson's exercises/ folder, and one of its files is the attendee's
      # regression test.
      set(course_${e}_report "")
      set(course_${e}_regression_test "")
      if(course_${e}_kind STREQUAL "regression")
        course_list(course_${e}_reference "${manifest_name}" "${json}" exercises ${e} reference)
        course_field(course_${e}_report "${manifest_name}" "${json}" STRING exercises ${e} report)
        course_field(course_${e}_regression_test "${manifest_name}" "${json}" STRING exercises ${e} regression_test)
        list(FIND course_${e}_files "${course_${e}_regression_test}" listed)
        if(listed EQUAL -1 OR NOT course_${e}_regression_test MATCHES "\\.cpp$")
          course_fail("${manifest_name}: field 'exercises.${e}.regression_test' is '${course_${e}_regression_test}', but it must be one of the exercise's .cpp files")
        endif()
        if(NOT EXISTS ${root}/exercises/${course_lesson}/${course_${e}_report})
          course_fail("${manifest_name}: exercise '${course_${e}_name}' lists report '${course_${e}_report}', but exercises/${course_lesson}/${course_${e}_report} is missing")
        endif()
      endif()
      # Counted in the JSON, not as a CMake list: a hint with C++ in it has ';'.
      course_field(ignored "${manifest_name}" "${json}" ARRAY exercises ${e} hints)
      string(JSON hint_count LENGTH "${json}" exercises ${e} hints)
      if(hint_count GREATER 0)
        math(EXPR last_hint "${hint_count} - 1")
        foreach(h RANGE ${last_hint})
          course_field(hint "${manifest_name}" "${json}" STRING exercises ${e} hints ${h})
        endforeach()
      endif()
      if(NOT hint_count EQUAL 3)
        course_fail("${manifest_name}: field 'exercises.${e}.hints' must hold 3 tiered hints, not ${hint_count}")
      endif()
      foreach(test ${course_${e}_tests})
        if(NOT EXISTS ${root}/runner/hidden/${course_lesson}/${test})
          course_fail("${manifest_name}: exercise '${course_${e}_name}' lists test '${test}', but runner/hidden/${course_lesson}/${test} is missing")
        endif()
      endforeach()
      foreach(file ${course_${e}_reference})
        if(NOT EXISTS ${root}/runner/hidden/${course_lesson}/${file})
          course_fail("${manifest_name}: exercise '${course_${e}_name}' lists reference '${file}', but runner/hidden/${course_lesson}/${file} is missing")
        endif()
      endforeach()
      foreach(kind exercise solution)
        foreach(file ${course_${e}_files})
          if(NOT EXISTS ${root}/${kind}s/${course_lesson}/${file})
            course_fail("${manifest_name}: exercise '${course_${e}_name}' lists file '${file}', but ${kind}s/${course_lesson}/${file} is missing")
          endif()
        endforeach()
      endforeach()
    endforeach()
  endif()
endmacro()
