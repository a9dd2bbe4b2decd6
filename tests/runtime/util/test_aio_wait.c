/*
 * AIO_WAIT_WHILE() waiting for work finished in an IOThread, kicks from many
 * threads, aio_wait_bh_oneshot(), the BQL and code-class hook, and the
 * thread pool (results, bounded workers, idle exit).
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt-test.h"
#include "block/aio-wait.h"
#include "block/thread-pool.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "sysemu/iothread.h"

static IOThread *iothread;

static int setup(void **state)
{
    const char *err = NULL;

    if (rt_group_setup(state)) {
        return -1;
    }
    iothread = iothread_create("wait-io", &err);
    return iothread ? 0 : -1;
}

static int teardown(void **state)
{
    iothread_destroy(iothread);
    thread_pool_shutdown();
    return rt_group_teardown(state);
}

static bool work_done;      /* atomic */
static QemuThread work_thread;

static void slow_work_bh(void *opaque)
{
    (void)opaque;
    usleep(20000);
    qatomic_store_seq(&work_done, true);
    aio_wait_kick();
}

static void test_wait_for_iothread(void **state)
{
    bool waited;

    (void)state;
    work_done = false;
    aio_bh_schedule_oneshot(iothread_get_aio_context(iothread), slow_work_bh, NULL);
    waited = AIO_WAIT_WHILE(iothread_get_aio_context(iothread),
                            !qatomic_load_seq(&work_done));
    assert_true(waited);
    assert_true(work_done);
    waited = AIO_WAIT_WHILE(NULL, !qatomic_load_seq(&work_done));
    assert_false(waited);                           /* condition already false */
}

enum { KICKERS = 8, KICKS = 200 };

static unsigned kicked;     /* atomic */

static void *kicker(void *opaque)
{
    (void)opaque;
    for (int i = 0; i < KICKS; i++) {
        qatomic_inc(&kicked);
        aio_wait_kick();
    }
    return NULL;
}

static void test_kick_from_many_threads(void **state)
{
    QemuThread t[KICKERS];

    (void)state;
    kicked = 0;
    for (int i = 0; i < KICKERS; i++) {
        qemu_thread_create(&t[i], "kicker", kicker, NULL, QEMU_THREAD_JOINABLE);
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&kicked) < KICKERS * KICKS);
    for (int i = 0; i < KICKERS; i++) {
        qemu_thread_join(&t[i]);
    }
    assert_int_equal(kicked, KICKERS * KICKS);
    while (aio_poll(qemu_get_aio_context(), false)) {
        /* drain the kick BHs */
    }
    (void)work_thread;
}

static void record_thread(void *opaque)
{
    *(AioContext **)opaque = qemu_get_current_aio_context();
}

static void test_bh_oneshot_wait(void **state)
{
    AioContext *ran_in = NULL;

    (void)state;
    aio_wait_bh_oneshot(iothread_get_aio_context(iothread), record_thread, &ran_in);
    assert_ptr_equal(ran_in, iothread_get_aio_context(iothread));
    aio_wait_bh_oneshot(qemu_get_aio_context(), record_thread, &ran_in);
    assert_ptr_equal(ran_in, qemu_get_aio_context());
}

/* ---- IOThread life cycle --------------------------------------------------------- */

static unsigned late_bh_runs;   /* atomic */
static char thread_name[16];

static void late_bh(void *opaque)
{
    (void)opaque;
    usleep(100);
    qatomic_inc(&late_bh_runs);
}

static void name_bh(void *opaque)
{
    (void)opaque;
    pthread_getname_np(pthread_self(), thread_name, sizeof(thread_name));
}

static void test_iothread_destroy_runs_pending(void **state)
{
    const char *err = NULL;
    IOThread *t = iothread_create("lifecycle-io", &err);

    (void)state;
    assert_non_null(t);
    assert_string_equal(iothread_get_name(t), "lifecycle-io");
    aio_wait_bh_oneshot(iothread_get_aio_context(t), name_bh, NULL);
    assert_string_equal(thread_name, "lifecycle-io");
    late_bh_runs = 0;
    for (int i = 0; i < 50; i++) {
        aio_bh_schedule_oneshot(iothread_get_aio_context(t), late_bh, NULL);
    }
    iothread_destroy(t);                            /* joins after draining */
    assert_int_equal(qatomic_load_seq(&late_bh_runs), 50);
}

/* ---- BQL and code classes ----------------------------------------------------- */

static bool gs_ok_in_iothread = true;

static void check_gs(void *opaque)
{
    (void)opaque;
    gs_ok_in_iothread = blkcheck_code_class_ok(BLKCHECK_CODE_GLOBAL_STATE);
    bql_lock();
    *(bool *)opaque = blkcheck_code_class_ok(BLKCHECK_CODE_GLOBAL_STATE) && bql_locked();
    bql_unlock();
}

