// compile_error_fixtures.hpp — real compiler output for test_compile_errors.cpp:
// lesson 04's "forgot to return" mistake in four shapes, and one other twist
// check, each as the attendee's source and what g++ 12.2 and clang++ 14.0.6
// (Debian 12) print for it, untrimmed. Made by compiling each source as
// exercises/04-deferreds/lookup.cpp beside the lesson's lookup.hpp and
// directory.hpp:
//   c++ -std=c++20 -Wall -Wextra -fsyntax-only -I<dir> -Iframework/include <dir>/<name>.cpp
// then writing @FILE@ for the source's path and /repo/ for the repository's.
// The line numbers inside twist's headers are those of the day; the tests look
// only at the attendee's lines. Recapture when twist's wording changes.
#pragma once

namespace fixtures {

// forgot_then_callback.cpp
inline const char* kForgotThenCallbackSource = R"src(// lookup.cpp — lesson 04, exercise "lookup": the mistake, a callback that forgets to return.
#include "lookup.hpp"

#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  return dir.findId(login)
      // Returning fullName's Deferred pauses the chain until the name arrives.
      .addCallback([&dir](int id) { dir.fullName(id); })
      .addCallback([](const std::string& name) { return "Hello, " + name + "!"; })
      .addErrback([](twist::Failure f) -> std::string {
        f.trap<UserNotFound>();
        return "Hello, stranger!";
      });
}
)src";

inline const char* kForgotThenCallbackGcc = R"out(In file included from /repo/framework/include/twist/deferred.hpp:56,
                 from /repo/exercises/04-deferreds/directory.hpp:21,
                 from /repo/exercises/04-deferreds/lookup.hpp:35,
                 from @FILE@:2:
/repo/framework/include/twist/detail/diagnose.hpp: In instantiation of ‘constexpr void twist::detail::callbackCannotTake(Parameters<P ...>) [with Carried = void; P = {const std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >&}]’:
/repo/framework/include/twist/deferred.hpp:360:36:   required from ‘auto twist::Deferred<T>::addCallback(F&&) [with F = greeting(Directory&, const std::string&)::<lambda(const std::string&)>; T = void]’
@FILE@:10:19:   required from here
/repo/framework/include/twist/detail/diagnose.hpp:120:81: error: static assertion failed: this callback takes an argument, but the step before it returns nothing (void), so there is no value to give it: did the callback before it forget to `return`?
  120 |     static_assert(the_step_before_returns<void>::but_this_callback_takes<P...>::value,
      |                                                                                 ^~~~~
/repo/framework/include/twist/detail/diagnose.hpp:120:81: note: ‘twist::detail::the_step_before_returns<void>::but_this_callback_takes<const std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >&>::value’ evaluates to false
)out";

inline const char* kForgotThenCallbackClang = R"out(In file included from @FILE@:2:
In file included from /repo/exercises/04-deferreds/lookup.hpp:35:
In file included from /repo/exercises/04-deferreds/directory.hpp:21:
In file included from /repo/framework/include/twist/deferred.hpp:56:
/repo/framework/include/twist/detail/diagnose.hpp:120:5: error: static_assert failed due to requirement 'the_step_before_returns<void>::but_this_callback_takes<const std::basic_string<char, std::char_traits<char>, std::allocator<char>> &>::value' "this callback takes an argument, but the step before it returns nothing (void), so there is no value to give it: did the callback before it forget to `return`?"
    static_assert(the_step_before_returns<void>::but_this_callback_takes<P...>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/framework/include/twist/deferred.hpp:360:15: note: in instantiation of function template specialization 'twist::detail::callbackCannotTake<void, const std::basic_string<char> &>' requested here
      detail::callbackCannotTake<T>(Params{});
              ^
@FILE@:10:8: note: in instantiation of function template specialization 'twist::Deferred<void>::addCallback<(lambda at @FILE@:10:20)>' requested here
      .addCallback([](const std::string& name) { return "Hello, " + name + "!"; })
       ^
1 error generated.
)out";

// forgot_then_errback.cpp
inline const char* kForgotThenErrbackSource = R"src(// lookup.cpp — lesson 04, exercise "lookup": the mistake in the last callback, before the errback.
#include "lookup.hpp"

