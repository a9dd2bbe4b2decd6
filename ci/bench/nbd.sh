#!/bin/sh
# ci/bench/nbd.sh [-p BUILD_DIR] [-r ROUNDS] [-t SECONDS] [-s]
#
# mqblkd against qemu-storage-daemon, both driven by the same fio command
# (ioengine=nbd, 4k randread, iodepth 64 per connection, Unix socket) on a
# 1 GiB null node (mqblk driver=null / QEMU driver=null-co, read-zeroes off
# on both).  The two sides alternate inside every round; each figure is the
# median over ROUNDS rounds (default 3) of SECONDS-long runs (default 3).
#
#   headline  1 connection served by the main loop on both sides (target
#             >= 1.5); mqblkd with one IOThread is shown beside it, and
#             mqblkd --poll-max-ns 0: mqblkd busy-polls its sockets by
#             default (adaptive, up to 32 us), qsd's main loop never
#             polls, so that row is the like-for-like one.
#   pinned    the headline again with the daemon on CPU 1 and fio on CPU 0
#             (taskset, both servers alike): no CPU shared between client
#             and server, no scheduler placement in the figure.  fio's
#             busy share of its CPU is printed: near 100 % means the row
#             measured fio, and the ratio cannot exceed fio's ceiling.
#             Debian's qemu-storage-daemon 7.2 cannot be measured with an
#             IOThread: it aborts when a client of such an export
#             disconnects (blockdev-nbd.c:62 assertion), and fio's nbd
#             engine opens a probe connection and closes it before the run.
#   seed      2 connections: no IOThread (main loop) / one IOThread / one
#             IOThread per connection (mqblkd; qemu-storage-daemon in the
#             main loop for reference).  Target: per-connection >= 1.6 x
#             one IOThread.  fio runs on the same 2 cores, so the client
#             takes its share of the CPU on both sides alike; "max
#             reachable" is cores x 1e6 / (fio + server CPU us per request
#             of the per-connection row) over the one-IOThread row: the
#             IOPS the two cores could give at those costs.
#   latency   p50/p99 completion latency (fio clat) of the headline runs
#   server CPU  the daemon's user+system CPU time (all threads, from
#             /proc/PID/stat) during the run divided by the requests fio
#             completed: what a request costs the server, which the IOPS
#             hide when fio (one thread per connection, same 2 cores) is
#             the bottleneck
#   fio CPU   fio's own CPU time per request (usr_cpu + sys_cpu of its
#             JSON times its job runtime, over its completed requests) and
#             the client ceiling 1e6 / that: the IOPS one fio thread cannot
#             exceed whatever the server does.  "max reachable ratio" is
#             that ceiling over qemu-storage-daemon's headline IOPS: when it
#             is below 1.5, the fio target cannot be met on this machine.
#   light     the headline and the seed table again with mqblk-nbd-load
#             (runtime/tools, ~1 us of CPU per request) as the client of
#             both sides (the 1.5 target belongs to the fio headline; the
#             light headline has none), same options (iodepth 64 per connection, 4k
#             randread, 0.5 s ramp): the server's cost shows in the IOPS.
#             Its server and client CPU per request are measured by the
#             client over the measured time (--server-pid).  Without a
#             probe connection, qemu-storage-daemon with one IOThread
#             serves the run and aborts only when the client disconnects
#             (after the figures are taken); the table says so.  QEMU 7.2
#             has one IOThread per export, so it has no per-connection row.
#   syscalls  (-s, default on) server system calls per request: strace -c
#             -f -p on the daemon in the main-loop configuration (every
#             thread, every syscall including epoll_wait and futex; the
#             connection set-up is in the count too) during one run,
#             divided by the requests the client completed in that run; once
#             with fio, once with mqblk-nbd-load.  strace slows the server,
#             so that run's IOPS is not reported.
#
# Output: a table, then machine-readable lines:
#   bench.nbd name=N mqblkd=X peer=qemu-storage-daemon peer_value=Y ratio=R target=T ok=yes|no|n/a
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
rounds=3
secs=3
syscalls=1
while getopts p:r:t:s opt; do
    case $opt in
    p) build=$OPTARG ;;
    r) rounds=$OPTARG ;;
    t) secs=$OPTARG ;;
    s) syscalls=0 ;;
    *) echo "usage: $0 [-p BUILD_DIR] [-r ROUNDS] [-t SECONDS] [-s]" >&2; exit 2 ;;
    esac
