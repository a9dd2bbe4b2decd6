#!/bin/sh
# facts-dir.sh BLKCHECK PLUGIN ROOT - the two-step recipe of docs/plugin.md
# gives the command line's findings, for every corpus case:
#   1. compile each TU with -fplugin-arg-blkcheck-facts-dir=DIR
#   2. blkcheck check --facts DIR
# must report the same (file, line, rule) set, every rule included, as
# `blkcheck check -p` parsing the same TUs.  Exit 0 pass, 1 fail.
set -u
LC_ALL=C; export LC_ALL
bc=$1 plugin=$2 root=$3
clang=$(command -v clang-14 || command -v clang)
tmp=$(mktemp -d /tmp/bc-facts-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status=0 n=0

for case in "$root"/corpus/*; do
    name=$(basename "$case")
    [ "$name" = include ] && continue
    config=
    if [ -d "$case" ]; then
        srcs=$(find "$case" -name '*.c' | sort)
        extra="-I$case"
        [ -f "$case/blkcheck.json" ] && config=$case/blkcheck.json
    else
        case $name in *.c) ;; *) continue ;; esac
        srcs=$case extra=
    fi
    # A case with a compile error: clang runs no plugin on it, no facts.
    # shellcheck disable=SC2086
    grep -q 'expect-error:' $srcs && continue
    rm -rf "$tmp/facts" "$tmp/cc"; mkdir -p "$tmp/cc"
    {
        echo '['; sep=
        for f in $srcs; do
            printf '%s{"directory":"%s","file":"%s","command":"%s -std=gnu11 -I%s -I%s %s -c %s"}\n' \
                "$sep" "$(dirname "$f")" "$f" "$clang" "$root/annotations/include" \
                "$root/corpus/include" "$extra" "$f"
            sep=,
        done
        echo ']'
    } > "$tmp/cc/compile_commands.json"
    for f in $srcs; do
        # shellcheck disable=SC2086
        (cd "$(dirname "$f")" && "$clang" -fsyntax-only -std=gnu11 -w \
            -I"$root/annotations/include" -I"$root/corpus/include" $extra \
            -fplugin="$plugin" -fplugin-arg-blkcheck-facts-dir="$tmp/facts" \
            ${config:+-fplugin-arg-blkcheck-config="$config"} "$f") > /dev/null 2>&1
    done
    (cd "$tmp" && "$bc" check -p "$tmp/cc" --no-cache --no-progress --format json \
        ${config:+--config "$config"} --output "$tmp/cli.json") 2>/dev/null
    (cd "$tmp" && "$bc" check --facts "$tmp/facts" --no-progress --format json \
        ${config:+--config "$config"} --output "$tmp/viafacts.json") 2> "$tmp/err"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL: $name: blkcheck check --facts exited $rc"; cat "$tmp/err"; status=1
        continue
    fi
    for w in cli viafacts; do
        jq -r '.findings[] | "\(.file):\(.line):\(.rule)"' "$tmp/$w.json" | sort -u > "$tmp/$w"
    done
    if ! cmp -s "$tmp/cli" "$tmp/viafacts"; then
        echo "FAIL: $name: --facts differs from parsing (< cli, > facts)"
        diff "$tmp/cli" "$tmp/viafacts"
        status=1
    fi
    n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no corpus cases"; exit 1; }

# Bad input: a missing directory, an empty one, a damaged file: exit 2 and
# a message naming it, never findings.
mkdir -p "$tmp/bad"
"$bc" check --facts "$tmp/none" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "$tmp/none" "$tmp/err" || { echo "FAIL: missing --facts dir"; status=1; }
"$bc" check --facts "$tmp/bad" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "no .facts files" "$tmp/err" || { echo "FAIL: empty --facts dir"; status=1; }
echo garbage > "$tmp/bad/x.facts"
"$bc" check --facts "$tmp/bad" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "x.facts: not a facts file" "$tmp/err" ||
    { echo "FAIL: damaged .facts file"; cat "$tmp/err"; status=1; }
[ "$status" -eq 0 ] && echo "PASS: $n cases, --facts equals parsing"
exit $status
