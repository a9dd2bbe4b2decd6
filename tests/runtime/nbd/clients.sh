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
#   sigterm     SIGTERM during a write load: exit 0, the daemon calls
#               fdatasync after the signal (strace), and every write that
#               was acknowledged before (flushed or not) is in the file
# A missing client program is a failure (ci/install-deps.sh installs them).
set -eu

case=$1 mqblkd=$2
case $mqblkd in /*) ;; *) mqblkd=$(pwd)/$mqblkd ;; esac
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

# stop_daemon: SIGTERM, it must exit 0 within 20 s.
stop_daemon() {
    kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 2000 ] || fail "mqblkd ignored SIGTERM"
        sleep 0.01
    done
    rc=0
    wait "$pid" || rc=$?
    pid=
    [ "$rc" = 0 ] || fail "mqblkd exit status $rc: $(cat "$tmp/daemon.log")"
}

file_export() {  # file_export SIZE [EXTRA-EXPORT-OPTS]
    truncate -s "$1" "$tmp/disk.img"
    start_daemon --blockdev "driver=file,node-name=f0,filename=$tmp/disk.img" \
        --export "nbd,node=f0,name=disk,writable=on,unix=$sock${2:-}"
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
    # expect_error STATUS PATTERN ARGS...: exits STATUS, stderr matches
    expect_error() {
        want=$1 pattern=$2
        shift 2
        rc=0
        "$mqblkd" "$@" >"$tmp/out" 2>&1 || rc=$?
        [ "$rc" = "$want" ] || fail "mqblkd $*: exit $rc, want $want: $(cat "$tmp/out")"
        grep -q -- "$pattern" "$tmp/out" || fail "mqblkd $*: no '$pattern' in: $(cat "$tmp/out")"
    }
    null=driver=null,node-name=n0,size=1M
    expect_error 2 "nothing to serve"
    expect_error 2 "unknown or incomplete option" --bogus
    expect_error 2 "unknown or incomplete option" --export
    expect_error 2 "no node named 'nope'" --export nbd,node=nope
    expect_error 2 "TLS is not supported" --blockdev $null --export nbd,node=n0,tls-creds=x
    expect_error 2 "has no option 'colour'" --blockdev $null --export nbd,node=n0,colour=red
    expect_error 2 "only 'nbd" --blockdev $null --export fuse,node=n0
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
    "$mqblkd" --help | grep -q "^usage: mqblkd" || fail "--help"
    ;;
*)
    echo "usage: $0 tools|tcp|fio|concurrent|kill|cli|sigterm MQBLKD" >&2
    exit 2
    ;;
esac
echo "PASS ($case)"
