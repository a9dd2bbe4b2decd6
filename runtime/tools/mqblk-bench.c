/*
 * mqblk-bench - in-process load generator for the multiqueue BlockBackend
 *
 * A queue is --iodepth request slots in one thread (an IOThread or the
 * main loop) on the one shared BlockBackend: with --api co each slot is a
 * coroutine looping over blk_co_preadv()/blk_co_pwritev(); with --api aio
 * each slot submits blk_aio_preadv()/blk_aio_pwritev() and its completion
 * callback submits the next request (what qemu-img bench does).  Queues are
 * spread round-robin over --iothreads IOThreads.  Options and output:
 * bench_opts_usage() in bench-opts.c and docs/bench.md.
 *
 * The hot path allocates nothing and shares no written cache line between
 * queues: every coroutine owns its buffer and QEMUIOVector, every queue
 * owns its counters, PRNG and latency histogram in cache-line aligned
 * memory of its own, and the main loop reads them only after the queue
 * has signalled that it is done.
 *
 * Latency of a request is measured from the moment its coroutine was
 * resumed after the previous request (or started) to the moment it is
 * resumed with the result: one clock read per request.  With --verify the
 * clock is read again after the pattern work, which is not latency.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "block/aio.h"
#include "block/aio-stats.h"
#include "block/aio-wait.h"
#include "block/block_int.h"        /* the root node's request alignment */
#include "qemu/atomic.h"
#include "qemu/compiler.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "sysemu/block-backend.h"
#include "sysemu/iothread.h"

#include "bench-hist.h"
#include "bench-opts.h"
#include "bench-rng.h"
#include "bench-verify.h"

#define BENCH_CACHE_LINE QEMU_INTERFERENCE_SIZE
#define BENCH_BUF_ALIGN  4096       /* enough for any O_DIRECT device */

typedef enum BenchPhase {
    BENCH_PHASE_LOAD,               /* --rw pattern until --runtime/--count */
    BENCH_PHASE_VERIFY_WRITE,       /* every verified block once */
    BENCH_PHASE_VERIFY_READ,
} BenchPhase;

typedef struct BenchQueue BenchQueue;

/* One request slot: a coroutine (--api co) or a callback chain (aio). */
typedef struct BenchWorker {
    BenchQueue *q;
    void *buf;
    QEMUIOVector qiov;
    int64_t t0;                     /* aio: when the current request began */
    int64_t offset;                 /* aio: its offset */
} BenchWorker;

/*
 * One queue.  Everything but ctx/workers/index is written only by the
 * queue's thread while a phase runs, and read by the main loop after
 * bench.queues_done says the queue finished (or before the phase starts).
 */
struct BenchQueue {
    uint64_t requests;
    uint64_t errors;
    uint64_t verify_errors;
    uint64_t bytes;
    int first_error;                /* -errno of the first failed request */
    unsigned live;                  /* workers still running this phase */
    uint64_t issued;                /* requests started this phase */
    uint64_t quota;                 /* UINT64_MAX: until the deadline */
    uint64_t seq_pos;               /* next block of a sequential pattern */
    uint64_t first_block;           /* verify: this queue's index range */
    uint64_t rng;                   /* xorshift64 state, never 0 */
    int64_t end_ns;                 /* when the last worker finished */
    unsigned inflight;              /* requests submitted, not completed */
    uint64_t depth_sum;             /* inflight at each submission, summed */
    unsigned index;
    AioContext *ctx;
    BenchWorker *workers;
    BenchHist hist;
} __attribute__((aligned(BENCH_CACHE_LINE)));

/* Shared state: set by the main loop before a phase, read-only during it
 * (except queues_done). */
static struct {
    BenchOpts o;
    BlockBackend *blk;
    uint64_t nblocks;               /* whole bs-sized blocks of the device */
    uint64_t nverify;               /* verify: blocks covered */
    uint64_t stride;                /* verify: permutation multiplier */
    uint64_t generation;
    BenchPhase phase;
    int64_t deadline_ns;            /* INT64_MAX: none */
    /* atomic; on a line of its own: queues write it while others read
     * the fields above */
    unsigned queues_done __attribute__((aligned(BENCH_CACHE_LINE)));
    IOThread **iothreads;
    BenchQueue **q;
} bench;

