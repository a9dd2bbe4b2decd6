#!/bin/sh
# ci/mutate.sh [--blkcheck BIN] [--short] [--keep] [MUTATIONS_FILE...]
#
# Mutation self-check of blkcheck (issue 5 item 9): copy the bundled
# runtime (runtime/ + annotations/) and the clean mini block layer
# corpus/clean-block/ (the runtime has no graph lock, code classes or
# co_wrappers yet, so those mutations edit the corpus's clean case) into a
# temp dir, check that the copy has no findings, then apply each scripted
# single-violation mutation (ci/mutations/*.txt: NAME | FILE | RULE | SED)
# to a fresh copy, run `blkcheck check --no-cache` on it, and report whether
# blkcheck caught it with the expected rule.  Prints `killed/total = N%`.
#
# Exit: 0 all good (kill rate >= $MUTATE_MIN_RATE, default 95);
#       1 kill rate below the target, the clean copy has findings, a
#         mutation did not change its file, or a mutant failed to parse;
#       2 usage error.
# --short runs only the mutations whose name starts with `s-` (ctest).
set -u
LC_ALL=C; export LC_ALL
root=$(cd "$(dirname "$0")/.." && pwd)
bc=
short=0
keep=0
files=
while [ $# -gt 0 ]; do
    case $1 in
    --blkcheck) bc=$2; shift 2 ;;
    --short) short=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "mutate.sh: unknown option $1" >&2; exit 2 ;;
    *) files="$files $1"; shift ;;
    esac
done
[ -n "$files" ] || files=$(ls "$root"/ci/mutations/*.txt)
if [ -z "$bc" ]; then
    for b in "$root"/build-corpus "$root"/build; do
        [ -x "$b/analyzers/cli/blkcheck" ] && { bc=$b/analyzers/cli/blkcheck; break; }
    done
fi
case $bc in /*|"") ;; *) bc=$(pwd)/$bc ;; esac
if [ -z "$bc" ] || [ ! -x "$bc" ]; then
    echo "mutate.sh: blkcheck not found (--blkcheck BIN)" >&2; exit 2
fi
command -v jq >/dev/null || { echo "mutate.sh: jq not found" >&2; exit 2; }
min_rate=${MUTATE_MIN_RATE:-95}
clang=$(command -v clang-14 || command -v clang || echo clang)

tmp=$(mktemp -d /tmp/bc-mutate-XXXXXX)
[ "$keep" -eq 1 ] || trap 'rm -rf "$tmp"' EXIT

# pristine copy
src=$tmp/pristine
mkdir -p "$src/corpus"
cp -r "$root/runtime" "$root/annotations" "$src/"
cp -r "$root/corpus/include" "$root/corpus/clean-block" "$src/corpus/"

# compdb TREE - compile_commands.json for a copy (flags as the build uses)
compdb() {
    t=$1
    {
        echo '['
        sep=
        for f in "$t"/runtime/util/*.c; do
            printf '%s{"directory":"%s","file":"%s","command":"%s -D_GNU_SOURCE -I%s -I%s -std=gnu11 -c %s"}\n' \
                "$sep" "$t/runtime/util" "$f" "$clang" "$t/runtime/include" \
                "$t/annotations/include" "$f"
            sep=,
        done
        for f in "$t"/corpus/clean-block/*.c; do
            printf '%s{"directory":"%s","file":"%s","command":"%s -I%s -I%s -I%s -std=gnu11 -c %s"}\n' \
                "$sep" "$t/corpus/clean-block" "$f" "$clang" "$t/annotations/include" \
                "$t/corpus/include" "$t/corpus/clean-block" "$f"
        done
        echo ']'
    } > "$t/compile_commands.json"
}

# check TREE - run blkcheck; findings as "RULE file:line" in TREE/found;
# returns blkcheck's exit code
check() {
    t=$1
    (cd "$t" && "$bc" check -p "$t" --no-cache --no-progress --format json \
        --output "$t/report.json") 2> "$t/stderr"
    r=$?
    if [ -s "$t/report.json" ]; then
        jq -r '.findings[] | "\(.rule) \(.file):\(.line)"' "$t/report.json" > "$t/found"
    else
        : > "$t/found"
    fi
    return $r
}

status=0
compdb "$src"
check "$src"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$src/found" ]; then
    echo "mutate.sh: the unmutated copy is not clean (blkcheck exit $rc):"
    cat "$src/found" "$src/stderr"
    exit 1
fi
ntu=$(jq length "$src/compile_commands.json")
echo "unmutated copy: $ntu TUs (runtime/util + corpus/clean-block), no findings"
echo

total=0 killed=0
printf '%-24s %-6s %-7s %s\n' MUTATION RULE RESULT "FOUND (rules)"
# shellcheck disable=SC2086  # a list of paths (no spaces in the tree)
cat $files | grep -v '^[[:space:]]*#' | grep -v '^[[:space:]]*$' > "$tmp/table"
while IFS= read -r line; do
    name=$(printf "%s\n" "$line" | cut -d'|' -f1 | sed 's/^ *//; s/ *$//')
    file=$(printf "%s\n" "$line" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
    rule=$(printf "%s\n" "$line" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//')
    expr=$(printf "%s\n" "$line" | cut -d'|' -f4- | sed 's/^ //')
    if [ "$short" -eq 1 ]; then
        case $name in s-*) ;; *) continue ;; esac
    fi
    total=$((total + 1))
    m=$tmp/m-$name
    rm -rf "$m"
    cp -r "$src" "$m"
    rm -f "$m/report.json" "$m/found" "$m/stderr"
    if [ ! -f "$m/$file" ]; then
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" NOFILE "$file"; status=1; continue
    fi
    if ! sed -i -e "$expr" "$m/$file" 2> "$m/sed.err"; then
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" BADSED "$(cat "$m/sed.err")"; status=1; continue
    fi
    if cmp -s "$src/$file" "$m/$file"; then
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" NOEDIT "sed did not change $file"; status=1; continue
    fi
    compdb "$m"
    check "$m"
    rc=$?
    rules=$(cut -d' ' -f1 "$m/found" | sort -u | tr '\n' ' ')
    if [ "$rc" -ge 2 ]; then
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" ERROR "blkcheck exit $rc: $(head -1 "$m/stderr")"
        status=1
    elif grep -q "^$rule " "$m/found"; then
        killed=$((killed + 1))
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" killed "$rules"
    else
        printf '%-24s %-6s %-7s %s\n' "$name" "$rule" SURVIVED "${rules:-(none)}"
    fi
    [ "$keep" -eq 1 ] || rm -rf "$m"
done < "$tmp/table"

[ "$total" -gt 0 ] || { echo "mutate.sh: no mutations"; exit 1; }
rate=$((killed * 100 / total))
echo
echo "killed/total = $killed/$total = $rate%"
if [ "$rate" -lt "$min_rate" ]; then
    echo "mutate.sh: kill rate below $min_rate%"
    status=1
fi
exit $status