#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  return dir.findId(login)
      .addCallback([&dir](int id) { return dir.fullName(id); })
      .addCallback([](const std::string& name) {
        std::string text = "Hello, " + name + "!";
        text;
      })
      .addErrback([](twist::Failure f) -> std::string {
        f.trap<UserNotFound>();
        return "Hello, stranger!";
      });
}
)src";

inline const char* kForgotThenErrbackGcc = R"out(@FILE@: In lambda function:
@FILE@:11:9: warning: statement has no effect [-Wunused-value]
   11 |         text;
      |         ^~~~
In file included from /repo/framework/include/twist/deferred.hpp:56,
                 from /repo/exercises/04-deferreds/directory.hpp:21,
                 from /repo/exercises/04-deferreds/lookup.hpp:35,
                 from @FILE@:2:
/repo/framework/include/twist/detail/diagnose.hpp: In instantiation of ‘constexpr void twist::detail::errbackReturns() [with Carried = void; Returned = std::__cxx11::basic_string<char>]’:
/repo/framework/include/twist/deferred.hpp:380:69:   required from ‘auto twist::Deferred<T>::addErrback(F&&) [with F = greeting(Directory&, const std::string&)::<lambda(twist::Failure)>; T = void]’
@FILE@:13:18:   required from here
/repo/framework/include/twist/detail/diagnose.hpp:147:80: error: static assertion failed: addErrback: the chain carries nothing (void) here, but this errback returns a value: if a callback before it should have given that value, did it forget to `return`? (An errback on a Deferred<void> returns nothing to recover, or throws to let the failure go on.)
  147 |     static_assert(the_chain_carries<void>::but_this_errback_returns<Returned>::value,
      |                                                                                ^~~~~
/repo/framework/include/twist/detail/diagnose.hpp:147:80: note: ‘twist::detail::the_chain_carries<void>::but_this_errback_returns<std::__cxx11::basic_string<char> >::value’ evaluates to false
)out";

inline const char* kForgotThenErrbackClang = R"out(@FILE@:11:9: warning: expression result unused [-Wunused-value]
        text;
        ^~~~
In file included from @FILE@:2:
In file included from /repo/exercises/04-deferreds/lookup.hpp:35:
In file included from /repo/exercises/04-deferreds/directory.hpp:21:
In file included from /repo/framework/include/twist/deferred.hpp:56:
/repo/framework/include/twist/detail/diagnose.hpp:147:5: error: static_assert failed due to requirement 'the_chain_carries<void>::but_this_errback_returns<std::basic_string<char, std::char_traits<char>, std::allocator<char>>>::value' "addErrback: the chain carries nothing (void) here, but this errback returns a value: if a callback before it should have given that value, did it forget to `return`? (An errback on a Deferred<void> returns nothing to recover, or throws to let the failure go on.)"
    static_assert(the_chain_carries<void>::but_this_errback_returns<Returned>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/framework/include/twist/deferred.hpp:380:15: note: in instantiation of function template specialization 'twist::detail::errbackReturns<void, std::basic_string<char>>' requested here
      detail::errbackReturns<T, std::invoke_result_t<Fn&, Failure&>>();
              ^
@FILE@:13:8: note: in instantiation of function template specialization 'twist::Deferred<void>::addErrback<(lambda at @FILE@:13:19)>' requested here
      .addErrback([](twist::Failure f) -> std::string {
       ^
1 warning and 1 error generated.
)out";

// forgot_last.cpp
inline const char* kForgotLastSource = R"src(// lookup.cpp — lesson 04, exercise "lookup": the last callback forgets to return.
#include "lookup.hpp"

#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  return dir.findId(login)
      .addCallback([&dir](int id) { return dir.fullName(id); })
      .addCallback([](const std::string& name) { "Hello, " + name + "!"; });
}
)src";

inline const char* kForgotLastGcc = R"out(In file included from /repo/framework/include/twist/deferred.hpp:56,
                 from /repo/exercises/04-deferreds/directory.hpp:21,
                 from /repo/exercises/04-deferreds/lookup.hpp:35,
                 from @FILE@:2:
