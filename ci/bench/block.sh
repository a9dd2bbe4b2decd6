#!/bin/sh
# ci/bench/block.sh [-p BUILD_DIR] [-r ROUNDS] [-t SECONDS] [-k]
#
# The runtime's I/O numbers (DESIGN.md §9), each side by side with its peer
# in the same run: the two sides alternate inside every round and the
# median over ROUNDS rounds (default 3) is compared, so that a noisy
# machine shifts both sides alike.  Every run lasts about SECONDS (default
# 1.5): mqblk-bench with --runtime, qemu-img bench with a request count
# calibrated once to that duration.
#
# Like for like: every row against qemu-img uses mqblk-bench --api aio, the
# API qemu-img bench uses (blk_aio_preadv + a completion callback per
# request, iodepth requests in flight).
#
#   null      mqblk-bench null, 4k randread, iodepth 64, 1 queue in the main
#             loop, --api aio  vs  qemu-img bench --image-opts driver=null-co
#             (target >= 2.0).  Beside it, for information, --api co: the
#             null driver never yields, so one coroutine runs the whole run
#             inline (effective depth 1, measured): not comparable.
#   null-yield  the same with latency-ns=1 on both sides: every request
#             sleeps on a timer, so each one yields and is woken through the
#             event loop.  Reported, no target.
#   scale     2 queues on 2 IOThreads  vs  1 queue on 1 IOThread, --api aio,
#             null with latency-ns=1000 (requests really wait; target >=
#             1.6), and file io_uring; also requests per CPU second of each
#             side (mqblk-bench's cpu_s), whose ratio stays near 1.0 when the
#             queues do not slow each other down even if the machine is too
#             busy to give two whole cores
#   file      4k randread, iodepth 64, aio=io_uring, --api aio, on a 1 GiB
#             file in the page cache  vs  qemu-img bench -f raw -i io_uring
#             -t writeback (target >= 1.0).  qemu-img bench reads
#             sequentially only, so the same mqblk run with --rw read is
#             reported beside it.
#   syscalls  io_uring_enter calls per request (mqblk-bench's
#             aio_syscalls_per_request), and every system call of the
#             process per request, counted by strace -f -c over a whole
#             --count run (start-up included) -- epoll_wait, eventfd, futex
#             and all.
#   seed      null latency-ns=1000, 2 queues: no IOThread / one IOThread /
#             one per queue
#
# The peer is used only when qemu-img is installed (qemu-utils); without
# it the peer columns say "missing" (QEMU_IMG= forces that; QEMU_IMG=PATH
# picks another binary).  JSON is read with jq when present,
# else with sed (mqblk-bench's JSON is one flat line).  -k keeps the file.
#
# Output: a table, then one machine-readable line per figure:
#   bench.block name=N mqblk=X peer=NAME peer_value=Y ratio=R target=T ok=yes|no|n/a rounds=K
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
rounds=3
secs=1.5
keep=0
while getopts p:r:t:k opt; do
    case $opt in
    p) build=$OPTARG ;;
    r) rounds=$OPTARG ;;
    t) secs=$OPTARG ;;
    k) keep=1 ;;
    *) echo "usage: $0 [-p BUILD_DIR] [-r ROUNDS] [-t SECONDS] [-k]" >&2; exit 2 ;;
    esac
done
bench=$build/runtime/tools/mqblk-bench
[ -x "$bench" ] || { echo "$bench: not built" >&2; exit 2; }
qemu_img=${QEMU_IMG-$(command -v qemu-img || true)}
have_jq=$(command -v jq || true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mqblk-bench-XXXXXX")
cleanup() { [ $keep = 1 ] || rm -rf "$tmp"; }
trap cleanup EXIT

# json KEY FILE: a number from mqblk-bench --json (KEY may be a.b).
json() {
    if [ -n "$have_jq" ]; then
        jq -r ".$1 // empty" "$2"
    else
        k=${1##*.}
        sed -n "s/.*\"$k\":\([0-9.eE+-]*\).*/\1/p" "$2"
    fi
}

# median: of the numbers on stdin.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "none";
        else if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B, or "none".
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "none" || b == "none" || b == 0)
        print "none"; else printf "%.2f\n", a / b }'
}

