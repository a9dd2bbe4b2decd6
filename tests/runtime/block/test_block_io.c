/*
 * test_block_io.c - the generic request layer and the BlockBackend:
 * validation, read-modify-write and its serialisation, splitting, bounce
 * buffers, FUA, barriers across queues, drain with waiting requests, the
 * callback API's completion context, and the generated wrappers.
 *
 * Runs on the RAM-backed memtest driver so that what reaches the driver can
 * be checked.  Context: main loop plus IOThreads.
 */
#include <errno.h>
#include <string.h>

#include "rt-test.h"
#include "block-test.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "memtest-driver.h"
#include "sysemu/block-backend.h"

static MemtestState *mt(BlockBackend *blk)
{
    BlockDriverState *bs;

    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(blk);
    bdrv_graph_rdunlock_main_loop();
    return memtest_state(bs);
}

/* ---- jobs: coroutines started in IOThreads, waited for by the main loop */

typedef struct Job Job;
struct Job {
    void (*fn)(Job *j);
    BlockBackend *blk;
    int id;
    int iterations;
    int errors;
    int done;
    int *stop;
};

static void coroutine_fn job_entry(void *opaque)
{
    Job *j = opaque;

    j->fn(j);
    __atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static void jobs_start(Job *jobs, int n, IOThread **threads, int nthreads)
{
    for (int i = 0; i < n; i++) {
        AioContext *ctx = iothread_get_aio_context(threads[i % nthreads]);

        aio_co_schedule(ctx, qemu_coroutine_create(job_entry, &jobs[i]));
    }
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

static void jobs_wait(Job *jobs, int n)
{
    AIO_WAIT_WHILE(qemu_get_aio_context(), jobs_running(jobs, n));
}

/* ---- validation ---------------------------------------------------- */

static void test_validation(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M");
    BlockBackend *ro = bt_open_blk("driver=memtest,size=1M,read-only=on");
    BlockBackend *empty = blk_new("empty");
    char buf[1024] = { 0 };

    (void)state;
    assert_int_equal(blk_pread(blk, -1, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, 0, -1, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, (1 << 20) - 256, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(blk, 1 << 20, 1, buf, 0), -EIO);
    assert_int_equal(blk_pread(blk, INT64_MAX - 10, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, BDRV_REQUEST_MAX_BYTES + 1, 0),
                     -EINVAL);
    assert_int_equal(blk_pread(blk, 0, 512, buf, 0x100), -EINVAL);
    assert_int_equal(blk_pread(blk, 1 << 20, 0, buf, 0), 0);
    assert_int_equal(blk_pread(blk, 512, 0, buf, 0), 0);
    assert_int_equal(bt_load(&mt(blk)->reads), 0);       /* nothing reached it */

    blk_set_request_alignment(blk, 512);
    assert_int_equal(blk_pread(blk, 100, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 512, 100, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, 512, 512, buf, 0), 0);

    assert_int_equal(blk_pwrite(ro, 0, 512, buf, 0), -EROFS);
    assert_int_equal(blk_pwrite_zeroes(ro, 0, 512, 0), -EROFS);
    assert_int_equal(blk_pdiscard(ro, 0, 512), -EROFS);
    assert_int_equal(blk_pread(ro, 0, 512, buf, 0), 0);

    assert_int_equal(blk_pread(empty, 0, 512, buf, 0), -EIO);
    assert_int_equal(blk_flush(empty), -EIO);
    assert_int_equal(blk_getlength(blk), 1 << 20);

    assert_int_equal(bt_load(&mt(blk)->violations), 0);
    blk_unref(blk);
    blk_unref(ro);
    blk_unref(empty);
}

/* ---- alignment ----------------------------------------------------- */

static void test_rmw_data(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=64k,align=512,mem-align=512");
    static uint8_t model[8192], got[8192 + 1], pattern[3000];

    (void)state;
    for (size_t i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }
    memset(model, 0, sizeof(model));
    /* Misaligned offset and length, within one block and across several. */
    assert_int_equal(blk_pwrite(blk, 100, 1000, pattern, 0), 0);
    memcpy(model + 100, pattern, 1000);
    assert_int_equal(blk_pwrite(blk, 3, 5, pattern + 1000, 0), 0);
    memcpy(model + 3, pattern + 1000, 5);
    assert_int_equal(blk_pwrite(blk, 2000, 3000, pattern, BDRV_REQ_FUA), 0);
    memcpy(model + 2000, pattern, 3000);
    /* Misaligned zeroes fall back to the read-modify-write path. */
    assert_int_equal(blk_pwrite_zeroes(blk, 2100, 10, 0), 0);
    memset(model + 2100, 0, 10);

    /* Read misaligned, into a misaligned buffer. */
    assert_int_equal(blk_pread(blk, 0, 8192, got + 1, 0), 0);
    assert_memory_equal(got + 1, model, 8192);
    assert_int_equal(blk_pread(blk, 97, 1111, got + 1, 0), 0);
    assert_memory_equal(got + 1, model + 97, 1111);

    assert_int_equal(bt_load(&mt(blk)->violations), 0);
    blk_unref(blk);
}

static void coroutine_fn rmw_writer(Job *j)
{
    /* Every writer owns one byte of the same 4 KiB block. */
    for (int i = 0; i < j->iterations; i++) {
        uint8_t v = (uint8_t)(i + 1);

        if (blk_co_pwrite(j->blk, j->id * 3, 1, &v, 0) < 0) {
            j->errors++;
        }
    }
}

static void test_rmw_serialised(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=64k,align=4096,latency-ns=20000");
    IOThread *threads[2];
    Job jobs[8];
    uint8_t block[4096];
    int iterations = 100;

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 2, "rmw"), 0);
    for (int i = 0; i < 8; i++) {
        jobs[i] = (Job) { .fn = rmw_writer, .blk = blk, .id = i,
                          .iterations = iterations };
    }
    jobs_start(jobs, 8, threads, 2);
    jobs_wait(jobs, 8);
    rt_iothreads_stop(threads, 2);

    /* A lost update (two overlapping read-modify-writes) leaves a byte
     * behind its writer's last value. */
    assert_int_equal(blk_pread(blk, 0, 4096, block, 0), 0);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(jobs[i].errors, 0);
        assert_int_equal(block[i * 3], (uint8_t)iterations);
    }
    assert_int_equal(bt_load(&mt(blk)->violations), 0);
    blk_unref(blk);
}

