# cmake -DDIR=exercises/NN-topic -DFILES="a.hpp;a.cpp" -P CheckTodo.cmake
# Passes when one of the starter's files still says TODO: a starter tells the
# attendee where to work.
foreach(file ${FILES})
  file(READ ${DIR}/${file} text)
  if(text MATCHES "TODO")
    return()
  endif()
endforeach()
message(FATAL_ERROR "no TODO in the starter files (${FILES}) in ${DIR}: mark where the attendee should work")