done
mqblkd=$build/runtime/tools/mqblkd
nbdload=$build/runtime/tools/mqblk-nbd-load
for b in "$mqblkd" "$nbdload"; do
    [ -x "$b" ] || { echo "$b: not built" >&2; exit 2; }
done
qsd=${QSD-$(command -v qemu-storage-daemon || true)}
for t in fio jq; do
    command -v $t >/dev/null || { echo "$t missing (ci/install-deps.sh)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mqblkd-bench-XXXXXX")
sock=$tmp/nbd.sock
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

wait_socket() {
    i=0
    while [ ! -S "$sock" ]; do
        i=$((i + 1))
        if [ $i -gt 500 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "server did not start: $(cat "$tmp/server.log")" >&2; exit 1
        fi
        sleep 0.01
    done
    # The socket file exists before the export does; no probe connection
    # (see the qemu-storage-daemon note above).
    sleep 0.3
}

# start SIDE IOTHREADS [WRAPPER...]: mqblkd or qsd with IOTHREADS (0: main
# loop; qsd supports 0 and 1).
start() {
    side=$1 n=$2
    shift 2
    rm -f "$sock"
    if [ "$side" = mqblkd ] || [ "$side" = mqblkd-nopoll ]; then
        poll=
        if [ "$side" = mqblkd-nopoll ]; then poll="--poll-max-ns 0"; fi
        # $poll is split on purpose
        "$@" "$mqblkd" --blockdev driver=null,node-name=n0,size=1G,read-zeroes=off \
            --export "nbd,node=n0,name=disk,unix=$sock,iothreads=$n" $poll \
            2>"$tmp/server.log" &
    else
        io=
        if [ "$n" = 1 ]; then io=",iothread=io0"; fi
        "$@" "$qsd" --object iothread,id=io0 \
            --blockdev driver=null-co,node-name=n0,size=1073741824,read-zeroes=off \
            --nbd-server "addr.type=unix,addr.path=$sock" \
            --export "type=nbd,id=e0,node-name=n0,name=disk$io" \
            2>"$tmp/server.log" &
    fi
    pid=$!
    wait_socket
}

stop() {
    kill -TERM "$pid" 2>/dev/null || true    # qsd may have aborted already
    wait "$pid" 2>/dev/null || true
    pid=
}

# fio_run JOBS OUT [RAMP [FIO-OPTION...]]: one run; prints "iops p50_us
# p99_us ios fio_cpu_us_per_request".
fio_run() {
    jobs=$1 out=$2 ramp=${3:-0.5}
    shift 2; [ $# = 0 ] || shift
    # $fio_wrap is split on purpose
    ${fio_wrap:-} fio --name=r --ioengine=nbd --uri="nbd+unix:///disk?socket=$sock" \
        --rw=randread --bs=4k --iodepth=64 --numjobs="$jobs" --thread \
        --group_reporting --time_based --runtime="$secs" --ramp_time="$ramp" \
        --size=1G --output-format=json "$@" >"$out" 2>"$out.err" ||
        { echo "fio failed: $(cat "$out.err")" >&2; exit 1; }
    # the nbd engine prints a line before the JSON
    # usr_cpu/sys_cpu: percent of job_runtime (ms; summed over the jobs
    # of a group)
    sed -n '/^{/,$p' "$out" | jq -r '.jobs[0] | .read as $r |
        "\($r.iops) \($r.clat_ns.percentile["50.000000"] / 1000) \($r.clat_ns.percentile["99.000000"] / 1000) \($r.total_ios) \((.usr_cpu + .sys_cpu) * .job_runtime * 1000 / $r.total_ios | round / 100)"'
}

# load_run JOBS OUT [RAMP]: one mqblk-nbd-load run against $pid; prints
# "iops p50_us p99_us ios server_cpu_us_per_request client_cpu_us_per_request",
# nothing when the run failed before its figures were taken.  Exit status 1
# with figures: the server went away after the measured time.
load_run() {
    rc=0
    "$nbdload" --unix "$sock" --export disk --connections "$1" --iodepth 64 \
        --bs 4k --rw randread --runtime "$secs" --ramp "${3:-0.5}" \
        --server-pid "$pid" --json >"$2" 2>"$2.err" || rc=$?
    [ -s "$2" ] || return 1
    jq -r '"\(.iops) \(.lat_p50_us) \(.lat_p99_us) \(.ios) \(.server_cpu_us_per_req) \(.cpu_us_per_req)"' "$2"
    return $rc
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Server CPU time (user + system, all threads) in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure NAME SIDE IOTHREADS JOBS [pinned]: one fio run appended to
# $tmp/NAME.runs as "iops p50_us p99_us ios server_cpu_us_per_request
# fio_cpu_us_per_request"; pinned: the daemon on CPU 1, fio on CPU 0.
measure() {
    fio_wrap=
    if [ "${5:-}" = pinned ]; then
        start "$2" "$3" taskset -c 1
        fio_wrap="taskset -c 0"
    else
        start "$2" "$3"
    fi
    t0=$(cpu_ticks "$pid")
    set -- "$1" $(fio_run "$4" "$tmp/$1.json" 0)
    t1=$(cpu_ticks "$pid")
    echo "$2 $3 $4 $5 $(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="$5" \
        'BEGIN { printf "%.2f", t * 1e6 / hz / n }') $6" >>"$tmp/$1.runs"
    stop
}

# measure_light NAME SIDE IOTHREADS JOBS: one mqblk-nbd-load run appended to
# $tmp/NAME.runs as "iops p50_us p99_us ios server_cpu_us client_cpu_us";
# a qemu-storage-daemon that aborted is counted in $tmp/NAME.aborts.
measure_light() {
    start "$2" "$3"
    rc=0
    out=$(load_run "$4" "$tmp/$1.json") || rc=$?
    [ -z "$out" ] || echo "$out" >>"$tmp/$1.runs"
    if [ "$2" = qsd ] && ! kill -0 "$pid" 2>/dev/null; then
        echo "$rc" >>"$tmp/$1.aborts"
    elif [ "$rc" != 0 ]; then
        echo "mqblk-nbd-load against $2 failed: $(cat "$tmp/$1.json.err")" >&2; exit 1
    fi
    stop
}

configs="head_m:mqblkd:0:1 head_q:qsd:0:1 head0_m:mqblkd-nopoll:0:1 head1_m:mqblkd:1:1
headp_m:mqblkd:0:1:pinned headp_q:qsd:0:1:pinned
seed0_m:mqblkd:0:2 seed1_m:mqblkd:1:2 seed2_m:mqblkd:2:2 seed0_q:qsd:0:2
lhead_m:mqblkd:0:1:light lhead_q:qsd:0:1:light lhead1_m:mqblkd:1:1:light
lhead1_q:qsd:1:1:light lseed0_m:mqblkd:0:2:light lseed1_m:mqblkd:1:2:light
lseed2_m:mqblkd:2:2:light lseed0_q:qsd:0:2:light lseed1_q:qsd:1:2:light"
for r in $(seq "$rounds"); do
    for c in $configs; do
        IFS=: read -r name side n jobs client <<EOF
$c
EOF
        if [ "$side" = qsd ] && [ -z "$qsd" ]; then continue; fi
        if [ "$client" = light ]; then
            measure_light "$name" "$side" "$n" "$jobs"
        else
            measure "$name" "$side" "$n" "$jobs" "$client"
        fi
    done
done

col() { [ -s "$tmp/$1.runs" ] && awk -v k="$2" '{ print $k }' "$tmp/$1.runs" | median || echo missing; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "missing" || b == "missing" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
ceiling() { awk -v c="$1" 'BEGIN { if (c == "missing" || c == 0) print "missing"; else printf "%.0f", 1e6 / c }'; }
okay() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print "n/a"; else print (r >= t) ? "yes" : "no" }'; }

hm=$(col head_m 1) hq=$(col head_q 1)
r_head=$(ratio "$hm" "$hq")
s0=$(col seed0_m 1) s1=$(col seed1_m 1) s2=$(col seed2_m 1)
q0=$(col seed0_q 1) h1=$(col head1_m 1)
r_seed=$(ratio "$s2" "$s1")

echo "mqblkd: $("$mqblkd" --help >/dev/null 2>&1 && git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
echo "qemu-storage-daemon: $([ -n "$qsd" ] && "$qsd" --version | head -1 || echo missing)"
echo "fio: $(fio --version); cpus: $(nproc); rounds: $rounds x ${secs}s; medians"
echo
printf '%-44s %12s %12s %7s\n' "4k randread QD64 null, IOPS" mqblkd qsd ratio
printf '%-44s %12.0f %12s %7s  (target >= 1.5)\n' "1 connection, main loop" "$hm" "$hq" "$r_head"
printf '%-44s %12s %12s\n' "  latency p50 / p99 (us)" "$(col head_m 2)/$(col head_m 3)" "$(col head_q 2)/$(col head_q 3)"
cm=$(col head_m 5) cq=$(col head_q 5)
r_cpu=$(ratio "$cq" "$cm")
printf '%-44s %12s %12s %7s  (qsd/mqblkd)\n' "  server CPU us per request" "$cm" "$cq" "$r_cpu"
fm=$(col head_m 6) fq=$(col head_q 6)
ceil_m=$(ceiling "$fm") ceil_q=$(ceiling "$fq")
r_reach=$(ratio "$ceil_m" "$hq")
printf '%-44s %12s %12s\n' "  fio CPU us per request" "$fm" "$fq"
printf '%-44s %12s %12s\n' "  fio client ceiling IOPS (1e6 / fio CPU us)" "$ceil_m" "$ceil_q"
printf '%-44s %12s %12s %7s  (mqblkd-side ceiling / qsd IOPS)\n' "  max reachable ratio vs qsd" "" "" "$r_reach"
h0=$(col head0_m 1)
printf '%-44s %12.0f %12s %7s\n' "1 connection, main loop, --poll-max-ns 0" "$h0" "$hq" "$(ratio "$h0" "$hq")"
printf '%-44s %12s %12s\n' "  latency p50 / p99 (us); server CPU us/req" "$(col head0_m 2)/$(col head0_m 3); $(col head0_m 5)" ""
printf '%-44s %12.0f %12s %7s\n' "1 connection, one IOThread" "$h1" "aborts" "$(ratio "$h1" "$hq")"
printf '%-44s %12s\n' "  latency p50 / p99 (us)" "$(col head1_m 2)/$(col head1_m 3)"
hpm=$(col headp_m 1) hpq=$(col headp_q 1)
r_headp=$(ratio "$hpm" "$hpq")
# fio's busy share of its CPU: IOPS x fio CPU us per request / 1e6
busy() { awk -v i="$1" -v c="$2" 'BEGIN { if (i == "missing" || c == "missing") print "missing"; else printf "%.0f%%", i * c / 1e4 }'; }
printf '%-44s %12s %12s %7s  (target >= 1.5)\n' "1 connection, main loop, daemon/fio pinned" "$hpm" "$hpq" "$r_headp"
printf '%-44s %12s %12s\n' "  server CPU us per request" "$(col headp_m 5)" "$(col headp_q 5)"
printf '%-44s %12s %12s\n' "  fio CPU us per request; fio CPU busy" "$(col headp_m 6); $(busy "$hpm" "$(col headp_m 6)")" "$(col headp_q 6); $(busy "$hpq" "$(col headp_q 6)")"
echo
printf '%-44s %12s %12s\n' "2 connections (seed table), IOPS" mqblkd qsd
printf '%-44s %12.0f %12s\n' "  no IOThread (main loop)" "$s0" "$q0"
printf '%-44s %12.0f %12s\n' "  one IOThread" "$s1" "aborts"
printf '%-44s %12.0f %12s   per-conn/one = %s (target >= 1.6)\n' "  one IOThread per connection" "$s2" "aborts" "$r_seed"
printf '%-44s %12s\n' "  latency p50 / p99 (us), per connection" "$(col seed2_m 2)/$(col seed2_m 3)"
printf '%-44s %12s %12s\n' "  server CPU us per request: none/one/per-conn" "$(col seed0_m 5)/$(col seed1_m 5)/$(col seed2_m 5)" "$(col seed0_q 5)"
f2=$(col seed2_m 6) v2=$(col seed2_m 5)
ceil2=$(awk -v c="$f2" -v s="$v2" -v n="$(nproc)" 'BEGIN { if (c == "missing" || s == "missing" || c + s == 0) print "missing"; else printf "%.0f", n * 1e6 / (c + s) }')
r_reach2=$(ratio "$ceil2" "$s1")
printf '%-44s %12s\n' "  fio + server CPU us per request (per-conn)" "$f2 + $v2"
printf '%-44s %12s %12s   max reachable per-conn/one = %s\n' "  CPU ceiling on $(nproc) cores" "$ceil2" "" "$r_reach2"

# qsd_col NAME: its median IOPS, with a note when qemu-storage-daemon aborted
qsd_col() {
    v=$(col "$1" 1)
    if [ -s "$tmp/$1.aborts" ]; then
        if [ "$v" = missing ]; then v=aborts; else v="$v*"; fi
    fi
    echo "$v"
}
lm=$(col lhead_m 1) lq=$(col lhead_q 1) l1m=$(col lhead1_m 1) l1q=$(col lhead1_q 1)
ls0=$(col lseed0_m 1) ls1=$(col lseed1_m 1) ls2=$(col lseed2_m 1)
lq0=$(col lseed0_q 1) lq1=$(col lseed1_q 1)
r_lhead=$(ratio "$lm" "$lq") r_lseed=$(ratio "$ls2" "$ls1")
echo
printf '%-44s %12s %12s %7s\n' "mqblk-nbd-load client, 4k randread QD64, IOPS" mqblkd qsd ratio
printf '%-44s %12s %12s %7s  (the 1.5 target is fio'"'"'s)\n' "1 connection, main loop" "$lm" "$(qsd_col lhead_q)" "$r_lhead"
printf '%-44s %12s %12s\n' "  latency p50 / p99 (us)" "$(col lhead_m 2)/$(col lhead_m 3)" "$(col lhead_q 2)/$(col lhead_q 3)"
printf '%-44s %12s %12s %7s  (qsd/mqblkd)\n' "  server CPU us per request" "$(col lhead_m 5)" "$(col lhead_q 5)" "$(ratio "$(col lhead_q 5)" "$(col lhead_m 5)")"
printf '%-44s %12s %12s\n' "  client CPU us per request" "$(col lhead_m 6)" "$(col lhead_q 6)"
printf '%-44s %12s %12s %7s\n' "1 connection, one IOThread" "$l1m" "$(qsd_col lhead1_q)" "$(ratio "$l1m" "$l1q")"
printf '%-44s %12s %12s\n' "  latency p50 / p99 (us)" "$(col lhead1_m 2)/$(col lhead1_m 3)" "$(col lhead1_q 2)/$(col lhead1_q 3)"
echo
printf '%-44s %12s %12s\n' "2 connections (seed table), IOPS" mqblkd qsd
printf '%-44s %12s %12s\n' "  no IOThread (main loop)" "$ls0" "$(qsd_col lseed0_q)"
printf '%-44s %12s %12s\n' "  one IOThread" "$ls1" "$(qsd_col lseed1_q)"
printf '%-44s %12s %12s   per-conn/one = %s (target >= 1.6)\n' "  one IOThread per connection" "$ls2" "n/a" "$r_lseed"
printf '%-44s %12s %12s\n' "  latency p50 / p99 (us), per connection" "$(col lseed2_m 2)/$(col lseed2_m 3)" ""
printf '%-44s %12s %12s\n' "  server CPU us per request: none/one/per-conn" "$(col lseed0_m 5)/$(col lseed1_m 5)/$(col lseed2_m 5)" "$(col lseed0_q 5)/$(col lseed1_q 5)"
printf '%-44s %12s %12s\n' "  client CPU us per request: none/one/per-conn" "$(col lseed0_m 6)/$(col lseed1_m 6)/$(col lseed2_m 6)" "$(col lseed0_q 6)/$(col lseed1_q 6)"
if ls "$tmp"/*.aborts >/dev/null 2>&1; then
    echo "  * qemu-storage-daemon with an IOThread aborted when the client disconnected"
    echo "    (blockdev-nbd.c:62), after its figures were taken; 'aborts': before."
    echo "    qsd 7.2 has one IOThread per export: no per-connection row."
fi

if [ "$syscalls" = 1 ] && command -v strace >/dev/null; then
    fio_wrap=
    echo
    for run in mqblkd:fio qsd:fio mqblkd:light qsd:light; do
        side=${run%:*} client=${run#*:}
        if [ "$side" = qsd ] && [ -z "$qsd" ]; then continue; fi
        start "$side" 0
        strace -f -c -o "$tmp/strace.$side" -p "$pid" 2>/dev/null & st=$!
        sleep 0.5       # let strace attach to every thread
        # no ramp time: every request the client counts is one strace saw
        if [ "$client" = fio ]; then
            set -- $(fio_run 1 "$tmp/strace.$side.json" 0)
        else
            set -- $(load_run 1 "$tmp/strace.$side.json" 0)
        fi
        ios=$4
        kill -INT $st
        wait $st || true
        stop
        calls=$(awk '$NF == "total" { print $4 }' "$tmp/strace.$side")
        per=$(awk -v c="$calls" -v n="$ios" 'BEGIN { printf "%.3f", c / n }')
        printf '%-44s %12s\n' "server syscalls per request ($side, $client)" "$per"
        eval "sys_${client}_$side=$per"
        top=$(sort -k4 -n -r "$tmp/strace.$side" | awk 'NF >= 5 && $4 ~ /^[0-9]+$/ && $NF != "total" { printf "%s=%s ", $NF, $4 }' | head -c 200)
        echo "    largest: $top"
    done
fi

echo
echo "bench.nbd name=headline mqblkd=$hm peer=qemu-storage-daemon peer_value=$hq ratio=$r_head target=1.5 ok=$(okay "$r_head" 1.5)"
echo "bench.nbd name=headline-pinned mqblkd=$hpm peer=qemu-storage-daemon peer_value=$hpq ratio=$r_headp target=1.5 ok=$(okay "$r_headp" 1.5)"
echo "bench.nbd name=seed-per-connection mqblkd=$s2 peer=mqblkd-one-iothread peer_value=$s1 ratio=$r_seed target=1.6 ok=$(okay "$r_seed" 1.6)"
echo "bench.nbd name=seed-fio-ceiling mqblkd=$ceil2 peer=mqblkd-one-iothread peer_value=$s1 ratio=$r_reach2 target=1.6 ok=$(okay "$r_reach2" 1.6)"
echo "bench.nbd name=headline-no-polling mqblkd=$h0 peer=qemu-storage-daemon peer_value=$hq ratio=$(ratio "$h0" "$hq") target=- ok=n/a"
echo "bench.nbd name=seed-main-loop mqblkd=$s0 peer=qemu-storage-daemon peer_value=$q0 ratio=$(ratio "$s0" "$q0") target=- ok=n/a"
echo "bench.nbd name=one-iothread-1conn mqblkd=$h1 peer=qemu-storage-daemon-main-loop peer_value=$hq ratio=$(ratio "$h1" "$hq") target=- ok=n/a"
echo "bench.nbd name=server-cpu-per-request mqblkd=$cm peer=qemu-storage-daemon peer_value=$cq ratio=$r_cpu target=- ok=n/a"
echo "bench.nbd name=fio-cpu-per-request mqblkd=$fm peer=qemu-storage-daemon peer_value=$fq ratio=- target=- ok=n/a"
echo "bench.nbd name=fio-client-ceiling mqblkd=$ceil_m peer=qemu-storage-daemon peer_value=$hq ratio=$r_reach target=1.5 ok=$(okay "$r_reach" 1.5)"
if [ -n "${sys_fio_mqblkd:-}" ]; then
    echo "bench.nbd name=server-syscalls-per-request mqblkd=$sys_fio_mqblkd peer=qemu-storage-daemon peer_value=${sys_fio_qsd:-missing} ratio=- target=- ok=n/a"
fi
echo "bench.nbd name=light-headline mqblkd=$lm peer=qemu-storage-daemon peer_value=$lq ratio=$r_lhead target=- ok=n/a"
echo "bench.nbd name=light-seed-per-connection mqblkd=$ls2 peer=mqblkd-one-iothread peer_value=$ls1 ratio=$r_lseed target=1.6 ok=$(okay "$r_lseed" 1.6)"
echo "bench.nbd name=light-seed-main-loop mqblkd=$ls0 peer=qemu-storage-daemon peer_value=$lq0 ratio=$(ratio "$ls0" "$lq0") target=- ok=n/a"
echo "bench.nbd name=light-seed-one-iothread mqblkd=$ls1 peer=qemu-storage-daemon-one-iothread peer_value=$lq1 ratio=$(ratio "$ls1" "$lq1") target=- ok=n/a"
echo "bench.nbd name=light-one-iothread-1conn mqblkd=$l1m peer=qemu-storage-daemon-one-iothread peer_value=$l1q ratio=$(ratio "$l1m" "$l1q") target=- ok=n/a"
echo "bench.nbd name=light-server-cpu-per-request mqblkd=$(col lhead_m 5) peer=qemu-storage-daemon peer_value=$(col lhead_q 5) ratio=$(ratio "$(col lhead_q 5)" "$(col lhead_m 5)") target=- ok=n/a"
echo "bench.nbd name=light-client-cpu-per-request mqblkd=$(col lhead_m 6) peer=qemu-storage-daemon peer_value=$(col lhead_q 6) ratio=- target=- ok=n/a"
if [ -n "${sys_light_mqblkd:-}" ]; then
    echo "bench.nbd name=light-server-syscalls-per-request mqblkd=$sys_light_mqblkd peer=qemu-storage-daemon peer_value=${sys_light_qsd:-missing} ratio=- target=- ok=n/a"
fi
