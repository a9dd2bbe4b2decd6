/*
 * test_throttle.c - the throttle filter end to end (runtime/block/throttle.c)
 *
 * Options and their error messages; IOPS and bandwidth limits measured on
 * the wall clock; bursts; that throttled requests sleep instead of burning
 * CPU; a shared limit across two IOThreads; independent read and write
 * limits; pass-through of data, flags, flush, zeroes, discard, length and
 * block status (on the RAM-backed memtest driver); and inserting and
 * removing the filter while IOThreads keep submitting.
 *
 * Timing windows are generous on the slow side (sanitizer builds) and
 * tight on the fast side, where a broken limit shows.  The whole program
 * takes about 2.5 s.  Context: main loop plus IOThreads.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "rt-test.h"
#include "block-test.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "memtest-driver.h"
#include "sysemu/block-backend.h"

#define MS 1000000LL

static int64_t now_ns(void)
{
    return qemu_clock_get_ns();
}

static int64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static BlockDriverState *child_of(BlockDriverState *bs)
{
    BlockDriverState *child;

    bdrv_graph_rdlock_main_loop();
    child = bs->file ? bs->file->bs : NULL;
    bdrv_graph_rdunlock_main_loop();
    return child;
}

/* ---- jobs: coroutines issuing requests, in the main loop or IOThreads */

typedef struct Job {
    BlockBackend *blk;
    bool write;
    int64_t size;           /* bytes per request; 0: 4096 */
    int count;              /* requests to issue; < 0: until *stop */
    int *stop;
    int64_t done;           /* atomic: requests completed */
    int64_t errors;         /* atomic */
    int64_t finished_ns;    /* atomic: when the last one completed */
    int finished;           /* atomic */
} Job;

