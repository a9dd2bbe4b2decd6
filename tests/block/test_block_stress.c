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
 * Variants: `file` on a temp file with aio=threads (cached) and
 * aio=io_uring (O_DIRECT when the file system takes it), and `null` with
 * read-zeroes=on (no data: reads must be zeroes, and no errors), with and
 * without a per-request latency.
 *
 * Duration: ~0.5 s per variant; BLKCHECK_STRESS_SECONDS=N runs N seconds
 * per variant (the watchdog is moved out accordingly).
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
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "block/thread-pool.h"
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
    BlockBackend *blk;
    bool has_data;              /* file: generations; null: zeroes */
    uint64_t seq[NBLOCKS];      /* per block: 2 * generation (+1 writing) */
    int stop;
    int64_t verify_errors;
    int64_t io_errors;
    int64_t judged_reads;       /* other-owner reads checked exactly */
    int64_t racing_reads;       /* overlapped a write: not judged */
    int64_t aio_requests;
    int64_t barriers;
    char first_error[256];
    int have_error;
} Stress;

typedef struct Job {
    Stress *s;
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

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t rng_next(uint64_t *state)
{
    *state = mix64(*state);
    return *state;
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
        w[i] = mix64(((uint64_t)block << 40) ^ (gen << 12) ^ i);
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

static int coroutine_fn co_rw(Stress *s, bool use_aio, bool write,
                              int block, uint8_t *buf, BdrvRequestFlags flags)
{
    int64_t off = (int64_t)block * BLK;
    QEMUIOVector qiov;
    AioWaiter w = { .co = qemu_coroutine_self() };

    if (!use_aio) {
        return write ? blk_co_pwrite(s->blk, off, BLK, buf, flags)
                     : blk_co_pread(s->blk, off, BLK, buf, flags);
    }
    add(&s->aio_requests, 1);
    qemu_iovec_init_buf(&qiov, buf, BLK);
    if (write) {
        blk_aio_pwritev(s->blk, off, &qiov, flags, aio_waiter_cb, &w);
    } else {
        blk_aio_preadv(s->blk, off, &qiov, flags, aio_waiter_cb, &w);
    }
    while (!w.done) {
        qemu_coroutine_yield();
    }
    return w.ret;
}

static int coroutine_fn co_flush(Stress *s, bool use_aio)
{
    AioWaiter w = { .co = qemu_coroutine_self() };

    if (!use_aio) {
        return blk_co_flush(s->blk);
    }
    add(&s->aio_requests, 1);
    blk_aio_flush(s->blk, aio_waiter_cb, &w);
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
    int block = j->first_block + (int)(rng_next(&j->rng) % JOB_BLOCKS);
    uint64_t seq = __atomic_load_n(&s->seq[block], __ATOMIC_SEQ_CST);
    uint64_t gen = seq / 2 + 1;
    uint64_t r = rng_next(&j->rng);
    BdrvRequestFlags flags = (r % 64 == 0) ? BDRV_REQ_BARRIER :
                             (r % 16 == 0) ? BDRV_REQ_FUA : 0;
    int ret;

    fill_block(buf, block, gen);
    __atomic_store_n(&s->seq[block], seq + 1, __ATOMIC_SEQ_CST);
    ret = co_rw(s, use_aio, true, block, buf, flags);
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
    ret = co_rw(s, use_aio, false, block, buf, 0);
    if (ret < 0) {
        io_error(s, "read back", block, ret);
        return;
    }
    check_block(s, buf, block, gen, "read back own block");
}

static void coroutine_fn job_read_any(Job *j, uint8_t *buf, bool use_aio)
{
    Stress *s = j->s;
    int block = (int)(rng_next(&j->rng) % NBLOCKS);
    uint64_t before, after;
    int ret;

    if (block >= j->first_block && block < j->first_block + JOB_BLOCKS) {
        return;                 /* own blocks are checked after each write */
    }
    memset(buf, 0x5a, BLK);
    before = __atomic_load_n(&s->seq[block], __ATOMIC_SEQ_CST);
    ret = co_rw(s, use_aio, false, block, buf, 0);
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
        uint64_t r = rng_next(&j->rng);
        bool use_aio = (r >> 8) % 4 == 0;
        unsigned op = r % 32;
        int ret;

        if (op < 14) {
            job_write_own(j, buf, use_aio);
        } else if (op < 31) {
            job_read_any(j, buf, use_aio);
        } else if ((ret = co_flush(j->s, use_aio)) < 0) {
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

static BlockDriverState *root_of(BlockBackend *blk)
{
    BlockDriverState *bs;

    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(blk);
    bdrv_graph_rdunlock_main_loop();
    return bs;
}

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

/* Something disruptive between inserting and removing the filter. */
static void main_disrupt(Stress *s, BlockDriverState *bs,
                         BlockDriverState *filter, unsigned step)
{
    int ret;

    switch (step % 6) {
    case 0:
        /* Nothing enters the node while it is drained, though requests
         * keep arriving at the backend.  (blk_in_flight() is not checked
         * here: a request arriving during the drain counts itself for a
         * moment before it sees the drain and backs out to wait.) */
        bdrv_drained_begin(bs);
        assert_int_equal(bdrv_in_flight(bs), 0);
        main_loop_idle_ns(500000);
        assert_int_equal(bdrv_in_flight(bs), 0);
        bdrv_drained_end(bs);
        break;
    case 1:
        blk_drain(s->blk);
        break;
    case 2:
        bdrv_drain_all();
        break;
    case 3:
        main_barrier_write(s, MAIN_FIRST + (int)(step / 6) % MAIN_BLOCKS);
        break;
    case 4:
        if ((ret = blk_flush(s->blk)) < 0) {
            io_error(s, "main-loop flush", -1, ret);
        }
        break;
    case 5:
        /* Drain the filter itself while it is in the graph. */
        bdrv_drained_begin(filter);
        assert_int_equal(bdrv_in_flight(filter), 0);
        bdrv_drained_end(filter);
        break;
    }
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

    while (qemu_clock_get_ns() < end) {
        Error *err = NULL;
        BlockDriverState *filter =
            bdrv_insert_filter(bs, "driver=throttle,iops-total=100000", &err);

        if (!filter) {
            fail_msg("bdrv_insert_filter: %s", error_get_pretty(err));
        }
        ms->inserts++;
        assert_ptr_equal(root_of(s->blk), filter);
        main_loop_idle_ns(1000000);
        main_disrupt(s, bs, filter, step++);
        main_loop_idle_ns(1000000);
        if (bdrv_remove_filter(filter, &err) < 0) {
            fail_msg("bdrv_remove_filter: %s", error_get_pretty(err));
        }
        ms->removes++;
        assert_ptr_equal(root_of(s->blk), bs);
        main_loop_idle_ns(1000000);
    }
}

/* ---- one run ------------------------------------------------------------------ */

static int64_t run_ns(void)
{
    long secs = rt_stress_seconds();

    return secs > 0 ? secs * 1000000000LL : 500000000LL;
}

static void stress_run(const char *optstr, bool has_data)
{
    Stress *s = calloc(1, sizeof(*s));
    IOThread *threads[NTHREADS];
    Job jobs[NJOBS];
    MainStats ms = { 0 };
    Error *err = NULL;
    BlockDriverState *bs;
    uint8_t *buf;
    int64_t total_ops = 0;

    alarm((unsigned)(run_ns() / 1000000000LL) + 120);   /* the watchdog */
    s->blk = blk_new_open("stress", optstr, &err);
    if (!s->blk) {
        fail_msg("open '%s': %s", optstr, error_get_pretty(err));
    }
    s->has_data = has_data;
    bs = root_of(s->blk);
    assert_int_equal(blk_getlength(s->blk), (int64_t)NBLOCKS * BLK);

    assert_int_equal(rt_iothreads_start(threads, NTHREADS, "stress"), 0);
    for (int i = 0; i < NJOBS; i++) {
        jobs[i] = (Job) { .s = s, .id = i, .first_block = i * JOB_BLOCKS,
                          .rng = mix64((uint64_t)i + 1) };
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
                  bdrv_in_flight(bs) == 0 && blk_in_flight(s->blk) == 0, 10000);
    /* A thread-pool worker may still be inside aio_co_wake() for a request
     * that already finished: quiesce the pool before the IOThreads' contexts
     * are freed (docs/runtime/file-driver.md, Limits).  Set
     * BLKCHECK_STRESS_NO_POOL_QUIESCE=1 to leave that out and reproduce the
     * race under TSan (it ends up as a use-after-free of the AioContext). */
    if (!getenv("BLKCHECK_STRESS_NO_POOL_QUIESCE")) {
        thread_pool_shutdown();
    }
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

    for (int i = 0; i < NJOBS; i++) {
        total_ops += jobs[i].ops;
        assert_true(jobs[i].ops > 0);
    }
    printf("# %s: %" PRId64 " ops (%" PRId64 " aio, %" PRId64 " barriers), "
           "%" PRId64 " judged / %" PRId64 " racing reads, %d filter "
           "inserts\n", optstr, total_ops, ld(&s->aio_requests),
           ld(&s->barriers), ld(&s->judged_reads), ld(&s->racing_reads),
           ms.inserts);
    if (s->have_error) {
        fail_msg("%s: %" PRId64 " verify errors, %" PRId64 " I/O errors; "
                 "first: %s", optstr, ld(&s->verify_errors),
                 ld(&s->io_errors), s->first_error);
    }
    assert_int_equal(ld(&s->verify_errors), 0);
    assert_int_equal(ld(&s->io_errors), 0);
    assert_true(ld(&s->judged_reads) > 0);
    assert_true(ms.inserts > 0);
    assert_int_equal(ms.inserts, ms.removes);
    assert_int_equal(bdrv_in_flight(bs), 0);
    assert_int_equal(blk_in_flight(s->blk), 0);
    blk_unref(s->blk);
    free(s);
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
static bool direct_io_works(const char *path)
{
    int fd = open(path, O_RDWR | O_DIRECT);

    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

/* Skip (with a message) when the driver or back end is not there. */
static bool variant_available(const char *optstr)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open("probe", optstr, &err);

    if (blk) {
        blk_unref(blk);
        return true;
    }
    printf("# SKIP '%s': %s\n", optstr, error_get_pretty(err));
    error_free(err);
    return false;
}

static void run_file(const char *aio, bool want_direct)
{
    char path[256], opts[512];

    if (!bdrv_find_driver("file")) {
        printf("# SKIP file/%s: no file driver in this build\n", aio);
        skip();
    }
    make_temp_file(path, sizeof(path));
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, aio, want_direct && direct_io_works(path) ? "on" : "off");
    if (!variant_available(opts)) {
        unlink(path);
        skip();
    }
    stress_run(opts, true);
    unlink(path);
}

static void test_stress_file_threads(void **state)
{
    (void)state;
    run_file("threads", false);
}

static void test_stress_file_io_uring(void **state)
{
    (void)state;
    run_file("io_uring", true);
}

static void run_null(const char *extra)
{
    char opts[128];

    snprintf(opts, sizeof(opts), "driver=null,read-zeroes=on,size=%d%s",
             NBLOCKS * BLK, extra);
    if (!variant_available(opts)) {
        skip();
    }
    stress_run(opts, false);
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

static int group_setup(void **state)
{
    if (rt_group_setup(state) < 0) {
        return -1;
    }
    /* throttle.c is in the library; until block.c lists it among the
     * built-in drivers, make it known here. */
    if (!bdrv_find_driver("throttle")) {
        bdrv_register(&bdrv_throttle);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_file_threads),
        cmocka_unit_test(test_stress_file_io_uring),
        cmocka_unit_test(test_stress_null),
        cmocka_unit_test(test_stress_null_latency),
    };

    return cmocka_run_group_tests(tests, group_setup, rt_group_teardown);
}