/*
 * Pick the next request of @q.  Returns: false when the queue is done for
 * this phase (quota used up or deadline passed at @now).
 */
static bool bench_next_request(BenchQueue *q, int64_t now, int64_t *offset,
                               bool *is_read)
{
    uint64_t block;

    if (q->issued >= q->quota || now >= bench.deadline_ns) {
        return false;
    }
    if (bench.phase != BENCH_PHASE_LOAD) {
        /* A permutation of [0, nverify): every block exactly once. */
        block = (uint64_t)(((unsigned __int128)(q->first_block + q->issued) *
                            bench.stride) % bench.nverify);
        *is_read = bench.phase == BENCH_PHASE_VERIFY_READ;
    } else if (bench_rw_random(bench.o.rw)) {
        block = bench_rand_below(&q->rng, bench.nblocks);
        *is_read = bench.o.rw == BENCH_RW_RANDREAD ||
                   (bench.o.rw == BENCH_RW_RANDRW &&
                    bench_rand_below(&q->rng, 100) < bench.o.rwmix_read);
    } else {
        block = q->seq_pos;
        q->seq_pos = block + 1 == bench.nblocks ? 0 : block + 1;
        *is_read = bench.o.rw == BENCH_RW_READ;
    }
    q->issued++;
    *offset = (int64_t)(block * bench.o.bs);
    return true;
}

static void bench_queue_finish(BenchQueue *q, int64_t now)
{
    q->end_ns = now;
    qatomic_inc(&bench.queues_done);
    aio_wait_kick();
}

/* A request of @w at @offset completed with @ret after @lat_ns. */
static void bench_complete(BenchWorker *w, int64_t offset, int ret, int64_t lat_ns)
{
    BenchQueue *q = w->q;

    q->inflight--;
    bench_hist_add(&q->hist, (uint64_t)lat_ns);
    q->requests++;
    if (ret < 0) {
        q->errors++;
        q->first_error = q->first_error ? q->first_error : ret;
    } else {
        q->bytes += bench.o.bs;
        if (bench.phase == BENCH_PHASE_VERIFY_READ &&
            !bench_verify_check(w->buf, bench.o.bs, offset, bench.generation)) {
            q->verify_errors++;
        }
    }
}

static void coroutine_fn bench_worker_entry(void *opaque)
{
    BenchWorker *w = opaque;
    BenchQueue *q = w->q;
    int64_t bytes = (int64_t)bench.o.bs, offset, t1;
    int64_t t0 = qemu_clock_get_ns();
    bool is_read;
    int ret;

    while (bench_next_request(q, t0, &offset, &is_read)) {
        if (bench.phase != BENCH_PHASE_LOAD) {
            if (bench.phase == BENCH_PHASE_VERIFY_WRITE) {
                bench_verify_fill(w->buf, bench.o.bs, offset, bench.generation);
            }
            t0 = qemu_clock_get_ns();   /* pattern work is not latency */
        }
        q->depth_sum += ++q->inflight;
        ret = is_read ? blk_co_preadv(bench.blk, offset, bytes, &w->qiov, 0)
                      : blk_co_pwritev(bench.blk, offset, bytes, &w->qiov, 0);
        t1 = qemu_clock_get_ns();
        bench_complete(w, offset, ret, t1 - t0);
        t0 = t1;
    }
    if (--q->live == 0) {
        bench_queue_finish(q, t0);
    }
}

/* --api aio: submit @w's next request, or retire the slot. */
static void bench_aio_submit(BenchWorker *w, int64_t now);

static void bench_aio_done(void *opaque, int ret)
{
    BenchWorker *w = opaque;
    int64_t now = qemu_clock_get_ns();

    bench_complete(w, w->offset, ret, now - w->t0);
    bench_aio_submit(w, now);
}

