/*
 * test_graph_lock.c - the block-graph reader/writer lock
 *
 * Readers are coroutines in several IOThreads (and the main loop); the
 * writer is the main loop.  The writer changes a "graph generation" (odd
 * while it writes) and a plain payload; a reader checks that neither changes
 * while it holds the read lock, across a yield, so the test fails when the
 * writer does not wait for readers or readers do not wait for the writer.
 * BLKCHECK_STRESS_SECONDS lengthens the stress case.
 */
#include "rt-test.h"

#include "block/aio-wait.h"
#include "block/graph-lock.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"

enum { NR_IOTHREADS = 3, CO_PER_THREAD = 2, NR_WAITERS = 6 };

static IOThread *iothreads[NR_IOTHREADS];

static int setup_iothreads(void **state)
{
    if (rt_group_setup(state) < 0) {
        return -1;
    }
    return rt_iothreads_start(iothreads, NR_IOTHREADS, "gl-io");
}

static int teardown_iothreads(void **state)
{
    rt_iothreads_stop(iothreads, NR_IOTHREADS);
    return rt_group_teardown(state);
}

static AioContext *io_ctx(int i)
{
    return iothread_get_aio_context(iothreads[i % NR_IOTHREADS]);
}

/* Yield and come back in the same context (a yield inside the section). */
static void coroutine_fn reschedule_self(void)
{
    aio_co_schedule(qemu_get_current_aio_context(), qemu_coroutine_self());
    qemu_coroutine_yield();
}

/* ---- exclusion under stress ----------------------------------------------- */

static unsigned long generation;        /* atomic; odd while the writer writes */
static unsigned long payload;           /* plain: TSan checks happens-before */
static int stop;
static int finished;
static long read_sections;
static int violations;

static void coroutine_fn stress_reader(void *opaque)
{
    long n = 0;

    (void)opaque;
    while (!qatomic_load_acquire(&stop)) {
        unsigned long g0, g1, p;

        bdrv_graph_co_rdlock();
        g0 = qatomic_read(&generation);
        p = payload;
        if (n & 1) {
            reschedule_self();
        }
        g1 = qatomic_read(&generation);
        if ((g0 & 1) || g0 != g1 || p != g0) {
            qatomic_inc(&violations);
        }
        bdrv_graph_co_rdunlock();
        n++;
        if (!(n & 7)) {
            reschedule_self();          /* let the BHs of the context run */
        }
    }
    qatomic_fetch_add(&read_sections, n);
    qatomic_inc(&finished);
    aio_wait_kick();
}

static void test_exclusion_stress(void **state)
{
    long secs = rt_stress_seconds();
    int64_t end = qemu_clock_get_ns() + (secs > 0 ? secs * 1000000000LL : 600000000LL);
    int nr_readers = NR_IOTHREADS * CO_PER_THREAD + 1;
    long writes = 0, before;

    (void)state;
    stop = 0;
    finished = 0;
    read_sections = 0;
    violations = 0;
    for (int i = 0; i < NR_IOTHREADS * CO_PER_THREAD; i++) {
        aio_co_schedule(io_ctx(i), qemu_coroutine_create(stress_reader, NULL));
    }
    /* One reader in the main loop: it runs while the writer polls. */
    aio_co_schedule(qemu_get_aio_context(), qemu_coroutine_create(stress_reader, NULL));

    while (qemu_clock_get_ns() < end) {
        bdrv_graph_wrlock();
        assert_bdrv_graph_writable();
        qatomic_set(&generation, generation + 1);       /* odd: writing */
        for (volatile int spin = 0; spin < 2000; spin++) {
        }
        payload = generation + 1;
        qatomic_set(&generation, generation + 1);       /* even: done */
        bdrv_graph_wrunlock();
        writes++;
        before = qemu_clock_get_ns();
        while (qemu_clock_get_ns() - before < 20000) {
            aio_poll(qemu_get_aio_context(), false);
        }
    }
    qatomic_store_release(&stop, 1);
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&finished) < nr_readers);

    assert_int_equal(violations, 0);
    assert_true(writes > 10);
    assert_true(read_sections > writes);    /* readers ran between writes */
    assert_int_equal(generation, 2 * writes);
}

/* ---- guards --------------------------------------------------------------- */

static int guard_held;          /* atomic */
static int writer_started;      /* atomic */
static int guard_released;      /* atomic */
static int guard_done;          /* atomic */

static void coroutine_fn guard_entry(void *opaque)
{
    bool with_form = opaque != NULL;

    if (with_form) {
        WITH_GRAPH_RDLOCK_GUARD() {
            qatomic_store_seq(&guard_held, 1);
            aio_wait_kick();
            while (!qatomic_load_seq(&writer_started)) {
                qemu_co_sleep_ns(1000000);
            }
            qemu_co_sleep_ns(30000000);     /* the writer must wait */
            qatomic_store_seq(&guard_released, 1);
        }
    } else {
        GRAPH_RDLOCK_GUARD();

        qatomic_store_seq(&guard_held, 1);
        aio_wait_kick();
        while (!qatomic_load_seq(&writer_started)) {
            qemu_co_sleep_ns(1000000);
        }
        qemu_co_sleep_ns(30000000);
        qatomic_store_seq(&guard_released, 1);
    }
    qatomic_store_seq(&guard_done, 1);
    aio_wait_kick();
}

