#!/bin/sh
# Real NBD clients (Debian packages) against mqblkd.
# usage: clients.sh CASE PATH-TO-MQBLKD
#   tools       nbdinfo (info, --list, --map), nbdcopy both ways, qemu-img
#               info/convert/compare over nbd+unix://, qemu-io commands
#   tcp         the same daemon on loopback TCP: qemu-img info, nbdcopy
#   fio         fio's nbd engine: random writes with --verify, 2 connections
#   concurrent  several clients at once on one export, all must succeed
#   kill        clients killed (SIGKILL) with requests in flight; the daemon
#               serves on and exits 0 on SIGTERM
#   cli         mqblkd's own errors: bad options exit 2 with a message that
#               names the problem (no daemon left running)
#   graph       fio verify loads and qemu-io pattern writes run while a
#               throttle filter is inserted and removed 20 times through the
#               control channel (mqblkctl), with a low IOPS limit every other
#               time so requests queue in the filter; query-nodes shows the
#               filter exactly while it is in; the data checks at the end
#   control     bad input on the control channel (unknown command or node,
#               bad options, a non-filter, an over-long line, a client gone
#               mid-line) gets an error or closes that connection only; the
#               daemon and its export serve on; quit stops it with exit 0
#   sigterm     SIGTERM during a write load: exit 0, the daemon calls
#               fdatasync after the signal (strace), and every write that
#               was acknowledged before (flushed or not) is in the file
#   load        mqblk-nbd-load against a null export over a Unix socket
#               (2 connections, JSON) and over TCP (sequential, 1m, text):
#               requests completed, no errors, sane figures (the
#               daemon's CPU too, --server-pid)
#   poll        busy-polling (the default --poll-max-ns): a load through
#               polling IOThreads completes without errors, and a
#               connected but idle client costs the daemon under 10 % of
#               a CPU (a poll that always found input would spin at 100 %)
#   loaderr     mqblk-nbd-load's failures: unknown export, no server, bad
#               options, error replies and a bogus cookie (from
#               fake-nbd-server.py), the daemon killed mid-run (exit 1 and
#               a message within seconds, not a hang)
# A missing client program is a failure (ci/install-deps.sh installs them).
set -eu

case=$1 mqblkd=$2
case $mqblkd in /*) ;; *) mqblkd=$(pwd)/$mqblkd ;; esac
mqblkctl=$(dirname "$mqblkd")/mqblkctl
nbdload=$(dirname "$mqblkd")/mqblk-nbd-load
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/mqblkd-clients.XXXXXX)
sock=$tmp/nbd.sock
uri="nbd+unix:///disk?socket=$sock"
cd "$tmp"     # fio leaves verify state files in the working directory
pid=

fail() {
    echo "FAIL ($case): $*" >&2
    if [ -s "$tmp/daemon.log" ]; then
        echo "--- mqblkd stderr:" >&2
        head -c 20000 "$tmp/daemon.log" >&2
    fi
    exit 1
}

cleanup() {
    if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# expect_exit PROGRAM STATUS PATTERN ARGS...: PROGRAM ARGS exits STATUS and
# its output matches PATTERN.
expect_exit() {
    prog=$1 want=$2 pattern=$3
    shift 3
    rc=0
    "$prog" "$@" >"$tmp/out" 2>&1 || rc=$?
    [ "$rc" = "$want" ] || fail "${prog##*/} $*: exit $rc, want $want: $(cat "$tmp/out")"
    grep -q -- "$pattern" "$tmp/out" || fail "${prog##*/} $*: no '$pattern' in: $(cat "$tmp/out")"
}

need() {
    for t in "$@"; do
        command -v "$t" >/dev/null ||
            fail "client '$t' missing (ci/install-deps.sh installs it)"
    done
}

