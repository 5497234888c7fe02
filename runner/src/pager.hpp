// pager.hpp — long text through a pager, as git and man do it.
//
// showPaged prints `text` on stdout. When stdout is a terminal and the text
// has more lines than the screen, it goes through $PAGER (when set and not
// empty; run by /bin/sh, so it may hold options) or else `less -R -F -X`
// (colours pass through; quits at once if it fits after all; leaves the text
// on the screen), or `more`, or, when no pager can be found or started, is
// printed as it is. The call returns when the pager has exited. Quitting the
// pager early is normal: the rest of the text is dropped silently.
#pragma once

#include <string>

namespace twistlings {

void showPaged(const std::string& text);

}  // namespace twistlings
