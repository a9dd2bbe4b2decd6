#!/bin/sh
# ci/run-default.sh BUILD_DIR - the main job `make run` runs on the bundled
# default.  Until the blkcheck analyzer lands this is the annotation demo:
# the diagnostics stock clang and sparse give on annotations/demo/demo.c,
# and the labels libclang reads from the declarations.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
inc=$root/annotations/include
demo=$root/annotations/demo/demo.c
clang=$(command -v clang-14 || command -v clang)

echo "== clang -Wthread-safety on annotations/demo/demo.c"
(cd "$root" && "$clang" -fsyntax-only -Wthread-safety -I"$inc" annotations/demo/demo.c 2>&1)
echo
echo "== sparse on annotations/demo/demo.c"
(cd "$root" && sparse -I"$inc" annotations/demo/demo.c 2>&1)
echo
echo "== labels libclang sees (tests/annotations/markers/markers.c)"
"$build/tests/check-markers" -v "$root/tests/annotations/markers/markers.c" \
    -I"$inc" -resource-dir "$("$clang" -print-resource-dir)"
exit 0