# start_daemon MQBLKD-ARGS...: run in the background, wait for the socket.
start_daemon() {
    "$mqblkd" "$@" 2>"$tmp/daemon.log" &
    pid=$!
    i=0
    while [ ! -S "$sock" ]; do
        kill -0 "$pid" 2>/dev/null || fail "mqblkd exited: $(cat "$tmp/daemon.log")"
        i=$((i + 1))
        [ $i -lt 500 ] || fail "mqblkd did not listen"
        sleep 0.01
    done
}

# stop_daemon [HOW]: SIGTERM (or nothing when HOW, e.g. "quit", already
# asked it to stop); it must exit 0 within 20 s.
stop_daemon() {
    [ $# -gt 0 ] || kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 2000 ] || fail "mqblkd ignored ${1:-SIGTERM}"
        sleep 0.01
    done
    rc=0
    wait "$pid" || rc=$?
    pid=
    [ "$rc" = 0 ] || fail "mqblkd exit status $rc: $(cat "$tmp/daemon.log")"
}

file_export() {  # file_export SIZE [EXTRA-EXPORT-OPTS [MQBLKD-ARGS...]]
    size=$1 extra=${2:-}
    shift; [ $# = 0 ] || shift
    truncate -s "$size" "$tmp/disk.img"
    start_daemon --blockdev "driver=file,node-name=f0,filename=$tmp/disk.img" \
        --export "nbd,node=f0,name=disk,writable=on,unix=$sock$extra" "$@"
}

# ctl COMMAND...: one control command that must succeed; its reply in $reply
ctl() {
    reply=$("$mqblkctl" "$tmp/ctl.sock" "$@" 2>&1) || fail "mqblkctl $*: $reply"
}

# ctl_error PATTERN COMMAND...: one control command that must fail with an
# "error: ..." reply containing PATTERN
ctl_error() {
    pattern=$1
    shift
    rc=0
    reply=$("$mqblkctl" "$tmp/ctl.sock" "$@" 2>&1) || rc=$?
    [ "$rc" = 1 ] || fail "mqblkctl $*: exit $rc, want 1: $reply"
    case $reply in "error: "*"$pattern"*) ;; *) fail "mqblkctl $*: no '$pattern' in: $reply" ;; esac
}

# has_node NAME:DRIVER[(CHILD,...)]: query-nodes lists it (with exactly
# these children when they are given)
has_node() {
    ctl query-nodes
    case " ${reply#ok} " in *" $1 "*|*" $1("*) return 0 ;; esac
    return 1
}

case $case in
tools)
    need nbdinfo nbdcopy qemu-img qemu-io
    file_export 32M ",iothreads=2"
    nbdinfo "$uri" >"$tmp/info"
    grep -q 'export-size: 33554432' "$tmp/info" || fail "nbdinfo size"
    grep -q 'can_multi_conn: true' "$tmp/info" || fail "multi-conn not advertised"
    grep -q 'can_fua: true' "$tmp/info" || fail "fua not advertised"
    nbdinfo --list "nbd+unix:///?socket=$sock" | grep -q 'export="disk"' ||
        fail "nbdinfo --list"
    head -c 32M /dev/urandom >"$tmp/src"
    qemu-img convert -n -f raw -O raw "$tmp/src" "$uri"
    qemu-img compare -f raw -F raw "$tmp/src" "$uri" || fail "qemu-img compare"
    cmp "$tmp/src" "$tmp/disk.img" || fail "file differs after convert"
    nbdcopy "$uri" "$tmp/copy" && cmp "$tmp/src" "$tmp/copy" || fail "nbdcopy read"
    qemu-img info "$uri" | grep -q 'virtual size: 32 MiB' || fail "qemu-img info"
    qemu-io -f raw -c 'write -P 0x5a 1M 64k' -c 'write -z 1M 4k' \
        -c 'read -P 0 1M 4k' -c 'read -P 0x5a 1052672 61440' \
        -c 'discard 4M 1M' -c 'write -P 0x11 -f 8M 4k' -c flush \
        "$uri" >"$tmp/qio" 2>&1 || fail "qemu-io: $(cat "$tmp/qio")"
    if grep -q 'Pattern verification failed\|failed' "$tmp/qio"; then
        fail "qemu-io: $(cat "$tmp/qio")"
    fi
    # write zeroes without a hole, then the map shows data there
    nbdinfo --map "$uri" >"$tmp/map" || fail "nbdinfo --map"
    [ -s "$tmp/map" ] || fail "empty map"
    # out-of-range and read-only behaviour seen by a real client
    if qemu-io -f raw -c 'read 32M 4k' "$uri" 2>&1 | grep -q '^read [0-9]'; then
        fail "read past the end succeeded"
    fi
    stop_daemon
    ;;
