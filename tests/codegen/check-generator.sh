#!/bin/sh
# check-generator.sh - run co-wrappers.py and check its outcome.
#
#   check-generator.sh fail PYTHON GENERATOR OUT HEADER PATTERN [GEN-ARGS...]
#       the generator must exit 1 and print a line matching PATTERN
#       (an extended regex, e.g. 'bad/variadic\.h:5: error: .*variadic')
#   check-generator.sh grep PYTHON GENERATOR OUT HEADER PATTERN... -- [GEN-ARGS...]
#       the generator must succeed and OUT, with its lines joined by spaces,
#       must match every PATTERN (so a pattern can check an order of calls)
set -u
mode=$1 py=$2 gen=$3 out=$4 header=$5
shift 5
case $mode in
fail)
    pat=$1; shift
    rm -f "$out"
    msg=$("$py" "$gen" "$@" "$header" -o "$out" 2>&1)
    rc=$?
    printf '%s\n' "$msg"
    if [ $rc -ne 1 ]; then
        echo "FAIL: generator exited $rc, expected 1"; exit 1
    fi
    if ! printf '%s\n' "$msg" | grep -Eq -- "$pat"; then
        echo "FAIL: no message matching: $pat"; exit 1
    fi
    if [ -e "$out" ]; then
        echo "FAIL: $out written despite the error"; exit 1
    fi
    ;;
grep)
    pats=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        pats="$pats$1
"
        shift
    done
    [ $# -gt 0 ] && shift
    "$py" "$gen" "$@" "$header" -o "$out" || { echo "FAIL: generator failed"; exit 1; }
    printf '%s' "$pats" | while IFS= read -r p; do
        [ -z "$p" ] && continue
        if ! tr '\n' ' ' < "$out" | grep -Eq -- "$p"; then
            echo "FAIL: $out lacks: $p"; exit 1
        fi
    done || exit 1
    ;;
*)
    echo "usage: see header"; exit 2;;
esac
echo PASS