static void coroutine_fn job_entry(void *opaque)
{
    Job *j = opaque;
    int64_t size = j->size ? j->size : 4096;
    uint8_t *buf = calloc(1, (size_t)size);

    assert_non_null(buf);
    for (int i = 0; j->count < 0 || i < j->count; i++) {
        int ret;

        if (j->stop && __atomic_load_n(j->stop, __ATOMIC_SEQ_CST)) {
            break;
        }
        ret = j->write ? blk_co_pwrite(j->blk, 4096LL * (i % 64), size, buf, 0)
                       : blk_co_pread(j->blk, 4096LL * (i % 64), size, buf, 0);
        if (ret < 0) {
            __atomic_add_fetch(&j->errors, 1, __ATOMIC_SEQ_CST);
        }
        __atomic_add_fetch(&j->done, 1, __ATOMIC_SEQ_CST);
    }
    free(buf);
    __atomic_store_n(&j->finished_ns, now_ns(), __ATOMIC_SEQ_CST);
    __atomic_store_n(&j->finished, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

/* Start @n jobs spread over @threads (NULL: all in the main loop). */
static void jobs_start(Job *jobs, int n, IOThread **threads, int nthreads)
{
    for (int i = 0; i < n; i++) {
        AioContext *ctx = threads ? iothread_get_aio_context(threads[i % nthreads])
                                  : qemu_get_aio_context();

        aio_co_schedule(ctx, qemu_coroutine_create(job_entry, &jobs[i]));
    }
}

static bool jobs_running(Job *jobs, int n)
{
    for (int i = 0; i < n; i++) {
        if (!__atomic_load_n(&jobs[i].finished, __ATOMIC_SEQ_CST)) {
            return true;
        }
    }
    return false;
}

static int64_t jobs_sum(Job *jobs, int n, bool errors)
{
    int64_t sum = 0;

    for (int i = 0; i < n; i++) {
        sum += __atomic_load_n(errors ? &jobs[i].errors : &jobs[i].done,
                               __ATOMIC_SEQ_CST);
    }
    return sum;
}

/* Wait (sleeping in aio_poll, not spinning) until every job finished. */
static void jobs_wait(Job *jobs, int n)
{
    AIO_WAIT_WHILE(qemu_get_aio_context(), jobs_running(jobs, n));
    assert_int_equal(jobs_sum(jobs, n, true), 0);
}

static void jobs_init(Job *jobs, int n, BlockBackend *blk, int count,
                      int *stop)
{
    memset(jobs, 0, sizeof(*jobs) * (size_t)n);
    for (int i = 0; i < n; i++) {
        jobs[i].blk = blk;
        jobs[i].count = count;
        jobs[i].stop = stop;
    }
}

static void assert_window(const char *what, int64_t ns, int64_t lo, int64_t hi)
{
    print_message("%s: %.3f s (window %.3f .. %.3f)\n", what, ns / 1e9,
                  lo / 1e9, hi / 1e9);
    if (ns < lo || ns > hi) {
        fail_msg("%s took %lld ns, outside [%lld, %lld]", what,
                 (long long)ns, (long long)lo, (long long)hi);
    }
}

/*
 * A limit is broken when requests finish early: the window is tight below
 * (7% under the exact schedule, for timer slack at the start) and loose
 * above, where a loaded machine or a sanitizer only adds latency.
 */
static void assert_about(const char *what, int64_t ns, int64_t expect)
{
    assert_window(what, ns, expect - expect / 14, expect + expect * 3 / 10 +
                  150 * MS);
}

/* Run @n single-request jobs at once in the main loop.
 * Returns: wall time until all finished; *@cpu: the process CPU time. */
static int64_t run_burst(BlockBackend *blk, Job *jobs, int n, int nwrites,
                         int64_t *cpu)
{
    int64_t t0, c0;

    jobs_init(jobs, n, blk, 1, NULL);
    for (int i = 0; i < nwrites; i++) {
        jobs[i].write = true;
    }
    c0 = cpu_ns();
    t0 = now_ns();
    jobs_start(jobs, n, NULL, 0);
    jobs_wait(jobs, n);
    if (cpu) {
        *cpu = cpu_ns() - c0;
    }
    return now_ns() - t0;
}

/* ---- options ---------------------------------------------------------- */

static void expect_open_error(const char *opts, const char *msg, bool exact)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open_opts(opts, &err);

    if (bs) {
        bdrv_unref(bs);
        fail_msg("'%s' opened", opts);
    }
    assert_non_null(err);
    if (exact ? strcmp(error_get_pretty(err), msg)
              : !strstr(error_get_pretty(err), msg)) {
        fail_msg("'%s': got \"%s\", want \"%s\"", opts,
                 error_get_pretty(err), msg);
    }
    error_free(err);
}

static void test_options(void **state)
{
    Error *err = NULL;
    BlockDriverState *bs, *child;

    (void)state;
    expect_open_error("driver=throttle,iops-total=100,iops-read=10,"
                      "file.driver=null",
                      "driver 'throttle': iops-total cannot be combined "
                      "with iops-read or iops-write", true);
    expect_open_error("driver=throttle,bps-total=1M,bps-write=1k,"
                      "file.driver=null",
                      "driver 'throttle': bps-total cannot be combined "
                      "with bps-read or bps-write", true);
    expect_open_error("driver=throttle,iops-write=100,iops-write-max=99,"
                      "file.driver=null",
                      "driver 'throttle': iops-write-max (99) must not be "
                      "below iops-write (100)", true);
    expect_open_error("driver=throttle,bps-read-max=1M,file.driver=null",
                      "driver 'throttle': bps-read-max needs bps-read", true);
    expect_open_error("driver=throttle,iops-read=2000000000000000,"
                      "file.driver=null",
                      "driver 'throttle': iops-read must be at most "
                      "1000000000000000, not 2000000000000000", true);
    expect_open_error("driver=throttle,iops=5,file.driver=null",
                      "driver 'throttle' has no option 'iops'", true);
    /* Malformed numbers: the option getters name key and value. */
    expect_open_error("driver=throttle,iops-total=fast,file.driver=null",
                      "iops-total", false);
    expect_open_error("driver=throttle,bps-total=1X,file.driver=null",
                      "bps-total", false);
    /* The child is required, and its own errors name it. */
    expect_open_error("driver=throttle,iops-total=10", "file", false);
    expect_open_error("driver=throttle,file.driver=nope", "nope", false);

    /* A valid mix: total of one kind, read/write of the other, suffixes. */
    bs = bdrv_open_opts("driver=throttle,node-name=thr,iops-total=100,"
                        "iops-total-max=300,bps-read=1M,bps-write=512k,"
                        "bps-write-max=2M,file.driver=null,file.size=1M,"
                        "file.node-name=base", &err);
    if (!bs) {
        fail_msg("%s", error_get_pretty(err));
    }
    assert_string_equal(bdrv_get_format_name(bs), "throttle");
    assert_true(bs->drv->is_filter);
    child = child_of(bs);
    assert_non_null(child);
    assert_string_equal(bdrv_get_node_name(child), "base");
    assert_int_equal(bdrv_getlength(bs), 1 << 20);

    /* file=NODE: an existing node as the child. */
    {
        BlockDriverState *top = bdrv_open_opts(
            "driver=throttle,iops-read=5,file=base", &err);

        if (!top) {
            fail_msg("%s", error_get_pretty(err));
        }
        assert_ptr_equal(child_of(top), child);
        bdrv_unref(top);
    }
    bdrv_unref(bs);
    assert_null(bdrv_find_node("base"));
}

/* ---- rates ------------------------------------------------------------ */

/* 60 requests at 200 IOPS without burst: 59 gaps of 5 ms.  They sleep:
 * the process uses far less CPU than wall time. */
static void test_iops_limit_sleeps(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-total=200,"
                                 "file.driver=null,file.size=1M");
    BlockBackend *raw = bt_open_blk("driver=null,size=1M");
    static Job jobs[60];
    int64_t wall, cpu;

    (void)state;
    wall = run_burst(blk, jobs, 60, 30, &cpu);
    assert_about("60 requests at 200 iops", wall, 295 * MS);
    print_message("cpu %.3f s of %.3f s wall\n", cpu / 1e9, wall / 1e9);
    assert_true(cpu < wall / 4);

    /* The control: the same without the filter is much faster. */
    wall = run_burst(raw, jobs, 60, 30, NULL);
    assert_true(wall < 100 * MS);
    blk_unref(blk);
    blk_unref(raw);
}