static void bench_aio_submit(BenchWorker *w, int64_t now)
{
    BenchQueue *q = w->q;
    bool is_read;

    if (!bench_next_request(q, now, &w->offset, &is_read)) {
        if (--q->live == 0) {
            bench_queue_finish(q, now);
        }
        return;
    }
    if (bench.phase == BENCH_PHASE_VERIFY_WRITE) {
        bench_verify_fill(w->buf, bench.o.bs, w->offset, bench.generation);
    }
    w->t0 = bench.phase == BENCH_PHASE_LOAD ? now : qemu_clock_get_ns();
    q->depth_sum += ++q->inflight;
    if (is_read) {
        blk_aio_preadv(bench.blk, w->offset, &w->qiov, 0, bench_aio_done, w);
    } else {
        blk_aio_pwritev(bench.blk, w->offset, &w->qiov, 0, bench_aio_done, w);
    }
}

/*
 * Start every worker of queue @opaque in the calling thread.  One deferral
 * section around all of them, so that a driver that batches submits the
 * first iodepth requests with one system call.  Nothing of the queue is
 * touched after the last worker is entered: it may already have finished.
 */
static void bench_queue_start(void *opaque)
{
    BenchQueue *q = opaque;
    BenchWorker *workers = q->workers;
    unsigned n = bench.o.iodepth;

    int64_t now = qemu_clock_get_ns();

    defer_call_begin();
    for (unsigned i = 0; i < n; i++) {
        if (bench.o.api == BENCH_API_AIO) {
            bench_aio_submit(&workers[i], now);
        } else {
            qemu_coroutine_enter(qemu_coroutine_create(bench_worker_entry,
                                                       &workers[i]));
        }
    }
    defer_call_end();
}

/* This queue's share of @total requests. */
static uint64_t bench_share(uint64_t total, unsigned idx)
{
    unsigned n = bench.o.queues;

    return total / n + (idx < total % n);
}

/* Run one phase on every queue and wait for all of them.
 * Returns: the phase's wall time in ns.  Main loop. */
static int64_t bench_run_phase(BenchPhase phase)
{
    AioContext *main_ctx = qemu_get_aio_context();
    int64_t start, end = 0;
    uint64_t total;

    bench.phase = phase;
    qatomic_set(&bench.queues_done, 0);
    total = phase == BENCH_PHASE_LOAD ? bench.o.count : bench.nverify;
    for (unsigned i = 0; i < bench.o.queues; i++) {
        BenchQueue *q = bench.q[i];

        q->live = bench.o.iodepth;
        q->issued = 0;
        q->quota = total ? bench_share(total, i) : UINT64_MAX;
        q->first_block = 0;
        for (unsigned j = 0; j < i; j++) {
            q->first_block += bench_share(total, j);
        }
        q->seq_pos = (bench.nblocks / bench.o.queues) * i;
    }
    start = qemu_clock_get_ns();
    bench.deadline_ns = phase == BENCH_PHASE_LOAD && bench.o.runtime > 0 ?
                        start + (int64_t)(bench.o.runtime * 1e9) : INT64_MAX;
    for (unsigned i = 0; i < bench.o.queues; i++) {
        if (bench.q[i]->ctx == main_ctx) {
            bench_queue_start(bench.q[i]);
        } else {
            aio_bh_schedule_oneshot(bench.q[i]->ctx, bench_queue_start, bench.q[i]);
        }
    }
    AIO_WAIT_WHILE(main_ctx, qatomic_load_acquire(&bench.queues_done) <
                             bench.o.queues);
    for (unsigned i = 0; i < bench.o.queues; i++) {
        end = bench.q[i]->end_ns > end ? bench.q[i]->end_ns : end;
    }
    return end - start;
}

/* ---- set-up ----------------------------------------------------------- */

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Verify order: 1 (sequential) or a multiplier coprime to nverify near
 * the golden ratio of it, which scatters consecutive indexes. */
static uint64_t bench_verify_stride(void)
{
    uint64_t n = bench.nverify, s;

    if (!bench_rw_random(bench.o.rw) || n < 3) {
        return 1;
    }
    for (s = (uint64_t)((double)n * 0.6180339887) | 1; gcd64(s, n) != 1; s += 2) {
    }
    return s;
}

/* Returns: the root node's request alignment (1 when there is no node). */
static uint32_t bench_request_alignment(BlockBackend *blk)
{
    BlockDriverState *bs;
    uint32_t align;

    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(blk);
    align = bs ? bs->bl.request_alignment : 1;
    bdrv_graph_rdunlock_main_loop();
    return align ? align : 1;
}

