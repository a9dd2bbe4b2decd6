/*
 * Coroutine locks across threads: a CoMutex-protected counter incremented
 * by coroutines in 4 IOThreads is exact; CoQueue wakes in FIFO order with a
 * CoMutex or a QemuMutex; CoRwlock keeps writers away from readers, does
 * not starve a writer, and upgrades/downgrades.
 */
#include <string.h>

#include "rt-test.h"
#include "block/aio-wait.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/coroutine-lock.h"
#include "sysemu/iothread.h"

enum { NR_IOTHREADS = 4 };

static IOThread *iothreads[NR_IOTHREADS];

static int setup_iothreads(void **state)
{
    if (rt_group_setup(state)) {
        return -1;
    }
    return rt_iothreads_start(iothreads, NR_IOTHREADS, "colock");
}

static int teardown_iothreads(void **state)
{
    rt_iothreads_stop(iothreads, NR_IOTHREADS);
    return rt_group_teardown(state);
}

/* Let the rest of the context run, then continue (in the same context). */
static void coroutine_fn co_yield_to_loop(void)
{
    aio_co_schedule(qemu_get_current_aio_context(), qemu_coroutine_self());
    qemu_coroutine_yield();
}

/* ---- CoMutex counter ------------------------------------------------------ */

enum { CO_PER_THREAD = 8 };

static CoMutex counter_lock;
static long counter;            /* counter_lock */
static long iterations;
static unsigned finished;       /* atomic */

static void coroutine_fn counter_entry(void *opaque)
{
    (void)opaque;
    for (long i = 0; i < iterations; i++) {
        long v;

        qemu_co_mutex_lock(&counter_lock);
        v = counter;
        if ((i & 7) == 0) {
            co_yield_to_loop();         /* hold the lock across a yield */
        }
        counter = v + 1;
        qemu_co_mutex_unlock(&counter_lock);
    }
    qatomic_inc(&finished);
    aio_wait_kick();
}

static void test_co_mutex_counter(void **state)
{
    long secs = rt_stress_seconds();

    (void)state;
    iterations = secs > 0 ? 50000 * secs : 3000;
    counter = 0;
    finished = 0;
    qemu_co_mutex_init(&counter_lock);
    for (int t = 0; t < NR_IOTHREADS; t++) {
        for (int c = 0; c < CO_PER_THREAD; c++) {
            aio_co_schedule(iothread_get_aio_context(iothreads[t]),
                            qemu_coroutine_create(counter_entry, NULL));
        }
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&finished) < NR_IOTHREADS * CO_PER_THREAD);
    assert_int_equal(counter, iterations * NR_IOTHREADS * CO_PER_THREAD);
}

/* ---- CoQueue ------------------------------------------------------------------ */

static CoMutex q_lock;
static QemuMutex q_qlock;
static CoQueue queue;
static int wake_log[8];
static int wake_len;
static bool use_qemu_mutex;

static void coroutine_fn queue_waiter(void *opaque)
{
    int id = (int)(intptr_t)opaque;

    if (use_qemu_mutex) {
        qemu_mutex_lock(&q_qlock);
        qemu_co_queue_wait_qemu_mutex(&queue, &q_qlock);
        wake_log[wake_len++] = id;
        qemu_mutex_unlock(&q_qlock);
    } else {
        qemu_co_mutex_lock(&q_lock);
        qemu_co_queue_wait(&queue, &q_lock);
        wake_log[wake_len++] = id;
        qemu_co_mutex_unlock(&q_lock);
    }
}

static void run_queue_order(bool qemu_mutex)
{
    AioContext *ctx = qemu_get_aio_context();

    use_qemu_mutex = qemu_mutex;
    wake_len = 0;
    qemu_co_queue_init(&queue);
    qemu_co_mutex_init(&q_lock);
    qemu_mutex_init(&q_qlock);
    for (int i = 0; i < 5; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(queue_waiter, (void *)(intptr_t)i));
    }
    assert_false(qemu_co_queue_empty(&queue));
    assert_true(qemu_co_queue_next(&queue));        /* wakes 0 */
    RT_POLL_UNTIL(ctx, wake_len == 1, 2000);
    assert_int_equal(wake_log[0], 0);
    qemu_co_queue_restart_all(&queue);              /* 1..4 in order */
    RT_POLL_UNTIL(ctx, wake_len == 5, 2000);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(wake_log[i], i);
    }
    assert_true(qemu_co_queue_empty(&queue));
    assert_false(qemu_co_queue_next(&queue));
    qemu_mutex_destroy(&q_qlock);
}

static void test_co_queue_order(void **state)
{
    (void)state;
    run_queue_order(false);
    run_queue_order(true);
}

/* ---- CoRwlock ----------------------------------------------------------------- */

static CoRwlock rw;
static int readers_in;          /* atomic */
static int writers_in;          /* atomic */
static unsigned violations;     /* atomic */
static unsigned rw_finished;    /* atomic */
static long rw_iterations;

static void check_exclusion(void)
{
    int w = qatomic_load_seq(&writers_in), r = qatomic_load_seq(&readers_in);

    if (w > 1 || (w == 1 && r > 0)) {
        qatomic_inc(&violations);
    }
}

