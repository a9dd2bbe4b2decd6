#!/bin/sh
# cli-test.sh BLKCHECK ANNOT_INC CASE - one blkcheck command-line behaviour
# on a tiny scratch tree.  Exit 0 pass, 1 fail.
set -u
bc=$1 inc=$2 case=$3
tmp=$(mktemp -d /tmp/bc-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL ($case): $*"; [ -f "$tmp/out" ] && cat "$tmp/out"; exit 1; }

# compdb FILE... - compile_commands.json for the files in $tmp
compdb() {
    sep=
    { echo '['
      for f in "$@"; do
          printf '%s{"directory":"%s","file":"%s","command":"clang -std=gnu11 -I%s -c %s"}\n' \
              "$sep" "$tmp" "$f" "$inc" "$f"
          sep=,
      done
      echo ']'; } > "$tmp/compile_commands.json"
}

cat > "$tmp/clean.c" <<'C'
#include <blkcheck/annotations.h>
int coroutine_fn co_leaf(int x);
int coroutine_fn co_caller(int x) { return co_leaf(x); }
C
cat > "$tmp/dirty.c" <<'C'
#include <blkcheck/annotations.h>
int coroutine_fn co_leaf2(int x);
int plain_caller(int x) { return co_leaf2(x); }
C
cat > "$tmp/syntax.c" <<'C'
void broken(void) { return ( ; }
C

expect_rc() {
    want=$1; shift
    "$@" > "$tmp/out" 2>&1
    rc=$?
    [ "$rc" -eq "$want" ] || fail "exit $rc, want $want: $*"
}

case $case in
missing-compdb)
    expect_rc 2 "$bc" check -p "$tmp" --no-progress
    grep -q 'compile_commands.json' "$tmp/out" || fail "no message" ;;
empty-compdb)
    echo '[]' > "$tmp/compile_commands.json"
    expect_rc 2 "$bc" check -p "$tmp" ;;
bad-config)
    compdb clean.c
    echo '{ "polling_functions": [1, }' > "$tmp/bad.json"
    expect_rc 2 "$bc" check -p "$tmp" --config "$tmp/bad.json" ;;
bad-option)
    expect_rc 2 "$bc" check --format xml
    expect_rc 2 "$bc" check -j zero
    expect_rc 2 "$bc" frobnicate ;;
bad-path)
    compdb clean.c
    expect_rc 2 "$bc" check -p "$tmp" "$tmp/nothing-here" ;;
syntax-error)
    compdb clean.c syntax.c
    expect_rc 3 "$bc" check -p "$tmp" --no-cache
    grep -q 'syntax.c:1' "$tmp/out" || fail "error not reported" ;;
clean)
    compdb clean.c
    expect_rc 0 "$bc" check -p "$tmp" --no-cache ;;
dirty)
    compdb clean.c dirty.c
    expect_rc 1 "$bc" check -p "$tmp" --no-cache
    grep -q 'dirty.c:3:.*\[BC001\]' "$tmp/out" || fail "BC001 not reported" ;;
paths)
    compdb clean.c dirty.c
    expect_rc 0 "$bc" check -p "$tmp" --no-cache "$tmp/clean.c" ;;
cache)
    compdb clean.c dirty.c
    expect_rc 1 "$bc" check -p "$tmp" --stats
    grep -q 'parsed=2 cached=0' "$tmp/out" || fail "cold run"
    expect_rc 1 "$bc" check -p "$tmp" --stats
    grep -q 'parsed=0 cached=2' "$tmp/out" || fail "warm run did not use the cache"
    echo '/* touched */' >> "$tmp/dirty.c"
    expect_rc 1 "$bc" check -p "$tmp" --stats
    grep -q 'parsed=1 cached=1' "$tmp/out" || fail "touched file not reparsed" ;;
relative)
    # Relative -p, cache and --output: parsing must not move the process's
    # current directory (clang's -working-directory would).
    compdb clean.c dirty.c
    cd "$tmp/.." || fail "cd"
    rel=$(basename "$tmp")
    expect_rc 1 "$bc" check -p "$rel" --stats --output "$rel/report.txt"
    expect_rc 1 "$bc" check -p "$rel" --stats --output "$rel/report.txt"
    grep -q 'parsed=0 cached=2' "$tmp/out" || fail "warm run did not use the cache"
    grep -q BC001 "$tmp/report.txt" || fail "report not where asked" ;;
