/*
 * test_block_stress.c - verified random I/O through a BlockBackend from
 * several IOThreads while the main loop changes the graph under it.
 *
 * Jobs (coroutines, two per IOThread) each own a disjoint set of 4 KiB
 * blocks.  A job writes a block with the pattern of (block, generation),
 * reads it back and compares, and reads blocks of other owners.  Meanwhile
 * the main loop inserts a throttle filter above the node every few
 * milliseconds and removes it again, and between those drains the node, the
 * backend or everything, flushes, and writes its own blocks with
 * BDRV_REQ_BARRIER.  Some requests go through the blk_aio_* callback API.
 *
 * Reads of a block another job owns: the owner keeps a per-block sequence
 * counter that is odd while a write of the block is in flight (a seqlock).
 * A read that saw the same even value before and after itself overlapped
 * no write of the block, so it must return exactly the last generation the
 * owner wrote -- any torn, mixed, stale or misplaced block fails.  A read
 * that overlapped a write is only counted: neither POSIX nor the page cache
 * makes a read atomic against a concurrent write of the same range, so the
 * block layer cannot promise it either.
 *
 * Variants: `file` on a temp file with aio=threads (cached),
 * aio=io_uring (O_DIRECT when the file system takes it) and aio=threads
 * with O_DIRECT and two BlockBackends on the node, and `null` with read-zeroes=on (no data:
 * reads must be zeroes, and no errors), with and without a per-request
 * latency.  Two focused cases go with them: a caller's drained section
 * across filter insertion/removal (nothing may reach the driver), and the
 * backend's root removed and re-inserted under I/O (requests succeed or
 * fail with -EIO, nothing else).
 *
 * Duration: ~0.3 s per case (~2 s in all); BLKCHECK_STRESS_SECONDS=N runs
 * each case N seconds (the watchdog is moved out accordingly).
 *
 * Context: main loop plus IOThreads.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "rt-test.h"
#include "rt-skip.h"
#include "block-test.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "memtest-driver.h"
#include "qemu/coroutine.h"
#include "sysemu/block-backend.h"

#define BLK             4096
#define NTHREADS        3
#define JOBS_PER_THREAD 2
#define NJOBS           (NTHREADS * JOBS_PER_THREAD)
#define JOB_BLOCKS      16
#define MAIN_BLOCKS     4
#define NBLOCKS         (NJOBS * JOB_BLOCKS + MAIN_BLOCKS)
#define MAIN_FIRST      (NJOBS * JOB_BLOCKS)

typedef struct Stress {
    BlockBackend *blk;          /* the main loop's backend */
    BlockBackend *blk2;         /* optional second backend on the node */
    bool has_data;              /* file: generations; null: zeroes */
    uint64_t seq[NBLOCKS];      /* per block: 2 * generation (+1 writing) */
    int stop;
    int64_t verify_errors;
    int64_t io_errors;
    int64_t graph_errors;       /* main-loop checks (drain, filters) */
    int64_t judged_reads;       /* other-owner reads checked exactly */
    int64_t racing_reads;       /* overlapped a write: not judged */
    int64_t aio_requests;
    int64_t barriers;
    char first_error[256];
    int have_error;
} Stress;

typedef struct Job {
    Stress *s;
    BlockBackend *blk;          /* the backend this job submits to */
    int id;
    int first_block;
    uint64_t rng;
    int64_t ops;
    int done;
} Job;