tcp)
    need qemu-img nbdcopy
    truncate -s 8M "$tmp/disk.img"
    port=$((20000 + $$ % 20000))
    "$mqblkd" --blockdev "driver=file,node-name=f0,filename=$tmp/disk.img" \
        --export "nbd,node=f0,name=disk,writable=on,addr=127.0.0.1:$port" \
        2>"$tmp/daemon.log" &
    pid=$!
    i=0
    until qemu-img info "nbd://127.0.0.1:$port/disk" >"$tmp/info" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "no TCP listener: $(cat "$tmp/daemon.log")"
        sleep 0.01
    done
    grep -q 'virtual size: 8 MiB' "$tmp/info" || fail "qemu-img info over TCP"
    head -c 8M /dev/urandom >"$tmp/src"
    nbdcopy "$tmp/src" "nbd://127.0.0.1:$port/disk"
    cmp "$tmp/src" "$tmp/disk.img" || fail "nbdcopy over TCP"
    stop_daemon
    ;;
fio)
    need fio
    file_export 64M ",iothreads=2"
    fio --name=verify --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k \
        --size=32M --iodepth=32 --numjobs=2 --offset_increment=32M \
        --verify=crc32c --do_verify=1 --verify_fatal=1 --group_reporting \
        >"$tmp/fio" 2>&1 || fail "fio: $(cat "$tmp/fio")"
    grep -q 'err= 0' "$tmp/fio" || fail "fio reported errors: $(cat "$tmp/fio")"
    stop_daemon
    ;;
concurrent)
    need fio nbdcopy qemu-img nbdinfo
    file_export 64M ",iothreads=2"
    head -c 16M /dev/urandom >"$tmp/src"
    nbdcopy "$tmp/src" "$uri"
    fio --name=a --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k \
        --offset=32M --size=16M --iodepth=16 --verify=crc32c --do_verify=1 \
        --verify_fatal=1 >"$tmp/fio-a" 2>&1 & fa=$!
    fio --name=b --ioengine=nbd --uri="$uri" --rw=randwrite --bs=64k \
        --offset=48M --size=16M --iodepth=8 --verify=md5 --do_verify=1 \
        --verify_fatal=1 >"$tmp/fio-b" 2>&1 & fb=$!
    nbdcopy --connections=4 "$uri" "$tmp/copy" & nc=$!
    qemu-img compare --image-opts "driver=raw,file.driver=file,file.filename=$tmp/src" \
        "driver=raw,size=16777216,file.driver=nbd,file.path=$sock,file.export=disk" \
        >"$tmp/cmp" 2>&1 & qc=$!
    # the first 16M must compare equal while the others write elsewhere
    st=0
    wait $fa || st=1; wait $fb || st=$((st | 2))
    wait $nc || st=$((st | 4)); wait $qc || st=$((st | 8))
    [ $st = 0 ] || fail "a concurrent client failed (mask $st): $(cat "$tmp/fio-a" "$tmp/fio-b" "$tmp/cmp")"
    head -c 16M "$tmp/copy" | cmp - "$tmp/src" || fail "nbdcopy content"
    stop_daemon
    ;;