/* 32 requests of 4 KiB at 512 KiB/s: 31 gaps of 7.8 ms. */
static void test_bps_limit(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,bps-total=512k,"
                                 "file.driver=null,file.size=1M");
    static Job jobs[32];

    (void)state;
    assert_about("128 KiB at 512 KiB/s", run_burst(blk, jobs, 32, 16, NULL),
                 242 * MS);
    blk_unref(blk);
}

/* A capacity of 40 lets 40 through at once; 6 more need 6 * 50 ms. */
static void test_burst(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-total=20,"
                                 "iops-total-max=40,"
                                 "file.driver=null,file.size=1M");
    static Job jobs[46];
    int64_t t0, wall;
    int early = 0;

    (void)state;
    t0 = now_ns();
    wall = run_burst(blk, jobs, 46, 0, NULL);
    for (int i = 0; i < 46; i++) {
        early += jobs[i].finished_ns - t0 < 35 * MS;
    }
    print_message("%d of 46 within 35 ms\n", early);
    assert_int_equal(early, 40);
    assert_about("burst of 40 + 6 at 20 iops", wall, 300 * MS);

    /* 200 ms idle refill 4 tokens, not the whole bucket: 4 pass at once
     * and the 5th waits for the next token. */
    usleep(200 * 1000);
    wall = run_burst(blk, jobs, 5, 0, NULL);
    assert_window("4 refilled + 1", wall, 15 * MS, 150 * MS);
    blk_unref(blk);
}