static int64_t ld(int64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void add(int64_t *p, int64_t v)
{
    __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

/* The contents of @block at generation @gen (0: never written = zeroes). */
static void fill_block(uint8_t *buf, int block, uint64_t gen)
{
    uint64_t *w = (uint64_t *)buf;

    if (gen == 0) {
        memset(buf, 0, BLK);
        return;
    }
    w[0] = gen;
    w[1] = (uint64_t)block;
    for (size_t i = 2; i < BLK / 8; i++) {
        w[i] = bt_mix64(((uint64_t)block << 40) ^ (gen << 12) ^ i);
    }
}

static void report_error(Stress *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void report_error(Stress *s, const char *fmt, ...)
{
    va_list ap;

    if (__atomic_exchange_n(&s->have_error, 1, __ATOMIC_SEQ_CST)) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s->first_error, sizeof(s->first_error), fmt, ap);
    va_end(ap);
}

/* Returns: true when @buf holds @block at generation @gen. */
static bool check_block(Stress *s, const uint8_t *buf, int block, uint64_t gen,
                        const char *what)
{
    uint8_t want[BLK] __attribute__((aligned(8)));

    if (!s->has_data) {
        gen = 0;                /* read-zeroes=on */
    }
    fill_block(want, block, gen);
    if (memcmp(buf, want, BLK) == 0) {
        return true;
    }
    add(&s->verify_errors, 1);
    report_error(s, "%s: block %d: expected generation %" PRIu64
                 ", found header gen %" PRIu64 " block %" PRIu64, what, block,
                 gen, ((const uint64_t *)buf)[0], ((const uint64_t *)buf)[1]);
    return false;
}

/* ---- requests: coroutine API or the callback API ------------------------ */

typedef struct AioWaiter {
    Coroutine *co;
    int ret;
    bool done;
} AioWaiter;

static void aio_waiter_cb(void *opaque, int ret)
{
    AioWaiter *w = opaque;

    w->ret = ret;
    w->done = true;
    aio_co_wake(w->co);
}

static int coroutine_fn co_rw(BlockBackend *blk, bool use_aio, bool write,
                              int block, uint8_t *buf, BdrvRequestFlags flags)
{
    int64_t off = (int64_t)block * BLK;
    QEMUIOVector qiov;
    AioWaiter w = { .co = qemu_coroutine_self() };

    if (!use_aio) {
        return write ? blk_co_pwrite(blk, off, BLK, buf, flags)
                     : blk_co_pread(blk, off, BLK, buf, flags);
    }
    qemu_iovec_init_buf(&qiov, buf, BLK);
    if (write) {
        blk_aio_pwritev(blk, off, &qiov, flags, aio_waiter_cb, &w);
    } else {
        blk_aio_preadv(blk, off, &qiov, flags, aio_waiter_cb, &w);
    }
    while (!w.done) {
        qemu_coroutine_yield();
    }
    return w.ret;
}

static int coroutine_fn co_flush(BlockBackend *blk, bool use_aio)
{
    AioWaiter w = { .co = qemu_coroutine_self() };

    if (!use_aio) {
        return blk_co_flush(blk);
    }
    blk_aio_flush(blk, aio_waiter_cb, &w);
    while (!w.done) {
        qemu_coroutine_yield();
    }
    return w.ret;
}

static void io_error(Stress *s, const char *what, int block, int ret)
{
    add(&s->io_errors, 1);
    report_error(s, "%s of block %d: %s", what, block, strerror(-ret));
}

/* ---- jobs ----------------------------------------------------------------- */

static void coroutine_fn job_write_own(Job *j, uint8_t *buf, bool use_aio)
{
    Stress *s = j->s;
    int block = j->first_block + (int)(bt_rng_next(&j->rng) % JOB_BLOCKS);
    uint64_t seq = __atomic_load_n(&s->seq[block], __ATOMIC_SEQ_CST);
    uint64_t gen = seq / 2 + 1;
    uint64_t r = bt_rng_next(&j->rng);
    BdrvRequestFlags flags = (r % 64 == 0) ? BDRV_REQ_BARRIER :
                             (r % 16 == 0) ? BDRV_REQ_FUA : 0;
    int ret;

    fill_block(buf, block, gen);
    __atomic_store_n(&s->seq[block], seq + 1, __ATOMIC_SEQ_CST);
    ret = co_rw(j->blk, use_aio, true, block, buf, flags);
    /* Failed or not, the block may have changed: a new even value. */
    __atomic_store_n(&s->seq[block], 2 * gen, __ATOMIC_SEQ_CST);
    if (flags & BDRV_REQ_BARRIER) {
        add(&s->barriers, 1);
    }
    if (ret < 0) {
        io_error(s, "write", block, ret);
        return;
    }
    memset(buf, 0xa5, BLK);
    ret = co_rw(j->blk, use_aio, false, block, buf, 0);
    if (ret < 0) {
        io_error(s, "read back", block, ret);
        return;
    }
    check_block(s, buf, block, gen, "read back own block");
}

static void coroutine_fn job_read_any(Job *j, uint8_t *buf, bool use_aio)
{
    Stress *s = j->s;
    int block = (int)(bt_rng_next(&j->rng) % NBLOCKS);
    uint64_t before, after;
    int ret;

    if (block >= j->first_block && block < j->first_block + JOB_BLOCKS) {
        return;                 /* own blocks are checked after each write */
    }
    memset(buf, 0x5a, BLK);
    before = __atomic_load_n(&s->seq[block], __ATOMIC_SEQ_CST);
    ret = co_rw(j->blk, use_aio, false, block, buf, 0);
    after = __atomic_load_n(&s->seq[block], __ATOMIC_SEQ_CST);
    if (ret < 0) {
        io_error(s, "read", block, ret);
        return;
    }
    if (before != after || (before & 1)) {
        add(&s->racing_reads, 1);
        return;
    }
    add(&s->judged_reads, 1);
    check_block(s, buf, block, before / 2, "read of another owner's block");
}

static void coroutine_fn job_run(Job *j)
{
    uint8_t *buf = aligned_alloc(BLK, BLK);

    while (!__atomic_load_n(&j->s->stop, __ATOMIC_SEQ_CST)) {
        uint64_t r = bt_rng_next(&j->rng);
        bool use_aio = (r >> 8) % 4 == 0;
        unsigned op = r % 32;
        int ret;

        if (use_aio) {
            add(&j->s->aio_requests, 1);
        }

        if (op < 14) {
            job_write_own(j, buf, use_aio);
        } else if (op < 31) {
            job_read_any(j, buf, use_aio);
        } else if ((ret = co_flush(j->blk, use_aio)) < 0) {
            io_error(j->s, "flush", -1, ret);
        }
        j->ops++;
    }
    free(buf);
}

static void coroutine_fn job_entry(void *opaque)
{
    Job *j = opaque;

    job_run(j);
    __atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static bool jobs_running(Job *jobs, int n)
{
    for (int i = 0; i < n; i++) {
        if (!__atomic_load_n(&jobs[i].done, __ATOMIC_SEQ_CST)) {
            return true;
        }
    }
    return false;
}

/* ---- the main loop's side --------------------------------------------------- */

/* Let time pass (pacing only; nothing waits for a condition here). */
static void main_loop_idle_ns(int64_t ns)
{
    int64_t until = qemu_clock_get_ns() + ns;

    while (qemu_clock_get_ns() < until) {
        aio_poll(qemu_get_aio_context(), false);
        usleep(200);
    }
}

/* A barrier write of one of the main loop's own blocks, then a read. */
static void main_barrier_write(Stress *s, int block)
{
    uint8_t *buf = aligned_alloc(BLK, BLK);
    uint64_t seq = s->seq[block];
    uint64_t gen = seq / 2 + 1;
    int ret;

    fill_block(buf, block, gen);
    __atomic_store_n(&s->seq[block], seq + 1, __ATOMIC_SEQ_CST);
    ret = blk_pwrite(s->blk, (int64_t)block * BLK, BLK, buf, BDRV_REQ_BARRIER);
    __atomic_store_n(&s->seq[block], 2 * gen, __ATOMIC_SEQ_CST);
    add(&s->barriers, 1);
    if (ret < 0) {
        io_error(s, "main-loop barrier write", block, ret);
    } else if ((ret = blk_pread(s->blk, (int64_t)block * BLK, BLK, buf, 0)) < 0) {
        io_error(s, "main-loop read", block, ret);
    } else {
        check_block(s, buf, block, gen, "main-loop read back");
    }
    free(buf);
}

/*
 * Main-loop checks record the first failure and let the run wind down
 * (end the drained section, stop the jobs) instead of leaving the test
 * function while IOThreads still use its stack.
 */
static bool main_check(Stress *s, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool main_check(Stress *s, bool ok, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    if (ok) {
        return true;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    add(&s->graph_errors, 1);
    report_error(s, "%s", msg);
    return false;
}

/* Returns: true when every backend of the run has @node as its root. */
static bool roots_are(Stress *s, BlockDriverState *node)
{
    return bt_root(s->blk) == node && (!s->blk2 || bt_root(s->blk2) == node);
}

/* Returns: the filter, or NULL (recorded) when the insertion failed. */
static BlockDriverState *insert_throttle(Stress *s, BlockDriverState *bs)
{
    Error *err = NULL;
    BlockDriverState *filter =
        bdrv_insert_filter(bs, "driver=throttle,iops-total=100000", &err);

    main_check(s, filter, "bdrv_insert_filter: %s",
               filter ? "" : error_get_pretty(err));
    error_free(err);
    if (filter) {
        main_check(s, roots_are(s, filter),
                   "bdrv_insert_filter: a backend's root is not the filter");
    }
    return filter;
}

/* A second filter above @lower.  Returns: it, or NULL (recorded). */
static BlockDriverState *insert_throttle_above(Stress *s,
                                               BlockDriverState *lower)
{
    Error *err = NULL;
    BlockDriverState *upper =
        bdrv_insert_filter(lower, "driver=throttle,iops-total=200000", &err);

    main_check(s, upper, "bdrv_insert_filter above a filter: %s",
               upper ? "" : error_get_pretty(err));
    error_free(err);
    return upper;
}

/* Take @filter out; afterwards the backend's root must be @root. */
static bool remove_throttle(Stress *s, BlockDriverState *filter,
                            BlockDriverState *root)
{
    Error *err = NULL;
    int ret = bdrv_remove_filter(filter, &err);

    main_check(s, ret == 0, "bdrv_remove_filter: %s",
               ret == 0 ? "" : error_get_pretty(err));
    error_free(err);
    return ret == 0 &&
           main_check(s, roots_are(s, root), "bdrv_remove_filter: a "
                      "backend's root is not node '%s'",
                      bdrv_get_node_name(root));
}

/* Inside a drained section of @bs: nothing is in flight in @bs, also after
 * some time in which the jobs keep submitting. */
static bool expect_still_drained(Stress *s, BlockDriverState *bs,
                                 const char *when)
{
    int64_t n = bdrv_in_flight(bs);

    if (n == 0) {
        main_loop_idle_ns(300000);
        n = bdrv_in_flight(bs);
    }
    return main_check(s, n == 0, "%" PRId64 " requests in flight in drained "
                      "node '%s' %s (backend in flight: %" PRId64 ")", n,
                      bdrv_get_node_name(bs), when, blk_in_flight(s->blk));
}

/*
 * Something disruptive between inserting and removing the filter.
 * Returns: the filter now above @bs (step 6 replaces it; NULL when that
 * failed).
 */
static BlockDriverState *main_disrupt(Stress *s, BlockDriverState *bs,
                                      BlockDriverState *filter, unsigned step)
{
    int ret;

    switch (step % 8) {
    case 0:
        /* Nothing enters the node while it is drained, though requests
         * keep arriving at the backend.  (blk_in_flight() is not checked
         * here: a request arriving during the drain counts itself for a
         * moment before it sees the drain and backs out to wait.) */
        bdrv_drained_begin(bs);
        expect_still_drained(s, bs, "in a drained section");
        bdrv_drained_end(bs);
        break;
    case 1:
        blk_drain(s->blk);
        break;
    case 2:
        bdrv_drain_all();
        break;
    case 3:
        main_barrier_write(s, MAIN_FIRST + (int)(step / 7) % MAIN_BLOCKS);
        break;
    case 4:
        if ((ret = blk_flush(s->blk)) < 0) {
            io_error(s, "main-loop flush", -1, ret);
        }
        break;
    case 5:
        /* Drain the filter itself while it is in the graph. */
        bdrv_drained_begin(filter);
        expect_still_drained(s, filter, "(the filter) in a drained section");
        bdrv_drained_end(filter);
        break;
    case 6:
        /* Swap the filter inside the caller's drained section: the moved
         * edges must keep the backend quiesced throughout (no request may
         * slip into the drained node) and give the quiescence back at the
         * end (or the jobs hang: watchdog). */
        bdrv_drained_begin(bs);
        if (remove_throttle(s, filter, bs)) {
            expect_still_drained(s, bs, "after bdrv_remove_filter()");
            filter = insert_throttle(s, bs);
            if (filter) {
                expect_still_drained(s, bs, "after bdrv_insert_filter()");
            }
        }
        bdrv_drained_end(bs);
        break;
    case 7: {
        /* Stack a second filter above the first, take the lower one out
         * from under it, and carry on with the upper one. */
        BlockDriverState *upper = insert_throttle_above(s, filter);

        if (upper) {
            filter = remove_throttle(s, filter, upper) ? upper : NULL;
        }
        break;
    }
    }
    return filter;
}

typedef struct MainStats {
    int inserts;
    int removes;
} MainStats;

static void main_loop_churn(Stress *s, BlockDriverState *bs, int64_t run_ns,
                            MainStats *ms)
{
    int64_t end = qemu_clock_get_ns() + run_ns;
    unsigned step = 0;

    while (qemu_clock_get_ns() < end && !ld(&s->graph_errors)) {
        BlockDriverState *filter = insert_throttle(s, bs);

        if (!filter) {
            break;
        }
        ms->inserts++;
        main_loop_idle_ns(1000000);
        filter = main_disrupt(s, bs, filter, step++);
        main_loop_idle_ns(1000000);
        if (!filter || !remove_throttle(s, filter, bs)) {
            break;
        }
        ms->removes++;
        main_loop_idle_ns(1000000);
    }
}

/* ---- one run ------------------------------------------------------------------ */

static int64_t run_ns(void)
{
    long secs = rt_stress_seconds();

    return secs > 0 ? secs * 1000000000LL : 300000000LL;
}

/* Run the jobs and the main loop's churn on @optstr for run_ns().  With
 * @unlink_path, that file goes once the backend has it open. */
static void stress_run(const char *optstr, bool has_data,
                       const char *unlink_path, int nbackends)
{
    static Stress stress;
    Stress *s = &stress;
    IOThread *threads[NTHREADS];
    Job jobs[NJOBS];
    MainStats ms = { 0 };
    Error *err = NULL;
    BlockDriverState *bs;
    uint8_t *buf;
    int64_t total_ops = 0;

    alarm((unsigned)(run_ns() / 1000000000LL) + 120);   /* the watchdog */
    memset(s, 0, sizeof(*s));
    s->blk = blk_new_open("stress", optstr, &err);
    if (unlink_path) {
        unlink(unlink_path);
    }
    if (!s->blk) {
        fail_msg("open '%s': %s", optstr, error_get_pretty(err));
    }
    s->has_data = has_data;
    bs = bt_root(s->blk);
    assert_int_equal(blk_getlength(s->blk), (int64_t)NBLOCKS * BLK);
    if (nbackends > 1) {
        s->blk2 = blk_new("stress2");
        if (blk_insert_bs(s->blk2, bs, &err) < 0) {
            fail_msg("blk_insert_bs: %s", error_get_pretty(err));
        }
    }

    assert_int_equal(rt_iothreads_start(threads, NTHREADS, "stress"), 0);
    for (int i = 0; i < NJOBS; i++) {
        jobs[i] = (Job) { .s = s, .id = i, .first_block = i * JOB_BLOCKS,
                          .rng = bt_mix64((uint64_t)i + 1),
                          .blk = (i % 2 && s->blk2) ? s->blk2 : s->blk };
        aio_co_schedule(iothread_get_aio_context(threads[i % NTHREADS]),
                        qemu_coroutine_create(job_entry, &jobs[i]));
    }
    main_loop_churn(s, bs, run_ns(), &ms);
    __atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
    /* A lost wake-up hangs here until the watchdog ends the program. */
    AIO_WAIT_WHILE(qemu_get_aio_context(), jobs_running(jobs, NJOBS));

    /* A blk_aio_* request stays counted until its callback has returned,
     * which is just after the job saw its completion: wait (bounded) for
     * the counters to reach 0; a leaked count fails here. */
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  bdrv_in_flight(bs) == 0 && blk_in_flight(s->blk) == 0 &&
                  (!s->blk2 || blk_in_flight(s->blk2) == 0), 10000);
    /* No thread_pool_shutdown() first: a worker still inside aio_co_wake()
     * for a finished request must not keep the context from going (fixed in
     * 15d2e85; this run caught it before, under TSan). */
    rt_iothreads_stop(threads, NTHREADS);

    /* Nothing lost: every block holds the last generation written. */
    buf = aligned_alloc(BLK, BLK);
    for (int b = 0; b < NBLOCKS; b++) {
        int ret = blk_pread(s->blk, (int64_t)b * BLK, BLK, buf, 0);

        if (ret < 0) {
            io_error(s, "final read", b, ret);
        } else {
            check_block(s, buf, b, s->seq[b] / 2, "final read");
        }
    }
    free(buf);

    assert_int_equal(bdrv_in_flight(bs), 0);
    assert_int_equal(blk_in_flight(s->blk), 0);
    if (s->blk2) {
        assert_int_equal(blk_in_flight(s->blk2), 0);
        blk_unref(s->blk2);
    }
    blk_unref(s->blk);

    for (int i = 0; i < NJOBS; i++) {
        total_ops += jobs[i].ops;
    }
    printf("# %s: %" PRId64 " ops (%" PRId64 " aio, %" PRId64 " barriers), "
           "%" PRId64 " judged / %" PRId64 " racing reads, %d filter "
           "inserts\n", optstr, total_ops, ld(&s->aio_requests),
           ld(&s->barriers), ld(&s->judged_reads), ld(&s->racing_reads),
           ms.inserts);
    if (s->have_error) {
        fail_msg("%s: %" PRId64 " verify errors, %" PRId64 " I/O errors, "
                 "%" PRId64 " drain/graph errors; first: %s", optstr,
                 ld(&s->verify_errors), ld(&s->io_errors),
                 ld(&s->graph_errors), s->first_error);
    }
    for (int i = 0; i < NJOBS; i++) {
        assert_true(jobs[i].ops > 0);           /* every job made progress */
    }
    assert_int_equal(ld(&s->verify_errors), 0);
    assert_int_equal(ld(&s->io_errors), 0);
    assert_int_equal(ld(&s->graph_errors), 0);
    assert_true(ld(&s->judged_reads) > 0);
    assert_true(ms.inserts > 0);
    assert_int_equal(ms.inserts, ms.removes);
}

/* ---- variants --------------------------------------------------------------- */

/* A zeroed temp file of NBLOCKS blocks; returns its path (static buffer). */
static const char *make_temp_file(char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, len, "%s/blkcheck-stress-XXXXXX", dir ? dir : "/tmp");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)NBLOCKS * BLK), 0);
    close(fd);
    return path;
}

