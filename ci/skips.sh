#!/bin/sh
# ci/skips.sh BUILD - every skipped test case of the last ctest run in
# BUILD, with its reason, and a failure when this machine has what the
# reason says is missing.
#
# Test programs skip only for a named reason (tests/runtime/rt-skip.h):
# they print "SKIP(reason): detail" and exit 77.  BUILD/tests/runtime/
# feature-probe says which reasons do not hold here ("io_uring yes": the
# kernel gives io_uring, so an io_uring skip is a failure).  Exit 0 when
# every skip is justified, 1 otherwise.
set -eu
build=$1
log=$build/Testing/Temporary/LastTest.log
probe=$build/tests/runtime/feature-probe
[ -f "$log" ] || { echo "skips: no ctest log in $build" >&2; exit 1; }
[ -x "$probe" ] || { echo "skips: $probe not built" >&2; exit 1; }

have=$("$probe")
skips=$(grep -o 'SKIP([a-z_-]*): .*' "$log" | sort | uniq -c || true)
if [ -z "$skips" ]; then
    echo "skips ($build): none"
    exit 0
fi
echo "skips ($build):"
echo "$skips" | sed 's/^/  /'
status=0
for reason in $(echo "$skips" | sed -n 's/.*SKIP(\([a-z_-]*\)).*/\1/p' | sort -u); do
    if echo "$have" | grep -qx "$reason yes"; then
        echo "skips: FAIL: a case was skipped for '$reason', but this machine has it"
        status=1
    fi
done
exit "$status"
