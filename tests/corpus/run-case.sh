#!/bin/sh
# run-case.sh BLKCHECK ROOT CASE - check one corpus case against its inline
# expectations (DESIGN §7, corpus/README.md).
#
# CASE is a .c file (one TU) or a directory (every .c below it is a TU; the
# directory is also on the include path).  Each TU is compiled as
#   clang-14 -std=gnu11 -I ROOT/annotations/include -I ROOT/corpus/include
# through a compile_commands.json written to a temp directory, then
# `blkcheck check --no-cache --format json` runs there.  The set of
# (file, line, rule) findings must equal the set of `// expect: BC00N ...`
# markers in the case's .c/.h files; a finding on an `// expect-not:` line
# of that rule is reported as a near miss that fired; a marker's quoted text
# must appear in that finding's message (on an `// expect-not:` marker: no
# finding of that rule there may say it).  Fix-its (BC010's) are checked
# the same way: each `// expect-fixit: "TEXT"` marker is one fix-it that
# inserts TEXT on its line, and the fix-its of the report, counted with
# repeats, must be exactly the markers.  A path's steps are checked by
# `// expect-error: "TEXT"` marks a compile error on its line: blkcheck must
# exit 3 and report the TU's first error there (partial facts), and the
# findings of what parsed are compared as usual.
# `// expect-hop: BC00N "TEXT"`: some BC00N finding's path has a step on
# that line whose "KIND: NOTE" (call, points_to, poll: the report's
# wording) contains TEXT.  A directory case
# with a blkcheck.json runs with that configuration (--config).
# BLKCHECK_CORPUS_CACHE=DIR keeps each case's facts under DIR instead of
# --no-cache (the analyzer mutation run: rule mutants need no new parse).
#
# With PLUGIN (blkcheck-plugin.so, DESIGN §7), every TU is also compiled
# with `clang-14 -fsyntax-only -fplugin=PLUGIN` (and the case's config) and
# the plugin's diagnostics of the one-TU rules (BC001 BC002 BC003 BC006
# BC007 BC008 BC010) must be the command line's findings of those rules,
# (file, line, rule) for (file, line, rule), except where the case says why
# they differ: `// plugin-missing: BC00N reason` on a line the command line
# reports and the plugin cannot see (a fact from another TU), and
# `// plugin-extra: BC00N reason` on a line only the plugin reports.
# Usage: run-case.sh BLKCHECK ROOT CASE [PLUGIN]
# Exit 0 pass, 1 mismatch, 2 setup error.
set -u
LC_ALL=C; export LC_ALL
bc=$1 root=$2 case=$3 plugin=${4:-}
case "$bc" in /*) ;; *) bc=$(pwd)/$bc ;; esac
case "$plugin" in /*|'') ;; *) plugin=$(pwd)/$plugin ;; esac
clang=$(command -v clang-14 || command -v clang || echo clang)
tmp=$(mktemp -d /tmp/bc-corpus-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM     # so that EXIT runs (a timeout ends us with TERM)
command -v jq >/dev/null || { echo "jq not found"; exit 2; }

case=$(cd "$(dirname "$case")" && pwd)/$(basename "$case")
config=
if [ -d "$case" ]; then
    srcs=$(find "$case" -name '*.c' | sort)
    files=$(find "$case" -name '*.c' -o -name '*.h' | sort)
    extra_inc="-I$case"
    [ -f "$case/blkcheck.json" ] && config=$case/blkcheck.json
else
    srcs=$case
    files=$case
    extra_inc=
fi
[ -n "$srcs" ] || { echo "no .c files in $case"; exit 2; }

# compile_commands.json
{
    echo '['
    sep=
    for f in $srcs; do
        printf '%s{"directory":"%s","file":"%s","command":"%s -std=gnu11 -I%s -I%s %s -c %s"}\n' \
            "$sep" "$(dirname "$f")" "$f" "$clang" "$root/annotations/include" \
            "$root/corpus/include" "$extra_inc" "$f"
        sep=,
    done
    echo ']'
} > "$tmp/compile_commands.json"

# Expectations: FILE:LINE:RULE, one a line.  A rule may carry a quoted
# text (`// expect: BC002 "co_wrapper_mixed"`) that the finding's message
# must contain: FILE:LINE:RULE<TAB>TEXT in expect-msg.  ($files is a list of
# paths; corpus paths have no spaces.)
# shellcheck disable=SC2086
awk '
    {
        line = $0
        while (match(line, /expect(-not)?:( *BC[0-9][0-9][0-9]( +"[^"]*")?)+/)) {
            m = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            neg = (m ~ /^expect-not/)
            while (match(m, /BC[0-9][0-9][0-9]( +"[^"]*")?/)) {
                item = substr(m, RSTART, RLENGTH)
                m = substr(m, RSTART + RLENGTH)
                rule = substr(item, 1, 5)
                key = FILENAME ":" FNR ":" rule
                if (neg) {
                    print key > NOTF
                    q = index(item, "\"")
                    if (q) print key "\t" substr(item, q + 1, length(item) - q - 1) > NOTMSGF
                } else {
                    print key
                    q = index(item, "\"")
                    if (q) print key "\t" substr(item, q + 1, length(item) - q - 1) > MSGF
                }
            }
        }
    }
' NOTF="$tmp/expect-not" MSGF="$tmp/expect-msg" NOTMSGF="$tmp/expect-not-msg" $files |
    sort -u > "$tmp/expect"
touch "$tmp/expect-msg" "$tmp/expect-not" "$tmp/expect-not-msg"
# quoted_markers KIND: every `KIND: "TEXT"` marker of the case's files as
# FILE:LINE<TAB>TEXT, one line per marker (repeats count).
quoted_markers() {
    # shellcheck disable=SC2086
    awk -v kind="$1" '
        {
            line = $0
            while (match(line, kind ": *\"[^\"]*\"")) {
                m = substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
                q = index(m, "\"")
                print FILENAME ":" FNR "\t" substr(m, q + 1, length(m) - q - 1)
            }
        }
    ' $files
}
# Fix-its: FILE:LINE<TAB>TEXT, one per marker (repeats count).
quoted_markers expect-fixit | sort > "$tmp/expect-fixit"
# Compile errors: FILE:LINE<TAB>TEXT.
quoted_markers expect-error > "$tmp/expect-error"
# Path steps: FILE:LINE:RULE<TAB>TEXT.
# shellcheck disable=SC2086
awk '
    {
        line = $0
        while (match(line, /expect-hop: *BC[0-9][0-9][0-9] +"[^"]*"/)) {
            m = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            match(m, /BC[0-9][0-9][0-9]/)
            rule = substr(m, RSTART, RLENGTH)
            q = index(m, "\"")
            print FILENAME ":" FNR ":" rule "\t" substr(m, q + 1, length(m) - q - 1)
        }
    }
' $files > "$tmp/expect-hop"

# Run blkcheck from the temp dir: no .blkcheck.json above it, so files
# outside it are reported with absolute paths.
cache_opt=--no-cache
[ -n "${BLKCHECK_CORPUS_CACHE:-}" ] &&
    cache_opt="--cache-dir=${BLKCHECK_CORPUS_CACHE}/$(basename "$case")"
(cd "$tmp" && "$bc" check -p "$tmp" $cache_opt --no-progress --format json \
    ${config:+--config "$config"} --output "$tmp/report.json") 2> "$tmp/stderr"
rc=$?
if [ -s "$tmp/expect-error" ]; then
    # A TU with errors: exit 3, and each marked error reported at its line
    # (the TU's findings are still compared below: partial facts).
    if [ "$rc" -ne 3 ]; then
        echo "FAIL: blkcheck exited $rc, not 3 (a TU has errors)"; cat "$tmp/stderr"; exit 1
    fi
    while IFS="$(printf '\t')" read -r key text; do
        grep -F "blkcheck: error (partial facts): $key:" "$tmp/stderr" | grep -qF -- "$text" ||
            { echo "MISSING ERROR: $key: \"$text\""; cat "$tmp/stderr"; exit 1; }
    done < "$tmp/expect-error"
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "FAIL: blkcheck exited $rc"; cat "$tmp/stderr"; exit 1
fi
jq -r '.findings[] | "\(.file):\(.line):\(.rule)"' "$tmp/report.json" | sort -u > "$tmp/found" \
    || { echo "FAIL: unreadable report"; exit 1; }
jq -r '.findings[] | "\(.file):\(.line):\(.rule)\t\(.message)"' "$tmp/report.json" \
    > "$tmp/found-msg" || { echo "FAIL: unreadable report"; exit 1; }
jq -r '.findings[] | .fixits[] | "\(.file):\(.line)\t\(.insert)"' "$tmp/report.json" | sort \
    > "$tmp/found-fixit" || { echo "FAIL: unreadable report"; exit 1; }
jq -r '.findings[] | .rule as $r | .path[] | "\(.file):\(.line):\($r)\t\(.kind): \(.message)"' \
    "$tmp/report.json" > "$tmp/found-hop" || { echo "FAIL: unreadable report"; exit 1; }

status=0
comm -23 "$tmp/expect" "$tmp/found" > "$tmp/missing"
comm -13 "$tmp/expect" "$tmp/found" > "$tmp/extra"
while IFS= read -r m; do
    echo "MISSING: $m"; status=1
done < "$tmp/missing"
while IFS= read -r x; do
    if grep -qxF "$x" "$tmp/expect-not"; then
        echo "EXTRA (near miss fired): $x"
    else
        echo "EXTRA: $x"
    fi
    status=1
done < "$tmp/extra"
tab=$(printf '\t')
while IFS="$tab" read -r key text; do
    if ! grep -F "$key$tab" "$tmp/found-msg" | cut -f2- | grep -qF -- "$text"; then
        echo "WRONG MESSAGE: $key: no finding there says \"$text\""
        status=1
    fi
done < "$tmp/expect-msg"
while IFS="$tab" read -r key text; do
    if grep -F "$key$tab" "$tmp/found-msg" | cut -f2- | grep -qF -- "$text"; then
        echo "EXTRA (near miss fired): $key: a finding there says \"$text\""
        status=1
    fi
done < "$tmp/expect-not-msg"
comm -23 "$tmp/expect-fixit" "$tmp/found-fixit" | while IFS= read -r m; do
    echo "MISSING FIX-IT: $m"
done
comm -13 "$tmp/expect-fixit" "$tmp/found-fixit" | while IFS= read -r x; do
    echo "EXTRA FIX-IT: $x"
done
cmp -s "$tmp/expect-fixit" "$tmp/found-fixit" || status=1
while IFS="$tab" read -r key text; do
    if ! grep -F "$key$tab" "$tmp/found-hop" | cut -f2- | grep -qF -- "$text"; then
        echo "MISSING HOP: $key: no $(echo "$key" | sed 's/.*://') path step there says \"$text\""
        status=1
    fi
done < "$tmp/expect-hop"
# The plugin: the same findings of the one-TU rules, TU by TU.
if [ -n "$plugin" ]; then
    tu_rules='BC00[123678]|BC010'
    grep -E ":($tu_rules)\$" "$tmp/found" > "$tmp/cli-tu"
    # shellcheck disable=SC2086
    awk '
        {
            line = $0
            while (match(line, /plugin-(missing|extra):( *BC[0-9][0-9][0-9])+/)) {
                m = substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
                out = (m ~ /^plugin-missing/) ? MISS : EXTRA
                n = split(m, w, /[ :]+/)
                for (i = 2; i <= n; i++) print FILENAME ":" FNR ":" w[i] > out
            }
        }
    ' MISS="$tmp/pl-missing" EXTRA="$tmp/pl-extra" $files
    touch "$tmp/pl-missing" "$tmp/pl-extra"
    sort -u -o "$tmp/pl-missing" "$tmp/pl-missing"
    sort -u -o "$tmp/pl-extra" "$tmp/pl-extra"
    { comm -23 "$tmp/cli-tu" "$tmp/pl-missing"; cat "$tmp/pl-extra"; } | sort -u \
        > "$tmp/pl-expect"
    # clang runs no plugin on a TU with errors: a case with one expects none.
    [ -s "$tmp/expect-error" ] && : > "$tmp/pl-expect"
    : > "$tmp/pl-diags"
    for f in $srcs; do
        # shellcheck disable=SC2086
        (cd "$(dirname "$f")" && "$clang" -fsyntax-only -std=gnu11 \
            -I"$root/annotations/include" -I"$root/corpus/include" $extra_inc \
            -fplugin="$plugin" ${config:+-fplugin-arg-blkcheck-config="$config"} "$f") \
            >> "$tmp/pl-diags" 2>&1
    done
    sed -n 's/^\(\/[^:]*\):\([0-9]*\):[0-9]*: \(warning\|error\|remark\): .*\[\(BC[0-9][0-9][0-9]\)\] \[.*-Wblkcheck-bc[0-9]*\]$/\1:\2:\4/p' \
        "$tmp/pl-diags" | sort -u > "$tmp/pl-found"
    if [ ! -s "$tmp/expect-error" ] && grep -q 'error: ' "$tmp/pl-diags" &&
        ! grep -q 'Wblkcheck' "$tmp/pl-diags"; then
        echo "PLUGIN FAIL: the compile failed"; cat "$tmp/pl-diags"; status=1
    fi
    comm -23 "$tmp/pl-expect" "$tmp/pl-found" | while IFS= read -r m; do
        echo "PLUGIN MISSING: $m"
    done
    comm -13 "$tmp/pl-expect" "$tmp/pl-found" | while IFS= read -r x; do
        echo "PLUGIN EXTRA: $x"
    done
    if ! cmp -s "$tmp/pl-expect" "$tmp/pl-found"; then
        status=1
        echo "--- plugin diagnostics"
        cat "$tmp/pl-diags"
    fi
fi

if [ "$status" -ne 0 ]; then
    echo "--- blkcheck report (text)"
    (cd "$tmp" && "$bc" check -p "$tmp" --no-cache --no-progress ${config:+--config "$config"} 2>&1)
    echo "FAIL: $(basename "$case")"
else
    echo "PASS: $(basename "$case") ($(wc -l < "$tmp/expect") expected, $(wc -l < "$tmp/expect-not") near misses)"
fi
exit $status
