// detail/diagnose.hpp — compile errors that say, in words, which type twist got
// and which it wanted (used by deferred.hpp and coroutine.hpp).
//
// A static_assert's message is a fixed string, so the types go in its
// condition: each check is a template whose name reads as a sentence, and both
// compilers print that name, with the types filled in, beside the message:
//
//   GCC 12:   error: static assertion failed: addCallback: this callback takes an argument, but ...
//             note: 'twist::detail::the_step_before_returns<void>::but_this_callback_takes<const std::string&>::value' evaluates to false
//   Clang 14: error: static_assert failed due to requirement
//             'the_step_before_returns<void>::but_this_callback_takes<const std::string &>::value' "addCallback: ..."
//
// Each sentence declares its own `value` (GCC would name false_type instead of
// an inherited one), and each assertion sits in a function template that gets
// the types as a pack, so Clang prints the sentence and not a helper's name.
// The runner (runner/src/compile_errors.cpp) recognises some of these names to
// place the error at the attendee's line: rename one there too.
#pragma once

#include <type_traits>

namespace twist {
class Failure;

namespace detail {

// --- the sentences (always false: they exist to be printed) -----------------

template <class Carried>
struct the_step_before_returns {
  template <class... Parameters>
  struct but_this_callback_takes {
    static constexpr bool value = false;
  };
};
template <class Carried>
struct the_chain_carries {
  template <class... Parameters>
  struct but_this_callback_takes {
    static constexpr bool value = false;
  };
  template <class... Parameters>
  struct but_this_errback_takes {
    static constexpr bool value = false;
  };
  template <class Returned>
  struct but_this_errback_returns {
    static constexpr bool value = false;
  };
  template <class Wanted>
  struct but_a_Deferred_of_another_type_is_wanted_here {
    static constexpr bool value = false;
  };
};
template <class OnValue>
struct for_a_value_this_returns {
  template <class OnFailure>
  struct but_for_a_failure {
    static constexpr bool value = false;
  };
};
template <class ForAValue>
struct the_callback_returns {
  template <class ForAFailure>
  struct but_the_errback_returns {
    static constexpr bool value = false;
  };
};
template <class Awaited>
struct a_twist_coroutine_awaits_a_Deferred {
  static constexpr bool but_this_is_not_one = false;
};

// --- a callable's parameters, to name them ----------------------------------

template <class... P>
struct Parameters {};
// Names a generic lambda's parameters, which are not known until it is called.
// Complete, so that asking whether F can be called with one is just false.
template <class F>
struct parameters_of {};
template <class Sig>
struct SignatureParameters {};
template <class R, class C, class... P>
struct SignatureParameters<R (C::*)(P...)> : std::type_identity<Parameters<P...>> {};
template <class R, class C, class... P>
struct SignatureParameters<R (C::*)(P...) const> : std::type_identity<Parameters<P...>> {};
template <class R, class C, class... P>
struct SignatureParameters<R (C::*)(P...) noexcept> : std::type_identity<Parameters<P...>> {};
template <class R, class C, class... P>
struct SignatureParameters<R (C::*)(P...) const noexcept> : std::type_identity<Parameters<P...>> {};
template <class R, class... P>
struct SignatureParameters<R (*)(P...)> : std::type_identity<Parameters<P...>> {};
template <class R, class... P>
struct SignatureParameters<R (*)(P...) noexcept> : std::type_identity<Parameters<P...>> {};

template <class F, class = void>
struct ParametersOf : std::type_identity<Parameters<parameters_of<F>>> {};
template <class F>
struct ParametersOf<F, std::void_t<decltype(&F::operator())>> : SignatureParameters<decltype(&F::operator())> {};
template <class F>
  requires std::is_pointer_v<F>
struct ParametersOf<F> : SignatureParameters<F> {};

// What F returns when called with its own parameters: after a failed check,
// addCallback returns a Deferred of that, so that the steps after it compile
// as if the chain were right, and the first error stays the only one.
template <class F, class Params>
struct ResultWithOwnParameters : std::type_identity<void> {};
template <class F, class... P>
  requires std::is_invocable_v<F&, P...>
struct ResultWithOwnParameters<F, Parameters<P...>> : std::invoke_result<F&, P...> {};

// --- the assertions -----------------------------------------------------------

// addCallback (and addCallbacks, addBoth): the callback cannot take what the chain carries.
template <class Carried, class... P>
constexpr void callbackCannotTake(Parameters<P...>) {
  if constexpr (std::is_void_v<Carried>) {
    static_assert(the_step_before_returns<void>::but_this_callback_takes<P...>::value,
                  "this callback takes an argument, but the step before it returns nothing (void), so "
                  "there is no value to give it: did the callback before it forget to `return`?");
  } else if constexpr (sizeof...(P) == 0) {
    static_assert(the_chain_carries<Carried>::template but_this_callback_takes<P...>::value,
                  "this callback takes no argument, but the chain carries a value here (its type is in the "
                  "check's name, beside this message): take it as the callback's parameter, even if you ignore it");
  } else {
    static_assert(the_chain_carries<Carried>::template but_this_callback_takes<P...>::value,
                  "this callback's parameter cannot take the value the chain carries here (both types are "
                  "in the check's name, beside this message): change the parameter, or the step before, which "
                  "made that value");
  }
}

// addErrback (and addCallbacks): the errback does not take a Failure.
template <class Carried, class... P>
constexpr void errbackCannotTake(Parameters<P...>) {
  static_assert(the_chain_carries<Carried>::template but_this_errback_takes<P...>::value,
                "an errback (and addBoth's function, on a failure) takes the twist::Failure, by value or by "
                "const&, but this one takes something else (in the check's name, beside this message)");
}

// addErrback: the errback returns neither what the chain carries nor a Deferred of it.
template <class Carried, class Returned>
constexpr void errbackReturns() {
  if constexpr (std::is_void_v<Carried>) {
    static_assert(the_chain_carries<void>::but_this_errback_returns<Returned>::value,
                  "addErrback: the chain carries nothing (void) here, but this errback returns a value: if a "
                  "callback before it should have given that value, did it forget to `return`? (An errback on a "
                  "Deferred<void> returns nothing to recover, or throws to let the failure go on.)");
  } else if constexpr (std::is_void_v<Returned>) {
    static_assert(the_chain_carries<Carried>::template but_this_errback_returns<void>::value,
                  "addErrback: this errback returns nothing (void), but the chain carries a value: return one (of "
                  "the type in the check's name, beside this message) to recover, or throw, f.raise() or "
                  "f.trap<E>(), to let the failure go on");
  } else {
    static_assert(the_chain_carries<Carried>::template but_this_errback_returns<Returned>::value,
                  "addErrback: an errback returns what the chain carries (to recover) or throws (to let the failure "
                  "go on); this one returns another type (both are in the check's name, beside this message)");
  }
}

// addBoth: the function returns one type for a value and another for a Failure.
template <class OnValue, class OnFailure>
constexpr void bothReturnDifferently() {
  static_assert(for_a_value_this_returns<OnValue>::template but_for_a_failure<OnFailure>::value,
                "addBoth: the function must return the same type for a value and for a Failure (the two types are "
                "in the check's name, beside this message), since what it returns is the chain's next value "
                "either way");
}

// addCallbacks: the callback and the errback return different types.
template <class ForAValue, class ForAFailure>
constexpr void callbacksReturnDifferently() {
  static_assert(the_callback_returns<ForAValue>::template but_the_errback_returns<ForAFailure>::value,
                "addCallbacks: the callback and the errback must return the same type (both are in the check's "
                "name, beside this message), since either one's result is the chain's next value");
}

// A Deferred<Carried> where a Deferred<Wanted> is wanted (a return statement, an initialisation).
template <class Carried, class Wanted>
constexpr void deferredOfAnotherType() {
  if constexpr (std::is_void_v<Carried>) {
    static_assert(the_chain_carries<void>::but_a_Deferred_of_another_type_is_wanted_here<Wanted>::value,
                  "this Deferred<void> carries nothing, but a Deferred of a value (its type is in the check's "
                  "name, beside this message) is wanted here: if it "
                  "comes from addCallback, that callback returns nothing (void): did it forget to `return`?");
  } else {
    static_assert(the_chain_carries<Carried>::template but_a_Deferred_of_another_type_is_wanted_here<Wanted>::value,
                  "a Deferred of one type cannot become a Deferred of another (both are in the check's name, "
                  "beside this message): add a "
                  "callback that turns the value into the type wanted, and use the Deferred addCallback returns");
  }
}

// co_await in a twist coroutine on something that is not a twist::Deferred.
template <class Awaited>
constexpr void awaitsNotADeferred() {
  static_assert(a_twist_coroutine_awaits_a_Deferred<Awaited>::but_this_is_not_one,
                "co_await in a coroutine that returns a twist::Deferred waits for a twist::Deferred only (the type "
                "awaited is in the check's name, beside this message): for a value you already have, use it "
                "directly, or twist::succeed(value)");
}

}  // namespace detail
}  // namespace twist
