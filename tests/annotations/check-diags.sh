#!/bin/sh
# check-diags.sh - compile one C file and compare diagnostics with the
# expectations written beside the offending lines.
#
# Usage: check-diags.sh --mode tsa|sparse --cc "COMMAND" [--] FILE [FLAGS...]
#
# Expectations, as comments on the line the diagnostic points at:
#     x = 1;   // expect-error: writing variable 'x' requires holding mutex 'm' exclusively
#     }        // expect-warning: context imbalance in 'f' - wrong count at exit
# The message must match exactly (clang's trailing " [-W...]" is ignored).
#
# Pass when every expectation is reported on its line, no other diagnostic
# is reported for FILE, and (tsa mode) the compiler fails exactly when an
# error is expected.  Exit 0 pass, 1 fail, 2 usage.
set -u

mode= cc=
while [ $# -gt 0 ]; do
    case "$1" in
    --mode) mode=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "check-diags: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] && [ -n "$mode" ] && [ -n "$cc" ] || {
    echo "usage: check-diags.sh --mode tsa|sparse --cc COMMAND FILE [FLAGS...]" >&2
    exit 2
}
file=$1; shift
[ -r "$file" ] || { echo "check-diags: cannot read $file" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

case "$mode" in
tsa)    # shellcheck disable=SC2086
        $cc -fsyntax-only -Wthread-safety -Werror "$@" "$file" >"$tmp/out" 2>&1
        status=$? ;;
sparse) # shellcheck disable=SC2086
        $cc "$@" "$file" >"$tmp/out" 2>&1
        status=$? ;;
*)      echo "check-diags: mode must be tsa or sparse" >&2; exit 2 ;;
esac

base=$(basename "$file")
# Reported: "LINE<TAB>KIND<TAB>MESSAGE" for diagnostics located in FILE.
awk -v base="$base" '
    {
        n = split($0, part, ":")
        if (n < 5) next
        f = part[1]; sub(".*/", "", f)
        if (f != base || part[2] !~ /^[0-9]+$/ || part[3] !~ /^[0-9]+$/) next
        kind = part[4]; sub(/^ +/, "", kind)
        if (kind != "error" && kind != "warning") next
        msg = $0
        sub(/^[^:]*:[0-9]+:[0-9]+: *(error|warning): */, "", msg)
        sub(/ \[-W[^]]*\]$/, "", msg)
        print part[2] "\t" kind "\t" msg
    }' "$tmp/out" | sort -u >"$tmp/got"

# Expected: the same shape, from "expect-KIND: MESSAGE" comments.
awk '
    match($0, /expect-(error|warning): /) {
        rest = substr($0, RSTART + 7)
        kind = substr(rest, 1, index(rest, ":") - 1)
        msg = substr(rest, index(rest, ":") + 2)
        sub(/ *(\*\/)? *$/, "", msg)
        print NR "\t" kind "\t" msg
    }' "$file" | sort -u >"$tmp/want"

fail=0
missing=$(comm -13 "$tmp/got" "$tmp/want")
extra=$(comm -23 "$tmp/got" "$tmp/want")
if [ -n "$missing" ]; then
    echo "MISSING diagnostics (line, kind, message):"; echo "$missing"; fail=1
fi
if [ -n "$extra" ]; then
    echo "UNEXPECTED diagnostics (line, kind, message):"; echo "$extra"; fail=1
fi
if [ "$mode" = tsa ]; then
    if grep -q '	error	' "$tmp/want"; then
        [ "$status" -ne 0 ] || { echo "compiler succeeded but errors were expected"; fail=1; }
    else
        [ "$status" -eq 0 ] || { echo "compiler failed (status $status) but no error was expected"; fail=1; }
    fi
fi
if [ "$fail" -ne 0 ]; then
    echo "--- compiler output for $file:"; cat "$tmp/out"
    exit 1
fi
echo "ok: $file ($(wc -l <"$tmp/want") expected diagnostics)"
exit 0
