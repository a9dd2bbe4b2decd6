#!/bin/sh
# ci/check.sh - what `make check` runs: configure and build the plain,
# ASan+UBSan and TSan trees, run the unit tests in the sanitizer trees
# (label `unit`, resp. `tsan`), then every test in the plain tree.  The last
# lines printed are ctest's summary of the plain tree.
#
# Environment: JOBS (parallelism, default nproc), BUILD, ASAN_BUILD,
# TSAN_BUILD (build dirs), CMAKE_FLAGS (extra configure flags),
# BLKCHECK_STRESS_SECONDS (length of stress tests, see docs/ci.md).
set -eu

cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
TSAN_BUILD=${TSAN_BUILD:-build-tsan}
PYTHON=$(./ci/install-deps.sh --print-python)

configure() {
    dir=$1; shift
    # Re-running configure on an existing tree is cheap and picks up flags.
    # shellcheck disable=SC2086
    cmake -S . -B "$dir" -G Ninja -DBLKCHECK_WERROR=ON \
        -DBLKCHECK_PYTHON="$PYTHON" "$@" ${CMAKE_FLAGS:-} >/dev/null
}

step() { printf '\n==> %s\n' "$*"; }

step "configure and build: $BUILD, $ASAN_BUILD (address,undefined), $TSAN_BUILD (thread)"
configure "$BUILD" -DBLKCHECK_PLUGIN=ON
configure "$ASAN_BUILD" -DBLKCHECK_SANITIZE=address
configure "$TSAN_BUILD" -DBLKCHECK_SANITIZE=thread
cmake --build "$BUILD" -j "$JOBS"
cmake --build "$ASAN_BUILD" -j "$JOBS"
cmake --build "$TSAN_BUILD" -j "$JOBS"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

step "unit tests under ASan+UBSan"
ctest --test-dir "$ASAN_BUILD" -L unit -j "$JOBS" --output-on-failure --no-tests=error
./ci/skips.sh "$ASAN_BUILD"

if ctest --test-dir "$TSAN_BUILD" -N -L tsan | grep -q 'Total Tests: [1-9]'; then
    step "runtime tests under TSan"
    ctest --test-dir "$TSAN_BUILD" -L tsan -j "$JOBS" --output-on-failure
    ./ci/skips.sh "$TSAN_BUILD"
else
    step "TSan: no tests labelled tsan yet"
fi

step "all tests"
ctest --test-dir "$BUILD" -j "$JOBS" --output-on-failure --no-tests=error
./ci/skips.sh "$BUILD"