static void run_guard(bool with_form)
{
    guard_held = writer_started = guard_released = guard_done = 0;
    aio_co_schedule(io_ctx(0), qemu_coroutine_create(guard_entry,
                                                     with_form ? (void *)1 : NULL));
    AIO_WAIT_WHILE(NULL, !qatomic_load_seq(&guard_held));
    qatomic_store_seq(&writer_started, 1);
    bdrv_graph_wrlock();                    /* waits for the guard's scope */
    assert_int_equal(qatomic_load_seq(&guard_released), 1);
    bdrv_graph_wrunlock();
    AIO_WAIT_WHILE(NULL, !qatomic_load_seq(&guard_done));
    /* The guard dropped the lock: a writer gets in at once. */
    bdrv_graph_wrlock();
    bdrv_graph_wrunlock();
}

static void test_guard(void **state)
{
    (void)state;
    run_guard(false);
}

static void test_with_guard(void **state)
{
    (void)state;
    run_guard(true);
}

/* ---- readers queued behind a pending writer resume ------------------------ */

static int got_lock;            /* atomic */
static int released;            /* atomic */

static void coroutine_fn waiting_reader(void *opaque)
{
    (void)opaque;
    bdrv_graph_co_rdlock();
    qatomic_inc(&got_lock);
    aio_wait_kick();
    bdrv_graph_co_rdunlock();
    qatomic_inc(&released);
    aio_wait_kick();
}

static void test_readers_wait_for_writer(void **state)
{
    int64_t until;

    (void)state;
    got_lock = released = 0;
    bdrv_graph_wrlock();
    for (int i = 0; i < NR_WAITERS; i++) {
        aio_co_schedule(io_ctx(i), qemu_coroutine_create(waiting_reader, NULL));
    }
    /* A main-loop coroutine reader queues too (entered directly). */
    qemu_coroutine_enter(qemu_coroutine_create(waiting_reader, NULL));

    until = qemu_clock_get_ns() + 50000000;
    while (qemu_clock_get_ns() < until) {
        aio_poll(qemu_get_aio_context(), false);
    }
    assert_int_equal(qatomic_load_seq(&got_lock), 0);
    bdrv_graph_wrunlock();
    RT_POLL_UNTIL(qemu_get_aio_context(), qatomic_load_seq(&released) == NR_WAITERS + 1, 5000);
    assert_int_equal(qatomic_load_seq(&got_lock), NR_WAITERS + 1);
}

/* ---- main-loop reader and the assertion helpers --------------------------- */

static void test_main_loop_reader(void **state)
{
    (void)state;
    bdrv_graph_rdlock_main_loop();
    assert_bdrv_graph_readable();
    bdrv_graph_rdunlock_main_loop();

    bdrv_graph_wrlock();
    assert_bdrv_graph_writable();
    assert_bdrv_graph_readable();
    bdrv_graph_wrunlock();
}

/*
 * ---- contract violations abort (checks are on without NDEBUG too) -------
 * The scenarios break the lock rules on purpose, so TSA is off for them.
 */

static void death_init(void)
{
    const char *err = NULL;

    if (!qemu_init_main_loop(&err)) {
        exit(1);
    }
}

static void TSA_NO_TSA death_recursive_wrlock(void)
{
    death_init();
    bdrv_graph_wrlock();
    bdrv_graph_wrlock();                /* aborts here */
    bdrv_graph_wrunlock();              /* balanced for sparse */
    bdrv_graph_wrunlock();
}

static void death_writable_unlocked(void)
{
    death_init();
    assert_bdrv_graph_writable();
}

static void TSA_NO_TSA death_main_loop_reader_under_writer(void)
{
    death_init();
    bdrv_graph_wrlock();
    bdrv_graph_rdlock_main_loop();      /* aborts here */
    bdrv_graph_rdunlock_main_loop();    /* balanced for sparse */
    bdrv_graph_wrunlock();
}

static const RtDeathCase death_cases[] = {
    { "recursive_wrlock", death_recursive_wrlock },
    { "writable_unlocked", death_writable_unlocked },
    { "main_loop_reader_under_writer", death_main_loop_reader_under_writer },
    { NULL, NULL },
};

static void test_contract_violations_abort(void **state)
{
    (void)state;
    rt_expect_death("recursive_wrlock", SIGABRT, "not recursive");
    rt_expect_death("writable_unlocked", SIGABRT, "write lock not held");
    rt_expect_death("main_loop_reader_under_writer", SIGABRT,
                    "bdrv_graph_rdlock_main_loop: write lock held");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_violations_abort),
        cmocka_unit_test(test_main_loop_reader),
        cmocka_unit_test(test_readers_wait_for_writer),
        cmocka_unit_test(test_guard),
        cmocka_unit_test(test_with_guard),
        cmocka_unit_test(test_exclusion_stress),
    };

    rt_death_dispatch(argc, argv, death_cases);
    return cmocka_run_group_tests(tests, setup_iothreads, teardown_iothreads);
}