/* Returns: true when @path can be opened with O_DIRECT. */
/* The variant opens, or the test fails saying why. */
static void require_open(const char *optstr)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open("probe", optstr, &err);

    if (!blk) {
        fail_msg("open '%s': %s", optstr, error_get_pretty(err));
    }
    blk_unref(blk);
}

/* @direct: O_DIRECT, or a named skip where the temp dir refuses it (no
 * silent fall-back to the page cache). */
static void run_file(const char *aio, bool direct, int nbackends)
{
    char path[256], opts[512];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    int err = 0;

    rt_require_aio(aio);
    if (direct && !rt_o_direct_works(dir, &err) && err == EINVAL) {
        rt_skip(RT_SKIP_O_DIRECT, "O_DIRECT on %s: %s", dir, strerror(err));
    }
    make_temp_file(path, sizeof(path));
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, aio, direct ? "on" : "off");
    require_open(opts);
    stress_run(opts, true, path, nbackends);
}

static void test_stress_file_threads(void **state)
{
    (void)state;
    run_file("threads", false, 1);
}

static void test_stress_file_io_uring(void **state)
{
    (void)state;
    run_file("io_uring", true, 1);
}

/* Two backends on one node, half of the jobs on each: drains, barriers
 * and filter changes cover both parents. */