static void coroutine_fn rw_entry(void *opaque)
{
    int kind = (int)(intptr_t)opaque;

    for (long i = 0; i < rw_iterations; i++) {
        if (kind == 0) {                            /* reader */
            qemu_co_rwlock_rdlock(&rw);
            qatomic_inc(&readers_in);
            check_exclusion();
            if ((i & 3) == 0) {
                co_yield_to_loop();
            }
            check_exclusion();
            qatomic_dec(&readers_in);
            qemu_co_rwlock_unlock(&rw);
        } else if (kind == 1) {                     /* writer */
            qemu_co_rwlock_wrlock(&rw);
            qatomic_inc(&writers_in);
            check_exclusion();
            co_yield_to_loop();
            check_exclusion();
            qatomic_dec(&writers_in);
            qemu_co_rwlock_unlock(&rw);
        } else {                                    /* reader -> writer -> reader */
            qemu_co_rwlock_rdlock(&rw);
            qatomic_inc(&readers_in);
            check_exclusion();
            qatomic_dec(&readers_in);
            qemu_co_rwlock_upgrade(&rw);
            qatomic_inc(&writers_in);
            check_exclusion();
            co_yield_to_loop();
            check_exclusion();
            qatomic_dec(&writers_in);
            qemu_co_rwlock_downgrade(&rw);
            qatomic_inc(&readers_in);
            check_exclusion();
            qatomic_dec(&readers_in);
            qemu_co_rwlock_unlock(&rw);
        }
    }
    qatomic_inc(&rw_finished);
    aio_wait_kick();
}

static void test_co_rwlock_exclusion(void **state)
{
    int n = 0;

    (void)state;
    rw_iterations = rt_stress_seconds() > 0 ? 5000 * rt_stress_seconds() : 500;
    qemu_co_rwlock_init(&rw);
    readers_in = writers_in = 0;
    violations = rw_finished = 0;
    for (int t = 0; t < NR_IOTHREADS; t++) {
        for (int kind = 0; kind < 3; kind++) {
            for (int c = 0; c < 2; c++, n++) {
                aio_co_schedule(iothread_get_aio_context(iothreads[t]),
                                qemu_coroutine_create(rw_entry, (void *)(intptr_t)kind));
            }
        }
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&rw_finished) < (unsigned)n);
    assert_int_equal(violations, 0);
}

/* A queued writer blocks later readers, so it cannot starve. */
static int order_log[4];
static int order_len;

static void coroutine_fn ordered_reader(void *opaque)
{
    qemu_co_rwlock_rdlock(&rw);
    order_log[order_len++] = (int)(intptr_t)opaque;
    qemu_co_rwlock_unlock(&rw);
}

static void coroutine_fn ordered_writer(void *opaque)
{
    qemu_co_rwlock_wrlock(&rw);
    order_log[order_len++] = (int)(intptr_t)opaque;
    qemu_co_rwlock_unlock(&rw);
}

static void coroutine_fn holding_reader(void *opaque)
{
    qemu_co_rwlock_rdlock(&rw);
    qemu_coroutine_yield();                     /* until the test resumes us */
    (void)opaque;
    qemu_co_rwlock_unlock(&rw);
}

static void test_co_rwlock_writer_not_starved(void **state)
{
    Coroutine *holder;

    (void)state;
    qemu_co_rwlock_init(&rw);
    order_len = 0;
    holder = qemu_coroutine_create(holding_reader, NULL);
    qemu_coroutine_enter(holder);               /* holds a read lock */
    qemu_coroutine_enter(qemu_coroutine_create(ordered_writer, (void *)1));
    qemu_coroutine_enter(qemu_coroutine_create(ordered_reader, (void *)2));
    assert_int_equal(order_len, 0);             /* reader queued behind writer */
    qemu_coroutine_enter(holder);               /* unlock */
    RT_POLL_UNTIL(qemu_get_aio_context(), order_len == 2, 2000);
    assert_int_equal(order_log[0], 1);
    assert_int_equal(order_log[1], 2);
}

static void coroutine_fn upgrade_alone(void *opaque)
{
    int *step = opaque;

    qemu_co_rwlock_rdlock(&rw);
    qemu_co_rwlock_upgrade(&rw);                /* immediate: sole reader */
    *step = 1;
    qemu_co_rwlock_downgrade(&rw);
    *step = 2;
    qemu_co_rwlock_unlock(&rw);
    *step = 3;
}

static void test_co_rwlock_upgrade_downgrade(void **state)
{
    int step = 0;

    (void)state;
    qemu_co_rwlock_init(&rw);
    qemu_coroutine_enter(qemu_coroutine_create(upgrade_alone, &step));
    assert_int_equal(step, 3);                  /* never had to yield */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_co_mutex_counter),
        cmocka_unit_test(test_co_queue_order),
        cmocka_unit_test(test_co_rwlock_writer_not_starved),
        cmocka_unit_test(test_co_rwlock_upgrade_downgrade),
        cmocka_unit_test(test_co_rwlock_exclusion),
    };

    return cmocka_run_group_tests(tests, setup_iothreads, teardown_iothreads);
}