static void test_split_and_bounce(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M,max-transfer=4k,mem-align=4k");
    static uint8_t out[65536 + 1], in[65536 + 1];

    (void)state;
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(i ^ (i >> 8));
    }
    assert_int_equal(blk_pwrite(blk, 8192, 65536, out + 1, 0), 0);
    assert_int_equal(bt_load(&mt(blk)->writes), 16);
    assert_int_equal(blk_pread(blk, 8192, 65536, in + 1, 0), 0);
    assert_int_equal(bt_load(&mt(blk)->reads), 16);
    assert_memory_equal(in + 1, out + 1, 65536);
    assert_int_equal(bt_load(&mt(blk)->violations), 0);
    blk_unref(blk);
}

/* ---- FUA and flush ------------------------------------------------- */

static void test_fua(void **state)
{
    BlockBackend *emulated = bt_open_blk("driver=memtest,size=1M");
    BlockBackend *native = bt_open_blk("driver=memtest-fua,size=1M");
    char buf[512] = { 1 };

    (void)state;
    assert_int_equal(blk_pwrite(emulated, 0, 512, buf, 0), 0);
    assert_int_equal(bt_load(&mt(emulated)->flushes), 0);
    assert_int_equal(blk_pwrite(emulated, 0, 512, buf, BDRV_REQ_FUA), 0);
    assert_int_equal(bt_load(&mt(emulated)->flushes), 1);
    assert_int_equal(blk_flush(emulated), 0);
    assert_int_equal(bt_load(&mt(emulated)->flushes), 2);

    assert_int_equal(blk_pwrite(native, 0, 512, buf, BDRV_REQ_FUA), 0);
    assert_int_equal(bt_load(&mt(native)->flushes), 0);
    /* No write_zeroes callback: zeroes become a written buffer, FUA too. */
    assert_int_equal(blk_pwrite_zeroes(native, 0, 4096, BDRV_REQ_FUA), 0);
    assert_int_equal(bt_load(&mt(native)->flushes), 0);
    assert_int_equal(blk_pwrite_zeroes(native, 0, 4096, BDRV_REQ_NO_FALLBACK),
                     -ENOTSUP);
    blk_unref(emulated);
    blk_unref(native);
}