/* Read and write limits are separate buckets: 20 + 20 at 100 each take
 * as long as 20 alone. */
static void test_read_write_limits(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-read=100,"
                                 "iops-write=100,"
                                 "file.driver=null,file.size=1M");
    static Job jobs[40];

    (void)state;
    assert_about("20 reads + 20 writes at 100 iops each",
                 run_burst(blk, jobs, 40, 20, NULL), 190 * MS);
    blk_unref(blk);
}

/* Two IOThreads with four queues each share one 200 IOPS limit. */
static void test_iothreads_share_limit(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-total=200,"
                                 "file.driver=null,file.size=1M");
    IOThread *threads[2];
    Job jobs[8];
    int64_t t0, wall;

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 2, "thr"), 0);
    jobs_init(jobs, 8, blk, 10, NULL);
    for (int i = 0; i < 8; i += 2) {
        jobs[i].write = true;
    }
    t0 = now_ns();
    jobs_start(jobs, 8, threads, 2);
    jobs_wait(jobs, 8);
    wall = now_ns() - t0;
    assert_int_equal(jobs_sum(jobs, 8, false), 80);
    assert_about("80 requests from 2 IOThreads at 200 iops", wall, 395 * MS);
    rt_iothreads_stop(threads, 2);
    blk_unref(blk);
}

/*
 * Fairness: a 256 KiB request arriving amid a stream of 4 KiB ones at
 * 1 MiB/s waits only for the ~8 small ones queued ahead of it (31 ms); it
 * is not overtaken by the small ones that keep coming (a bucket that
 * admitted whatever fits would starve it: the stream never lets it drain).
 * Its own 250 ms of bandwidth then delay the small ones behind it.
 */
static void test_large_not_starved(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,bps-total=1M,"
                                 "file.driver=null,file.size=1M");
    static Job small[8];
    Job big;
    int stop = 0;
    int64_t t0, wall, d0, d1;

    (void)state;
    jobs_init(small, 8, blk, -1, &stop);
    jobs_start(small, 8, NULL, 0);
    usleep(50 * 1000);
    jobs_init(&big, 1, blk, 1, NULL);
    big.size = 256 * 1024;
    t0 = now_ns();
    jobs_start(&big, 1, NULL, 0);
    AIO_WAIT_WHILE(qemu_get_aio_context(), jobs_running(&big, 1));
    wall = now_ns() - t0;
    assert_int_equal(big.errors, 0);
    assert_window("256 KiB behind 8 x 4 KiB at 1 MiB/s", wall, 15 * MS,
                  150 * MS);

    /* Small requests after it: none for ~250 ms (at most the 8 that were
     * already reserved ahead of it), instead of ~37. */
    d0 = jobs_sum(small, 8, false);
    t0 = now_ns();
    AIO_WAIT_WHILE(qemu_get_aio_context(), now_ns() - t0 < 150 * MS &&
                   jobs_running(small, 8));
    d1 = jobs_sum(small, 8, false);
    print_message("%lld small requests in the 150 ms after it\n",
                  (long long)(d1 - d0));
    assert_true(d1 - d0 <= 8);

    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    jobs_wait(small, 8);
    blk_unref(blk);
}

/*
 * Sleeping requests do not hold up a graph writer: a graph change
 * elsewhere (here: opening a node with a child, which takes the writer
 * lock) while 16 requests wait out a 1.6 s backlog finishes within a
 * slice (the sleepers see the pending writer and go) instead of stalling
 * the main loop, and every other queue's I/O, for the backlog.  A drain
 * releases them the same way.
 */