static void test_stress_two_backends(void **state)
{
    (void)state;
    run_file("threads", true, 2);
}

static void run_null(const char *extra)
{
    char opts[128];

    snprintf(opts, sizeof(opts), "driver=null,read-zeroes=on,size=%d%s",
             NBLOCKS * BLK, extra);
    require_open(opts);
    stress_run(opts, false, NULL, 1);
}

/* Requests complete without yielding: the most requests per second. */
static void test_stress_null(void **state)
{
    (void)state;
    run_null("");
}

/* Every request sleeps 20 us: many in flight when the graph changes. */
static void test_stress_null_latency(void **state)
{
    (void)state;
    run_null(",latency-ns=20000");
}

/* ---- a drained section survives graph changes inside it ------------------ */

typedef struct Reader {
    BlockBackend *blk;
    int *stop;
    int64_t errors;
    int done;
} Reader;

static void coroutine_fn reader_entry(void *opaque)
{
    Reader *r = opaque;
    uint8_t buf[512];

    while (!__atomic_load_n(r->stop, __ATOMIC_SEQ_CST)) {
        if (blk_co_pread(r->blk, 0, sizeof(buf), buf, 0) < 0) {
            r->errors++;
        }
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static bool readers_running(Reader *r, int n)
{
    for (int i = 0; i < n; i++) {
        if (!__atomic_load_n(&r[i].done, __ATOMIC_SEQ_CST)) {
            return true;
        }
    }
    return false;
}

/*
 * The caller drains the node, then inserts and removes a filter above it:
 * while the caller's drained section lasts, no request may reach the
 * driver, although readers keep submitting to the backend.  (Moving the
 * backend's edge must not let it run in between.)
 */
static void test_drain_across_graph_change(void **state)
{
    BlockBackend *blk;
    BlockDriverState *bs, *filter;
    MemtestState *m;
    IOThread *threads[2];
    Reader readers[8];
    Error *err = NULL;
    Stress s = { 0 };           /* only for the main-loop checks */
    int stop = 0;

    (void)state;
    alarm(120);
    blk = blk_new_open("drainswap", "driver=memtest,size=1M,latency-ns=50000",
                       &err);
    if (!blk) {
        fail_msg("open: %s", error_get_pretty(err));
    }
    s.blk = blk;
    bs = bt_root(blk);
    m = memtest_state(bs);
    assert_int_equal(rt_iothreads_start(threads, 2, "drainswap"), 0);
    for (int i = 0; i < 8; i++) {
        readers[i] = (Reader) { .blk = blk, .stop = &stop };
        aio_co_schedule(iothread_get_aio_context(threads[i % 2]),
                        qemu_coroutine_create(reader_entry, &readers[i]));
    }
    RT_POLL_UNTIL(qemu_get_aio_context(), ld(&m->reads) >= 50, 10000);

    for (int round = 0; round < 20; round++) {
        int64_t r0, r1, r2;

        bdrv_drained_begin(bs);
        r0 = ld(&m->reads);
        filter = insert_throttle(&s, bs);
        main_loop_idle_ns(2000000);
        r1 = ld(&m->reads);
        if (filter) {
            remove_throttle(&s, filter, bs);
        }
        main_loop_idle_ns(2000000);
        r2 = ld(&m->reads);
        bdrv_drained_end(bs);
        main_check(&s, r1 == r0 && r2 == r0, "round %d: node drained by "
                   "the caller, yet %" PRId64 " reads reached the driver "
                   "across bdrv_insert_filter() and %" PRId64 " across "
                   "bdrv_remove_filter()", round, r1 - r0, r2 - r1);
        if (s.have_error) {
            break;
        }
        main_loop_idle_ns(1000000);
    }
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    AIO_WAIT_WHILE(qemu_get_aio_context(), readers_running(readers, 8));
    RT_POLL_UNTIL(qemu_get_aio_context(), blk_in_flight(blk) == 0, 10000);
    rt_iothreads_stop(threads, 2);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(readers[i].errors, 0);
    }
    assert_int_equal(ld(&m->violations), 0);
    blk_unref(blk);
    if (s.have_error) {
        fail_msg("%s", s.first_error);
    }
}

/* ---- the backend's root removed and re-inserted under I/O ------------------ */

typedef struct Swapper {
    BlockBackend *blk;
    int *stop;
    int64_t ok, no_node, other;     /* results: 0, -EIO, anything else */
    int other_ret;
    int done;
} Swapper;

static void coroutine_fn swapper_entry(void *opaque)
{
    Swapper *w = opaque;
    uint8_t buf[4096] = { 0 };
    unsigned n = 0;

    while (!__atomic_load_n(w->stop, __ATOMIC_SEQ_CST)) {
        int64_t off = (int64_t)(n % 64) * 4096;
        int ret = (n++ % 3 == 0) ? blk_co_pwrite(w->blk, off, 4096, buf, 0)
                                 : blk_co_pread(w->blk, off, 4096, buf, 0);

        if (ret == 0) {
            add(&w->ok, 1);
        } else if (ret == -EIO) {
            add(&w->no_node, 1);
            qemu_co_sleep_ns(20000);    /* no node: do not spin meanwhile */
        } else {
            add(&w->other, 1);
            w->other_ret = ret;
        }
    }
    __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static bool swappers_running(Swapper *w, int n)
{
    for (int i = 0; i < n; i++) {
        if (!__atomic_load_n(&w[i].done, __ATOMIC_SEQ_CST)) {
            return true;
        }
    }
    return false;
}

/*
 * blk_remove_bs() and blk_insert_bs() while IOThreads submit: a request
 * either runs on the node or fails with -EIO (no node); nothing hangs,
 * crashes or fails otherwise, and both outcomes are seen.
 */
static void test_root_swap(void **state)
{
    BlockBackend *blk;
    BlockDriverState *bs;
    IOThread *threads[2];
    Swapper w[6];
    Error *err = NULL;
    int64_t end, ok = 0, no_node = 0, other = 0;
    int stop = 0, swaps = 0, other_ret = 0;

    (void)state;
    alarm((unsigned)(run_ns() / 1000000000LL) + 120);
    blk = blk_new_open("swap", "driver=null,size=1M,latency-ns=20000", &err);
    if (!blk) {
        fail_msg("open: %s", error_get_pretty(err));
    }
    bs = bt_root(blk);
    bdrv_ref(bs);                   /* ours, across the removals */
    assert_int_equal(rt_iothreads_start(threads, 2, "swap"), 0);
    for (int i = 0; i < 6; i++) {
        w[i] = (Swapper) { .blk = blk, .stop = &stop };
        aio_co_schedule(iothread_get_aio_context(threads[i % 2]),
                        qemu_coroutine_create(swapper_entry, &w[i]));
    }
    end = qemu_clock_get_ns() + run_ns();
    while (qemu_clock_get_ns() < end) {
        main_loop_idle_ns(1000000);
        blk_remove_bs(blk);
        main_loop_idle_ns(1000000);
        if (blk_insert_bs(blk, bs, &err) < 0) {
            break;
        }
        swaps++;
    }
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    AIO_WAIT_WHILE(qemu_get_aio_context(), swappers_running(w, 6));
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  blk_in_flight(blk) == 0 && bdrv_in_flight(bs) == 0, 10000);
    rt_iothreads_stop(threads, 2);
    for (int i = 0; i < 6; i++) {
        ok += w[i].ok;
        no_node += w[i].no_node;
        other += w[i].other;
        other_ret = w[i].other ? w[i].other_ret : other_ret;
    }
    printf("# root swaps: %d; requests: %" PRId64 " ok, %" PRId64 " -EIO "
           "(no node)\n", swaps, ok, no_node);
    blk_unref(blk);
    bdrv_unref(bs);
    if (err) {
        fail_msg("blk_insert_bs: %s", error_get_pretty(err));
    }
    if (other) {
        fail_msg("%" PRId64 " requests failed otherwise, e.g. %s", other,
                 strerror(-other_ret));
    }
    assert_true(swaps > 0);
    assert_true(ok > 0);
    assert_true(no_node > 0);
}

static int group_setup(void **state)
{
    if (rt_group_setup(state) < 0) {
        return -1;
    }
    bdrv_register(&bdrv_memtest);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drain_across_graph_change),
        cmocka_unit_test(test_stress_file_threads),
        cmocka_unit_test(test_stress_file_io_uring),
        cmocka_unit_test(test_stress_two_backends),
        cmocka_unit_test(test_stress_null),
        cmocka_unit_test(test_stress_null_latency),
        cmocka_unit_test(test_root_swap),
    };

    return rt_run_group_tests(tests, group_setup, rt_group_teardown);
}