/* ---- barrier across queues ------------------------------------------- */

#define BARRIER_OFFSET (512 * 1000)

static void coroutine_fn barrier_writer(Job *j)
{
    char buf[512];

    memset(buf, j->id, sizeof(buf));
    for (int i = 0; i < j->iterations; i++) {
        int64_t off = (int64_t)(j->id * j->iterations + i) * 512;

        if (blk_co_pwrite(j->blk, off, 512, buf, 0) < 0) {
            j->errors++;
        }
        if (j->id == 0 && i == j->iterations / 2 &&
            blk_co_pwrite(j->blk, BARRIER_OFFSET, 512, buf,
                          BDRV_REQ_BARRIER) < 0) {
            j->errors++;
        }
    }
}

static void test_barrier(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M,latency-ns=100000");
    MemtestState *s = mt(blk);
    IOThread *threads[2];
    Job jobs[16];

    (void)state;
    __atomic_store_n(&s->solo_offset, BARRIER_OFFSET, __ATOMIC_SEQ_CST);
    assert_int_equal(rt_iothreads_start(threads, 2, "barrier"), 0);
    for (int i = 0; i < 16; i++) {
        jobs[i] = (Job) { .fn = barrier_writer, .blk = blk, .id = i,
                          .iterations = 40 };
    }
    jobs_start(jobs, 16, threads, 2);
    jobs_wait(jobs, 16);
    rt_iothreads_stop(threads, 2);

    for (int i = 0; i < 16; i++) {
        assert_int_equal(jobs[i].errors, 0);
    }
    assert_int_equal(bt_load(&s->solo_seen), 1);
    /* Alone in the driver when it started and when it finished. */
    assert_int_equal(bt_load(&s->solo_violations), 0);
    /* Flushed before (the earlier writes) and after (the barrier itself). */
    assert_int_equal(bt_load(&s->flushes_at_solo), 1);
    assert_int_equal(bt_load(&s->flushes), 2);
    /* The others did run concurrently: the test can see overlap. */
    assert_true(bt_load(&s->max_active) > 1);
    assert_int_equal(bt_load(&s->violations), 0);
    blk_unref(blk);
}

/* ---- drain ----------------------------------------------------------- */

static void coroutine_fn drain_reader(Job *j)
{
    char buf[512];

    while (!__atomic_load_n(j->stop, __ATOMIC_SEQ_CST)) {
        if (blk_co_pread(j->blk, (j->id % 64) * 512, 512, buf, 0) < 0) {
            j->errors++;
        }
        j->iterations++;
    }
}

static void test_drain(void **state)
{
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M,latency-ns=500000");
    BlockDriverState *bs = bt_root(blk);
    MemtestState *s = mt(blk);
    IOThread *threads[2];
    Job jobs[8];
    int stop = 0;
    int64_t reads;

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 2, "drain"), 0);
    for (int i = 0; i < 8; i++) {
        jobs[i] = (Job) { .fn = drain_reader, .blk = blk, .id = i,
                          .stop = &stop };
    }
    jobs_start(jobs, 8, threads, 2);
    while (bt_load(&s->reads) < 50) {
        usleep(1000);
    }

    bdrv_drained_begin(bs);
    assert_true(bdrv_is_drained(bs));
    /* Not blk_in_flight(): a request arriving now counts itself for a
     * moment before it sees the drain and backs out. */
    assert_int_equal(bdrv_in_flight(bs), 0);
    reads = bt_load(&s->reads);
    usleep(20000);          /* 40 request latencies: all of them wait */
    assert_int_equal(bt_load(&s->reads), reads);
    assert_int_equal(bt_load(&s->active), 0);
    bdrv_drained_end(bs);
    assert_false(bdrv_is_drained(bs));

    while (bt_load(&s->reads) < reads + 50) {
        usleep(1000);
    }
    bdrv_drain_all();       /* with requests running: must return */
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    jobs_wait(jobs, 8);
    assert_int_equal(bdrv_in_flight(bs), 0);
    rt_iothreads_stop(threads, 2);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(jobs[i].errors, 0);
    }
    blk_drain(blk);
    assert_int_equal(blk_in_flight(blk), 0);
    blk_unref(blk);
}

/* ---- callback API ---------------------------------------------------- */