# mqblk NAME ARGS...: one mqblk-bench run; appends its IOPS to $tmp/NAME
# (and syscalls per request, when reported, to $tmp/NAME.sys).
mqblk() {
    name=$1; shift
    if ! "$bench" --json --runtime "$secs" "$@" >"$tmp/out.json" 2>"$tmp/err"; then
        echo "mqblk-bench $*: failed: $(cat "$tmp/err")" >&2
        exit 1
    fi
    json iops "$tmp/out.json" >>"$tmp/$name"
    # Requests per CPU second of the whole process: unlike IOPS it does not
    # drop when other processes take the CPU, so it separates contention
    # inside the runtime from a busy machine.
    awk -v r="$(json requests "$tmp/out.json")" -v c="$(json cpu_s "$tmp/out.json")" \
        'BEGIN { if (c > 0) printf "%.1f\n", r / c }' >>"$tmp/$name.cpu"
    s=$(json aio_syscalls_per_request "$tmp/out.json")
    [ -z "$s" ] || echo "$s" >>"$tmp/$name.sys"
    json effective_depth "$tmp/out.json" >>"$tmp/$name.depth"
}

# qemu_img_run N ARGS...: one qemu-img bench run; prints its IOPS (N/X).
qemu_img_run() {
    n=$1; shift
    "$qemu_img" bench -c "$n" -d 64 -s 4k "$@" 2>&1 |
        sed -n "s/^Run completed in \([0-9.]*\) seconds.*/\1/p" |
        awk -v n="$n" '{ if ($1 > 0) printf "%.1f\n", n / $1 }'
}

# calibrate ARGS...: a qemu-img request count that lasts about $secs.
calibrate() {
    probe=200000
    iops=$(qemu_img_run $probe "$@")
    [ -n "$iops" ] || { echo 0; return; }
    awk -v i="$iops" -v s="$secs" 'BEGIN { n = int(i * s); print n < 1000 ? 1000 : n }'
}

peer() {
    name=$1 n=$2; shift 2
    if [ -n "$qemu_img" ] && [ "$n" -gt 0 ]; then
        qemu_img_run "$n" "$@" >>"$tmp/$name"
    fi
}

# ---- set-up ---------------------------------------------------------------
img=$tmp/file.img
fallocate -l 1G "$img" 2>/dev/null || dd if=/dev/zero of="$img" bs=1M count=1024 status=none
# Real data in every block, then one read to have it all in the page cache.
dd if=/dev/urandom of="$img" bs=1M count=1024 conv=notrunc status=none
cat "$img" >/dev/null
file_opts="driver=file,filename=$img,aio=io_uring"
null_n=0 lat_n=0 file_n=0
if [ -n "$qemu_img" ]; then
    null_n=$(calibrate --image-opts driver=null-co,size=1G)
    lat_n=$(calibrate --image-opts driver=null-co,size=1G,latency-ns=1)
    file_n=$(calibrate -f raw -i io_uring -t writeback "$img")
fi