/repo/framework/include/twist/detail/diagnose.hpp: In instantiation of ‘constexpr void twist::detail::deferredOfAnotherType() [with Carried = void; Wanted = std::__cxx11::basic_string<char>]’:
/repo/framework/include/twist/deferred.hpp:297:40:   required from ‘twist::Deferred<T>::Deferred(const twist::Deferred<U>&) [with U = void; T = std::__cxx11::basic_string<char>]’
@FILE@:9:19:   required from here
/repo/framework/include/twist/detail/diagnose.hpp:184:99: error: static assertion failed: this Deferred<void> carries nothing, but a Deferred of a value (its type is in the check's name, beside this message) is wanted here: if it comes from addCallback, that callback returns nothing (void): did it forget to `return`?
  184 |     static_assert(the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<Wanted>::value,
      |                                                                                                   ^~~~~
/repo/framework/include/twist/detail/diagnose.hpp:184:99: note: ‘twist::detail::the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<std::__cxx11::basic_string<char> >::value’ evaluates to false
)out";

inline const char* kForgotLastClang = R"out(In file included from @FILE@:2:
In file included from /repo/exercises/04-deferreds/lookup.hpp:35:
In file included from /repo/exercises/04-deferreds/directory.hpp:21:
In file included from /repo/framework/include/twist/deferred.hpp:56:
/repo/framework/include/twist/detail/diagnose.hpp:184:5: error: static_assert failed due to requirement 'the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<std::basic_string<char, std::char_traits<char>, std::allocator<char>>>::value' "this Deferred<void> carries nothing, but a Deferred of a value (its type is in the check's name, beside this message) is wanted here: if it comes from addCallback, that callback returns nothing (void): did it forget to `return`?"
    static_assert(the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<Wanted>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/framework/include/twist/deferred.hpp:297:13: note: in instantiation of function template specialization 'twist::detail::deferredOfAnotherType<void, std::basic_string<char>>' requested here
    detail::deferredOfAnotherType<U, T>();
            ^
@FILE@:7:10: note: in instantiation of function template specialization 'twist::Deferred<std::basic_string<char>>::Deferred<void>' requested here
  return dir.findId(login)
         ^
1 error generated.
)out";

// forgot_multiline.cpp
inline const char* kForgotMultilineSource = R"src(// lookup.cpp — lesson 04, exercise "lookup": a multi-line callback that forgets to return.
#include "lookup.hpp"

#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  twist::Deferred<int> id = dir.findId(login);
  auto name = id.addCallback([&dir](int id) {
    // ask for the name; "that's it" (a comment with a quote)
    dir.fullName(id);
  });
  return name.addCallback([](const std::string& name) { return "Hello, " + name + "!"; });
}
)src";

inline const char* kForgotMultilineGcc = R"out(In file included from /repo/framework/include/twist/deferred.hpp:56,
                 from /repo/exercises/04-deferreds/directory.hpp:21,
                 from /repo/exercises/04-deferreds/lookup.hpp:35,
                 from @FILE@:2:
/repo/framework/include/twist/detail/diagnose.hpp: In instantiation of ‘constexpr void twist::detail::callbackCannotTake(Parameters<P ...>) [with Carried = void; P = {const std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >&}]’:
/repo/framework/include/twist/deferred.hpp:360:36:   required from ‘auto twist::Deferred<T>::addCallback(F&&) [with F = greeting(Directory&, const std::string&)::<lambda(const std::string&)>; T = void]’
@FILE@:12:26:   required from here
/repo/framework/include/twist/detail/diagnose.hpp:120:81: error: static assertion failed: this callback takes an argument, but the step before it returns nothing (void), so there is no value to give it: did the callback before it forget to `return`?
  120 |     static_assert(the_step_before_returns<void>::but_this_callback_takes<P...>::value,
      |                                                                                 ^~~~~
/repo/framework/include/twist/detail/diagnose.hpp:120:81: note: ‘twist::detail::the_step_before_returns<void>::but_this_callback_takes<const std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >&>::value’ evaluates to false
)out";

