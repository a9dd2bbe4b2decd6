#!/bin/sh
# tests/runtime/tools/bench-cli.sh MODE MQBLK_BENCH - mqblk-bench from the outside.
#
# MODE null:    short runs on the null driver with --json parsed by jq
#               (counts, keys, latency order), every queue/IOThread layout,
#               the usage errors (exit 2) and open failures (exit 1), and
#               --verify on null, which must report every block as corrupt
#               (null keeps no data).
# MODE file:    --verify on a temporary file through the file driver: a
#               clean write+read pass, a re-check of the same generation,
#               a check against the wrong generation (every block fails)
#               and one block overwritten behind the benchmark's back
#               (exactly that block fails); bs misaligned for O_DIRECT.
# Exit 0 pass, 1 fail, 77 skip (jq missing, no file driver).
set -u
mode=$1 bench=$2
command -v jq >/dev/null || { echo "SKIP: jq missing (ci/install-deps.sh)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-cli-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run EXPECTED_EXIT ARGS...: run the benchmark, JSON to $tmp/out.
run() {
    want=$1; shift
    "$bench" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "mqblk-bench $* exited $got, expected $want"
        sed 's/^/  stderr: /' "$tmp/err"
        return 1
    fi
    return 0
}

# check JQ_EXPR DESCRIPTION: the last JSON output satisfies JQ_EXPR.
check() {
    if ! jq -e "$1" "$tmp/out" >/dev/null 2>&1; then
        fail "$2: jq '$1' on: $(cat "$tmp/out")"
    fi
}

# usage ARGS...: exit 2 with a message on stderr and nothing on stdout.
usage() {
    run 2 "$@" || return
    [ -s "$tmp/err" ] || fail "mqblk-bench $*: no message on stderr"
    [ -s "$tmp/out" ] && fail "mqblk-bench $*: wrote to stdout"
}

shape='(.requests|type)=="number" and (.iops>0) and (.mib_s>0) and
       (.cpu_s|type)=="number" and (.runtime_s>0) and
       .errors==0 and .verify_errors==0 and
       .lat_ns.p50<=.lat_ns.p90 and .lat_ns.p90<=.lat_ns.p99 and
       .lat_ns.p99<=.lat_ns.p999 and .lat_ns.p999<=.lat_ns.max'

mode_null() {
    run 0 --count 20000 --json && {
        check '.requests==20000' "count"
        check "$shape" "shape"
        check '.rw=="randread" and .bs==4096 and .iodepth==64 and .queues==1 and .iothreads==1' "defaults"
    }
    run 0 --count 20000 --json --iothreads 0 && check '.requests==20000 and .iothreads==0' "main loop"
    run 0 --count 30001 --json --queues 3 --iothreads 2 --rw randrw --rwmix-read 30 &&
        check ".requests==30001 and $shape" "3 queues on 2 IOThreads"
    run 0 --count 5000 --json --queues 2 --iothreads 0 --rw read --bs 64k --iodepth 4 &&
        check '.requests==5000 and .mib_s>0' "sequential, 2 queues in the main loop"
    run 0 --count 5000 --json --rw write --blockdev driver=null,size=1M &&
        check '.requests==5000 and .errors==0' "sequential write wraps"
    run 0 --runtime 0.2 --json --iothreads 0 && check "$shape and .runtime_s<2" "runtime"
    run 0 --count 1000 && grep -q IOPS "$tmp/out" || fail "text output has no IOPS"
    run 0 --help && grep -q -- --verify-generation "$tmp/out" || fail "--help"

    usage --frobnicate
    usage --bs 4q
    usage --bs 0
    usage --iodepth 0
    usage --queues 0
    usage --rw sideways
    usage --count -5
    usage --rwmix-read 50
    usage --verify --runtime 1
    usage --verify-only
    usage stray-argument
    usage --bs 2G --count 1                           # device is 1 GiB
    usage --bs 8k --count 1 --blockdev driver=null,size=4k

    run 1 --count 1 --blockdev driver=no-such-driver && {
        [ -s "$tmp/err" ] || fail "open failure: no message"
    }
    run 1 --count 1 --blockdev driver=null,sise=1G && {
        grep -q sise "$tmp/err" || fail "open failure message does not name the option"
    }

    # null keeps nothing: every block must fail verification.
    run 1 --verify --count 256 --json --blockdev driver=null,size=1M,read-zeroes=on && {
        check '.verify_errors==256 and .requests==512 and .errors==0' "verify on null"
        grep -q "did not read back" "$tmp/err" || fail "verify on null: no message"
    }
}

mode_file() {
    img=$tmp/img
    truncate -s 4M "$img" || exit 1
    "$bench" --count 1 --blockdev "driver=file,filename=$img" >/dev/null 2>"$tmp/err"
    if grep -qi "unknown driver\|no driver\|driver 'file'.*not" "$tmp/err"; then
        echo "SKIP: no file driver: $(cat "$tmp/err")"; exit 77
    fi
    dev="driver=file,filename=$img"
    run 0 --verify --verify-generation 5 --rw randwrite --queues 2 --json --blockdev "$dev" &&
        check '.verify_errors==0 and .errors==0 and .requests==2048' "verify clean"
    run 0 --verify-only --verify-generation 5 --json --blockdev "$dev" &&
        check '.verify_errors==0 and .requests==1024' "re-check same generation"
    run 1 --verify-only --verify-generation 6 --json --blockdev "$dev" &&
        check '.verify_errors==1024' "wrong generation"
    # Overwrite block 17 behind the benchmark's back.
    dd if=/dev/zero of="$img" bs=4096 seek=17 count=1 conv=notrunc 2>/dev/null
    run 1 --verify-only --verify-generation 5 --rw randread --json --blockdev "$dev" &&
        check '.verify_errors==1' "one corrupt block"
    run 0 --count 2000 --json --rw randrw --iodepth 8 --blockdev "$dev" &&
        check "$shape" "file, randrw"

    # O_DIRECT: bs below the sector size is a usage error (when the file
    # system supports O_DIRECT at all; tmpfs does not).
    dimg=${BENCH_DIRECT_DIR:-.}/bench-cli-direct.img
    truncate -s 1M "$dimg" || exit 1
    if "$bench" --count 1 --blockdev "driver=file,filename=$dimg,cache.direct=on" \
            >/dev/null 2>&1; then
        usage --bs 100 --count 1 --blockdev "driver=file,filename=$dimg,cache.direct=on"
    else
        echo "note: O_DIRECT not available in $(dirname "$dimg"): alignment case skipped"
    fi
    rm -f "$dimg"
}

case $mode in
null) mode_null ;;
file) mode_file ;;
*) echo "usage: $0 null|file MQBLK_BENCH" >&2; exit 2 ;;
esac
[ $fails = 0 ] && echo "PASS ($mode)"
[ $fails = 0 ]