kill)
    need fio nbdinfo
    file_export 64M ",iothreads=2"
    for round in 1 2 3; do
        fio --name=k --ioengine=nbd --uri="$uri" --rw=randrw --bs=64k \
            --size=64M --iodepth=64 --numjobs=2 --thread --time_based --runtime=30 \
            >"$tmp/fio-k" 2>&1 & f=$!
        sleep 0.5
        kill -9 $f 2>/dev/null ||
            fail "fio ended before it was killed: $(cat "$tmp/fio-k")"
        wait $f 2>/dev/null || true
        kill -0 "$pid" 2>/dev/null || fail "mqblkd died after a killed client"
    done
    nbdinfo "$uri" >/dev/null || fail "no service after killed clients"
    fio --name=v --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k \
        --size=8M --iodepth=16 --verify=crc32c --do_verify=1 --verify_fatal=1 \
        >"$tmp/fio" 2>&1 || fail "fio after kills: $(cat "$tmp/fio")"
    stop_daemon
    ;;
sigterm)
    need nbdcopy qemu-io fio
    file_export 64M ",iothreads=2"
    head -c 16M /dev/urandom >"$tmp/src"
    # acknowledged and flushed
    nbdcopy "$tmp/src" "$uri"
    # acknowledged with FUA, and acknowledged without a flush
    qemu-io -f raw -c 'write -P 0xa5 -f 16M 1M' -c 'write -P 0x3c 17M 1M' \
        "$uri" >/dev/null
    # a load in flight when the signal comes
    fio --name=load --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k \
        --offset=32M --size=32M --iodepth=64 --time_based --runtime=30 \
        >/dev/null 2>&1 & f=$!
    sleep 0.5
    # the flush at stop reaches the disk: watch for fdatasync from here on
    need strace
    strace -f -qq -e trace=fdatasync,fsync -o "$tmp/sync.log" -p "$pid" & st=$!
    sleep 0.3
    stop_daemon
    wait $st 2>/dev/null || true
    wait $f 2>/dev/null || true
    grep -q 'fdatasync(\|fsync(' "$tmp/sync.log" || fail "no fdatasync after SIGTERM"
    head -c 16M "$tmp/disk.img" | cmp - "$tmp/src" || fail "flushed data lost"
    qemu-io -f raw -c 'read -P 0xa5 16M 1M' -c 'read -P 0x3c 17M 1M' \
        "$tmp/disk.img" >"$tmp/qio" 2>&1
    if grep -q 'Pattern verification failed' "$tmp/qio"; then
        fail "acknowledged writes lost: $(cat "$tmp/qio")"
    fi
    ;;
cli)
    # expect_error STATUS PATTERN ARGS...: mqblkd exits STATUS, stderr matches
    expect_error() { expect_exit "$mqblkd" "$@"; }
    null=driver=null,node-name=n0,size=1M
    expect_error 2 "nothing to serve"
    expect_error 2 "unknown or incomplete option" --bogus
    expect_error 2 "unknown or incomplete option" --export
    expect_error 2 "no node named 'nope'" --export nbd,node=nope
    expect_error 2 "TLS is not supported" --blockdev $null --export nbd,node=n0,tls-creds=x
    expect_error 2 "has no option 'colour'" --blockdev $null --export nbd,node=n0,colour=red
    expect_error 2 "only 'nbd" --blockdev $null --export fuse,node=n0
    expect_error 2 "poll-max-ns: '-1' is not a number" --blockdev $null \
        --export nbd,node=n0,unix=$sock --poll-max-ns -1
    expect_error 2 "poll-max-ns: '5x'" --poll-max-ns 5x --blockdev $null \
        --export nbd,node=n0,unix=$sock
    expect_error 2 "read-only" --blockdev $null,read-only=on \
        --export nbd,node=n0,writable=on,unix=$sock
    expect_error 2 "exclude each other" --blockdev $null \
        --export "nbd,node=n0,addr=127.0.0.1:1,unix=$sock"
    expect_error 2 "different iothreads" --blockdev $null \
        --blockdev driver=null,node-name=n1,size=1M \
        --export "nbd,node=n0,unix=$sock,iothreads=1" \
        --export "nbd,node=n1,unix=$sock,iothreads=2"
    expect_error 2 "exists already" --blockdev $null \
        --export "nbd,node=n0,name=x,unix=$sock" --export "nbd,node=n0,name=x,unix=$sock"
    expect_error 1 "expected HOST:PORT" --blockdev $null --export nbd,node=n0,addr=nocolon
    expect_error 2 "only 'unix=PATH'" --blockdev $null --export nbd,node=n0,unix=$sock \
        --control tcp=127.0.0.1:1
    expect_error 2 "given twice" --blockdev $null --export nbd,node=n0,unix=$sock \
        --control unix=$tmp/c1 --control unix=$tmp/c2
    touch "$tmp/plain"
    expect_error 2 "is not a socket" --blockdev $null --export nbd,node=n0,unix=$sock \
        --control unix=$tmp/plain
    [ -f "$tmp/plain" ] || fail "--control removed a regular file"
    "$mqblkd" --help | grep -q "^usage: mqblkd" || fail "--help"
    ;;
