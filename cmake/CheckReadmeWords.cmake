# CheckReadmeWords.cmake — a lesson's README is "about 1,200 words including
# the code" (COURSE.md, rule 3: the rest belongs in the headers' contracts and
# the hints). Run as a test: cmake -DREADME=path -DMAX_WORDS=n -P this file.
# Words are counted as `wc -w` counts them: runs of characters between
# whitespace.
if(NOT DEFINED README OR NOT DEFINED MAX_WORDS)
  message(FATAL_ERROR "usage: cmake -DREADME=lessons/NN-topic/README.md -DMAX_WORDS=1320 -P CheckReadmeWords.cmake")
endif()
file(READ "${README}" text)
# CMake lists split at ';' and treat brackets specially: neither may reach one.
string(REGEX REPLACE "[][;]" "x" text "${text}")
string(REGEX MATCHALL "[^ \t\r\n]+" words "${text}")
list(LENGTH words count)
if(count GREATER MAX_WORDS)
  math(EXPR over "${count} - 1200")
  message(FATAL_ERROR "${README}: ${count} words, ${over} over the 1,200 of COURSE.md's rule 3 (at most ${MAX_WORDS} "
                      "pass): keep the README's reading to about 1,200 words including the code; the rest belongs "
                      "in the headers' contracts and the hints")
endif()
message(STATUS "${README}: ${count} words (at most ${MAX_WORDS})")
