#!/bin/sh
# extractor-id-test.sh ROOT - the fact cache's extractor id changes with any
# extractor source and only then (cmake/extractor-id.cmake).  Facts written
# by an older extractor were once served to a newer one: the id is what
# keeps that from happening again.
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int a;\n' > "$tmp/a.c"
printf 'int b;\n' > "$tmp/b.h"
gen() { cmake -DOUT="$tmp/id.h" "-DSOURCES=$tmp/a.c|$tmp/b.h" -P "$root/cmake/extractor-id.cmake"; }
gen; first=$(cat "$tmp/id.h")
touch -d '2000-01-01' "$tmp/id.h"
gen
[ "$(stat -c %Y "$tmp/id.h")" = "$(date -d 2000-01-01 +%s)" ] \
    || { echo "FAIL: unchanged sources rewrote the header (rebuilds for nothing)"; exit 1; }
printf 'int b2;\n' > "$tmp/b.h"
gen; second=$(cat "$tmp/id.h")
[ "$first" != "$second" ] || { echo "FAIL: a changed source kept the id: $first"; exit 1; }
echo "ok: $(echo "$second" | grep -o '"[0-9a-f]*"')"