graph)
    need fio qemu-io
    file_export 64M ",iothreads=2" --control "unix=$tmp/ctl.sock"
    has_node f0:file || fail "query-nodes: $reply"
    # load 1: fio verify runs, one after the other, until told to stop
    (
        n=0
        while [ ! -e "$tmp/stop" ]; do
            n=$((n + 1))
            fio --name=g$n --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k \
                --size=16M --iodepth=32 --numjobs=2 --offset_increment=16M \
                --verify=crc32c --do_verify=1 --verify_fatal=1 \
                --group_reporting >"$tmp/fio-g" 2>&1 &&
                grep -q 'err= 0' "$tmp/fio-g" ||
                { cp "$tmp/fio-g" "$tmp/fio-failed"; exit 1; }
        done
        echo "$n" >"$tmp/fio-runs"
    ) & load=$!
    sleep 0.3
    for cycle in $(seq 1 20); do
        # a limit low enough that fio's requests queue in the filter
        # every other cycle, none to speak of in the others
        if [ $((cycle % 2)) = 1 ]; then iops=300; else iops=100000; fi
        ctl insert-filter f0 "driver=throttle,node-name=thr0,iops-total=$iops"
        [ "$reply" = "ok thr0" ] || fail "insert-filter replied: $reply"
        has_node "thr0:throttle(f0)" || fail "cycle $cycle: thr0 missing after insert: $reply"
        # load 2: a pattern per cycle, written and read back through the filter
        pat=$(printf '0x%02x' $((cycle + 16)))
        qemu-io -f raw -c "write -P $pat 40M 256k" -c "read -P $pat 40M 256k" \
            "$uri" >"$tmp/qio" 2>&1 || fail "qemu-io cycle $cycle: $(cat "$tmp/qio")"
        ! grep -q 'failed' "$tmp/qio" || fail "qemu-io cycle $cycle: $(cat "$tmp/qio")"
        sleep 0.1
        ctl remove-filter thr0
        [ "$reply" = ok ] || fail "remove-filter replied: $reply"
        ! has_node thr0:throttle || fail "cycle $cycle: thr0 still listed: $reply"
        kill -0 "$load" 2>/dev/null || break
        sleep 0.05
    done
    touch "$tmp/stop"
    rc=0
    wait $load || rc=$?
    [ $rc = 0 ] || fail "fio under graph changes: $(cat "$tmp/fio-failed" 2>/dev/null)"
    [ "$cycle" = 20 ] || fail "the load ended after $cycle cycles"
    ctl query-nodes
    [ "$reply" = "ok f0:file" ] || fail "nodes left after the cycles: $reply"
    stop_daemon
    # what the last cycle wrote went through the filters to the file
    qemu-io -f raw -c "read -P $pat 40M 256k" "$tmp/disk.img" >"$tmp/qio" 2>&1
    ! grep -q 'failed' "$tmp/qio" || fail "data of the last cycle: $(cat "$tmp/qio")"
    echo "graph: 20 cycles, $(cat "$tmp/fio-runs") fio verify runs"
    ;;