/* Open the device and check what needs it.  Returns: 0, 1 (open failed)
 * or 2 (bs does not fit the device). */
static int bench_open(void)
{
    Error *err = NULL;
    int64_t len;
    uint32_t align;

    bench.blk = blk_new_open("bench", bench.o.blockdev, &err);
    if (!bench.blk) {
        error_report_err(err);
        return 1;
    }
    len = blk_getlength(bench.blk);
    if (len < 0) {
        fprintf(stderr, "mqblk-bench: cannot get the device length: %s\n",
                strerror((int)-len));
        return 1;
    }
    if (bench.o.bs > (uint64_t)len || bench.o.bs > BDRV_REQUEST_MAX_BYTES) {
        fprintf(stderr, "mqblk-bench: --bs %" PRIu64 " is larger than the "
                "device (%" PRId64 " bytes) or the longest request\n",
                bench.o.bs, len);
        return 2;
    }
    align = bench_request_alignment(bench.blk);
    if (bench.o.bs % align) {
        fprintf(stderr, "mqblk-bench: --bs %" PRIu64 " is not a multiple of "
                "the device's request alignment (%" PRIu32 " bytes, "
                "O_DIRECT)\n", bench.o.bs, align);
        return 2;
    }
    bench.nblocks = (uint64_t)len / bench.o.bs;
    bench.nverify = bench.o.count && bench.o.count < bench.nblocks ?
                    bench.o.count : bench.nblocks;
    bench.stride = bench_verify_stride();
    return 0;
}

static BenchQueue *bench_queue_new(unsigned idx)
{
    /* Each queue's thread writes its workers on every request. */
    size_t wsize = (bench.o.iodepth * sizeof(BenchWorker) + BENCH_CACHE_LINE
                    - 1) / BENCH_CACHE_LINE * BENCH_CACHE_LINE;
    BenchQueue *q = aligned_alloc(BENCH_CACHE_LINE, sizeof(*q));
    BenchWorker *w = aligned_alloc(BENCH_CACHE_LINE, wsize);

    if (!q || !w) {
        free(q);
        free(w);
        return NULL;
    }
    memset(q, 0, sizeof(*q));
    memset(w, 0, wsize);
    q->index = idx;
    q->workers = w;
    q->rng = 0x9e3779b97f4a7c15ull * (idx + 1) ^ (uint64_t)qemu_clock_get_ns();
    q->rng = q->rng ? q->rng : 1;
    q->ctx = bench.o.iothreads ?
             iothread_get_aio_context(bench.iothreads[idx % bench.o.iothreads]) :
             qemu_get_aio_context();
    for (unsigned i = 0; i < bench.o.iodepth; i++) {
        size_t len = (bench.o.bs + BENCH_BUF_ALIGN - 1) & ~(size_t)(BENCH_BUF_ALIGN - 1);

        w[i].q = q;
        w[i].buf = aligned_alloc(BENCH_BUF_ALIGN, len);
        if (!w[i].buf) {
            return NULL;            /* the process exits: nothing to unwind */
        }
        memset(w[i].buf, 0xa5, bench.o.bs);
        qemu_iovec_init_buf(&w[i].qiov, w[i].buf, bench.o.bs);
    }
    return q;
}

/* Start the IOThreads and build the queues.  Returns: false after a
 * message. */
static bool bench_setup_queues(void)
{
    const char *msg = NULL;
    char name[32];

    bench.iothreads = calloc(bench.o.iothreads + 1, sizeof(*bench.iothreads));
    bench.q = calloc(bench.o.queues, sizeof(*bench.q));
    if (!bench.iothreads || !bench.q) {
        fprintf(stderr, "mqblk-bench: out of memory\n");
        return false;
    }
    for (unsigned i = 0; i < bench.o.iothreads; i++) {
        snprintf(name, sizeof(name), "bench-io%u", i);
        bench.iothreads[i] = iothread_create(name, &msg);
        if (!bench.iothreads[i]) {
            fprintf(stderr, "mqblk-bench: IOThread %s: %s\n", name, msg);
            return false;
        }
    }
    for (unsigned i = 0; i < bench.o.queues; i++) {
        bench.q[i] = bench_queue_new(i);
        if (!bench.q[i]) {
            fprintf(stderr, "mqblk-bench: out of memory for %u x %u buffers "
                    "of %" PRIu64 " bytes\n", bench.o.queues, bench.o.iodepth,
                    bench.o.bs);
            return false;
        }
    }
    return true;
}