static void test_sleepers_do_not_block_graph(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-total=10,"
                                 "file.driver=null,file.size=1M");
    BlockDriverState *other;
    IOThread *threads[1];
    static Job jobs[16];
    Error *err = NULL;
    int64_t t0;

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 1, "gw"), 0);
    jobs_init(jobs, 16, blk, 1, NULL);
    jobs_start(jobs, 16, threads, 1);
    usleep(50 * 1000);
    assert_true(jobs_running(jobs, 16));

    t0 = now_ns();
    other = bdrv_open_opts("driver=throttle,file.driver=null", &err);
    if (!other) {
        fail_msg("%s", error_get_pretty(err));
    }
    bdrv_unref(other);
    assert_window("graph change beside 16 sleepers", now_ns() - t0, 0,
                  300 * MS);
    jobs_wait(jobs, 16);

    /* A new backlog: the buckets are far in debt now, so all of these
     * sleep until the drain lets them go. */
    jobs_init(jobs, 16, blk, 1, NULL);
    jobs_start(jobs, 16, threads, 1);
    usleep(50 * 1000);
    assert_true(jobs_running(jobs, 16));
    t0 = now_ns();
    blk_drain(blk);
    assert_window("drain with 16 sleepers", now_ns() - t0, 0, 300 * MS);
    jobs_wait(jobs, 16);
    rt_iothreads_stop(threads, 1);
    blk_unref(blk);
}

/* ---- pass-through ----------------------------------------------------- */

static void test_passthrough(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=throttle,iops-total=1,"
                                 "file.driver=memtest,file.size=1M");
    BlockDriverState *bs = bt_root(blk), *file = NULL;
    MemtestState *mt = memtest_state(child_of(bs));
    static uint8_t out[200000], in[200000];
    int64_t pnum = 0, map = -1, t0;
    int ret;

    (void)state;
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(i * 7 + 3);
    }
    /* One IOPS: the first write passes at once and empties the bucket for
     * a second; flush, length and block status do not wait for it. */
    assert_int_equal(blk_pwrite(blk, 0, 4096, out, BDRV_REQ_FUA), 0);
    t0 = now_ns();
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_getlength(blk), 1 << 20);
    ret = bdrv_block_status(bs, 0, 65536, &pnum, &map, &file);
    assert_true(ret >= 0);
    assert_true(pnum > 0 && pnum <= 65536);
    assert_true(now_ns() - t0 < 300 * MS);
    /* FUA reached the child (emulated there by a flush), then the flush. */
    assert_true(__atomic_load_n(&mt->flushes, __ATOMIC_SEQ_CST) >= 2);
    blk_unref(blk);

    /* Data and the other requests, at limits that do not slow us, on a
     * child with alignment and a transfer limit the filter takes on. */
    blk = bt_open_blk("driver=throttle,iops-total=100000,bps-total=1G,"
                   "file.driver=memtest,file.size=1M,file.align=4096,"
                   "file.max-transfer=65536");
    bs = bt_root(blk);
    mt = memtest_state(child_of(bs));
    assert_int_equal(bs->bl.request_alignment, 4096);
    assert_int_equal(bs->bl.max_transfer, 65536);
    assert_int_equal(blk_pwrite(blk, 100, sizeof(out), out, 0), 0);
    assert_int_equal(blk_pread(blk, 100, sizeof(in), in, 0), 0);
    assert_memory_equal(in, out, sizeof(in));
    assert_int_equal(blk_pwrite_zeroes(blk, 4096, 8192, 0), 0);
    assert_int_equal(blk_pread(blk, 4096, 8192, in, 0), 0);
    for (int i = 0; i < 8192; i++) {
        assert_int_equal(in[i], 0);
    }
    assert_int_equal(blk_pdiscard(blk, 65536, 65536), 0);
    assert_int_equal(__atomic_load_n(&mt->zeroes, __ATOMIC_SEQ_CST), 1);
    assert_int_equal(__atomic_load_n(&mt->discards, __ATOMIC_SEQ_CST), 1);
    assert_int_equal(__atomic_load_n(&mt->violations, __ATOMIC_SEQ_CST), 0);
    blk_unref(blk);

    /* No limit at all: a plain pass-through that never waits. */
    blk = bt_open_blk("driver=throttle,file.driver=memtest,file.size=1M");
    t0 = now_ns();
    for (int i = 0; i < 200; i++) {
        assert_int_equal(blk_pwrite(blk, 512 * i, 512, out + i, 0), 0);
    }
    assert_int_equal(blk_pread(blk, 0, 512 * 200, in, 0), 0);
    for (int i = 0; i < 200; i++) {
        assert_memory_equal(in + 512 * i, out + i, 512);
    }
    assert_true(now_ns() - t0 < 300 * MS);
    blk_unref(blk);
}