control)
    need qemu-io
    file_export 16M "" --blockdev driver=null,node-name=n0,size=1M \
        --control "unix=$tmp/ctl.sock"
    [ "$(stat -c %a "$tmp/ctl.sock")" = 600 ] || fail "control socket mode"
    ctl_error "unknown command 'frobnicate'" frobnicate f0
    ctl_error "no node named 'nope'" insert-filter nope driver=throttle
    ctl_error "no node named 'nope'" remove-filter nope
    ctl_error "usage: insert-filter" insert-filter f0
    ctl_error "usage: insert-filter" insert-filter f0 driver=throttle extra
    ctl_error "usage: query-nodes" query-nodes f0
    ctl_error "is not a filter" insert-filter f0 "driver=file,filename=$tmp/x"
    ctl_error "is not a filter" remove-filter f0
    ctl_error "unknown driver" insert-filter f0 driver=nosuch
    ctl_error "iops-total" insert-filter f0 driver=throttle,iops-total=lots
    ctl_error "must not name the child" insert-filter f0 driver=throttle,file=n0
    ctl_error "no parent" insert-filter n0 driver=throttle
    ctl_error "" insert-filter f0 'driver=throttle,,=,='
    ctl insert-filter f0 driver=throttle,node-name=t1
    ctl_error "t1" insert-filter f0 driver=throttle,node-name=t1
    ctl remove-filter t1
    # several commands on one connection, one reply each, in order
    printf 'query-nodes\nbogus\n\nquery-nodes\n' |
        "$mqblkctl" "$tmp/ctl.sock" - >"$tmp/multi" 2>&1 || true
    [ "$(wc -l <"$tmp/multi")" = 4 ] || fail "4 lines, 4 replies: $(cat "$tmp/multi")"
    sed -n 2p "$tmp/multi" | grep -q "^error: unknown command 'bogus'" ||
        fail "multi: $(cat "$tmp/multi")"
    sed -n 3p "$tmp/multi" | grep -q "^error: empty command" || fail "multi: $(cat "$tmp/multi")"
    sed -n 4p "$tmp/multi" | grep -q "^ok f0:file n0:null" || fail "multi: $(cat "$tmp/multi")"
    # an over-long line: an error, and that connection closes
    head -c 6000 /dev/zero | tr '\0' x >"$tmp/long"
    "$mqblkctl" "$tmp/ctl.sock" - <"$tmp/long" >"$tmp/out" 2>&1 && fail "long line: ok"
    grep -q "^error: line too long" "$tmp/out" || fail "long line: $(cat "$tmp/out")"
    # a client gone mid-line: nothing runs, no reply
    printf 'insert-filter f0 driver=throttle,node-name=half' |
        "$mqblkctl" "$tmp/ctl.sock" - >"$tmp/out" 2>&1 && fail "partial line: ok"
    [ ! -s "$tmp/out" ] || fail "partial line got a reply: $(cat "$tmp/out")"
    ! has_node half:throttle || fail "a partial line ran: $reply"
    # a client that connects and says nothing blocks nobody
    mkfifo "$tmp/idle"
    "$mqblkctl" "$tmp/ctl.sock" - <"$tmp/idle" >/dev/null 2>&1 & idle=$!
    exec 9>"$tmp/idle"
    sleep 0.2
    ctl query-nodes
    # the export serves on
    qemu-io -f raw -c 'write -P 0x6b 0 64k' -c 'read -P 0x6b 0 64k' "$uri" \
        >"$tmp/qio" 2>&1 || fail "qemu-io after bad input: $(cat "$tmp/qio")"
    ! grep -q 'failed' "$tmp/qio" || fail "qemu-io after bad input: $(cat "$tmp/qio")"
    # quit: like SIGTERM, with the idle client still connected
    ctl quit
    [ "$reply" = ok ] || fail "quit replied: $reply"
    stop_daemon quit
    exec 9>&-
    wait $idle || true
    [ ! -e "$tmp/ctl.sock" ] || fail "control socket left behind"
    rc=0
    "$mqblkctl" "$tmp/ctl.sock" query-nodes >/dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || fail "mqblkctl without a daemon: exit $rc, want 2"
    ;;