# ---- the rounds: both sides of every figure alternate ----------------------
# Machine facts for the header: load average and the share of time runnable
# tasks waited for a CPU (PSI "some avg10"); both sides of a figure suffer
# alike, but absolute numbers and thread scaling do not.
machine() {
    echo "load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)," \
         "cpu pressure $(sed -n 's/^some avg10=\([0-9.]*\).*/\1%/p' /proc/pressure/cpu 2>/dev/null || echo unknown)"
}
load_before=$(machine)
null4k="--blockdev driver=null,size=1G --rw randread --bs 4k --iodepth 64"
wait4k="--blockdev driver=null,size=1G,latency-ns=1000 --rw randread --bs 4k --iodepth 64 --api aio"
file4k="--blockdev $file_opts --rw randread --bs 4k --iodepth 64 --api aio"
r=0
while [ $r -lt "$rounds" ]; do
    r=$((r + 1))
    echo "round $r/$rounds ..." >&2
    # $null4k, $wait4k and $file4k are split on purpose.
    mqblk null_mq $null4k --queues 1 --iothreads 0 --api aio
    peer null_peer "$null_n" --image-opts driver=null-co,size=1G
    mqblk null_co $null4k --queues 1 --iothreads 0 --api co
    mqblk lat_mq --blockdev driver=null,size=1G,latency-ns=1 --rw randread --bs 4k --iodepth 64 --queues 1 --iothreads 0 --api aio
    peer lat_peer "$lat_n" --image-opts driver=null-co,size=1G,latency-ns=1
    mqblk q2_io2 $wait4k --queues 2 --iothreads 2
    mqblk q1_io1 $wait4k --queues 1 --iothreads 1
    mqblk q2_io0 $wait4k --queues 2 --iothreads 0
    mqblk q2_io1 $wait4k --queues 2 --iothreads 1
    mqblk f2_io2 $file4k --queues 2 --iothreads 2
    mqblk f1_io1 $file4k --queues 1 --iothreads 1
    mqblk file_rand $file4k --queues 1 --iothreads 0
    peer file_peer "$file_n" -f raw -i io_uring -t writeback "$img"
    mqblk file_seq --blockdev "$file_opts" --rw read --bs 4k --iodepth 64 --queues 1 --iothreads 0 --api aio
done

# Every system call of the process, per request: strace -f -c over a whole
# run of the io_uring randread row (--count, start-up included).
all_sys=none
if command -v strace >/dev/null 2>&1; then
    n=200000
    if strace -f -c -o "$tmp/strace" "$bench" --json --count $n $file4k --queues 1 \
           --iothreads 0 >"$tmp/strace.json" 2>/dev/null; then
        calls=$(awk '$NF == "total" { print $(NF-2) }' "$tmp/strace")
        reqs=$(json requests "$tmp/strace.json")
        all_sys=$(awk -v c="$calls" -v r="$reqs" 'BEGIN { if (r > 0) printf "%.4f\n", c / r }')
        top=$(awk '/^-/ { n++; next } n == 1 { print $NF "=" $4 }' "$tmp/strace" | head -5 | tr '\n' ' ')
    fi
fi

med() { [ -s "$tmp/$1" ] && median <"$tmp/$1" || echo none; }
null_mq=$(med null_mq) null_peer=$(med null_peer)
lat_mq=$(med lat_mq) lat_peer=$(med lat_peer)
q2_io2=$(med q2_io2) q1_io1=$(med q1_io1) q2_io0=$(med q2_io0) q2_io1=$(med q2_io1)
f2_io2=$(med f2_io2) f1_io1=$(med f1_io1)
null_co=$(med null_co) null_co_depth=$(med null_co.depth) null_mq_depth=$(med null_mq.depth)
file_rand=$(med file_rand) file_peer=$(med file_peer) file_seq=$(med file_seq)
sys_rand=$(med file_rand.sys) sys_seq=$(med file_seq.sys)
peer_name=qemu-img
[ -n "$qemu_img" ] || peer_name=missing

# ok VALUE TARGET: yes/no/n/a
ok() {
    awk -v v="$1" -v t="$2" 'BEGIN { if (v == "none" || t == "none") print "n/a";
        else print (v >= t ? "yes" : "no") }'
}

null_ratio=$(ratio "$null_mq" "$null_peer")
lat_ratio=$(ratio "$lat_mq" "$lat_peer")
scale_ratio=$(ratio "$q2_io2" "$q1_io1")
q2_io2_cpu=$(med q2_io2.cpu) q1_io1_cpu=$(med q1_io1.cpu)
scale_cpu_ratio=$(ratio "$q2_io2_cpu" "$q1_io1_cpu")
fscale_ratio=$(ratio "$f2_io2" "$f1_io1")
f2_io2_cpu=$(med f2_io2.cpu) f1_io1_cpu=$(med f1_io1.cpu)
fscale_cpu_ratio=$(ratio "$f2_io2_cpu" "$f1_io1_cpu")
file_ratio=$(ratio "$file_rand" "$file_peer")
file_seq_ratio=$(ratio "$file_seq" "$file_peer")