typedef struct AioProbe {
    BlockBackend *blk;
    AioContext *submit_ctx;
    AioContext *complete_ctx;
    bool in_submit;
    bool completed_in_submit;
    int ret;
    int done;
    char buf[512];
    QEMUIOVector qiov;
} AioProbe;

static void aio_probe_cb(void *opaque, int ret)
{
    AioProbe *p = opaque;

    p->complete_ctx = qemu_get_current_aio_context();
    p->completed_in_submit = p->in_submit;
    p->ret = ret;
    __atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static void aio_probe_submit(void *opaque)
{
    AioProbe *p = opaque;

    p->submit_ctx = qemu_get_current_aio_context();
    qemu_iovec_init_buf(&p->qiov, p->buf, sizeof(p->buf));
    p->in_submit = true;
    blk_aio_preadv(p->blk, 0, &p->qiov, 0, aio_probe_cb, p);
    p->in_submit = false;
}

static void test_aio_completion_context(void **state)
{
    IOThread *threads[1];
    /* No latency: the request completes inside the submission. */
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M");
    AioProbe p = { .blk = blk };

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 1, "aio"), 0);
    aio_bh_schedule_oneshot(iothread_get_aio_context(threads[0]),
                            aio_probe_submit, &p);
    AIO_WAIT_WHILE(qemu_get_aio_context(),
                   !__atomic_load_n(&p.done, __ATOMIC_SEQ_CST));
    assert_int_equal(p.ret, 0);
    assert_ptr_equal(p.submit_ctx, iothread_get_aio_context(threads[0]));
    assert_ptr_equal(p.complete_ctx, p.submit_ctx);
    assert_false(p.completed_in_submit);
    blk_drain(blk);
    rt_iothreads_stop(threads, 1);
    blk_unref(blk);
}

/* ---- generated wrappers from a coroutine -------------------------------- */

typedef struct WrapperProbe {
    BlockBackend *blk;
    BlockDriverState *opened;
    int ret;
    int done;
} WrapperProbe;

static void coroutine_fn wrapper_probe_entry(void *opaque)
{
    WrapperProbe *p = opaque;
    char out[512], in[512];
    Error *err = NULL;

    memset(out, 0x5a, sizeof(out));
    /* co_wrapper_mixed in a coroutine: a direct call of the twin. */
    p->ret = blk_pwrite(p->blk, 4096, 512, out, 0);
    if (p->ret == 0) {
        p->ret = blk_pread(p->blk, 4096, 512, in, 0);
    }
    if (p->ret == 0 && memcmp(in, out, sizeof(in)) != 0) {
        p->ret = -EIO;
    }
    /* no_co_wrapper: the open runs in the main loop. */
    p->opened = bdrv_co_open_opts("driver=memtest,size=4k", &err);
    error_free(err);
    __atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static void test_wrappers_in_coroutine(void **state)
{
    IOThread *threads[1];
    BlockBackend *blk = bt_open_blk("driver=memtest,size=1M");
    WrapperProbe p = { .blk = blk };

    (void)state;
    assert_int_equal(rt_iothreads_start(threads, 1, "wrap"), 0);
    aio_co_schedule(iothread_get_aio_context(threads[0]),
                    qemu_coroutine_create(wrapper_probe_entry, &p));
    AIO_WAIT_WHILE(qemu_get_aio_context(),
                   !__atomic_load_n(&p.done, __ATOMIC_SEQ_CST));
    rt_iothreads_stop(threads, 1);
    assert_int_equal(p.ret, 0);
    assert_non_null(p.opened);
    assert_string_equal(bdrv_get_format_name(p.opened), "memtest");
    bdrv_unref(p.opened);
    blk_unref(blk);
}

static int group_setup(void **state)
{
    if (rt_group_setup(state) < 0) {
        return -1;
    }
    bdrv_register(&bdrv_memtest);
    bdrv_register(&bdrv_memtest_fua);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_rmw_data),
        cmocka_unit_test(test_rmw_serialised),
        cmocka_unit_test(test_split_and_bounce),
        cmocka_unit_test(test_fua),
        cmocka_unit_test(test_barrier),
        cmocka_unit_test(test_drain),
        cmocka_unit_test(test_aio_completion_context),
        cmocka_unit_test(test_wrappers_in_coroutine),
    };

    return cmocka_run_group_tests(tests, group_setup, rt_group_teardown);
}