static void bench_teardown(void)
{
    for (unsigned i = 0; bench.iothreads && i < bench.o.iothreads; i++) {
        if (bench.iothreads[i]) {
            iothread_destroy(bench.iothreads[i]);
        }
    }
    if (bench.blk) {
        blk_unref(bench.blk);
    }
    for (unsigned i = 0; bench.q && i < bench.o.queues; i++) {
        BenchQueue *q = bench.q[i];

        for (unsigned j = 0; q && j < bench.o.iodepth; j++) {
            free(q->workers[j].buf);
        }
        free(q ? q->workers : NULL);
        free(q);
    }
    free(bench.q);
    free(bench.iothreads);
}

/* ---- report ----------------------------------------------------------- */

typedef struct BenchTotals {
    uint64_t requests, errors, verify_errors, bytes, depth_sum;
    int first_error;
    BenchHist hist;
} BenchTotals;

static void bench_sum(BenchTotals *t)
{
    memset(t, 0, sizeof(*t));
    for (unsigned i = 0; i < bench.o.queues; i++) {
        BenchQueue *q = bench.q[i];

        t->requests += q->requests;
        t->errors += q->errors;
        t->verify_errors += q->verify_errors;
        t->bytes += q->bytes;
        t->depth_sum += q->depth_sum;
        t->first_error = t->first_error ? t->first_error : q->first_error;
        bench_hist_merge(&t->hist, &q->hist);
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            printf("\\%c", *s);
        } else if ((unsigned char)*s < 0x20) {
            printf("\\u%04x", (unsigned char)*s);
        } else {
            putchar(*s);
        }
    }
    putchar('"');
}

/* Returns: CPU time of the whole process (every thread), in seconds. */
static double bench_cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* @cpu: CPU seconds the process used during the run (all threads): on a
 * busy machine IOPS per CPU second tells contention from lack of CPU. */
