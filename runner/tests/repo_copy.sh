# repo_copy.sh — sourced by the end-to-end scripts (e2e_check.sh,
# e2e_concurrency.sh, e2e_program.sh, e2e_mutants.sh, e2e_regression.sh): a
# temporary copy of the repository for the runner to work on, so that nothing
# in the real one (its exercises, .twistlings/, build/) is touched.
#
#   . "$(dirname "$0")/repo_copy.sh"
#   copy_repository "$src" "$repo" || exit 1
#   configure_copy "$repo" "$build_type" "$sanitize" "$log" || exit 1
#   expect "starter: exit code 1 (got $code)" [ "$code" = 1 ]
#
# The checks report one line each, "ok   NAME" or "FAIL NAME" (with the
# runner's last output, $out), and count the failures in $failures; ctest
# fails the test on a "FAIL " line.
#
# The copy is a git repository of its own (reset finds the starters in git),
# and gets its own build directory, $repo/build, configured like the build
# under test (its build type, its sanitizers).

failures=0
pass() { printf 'ok   %s\n' "$1"; }
fail() {  # with the runner's last output, so that a CI log says why
  printf 'FAIL %s\n' "$1"
  printf '%s\n' "${out:-}" | head -n 40 | sed 's/^/       | /'
  failures=$((failures + 1))
}
expect() {  # expect NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

# copy_repository SRC DEST: the tree without builds, state or git history.
copy_repository() {
  local src=$1 dest=$2
  mkdir -p "$dest" || return 1
  (cd "$src" && tar cf - --exclude='./build*' --exclude=./.twistlings --exclude=./.git --exclude=./compile_commands.json .) \
    | (cd "$dest" && tar xf -) || { echo "cannot copy $src to $dest"; return 1; }
  git -C "$dest" init -q && git -C "$dest" add -A &&
    git -C "$dest" -c user.name=e2e -c user.email=e2e@localhost commit -qm starter || { echo "git init failed in $dest"; return 1; }
}

# configure_copy DEST BUILD_TYPE SANITIZE LOG: configure DEST/build (Ninja when
# installed); on failure the log is printed and a FAIL line says so.
configure_copy() {
  local dest=$1 build_type=$2 sanitize=$3 log=$4
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  echo "configuring the copy in $dest/build"
  cmake -S "$dest" -B "$dest/build" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type" -DTWIST_SANITIZE="$sanitize" \
    >"$log" 2>&1 || { cat "$log"; echo "FAIL configure"; return 1; }
}

# prepare_copy LABEL SRC BUILD_TYPE SANITIZE: the whole set-up of a script
# that checks one exercise: a temporary folder ($work, removed when the script
# exits) holding the copy ($repo), configured, with the runner pointed at it.
prepare_copy() {
  local label=$1 src=$2 build_type=$3 sanitize=$4
  work=$(mktemp -d "${TMPDIR:-/tmp}/twistlings-e2e-$label.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  repo=$work/repo
  copy_repository "$src" "$repo" || return 1
  export TWISTLINGS_ROOT=$repo TWISTLINGS_BUILD_DIR=$repo/build NO_COLOR=1
  configure_copy "$repo" "$build_type" "$sanitize" "$work/configure.log"
}