inline const char* kForgotMultilineClang = R"out(In file included from @FILE@:2:
In file included from /repo/exercises/04-deferreds/lookup.hpp:35:
In file included from /repo/exercises/04-deferreds/directory.hpp:21:
In file included from /repo/framework/include/twist/deferred.hpp:56:
/repo/framework/include/twist/detail/diagnose.hpp:120:5: error: static_assert failed due to requirement 'the_step_before_returns<void>::but_this_callback_takes<const std::basic_string<char, std::char_traits<char>, std::allocator<char>> &>::value' "this callback takes an argument, but the step before it returns nothing (void), so there is no value to give it: did the callback before it forget to `return`?"
    static_assert(the_step_before_returns<void>::but_this_callback_takes<P...>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/framework/include/twist/deferred.hpp:360:15: note: in instantiation of function template specialization 'twist::detail::callbackCannotTake<void, const std::basic_string<char> &>' requested here
      detail::callbackCannotTake<T>(Params{});
              ^
@FILE@:12:15: note: in instantiation of function template specialization 'twist::Deferred<void>::addCallback<(lambda at @FILE@:12:27)>' requested here
  return name.addCallback([](const std::string& name) { return "Hello, " + name + "!"; });
              ^
1 error generated.
)out";

// errback_returns_nothing.cpp
inline const char* kErrbackReturnsNothingSource = R"src(// lookup.cpp — lesson 04, exercise "lookup": an errback that only logs, on a Deferred<std::string>.
#include "lookup.hpp"

#include <cstdio>
#include <string>

twist::Deferred<std::string> greeting(Directory& dir, const std::string& login) {
  return dir.findId(login)
      .addCallback([&dir](int id) { return dir.fullName(id); })
      .addErrback([](twist::Failure f) { std::puts(f.getErrorMessage().c_str()); });
}
)src";

inline const char* kErrbackReturnsNothingGcc = R"out(In file included from /repo/framework/include/twist/deferred.hpp:56,
                 from /repo/exercises/04-deferreds/directory.hpp:21,
                 from /repo/exercises/04-deferreds/lookup.hpp:35,
                 from @FILE@:2:
/repo/framework/include/twist/detail/diagnose.hpp: In instantiation of ‘constexpr void twist::detail::errbackReturns() [with Carried = std::__cxx11::basic_string<char>; Returned = void]’:
/repo/framework/include/twist/deferred.hpp:380:69:   required from ‘auto twist::Deferred<T>::addErrback(F&&) [with F = greeting(Directory&, const std::string&)::<lambda(twist::Failure)>; T = std::__cxx11::basic_string<char>]’
@FILE@:10:18:   required from here
/repo/framework/include/twist/detail/diagnose.hpp:152:88: error: static assertion failed: addErrback: this errback returns nothing (void), but the chain carries a value: return one (of the type in the check's name, beside this message) to recover, or throw, f.raise() or f.trap<E>(), to let the failure go on
  152 |     static_assert(the_chain_carries<Carried>::template but_this_errback_returns<void>::value,
      |                                                                                        ^~~~~
/repo/framework/include/twist/detail/diagnose.hpp:152:88: note: ‘twist::detail::the_chain_carries<std::__cxx11::basic_string<char> >::but_this_errback_returns<void>::value’ evaluates to false
)out";

inline const char* kErrbackReturnsNothingClang = R"out(In file included from @FILE@:2:
In file included from /repo/exercises/04-deferreds/lookup.hpp:35:
In file included from /repo/exercises/04-deferreds/directory.hpp:21:
In file included from /repo/framework/include/twist/deferred.hpp:56:
/repo/framework/include/twist/detail/diagnose.hpp:152:5: error: static_assert failed due to requirement 'the_chain_carries<basic_string<char, char_traits<char>, allocator<char>>>::but_this_errback_returns<void>::value' "addErrback: this errback returns nothing (void), but the chain carries a value: return one (of the type in the check's name, beside this message) to recover, or throw, f.raise() or f.trap<E>(), to let the failure go on"
    static_assert(the_chain_carries<Carried>::template but_this_errback_returns<void>::value,
    ^             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
/repo/framework/include/twist/deferred.hpp:380:15: note: in instantiation of function template specialization 'twist::detail::errbackReturns<std::basic_string<char>, void>' requested here
      detail::errbackReturns<T, std::invoke_result_t<Fn&, Failure&>>();
              ^
@FILE@:10:8: note: in instantiation of function template specialization 'twist::Deferred<std::basic_string<char>>::addErrback<(lambda at @FILE@:10:19)>' requested here
      .addErrback([](twist::Failure f) { std::puts(f.getErrorMessage().c_str()); });
       ^
1 error generated.
)out";

}  // namespace fixtures