static void bench_report(const BenchTotals *t, int64_t ns, double cpu)
{
    double secs = (double)ns / 1e9;
    double iops = secs > 0 ? (double)t->requests / secs : 0;
    double mib_s = secs > 0 ? (double)t->bytes / secs / (1024.0 * 1024.0) : 0;
    const BenchHist *h = &t->hist;
    const BenchOpts *o = &bench.o;
    /* Requests in flight (per queue) when one is submitted, on average. */
    double depth = t->requests ? (double)t->depth_sum / (double)t->requests : 0;
    const char *api = o->api == BENCH_API_AIO ? "aio" : "co";

    if (!o->json) {
        printf("%s bs=%" PRIu64 " iodepth=%u queues=%u iothreads=%u api=%s%s: "
               "%.0f IOPS, %.1f MiB/s, %" PRIu64 " requests in %.3f s "
               "(%.3f s CPU), effective depth %.1f\n",
               bench_rw_name(o->rw), o->bs, o->iodepth, o->queues,
               o->iothreads, api, o->verify ? " verify" : "", iops, mib_s,
               t->requests, secs, cpu, depth);
        printf("errors=%" PRIu64 " verify_errors=%" PRIu64 "\n", t->errors,
               t->verify_errors);
        printf("lat_ns p50=%" PRIu64 " p90=%" PRIu64 " p99=%" PRIu64
               " p99.9=%" PRIu64 " max=%" PRIu64 "\n",
               bench_hist_percentile(h, 50), bench_hist_percentile(h, 90),
               bench_hist_percentile(h, 99), bench_hist_percentile(h, 99.9),
               h->max);
    } else {
        printf("{\"blockdev\":");
        json_string(o->blockdev);
        printf(",\"api\":\"%s\",\"effective_depth\":%.2f", api, depth);
        printf(",\"rw\":\"%s\",\"bs\":%" PRIu64 ",\"iodepth\":%u,\"queues\":%u,"
               "\"iothreads\":%u,\"verify\":%s,\"runtime_s\":%.6f,\"cpu_s\":%.6f,"
               "\"requests\":%" PRIu64 ",\"errors\":%" PRIu64
               ",\"verify_errors\":%" PRIu64 ",\"iops\":%.1f,\"mib_s\":%.3f,"
               "\"lat_ns\":{\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
               ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 "}",
               bench_rw_name(o->rw), o->bs, o->iodepth, o->queues, o->iothreads,
               o->verify ? "true" : "false", secs, cpu, t->requests, t->errors,
               t->verify_errors, iops, mib_s,
               bench_hist_percentile(h, 50), bench_hist_percentile(h, 90),
               bench_hist_percentile(h, 99), bench_hist_percentile(h, 99.9),
               h->max);
    }
    {
        BlockAioStats st;

        block_aio_stats_get(&st);
        if (st.requests) {
            /* Both submitting and reaping completions can enter the kernel. */
            double per = (double)(st.submit_calls + st.wait_calls) /
                         (double)st.requests;

            /* Only the back end's own kernel calls (io_uring_enter,
             * io_submit, io_getevents): not the event loop's epoll_wait,
             * eventfd or futex calls -- ci/bench counts those with strace. */
            printf(o->json ? ",\"aio_requests\":%" PRIu64 ",\"submit_calls\":%"
                             PRIu64 ",\"wait_calls\":%" PRIu64
                             ",\"aio_syscalls_per_request\":%.4f"
                           : "aio requests=%" PRIu64 " submit_calls=%" PRIu64
                             " wait_calls=%" PRIu64
                             " aio_syscalls_per_request=%.4f\n",
                   st.requests, st.submit_calls, st.wait_calls, per);
        }
    }
    if (o->json) {
        printf("}\n");
    }
    if (t->errors) {
        fprintf(stderr, "mqblk-bench: %" PRIu64 " requests failed (first: %s)\n",
                t->errors, strerror(-t->first_error));
    }
    if (t->verify_errors) {
        fprintf(stderr, "mqblk-bench: %" PRIu64 " blocks did not read back as "
                "written (generation %" PRIu64 ")\n", t->verify_errors,
                bench.generation);
    }
}

/* ---- main ------------------------------------------------------------- */

/* Run the phases --verify or the load asks for.  Returns: wall time, ns. */
static int64_t bench_run(void)
{
    int64_t ns = 0;

    block_aio_stats_reset();
    if (!bench.o.verify) {
        return bench_run_phase(BENCH_PHASE_LOAD);
    }
    if (!bench.o.verify_only) {
        ns += bench_run_phase(BENCH_PHASE_VERIFY_WRITE);
        if (blk_flush(bench.blk) < 0) {
            fprintf(stderr, "mqblk-bench: flush after the write pass failed\n");
        }
    }
    return ns + bench_run_phase(BENCH_PHASE_VERIFY_READ);
}

int main(int argc, char **argv)
{
    const char *msg = NULL;
    BenchTotals *totals;
    int64_t ns;
    double cpu;
    int ret;

    ret = bench_opts_parse(&bench.o, argc, argv);
    if (ret != 0) {
        return ret > 0 ? 0 : 2;
    }
    bench.generation = bench.o.have_generation ? bench.o.generation :
                       (uint64_t)qemu_clock_get_ns();
    if (!qemu_init_main_loop(&msg)) {
        fprintf(stderr, "mqblk-bench: %s\n", msg);
        return 1;
    }
    ret = bench_open();
    if (ret == 0 && !bench_setup_queues()) {
        ret = 1;
    }
    if (ret != 0) {
        bench_teardown();
        return ret;
    }
    cpu = bench_cpu_seconds();
    ns = bench_run();
    cpu = bench_cpu_seconds() - cpu;
    totals = malloc(sizeof(*totals));
    if (!totals) {
        fprintf(stderr, "mqblk-bench: out of memory\n");
        bench_teardown();
        return 1;
    }
    bench_sum(totals);
    bench_report(totals, ns, cpu);
    ret = totals->errors || totals->verify_errors ? 1 : 0;
    free(totals);
    bench_teardown();
    return ret;
}