/* ---- insert and remove under I/O -------------------------------------- */

static void test_insert_remove_under_io(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=null,size=1M,node-name=base");
    BlockDriverState *base = bt_root(blk), *filter;
    IOThread *threads[2];
    static Job jobs[32];
    Error *err = NULL;
    int stop = 0;
    int64_t d0, d1, t0;

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 2, "ins"), 0);
    jobs_init(jobs, 32, blk, -1, &stop);
    jobs_start(jobs, 32, threads, 2);
    usleep(30 * 1000);
    assert_true(jobs_sum(jobs, 32, false) > 0);

    filter = bdrv_insert_filter(base, "driver=throttle,node-name=thr,"
                                "iops-total=20", &err);
    if (!filter) {
        fail_msg("insert: %s", error_get_pretty(err));
    }
    assert_ptr_equal(bt_root(blk), filter);

    /* 20 IOPS now: about 6 requests in 300 ms, not thousands. */
    d0 = jobs_sum(jobs, 32, false);
    usleep(300 * 1000);
    d1 = jobs_sum(jobs, 32, false);
    print_message("%lld requests in 300 ms at 20 iops\n", (long long)(d1 - d0));
    if (d1 - d0 < 2 || d1 - d0 > 12) {
        fail_msg("%lld requests in 300 ms at 20 iops (filter drained %d, "
                 "in flight: filter %lld, backend %lld)", (long long)(d1 - d0),
                 bdrv_is_drained(filter), (long long)bdrv_in_flight(filter),
                 (long long)blk_in_flight(blk));
    }

    /* 32 waiters hold a backlog of 1.6 s; the drain inside the removal
     * releases them, so it takes a slice, not the backlog. */
    t0 = now_ns();
    assert_int_equal(bdrv_remove_filter(filter, &err), 0);
    assert_window("remove with 32 throttled waiters", now_ns() - t0, 0,
                  400 * MS);
    assert_ptr_equal(bt_root(blk), base);

    d0 = jobs_sum(jobs, 32, false);
    usleep(100 * 1000);
    d1 = jobs_sum(jobs, 32, false);
    print_message("%lld requests in 100 ms unthrottled\n", (long long)(d1 - d0));
    assert_true(d1 - d0 > 200);

    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    jobs_wait(jobs, 32);
    rt_iothreads_stop(threads, 2);
    blk_unref(blk);
}

static int group_setup(void **state)
{
    if (rt_group_setup(state) < 0) {
        return -1;
    }
    assert_non_null(bdrv_find_driver("throttle"));     /* built in */
    bdrv_register(&bdrv_memtest);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_iops_limit_sleeps),
        cmocka_unit_test(test_bps_limit),
        cmocka_unit_test(test_burst),
        cmocka_unit_test(test_read_write_limits),
        cmocka_unit_test(test_iothreads_share_limit),
        cmocka_unit_test(test_large_not_starved),
        cmocka_unit_test(test_sleepers_do_not_block_graph),
        cmocka_unit_test(test_passthrough),
        cmocka_unit_test(test_insert_remove_under_io),
    };

    return cmocka_run_group_tests(tests, group_setup, rt_group_teardown);
}