meson-compdb)
    # A meson-style database: relative paths from the build dir, -MD -MQ -MF
    # dependency files, -o/-c, a response file.  No TU may be an error, no
    # .d file may appear, and the second run comes from the cache.
    mkdir -p "$tmp/src" "$tmp/build/lib.p" "$tmp/src/include"
    cat > "$tmp/src/include/defs.h" <<'C'
#define LEAF_ARG 1
C
    cat > "$tmp/src/m.c" <<'C'
#include <blkcheck/annotations.h>
#include "defs.h"
int coroutine_fn co_leaf3(int x);
int plain_caller3(void) { return co_leaf3(LEAF_ARG); }
C
    printf -- '-I../src/include -std=gnu11\n' > "$tmp/build/flags.rsp"
    printf '[{"directory":"%s/build","file":"../src/m.c","command":"clang -I%s -Ilib.p @flags.rsp -MD -MQ lib.p/m.c.o -MF lib.p/m.c.o.d -o lib.p/m.c.o -c ../src/m.c"}]\n' \
        "$tmp" "$inc" > "$tmp/build/compile_commands.json"
    (cd "$tmp" && "$bc" check -p build --stats) > "$tmp/out" 2>&1
    [ $? -eq 1 ] || fail "want exit 1 (one finding)"
    grep -q 'errors=0 failed=0' "$tmp/out" || fail "a TU was reported as an error"
    grep -q 'BC001' "$tmp/out" || fail "finding missing (the response file's -I was lost?)"
    [ -z "$(find "$tmp" -name '*.d')" ] || fail "a dependency file was written"
    (cd "$tmp" && "$bc" check -p build --stats) > "$tmp/out" 2>&1
    grep -q 'parsed=0 cached=1' "$tmp/out" || fail "second run not served from the cache" ;;
generated)
    # A TU generated into the build dir is analyzed when a PATH names the
    # source directory it mirrors (build/block/gen.c <- src/block).
    mkdir -p "$tmp/src/block" "$tmp/build/block" "$tmp/src/other"
    cp "$tmp/dirty.c" "$tmp/src/block/a.c"
    sed 's/co_leaf2/co_leaf4/; s/plain_caller/gen_caller/' "$tmp/dirty.c" > "$tmp/build/block/gen.c"
    cp "$tmp/clean.c" "$tmp/src/other/b.c"
    { echo '['
      for f in ../src/block/a.c block/gen.c ../src/other/b.c; do
          printf '{"directory":"%s/build","file":"%s","command":"clang -std=gnu11 -I%s -c %s"},\n' \
              "$tmp" "$f" "$inc" "$f"
      done | sed '$ s/,$//'
      echo ']'; } > "$tmp/build/compile_commands.json"
    expect_rc 1 "$bc" check -p "$tmp/build" --stats "$tmp/src/block"
    grep -q 'tus=2' "$tmp/out" || fail "want the source TU and its generated mirror"
    grep -q 'gen_caller' "$tmp/out" || fail "generated TU not analyzed"
    expect_rc 1 "$bc" check -p "$tmp/build" --stats "$tmp/src/block/a.c"
    grep -q 'tus=1' "$tmp/out" || fail "a file PATH selects only itself"
    expect_rc 0 "$bc" check -p "$tmp/build" --stats "$tmp/src/other"
    grep -q 'tus=1' "$tmp/out" || fail "another source dir mirrors nothing here" ;;
cache-unwritable)
    compdb clean.c
    echo x > "$tmp/file"
    expect_rc 0 "$bc" check -p "$tmp" --cache-dir "$tmp/file/cache"
    grep -q 'uncached' "$tmp/out" || fail "no warning" ;;
fix)
    cat > "$tmp/fix.c" <<'C'