echo
echo "mqblk-bench vs peer, $(nproc) CPUs, median of $rounds rounds of ${secs}s, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "before: $load_before; after: $(machine)"
[ -z "$qemu_img" ] || echo "peer: $("$qemu_img" --version | head -n 1)"
printf '%-44s %12s %12s %7s %7s\n' figure mqblk "peer" ratio target
printf '%-44s %12s %12s %7s %7s\n' "null 4k randread qd64, 1 queue, --api aio" "$null_mq" "$null_peer" "$null_ratio" 2.0
printf '%-44s %12s %12s %7s %7s\n' "  --api co: inline, effective depth $null_co_depth" "$null_co" - - -
printf '%-44s %12s %12s %7s %7s\n' "null latency-ns=1 (yield per request)" "$lat_mq" "$lat_peer" "$lat_ratio" -
printf '%-44s %12s %12s %7s %7s\n' "null lat 1us: 2 queues/2 IOThreads vs 1/1" "$q2_io2" "$q1_io1" "$scale_ratio" 1.6
printf '%-44s %12s %12s %7s %7s\n' "  the same in requests per CPU second" "$q2_io2_cpu" "$q1_io1_cpu" "$scale_cpu_ratio" -
printf '%-44s %12s %12s %7s %7s\n' "file io_uring: 2 queues/2 IOThreads vs 1/1" "$f2_io2" "$f1_io1" "$fscale_ratio" -
printf '%-44s %12s %12s %7s %7s\n' "  the same in requests per CPU second" "$f2_io2_cpu" "$f1_io1_cpu" "$fscale_cpu_ratio" -
printf '%-44s %12s %12s %7s %7s\n' "file io_uring 4k randread qd64 (peer: seq)" "$file_rand" "$file_peer" "$file_ratio" 1.0
printf '%-44s %12s %12s %7s %7s\n' "file io_uring 4k seq read qd64" "$file_seq" "$file_peer" "$file_seq_ratio" -
printf '%-44s %12s\n' "io_uring_enter calls/request, randread qd64" "$sys_rand"
printf '%-44s %12s\n' "io_uring_enter calls/request, seq read qd64" "$sys_seq"
printf '%-44s %12s  (%s)\n' "all system calls/request (strace), randread" "$all_sys" "${top:-}"
echo "effective depth (requests in flight at submission): --api aio $null_mq_depth, --api co $null_co_depth"
echo "seed design, null latency-ns=1000 4k randread qd64 --api aio, 2 queues:"
printf '  %-42s %12s\n' "no IOThread (main loop)" "$q2_io0" "one IOThread" "$q2_io1" "one IOThread per queue" "$q2_io2"
[ -n "$qemu_img" ] || echo "peer qemu-img missing (qemu-utils): no ratios against it"
echo

line() {
    echo "bench.block name=$1 mqblk=$2 peer=$3 peer_value=$4 ratio=$5 target=$6 ok=$(ok "$5" "$6") rounds=$rounds"
}
line null_randread_qd64 "$null_mq" "$peer_name" "$null_peer" "$null_ratio" 2.0
line null_yield_randread_qd64 "$lat_mq" "$peer_name" "$lat_peer" "$lat_ratio" none
line iothread_scaling_2q "$q2_io2" mqblk-1q1io "$q1_io1" "$scale_ratio" 1.6
line iothread_scaling_2q_per_cpu_second "$q2_io2_cpu" mqblk-1q1io "$q1_io1_cpu" "$scale_cpu_ratio" none
line file_iothread_scaling_2q "$f2_io2" mqblk-1q1io "$f1_io1" "$fscale_ratio" none
line file_io_uring_randread_qd64 "$file_rand" "$peer_name" "$file_peer" "$file_ratio" 1.0
line file_io_uring_read_qd64 "$file_seq" "$peer_name" "$file_peer" "$file_seq_ratio" 1.0
echo "bench.block name=io_uring_enter_per_request randread=$sys_rand read=$sys_seq rounds=$rounds"
echo "bench.block name=all_syscalls_per_request randread=$all_sys counted_by=strace"
echo "bench.block name=null_co_inline iops=$null_co effective_depth=$null_co_depth"
echo "bench.block name=seed_design_2q no_iothread=$q2_io0 one_iothread=$q2_io1 iothread_per_queue=$q2_io2 rounds=$rounds"