static void test_code_classes(void **state)
{
    bool with_bql = false;

    (void)state;
    assert_true(qemu_in_main_thread());
    assert_true(blkcheck_code_class_ok(BLKCHECK_CODE_GLOBAL_STATE));
    assert_true(blkcheck_code_class_ok(BLKCHECK_CODE_IO));
    aio_wait_bh_oneshot(iothread_get_aio_context(iothread), check_gs, &with_bql);
    assert_false(gs_ok_in_iothread);
    assert_true(with_bql);
    assert_false(bql_locked());
}

static void gs_in_iothread(void *opaque)
{
    (void)opaque;
    GLOBAL_STATE_CODE();                            /* aborts here */
}

static void gs_child(void)
{
    const char *err = NULL;

    qemu_init_main_loop(&err);
    iothread = iothread_create("child-io", &err);
    aio_wait_bh_oneshot(iothread_get_aio_context(iothread), gs_in_iothread, NULL);
}

static void test_gs_code_aborts_in_iothread(void **state)
{
    (void)state;
    rt_expect_death("gs_in_iothread", SIGABRT, "GLOBAL_STATE_CODE");
}

/* ---- thread pool ------------------------------------------------------------------ */

static int square(void *opaque)
{
    int v = *(int *)opaque;

    usleep(1000);                                   /* blocking is allowed */
    return v * v;
}

enum { POOL_COROUTINES = 32 };

static int pool_args[POOL_COROUTINES];
static int pool_results[POOL_COROUTINES];
static unsigned pool_finished;  /* atomic */

static void coroutine_fn pool_entry(void *opaque)
{
    int i = (int)(intptr_t)opaque;
    AioContext *before = qemu_get_current_aio_context();

    pool_results[i] = thread_pool_submit_co(square, &pool_args[i]);
    if (qemu_get_current_aio_context() != before) {
        pool_results[i] = -1;                       /* woken in the wrong context */
    }
    qatomic_inc(&pool_finished);
    aio_wait_kick();
}

static void test_thread_pool(void **state)
{
    (void)state;
    thread_pool_set_params(4, 50);
    pool_finished = 0;
    for (int i = 0; i < POOL_COROUTINES; i++) {
        AioContext *ctx = (i & 1) ? iothread_get_aio_context(iothread)
                                  : qemu_get_aio_context();

        pool_args[i] = i;
        pool_results[i] = 0;
        aio_co_schedule(ctx, qemu_coroutine_create(pool_entry, (void *)(intptr_t)i));
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&pool_finished) < POOL_COROUTINES);
    for (int i = 0; i < POOL_COROUTINES; i++) {
        assert_int_equal(pool_results[i], i * i);
    }
    assert_true(thread_pool_nr_workers() <= 4);
    /* Idle workers exit on their own after the idle timeout. */
    for (int i = 0; i < 200 && thread_pool_nr_workers() > 0; i++) {
        usleep(5000);
    }
    assert_int_equal(thread_pool_nr_workers(), 0);
}

/*
 * A worker wakes a coroutine in an IOThread that is destroyed as soon as
 * the coroutine finished: the worker may still be inside the wake-up (the
 * context's BH and notifier) when the context is freed, unless the wake-up
 * holds a reference.  Before the fix ASan/TSan reported a use after free.
 */
static int quick(void *opaque)
{
    (void)opaque;
    return 7;
}

static void coroutine_fn destroy_race_entry(void *opaque)
{
    int *result = opaque;

    qatomic_store_seq(result, thread_pool_submit_co(quick, NULL));
    aio_wait_kick();
}

static void test_thread_pool_wake_vs_destroy(void **state)
{
    int rounds = 300 * (1 + (int)rt_stress_seconds());

    (void)state;
    thread_pool_set_params(8, 10000);
    for (int i = 0; i < rounds; i++) {
        const char *err = NULL;
        IOThread *t = iothread_create("pool-race", &err);
        int result = 0;

        assert_non_null(t);
        aio_co_schedule(iothread_get_aio_context(t),
                        qemu_coroutine_create(destroy_race_entry, &result));
        AIO_WAIT_WHILE(NULL, qatomic_load_seq(&result) == 0);
        assert_int_equal(result, 7);
        iothread_destroy(t);    /* at once: the worker may still be waking */
    }
    thread_pool_shutdown();
}

static const RtDeathCase death_cases[] = {
    { "gs_in_iothread", gs_child },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_for_iothread),
        cmocka_unit_test(test_kick_from_many_threads),
        cmocka_unit_test(test_bh_oneshot_wait),
        cmocka_unit_test(test_iothread_destroy_runs_pending),
        cmocka_unit_test(test_code_classes),
        cmocka_unit_test(test_gs_code_aborts_in_iothread),
        cmocka_unit_test(test_thread_pool),
        cmocka_unit_test(test_thread_pool_wake_vs_destroy),
    };

    rt_death_dispatch(argc, argv, death_cases);
    return cmocka_run_group_tests(tests, setup, teardown);
}