#include <blkcheck/annotations.h>
int coroutine_fn leaf(int x);
static int helper(int x)
{
    return leaf(x);
}
int coroutine_fn top(int x) { return helper(x); }
C
    compdb fix.c
    expect_rc 1 "$bc" check -p "$tmp" --no-cache --fix
    grep -q '^static int coroutine_fn helper(int x)$' "$tmp/fix.c" || fail "fix-it not applied"
    expect_rc 0 "$bc" check -p "$tmp" --no-cache ;;
fix-declarations)
    # BC010 carries one fix-it per declaration: all must be applied, or the
    # re-run reports the declaration/definition mismatch (BC008).
    cat > "$tmp/fix.c" <<'C'
#include <blkcheck/annotations.h>
int coroutine_fn leaf(int x);
static int helper(int x);
int coroutine_fn top(int x) { return helper(x); }
static int helper(int x)
{
    return leaf(x);
}
C
    compdb fix.c
    expect_rc 1 "$bc" check -p "$tmp" --no-cache --fix
    [ "$(grep -c '^static int coroutine_fn helper(int x)' "$tmp/fix.c")" = 2 ] ||
        fail "fix-its not applied to both declaration and definition"
    expect_rc 0 "$bc" check -p "$tmp" --no-cache ;;
non-utf8)
    # A tree whose path is not UTF-8: findings are reported, JSON and SARIF
    # stay valid (JSON replaces the bad bytes, SARIF percent-encodes them).
    d=$(printf '%s/bad-\377\376' "$tmp")
    mkdir "$d" && cp "$tmp/dirty.c" "$d/" || fail "cannot make the directory"
    printf '[{"directory":"%s","file":"dirty.c","command":"clang -std=gnu11 -I%s -c dirty.c"}]\n' \
        "$d" "$inc" > "$d/compile_commands.json"
    expect_rc 1 "$bc" check -p "$d" --no-cache --no-progress
    grep -q 'BC001' "$tmp/out" || fail "finding missing"
    expect_rc 1 "$bc" check -p "$d" --no-cache --format json --output "$tmp/r.json"
    jq -e '.findings | length == 1' "$tmp/r.json" >/dev/null || fail "bad JSON"
    expect_rc 1 "$bc" check -p "$d" --no-cache --format sarif --output "$tmp/r.sarif"
    grep -q '%FF%FE' "$tmp/r.sarif" || fail "SARIF URI not percent-encoded" ;;
formats)
    compdb clean.c dirty.c
    expect_rc 1 "$bc" check -p "$tmp" --no-cache --format json --output "$tmp/r.json"
    jq -e . "$tmp/r.json" >/dev/null || fail "bad JSON"
    grep -q BC001 "$tmp/r.json" || fail "JSON lacks the finding"
    expect_rc 1 "$bc" check -p "$tmp" --no-cache --format sarif --output "$tmp/r.sarif"
    grep -q '"2.1.0"' "$tmp/r.sarif" || fail "not SARIF 2.1.0" ;;
baseline)
    compdb clean.c dirty.c
    expect_rc 0 "$bc" check -p "$tmp" --no-cache --baseline "$tmp/base.json" --write-baseline
    expect_rc 0 "$bc" check -p "$tmp" --no-cache --baseline "$tmp/base.json"
    printf 'int coroutine_fn co_leaf3(int x);\nint other(int x) { return co_leaf3(x); }\n' \
        >> "$tmp/dirty.c"
    expect_rc 1 "$bc" check -p "$tmp" --no-cache --baseline "$tmp/base.json"
    grep -q 'co_leaf3' "$tmp/out" || fail "new finding not reported"
    grep -q "co_leaf2' called" "$tmp/out" && fail "baselined finding reported"
    true ;;
query)
    compdb clean.c dirty.c
    expect_rc 0 "$bc" query -p "$tmp" --no-cache callers '"co_leaf2"'
    grep -q plain_caller "$tmp/out" || fail "caller not found" ;;
version)
    expect_rc 0 "$bc" --version
    grep -q '^blkcheck ' "$tmp/out" || fail "no version"
    expect_rc 0 "$bc" --help
    expect_rc 0 "$bc" --list-rules
    grep -q BC010 "$tmp/out" || fail "rules not listed" ;;
*)
    fail "unknown case" ;;
esac
echo "ok ($case)"
