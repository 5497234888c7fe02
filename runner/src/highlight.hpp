// highlight.hpp — syntax colours for the code blocks of a lesson: a small
// tokenizer for C++ (keywords, types, string and char literals including raw
// strings R"d(...)d", // and /* */ comments, numbers, preprocessor lines), for
// Python (keywords, strings including triple-quoted ones, comments,
// decorators), and comments only for shell.
//
// It promises to be total: for any input whatever (unterminated strings or
// comments, stray bytes, invalid UTF-8, empty text) it returns, never throws
// but std::bad_alloc, and drops nothing: the result with its escape codes
// removed is exactly the input. Each escape sequence opens and closes on one
// line (a token spanning lines is painted line by line), so a caller may put
// a prefix before every line. With a disabled Painter the result is the input.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "terminal.hpp"

namespace twistlings {

// The languages the highlighter tells apart; every other fence is plain text.
enum class CodeLanguage { Plain, Cpp, Python, Shell };

// From a fence's info word: cpp, c++, cc, cxx, c, h, hpp -> Cpp; python, py ->
// Python; sh, bash, shell, zsh, console -> Shell; anything else (or
// nothing) -> Plain. Case-insensitive.
CodeLanguage codeLanguage(std::string_view fence);

// `code` painted for `language` (a fence's info word, as for codeLanguage).
std::string highlightCode(std::string_view code, std::string_view language, const term::Painter& paint);

// The same tokens for another output (the HTML slides' CSS classes): `sink`
// gets every piece of `code` in order, with its kind, and the pieces joined
// are exactly `code`. A Plain piece may span lines; a painted one may too
// (a /* */ comment, a triple-quoted string).
enum class CodeToken { Plain, Keyword, Type, String, Number, Comment, Preproc };
using CodeTokenSink = std::function<void(CodeToken kind, std::string_view text)>;
void tokenizeCode(std::string_view code, std::string_view language, const CodeTokenSink& sink);

}  // namespace twistlings