poll)
    need jq qemu-io "$nbdload"
    start_daemon --blockdev driver=null,node-name=n0,size=64M \
        --export "nbd,node=n0,name=disk,unix=$sock,iothreads=1" --poll-max-ns 100000
    # an idle client on the IOThread: one read, 4 s of silence, one read
    qemu-io -r -f raw -c "read 0 4k" -c "sleep 4000" -c "read 0 4k" "$uri" \
        >"$tmp/qio" 2>&1 & qio=$!
    sleep 0.3
    # a load on the same IOThread opens its poll window
    "$nbdload" --unix "$sock" --export disk --connections 1 --iodepth 16 \
        --runtime 1 --ramp 0.2 --json >"$tmp/load.json" 2>"$tmp/load.err" ||
        fail "mqblk-nbd-load: $(cat "$tmp/load.err" "$tmp/load.json")"
    jq -e '.errors == 0 and .ios > 1000' "$tmp/load.json" >/dev/null ||
        fail "load through a polling loop: $(cat "$tmp/load.json")"
    # then only the idle client is left: the loop must go back to sleeping
    sleep 0.3
    t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep 1
    t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    kill -0 $qio 2>/dev/null || fail "qemu-io ended before the idle second was over"
    wait $qio || fail "qemu-io: $(cat "$tmp/qio")"
    hz=$(getconf CLK_TCK)
    [ $(( (t1 - t0) * 10 )) -le "$hz" ] ||
        fail "idle connection: the daemon used $((t1 - t0)) of $hz ticks in 1 s"
    stop_daemon
    ;;
load)
    need jq "$nbdload"
    port=$((20000 + $$ % 20000))
    start_daemon --blockdev driver=null,node-name=n0,size=64M,read-zeroes=on \
        --export "nbd,node=n0,name=disk,unix=$sock,iothreads=2" \
        --export "nbd,node=n0,name=tdisk,addr=127.0.0.1:$port"
    "$nbdload" --unix "$sock" --export disk --connections 2 --iodepth 16 \
        --runtime 1 --ramp 0.2 --server-pid "$pid" --json >"$tmp/load.json" 2>"$tmp/load.err" ||
        fail "mqblk-nbd-load: $(cat "$tmp/load.err" "$tmp/load.json")"
    jq -e '.connections == 2 and .iodepth == 16 and .bs == 4096 and
        .rw == "randread" and .export_size == 67108864 and .errors == 0 and
        .ios > 1000 and .iops > 1000 and .runtime_s > 0.9 and .runtime_s < 1.5 and
        (.ios / .runtime_s / .iops - 1 | fabs) < 0.001 and
        (.mib_s - .iops * 4096 / 1048576 | fabs) < 0.1 and
        .lat_p50_us > 0 and .lat_p99_us >= .lat_p50_us and
        .lat_max_us >= .lat_p99_us and .cpu_s > 0 and
        (.cpu_usr_s + .cpu_sys_s - .cpu_s | fabs) < 0.00001 and
        (.cpu_s * 1e6 / .ios - .cpu_us_per_req | fabs) < 0.01 and
        .server_cpu_s > 0 and .server_cpu_s < 2.5 and
        (.server_cpu_s * 1e6 / .ios - .server_cpu_us_per_req | fabs) < 0.01' \
        "$tmp/load.json" >/dev/null || fail "insane JSON: $(cat "$tmp/load.json")"
    # TCP, sequential, larger requests than the server's 64 KiB receive
    # buffer and the client's partial payloads, text report
    "$nbdload" --tcp "127.0.0.1:$port" --export tdisk --rw read --bs 1m \
        --iodepth 3 --runtime 0.5 --ramp 0 >"$tmp/load.txt" 2>&1 ||
        fail "mqblk-nbd-load over TCP: $(cat "$tmp/load.txt")"
    grep -q '^1 connection x iodepth 3, 1048576-byte read' "$tmp/load.txt" &&
        grep -q 'errors 0$' "$tmp/load.txt" &&
        grep -Eq 'IOPS [1-9][0-9]*' "$tmp/load.txt" ||
        fail "text report: $(cat "$tmp/load.txt")"
    "$nbdload" --help | grep -q 'simple replies' || fail "--help"
    stop_daemon
    ;;
