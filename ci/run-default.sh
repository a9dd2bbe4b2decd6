#!/bin/sh
# ci/run-default.sh BUILD_DIR - the main job `make run` runs on the bundled
# default:
#   1. blkcheck on the bundled runtime (runtime/, from BUILD/compile_commands.json)
#   2. blkcheck on corpus/demo/demo.c, a file with known findings
#   3. the annotation demo: stock clang -Wthread-safety and sparse on
#      annotations/demo/demo.c
# The exit status of the findings runs is shown, not propagated: `make run`
# is a demonstration; the gate is ci/lint.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
build=$(cd "$build" && pwd)
inc=$root/annotations/include
clang=$(command -v clang-14 || command -v clang)
blkcheck=$build/analyzers/cli/blkcheck

if [ -x "$blkcheck" ]; then
    echo "== blkcheck check runtime/ (compile_commands.json of $build)"
    (cd "$root" && "$blkcheck" check -p "$build" --no-progress --stats runtime)
    rc=$?
    case $rc in
    0) echo "-> exit 0: no findings" ;;
    1) echo "-> exit 1: findings" ;;
    3) echo "-> exit 3: some translation units did not parse" ;;
    *) echo "-> exit $rc (no runtime translation units in the build yet?)" ;;
    esac
    echo

    # corpus/demo has no checked-in compile_commands.json (absolute paths):
    # write one into the build tree (documented in corpus/demo/README.md).
    demo=$build/demo
    mkdir -p "$demo"
    printf '[{"directory":"%s","file":"demo.c","command":"%s -std=gnu11 -I%s -c demo.c"}]\n' \
        "$root/corpus/demo" "$clang" "$inc" > "$demo/compile_commands.json"
    echo "== blkcheck check corpus/demo/demo.c (known findings)"
    (cd "$root" && "$blkcheck" check -p "$demo" --no-progress --no-cache)
    echo "-> exit $? (1 expected: findings)"
    echo
else
    echo "== blkcheck not built ($blkcheck missing): showing the annotation demo only"
    echo
fi

echo "== clang -Wthread-safety on annotations/demo/demo.c"
(cd "$root" && "$clang" -fsyntax-only -Wthread-safety -I"$inc" annotations/demo/demo.c 2>&1)
echo
if command -v sparse >/dev/null; then
    echo "== sparse on annotations/demo/demo.c"
    (cd "$root" && sparse -I"$inc" annotations/demo/demo.c 2>&1)
    echo
fi
exit 0