loaderr)
    need "$nbdload"
    # expect_load STATUS PATTERN ARGS...: the same for mqblk-nbd-load
    expect_load() { expect_exit "$nbdload" "$@"; }
    expect_load 1 "cannot connect to $sock" --unix "$sock" --runtime 1
    expect_load 2 "exactly one of --unix and --tcp" --runtime 1
    expect_load 2 "bad value for --iodepth" --unix "$sock" --iodepth 0
    expect_load 2 "bad value for --rw" --unix "$sock" --rw write
    expect_load 2 "bad value for --bs" --unix "$sock" --bs 64m
    # error replies (counted, reported, exit 1) and a reply for a cookie
    # never sent, from a fake server: mqblkd gives neither to reads
    need /usr/bin/python3
    for mode in eio badcookie; do
        rm -f "$tmp/fake.sock"
        /usr/bin/python3 "$here/fake-nbd-server.py" $mode "$tmp/fake.sock" & fake=$!
        i=0
        while [ ! -S "$tmp/fake.sock" ]; do
            i=$((i + 1))
            [ $i -lt 500 ] || fail "fake server did not listen"
            sleep 0.01
        done
        if [ $mode = eio ]; then
            expect_load 1 "answered [1-9][0-9]* requests with an error" \
                --unix "$tmp/fake.sock" --runtime 0.3 --ramp 0 --json
            grep -q '"errors": [1-9]' "$tmp/out" || fail "eio: $(cat "$tmp/out")"
        else
            expect_load 1 "connection 0: reply for cookie 1099511627776, which is not in flight" \
                --unix "$tmp/fake.sock" --runtime 0.3 --ramp 0
        fi
        wait $fake || fail "fake server ($mode) failed"
    done
    start_daemon --blockdev driver=null,node-name=n0,size=1M \
        --export "nbd,node=n0,name=disk,unix=$sock,iothreads=1"
    expect_load 1 "export 'nope' not found (NBD_REP_ERR_UNKNOWN" \
        --unix "$sock" --export nope --runtime 1
    expect_load 1 "has 1048576 bytes, less than --bs 2097152" \
        --unix "$sock" --export disk --bs 2m
    expect_load 1 "cannot read the CPU time of process 2147483647" \
        --unix "$sock" --export disk --runtime 0.2 --server-pid 2147483647
    # the daemon killed mid-run: a message and exit 1 at once, no report
    "$nbdload" --unix "$sock" --export disk --connections 2 --runtime 60 \
        --json >"$tmp/out" 2>&1 & load=$!
    sleep 1
    kill -0 $load 2>/dev/null || fail "mqblk-nbd-load ended early: $(cat "$tmp/out")"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    start=$(date +%s)
    rc=0
    wait $load || rc=$?
    [ $(($(date +%s) - start)) -le 5 ] || fail "mqblk-nbd-load took long to notice"
    [ "$rc" = 1 ] || fail "server killed: exit $rc, want 1: $(cat "$tmp/out")"
    grep -q 'connection [01]: .*closed the connection' "$tmp/out" ||
        fail "server killed: $(cat "$tmp/out")"
    ! grep -q '"iops"' "$tmp/out" || fail "a report after a failure: $(cat "$tmp/out")"
    ;;
*)
    echo "usage: $0 tools|tcp|fio|concurrent|kill|cli|sigterm|graph|control|load|loaderr MQBLKD" >&2
    exit 2
    ;;
esac
echo "PASS ($case)"
