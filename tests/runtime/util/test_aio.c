/*
 * AioContext services one at a time: fd readiness, event notifiers, timers
 * (order, cancellation), BHs (exactly once from N threads, oneshot,
 * deletion while scheduled, cancel), busy-polling, and destroying a context
 * with work still pending.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rt-test.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"

static AioContext *new_ctx(void)
{
    const char *err = NULL;
    AioContext *ctx = aio_context_new(&err);

    assert_non_null(ctx);
    return ctx;
}

/* ---- fd handlers ------------------------------------------------------ */

typedef struct {
    int fd;
    int reads;
    int writes;
    AioContext *ctx;
} FdState;

static void fd_read_cb(void *opaque)
{
    FdState *s = opaque;
    char buf[16];

    if (read(s->fd, buf, sizeof(buf)) > 0) {
        s->reads++;
    }
}

static void fd_write_cb(void *opaque)
{
    FdState *s = opaque;

    s->writes++;
    /* Writable forever: remove ourselves from our own callback. */
    aio_set_fd_handler(s->ctx, s->fd, NULL, NULL, NULL, NULL, NULL);
}

static void test_fd_readiness(void **state)
{
    AioContext *ctx = new_ctx();
    int p[2];
    FdState rs = { .ctx = ctx }, ws = { .ctx = ctx };

    (void)state;
    assert_int_equal(pipe(p), 0);
    rs.fd = p[0];
    ws.fd = p[1];
    aio_set_fd_handler(ctx, p[0], fd_read_cb, NULL, NULL, NULL, &rs);
    assert_false(aio_poll(ctx, false));             /* nothing readable */
    assert_int_equal(rs.reads, 0);
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_true(aio_poll(ctx, true));
    assert_int_equal(rs.reads, 1);
    assert_false(aio_poll(ctx, false));             /* drained */

    aio_set_fd_handler(ctx, p[1], NULL, fd_write_cb, NULL, NULL, &ws);
    assert_true(aio_poll(ctx, true));
    assert_int_equal(ws.writes, 1);
    assert_false(aio_poll(ctx, false));             /* removed itself */
    assert_int_equal(ws.writes, 1);

    aio_set_fd_handler(ctx, p[0], NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(write(p[1], "y", 1), 1);
    assert_false(aio_poll(ctx, false));             /* no handler any more */
    assert_int_equal(rs.reads, 1);
    close(p[0]);
    close(p[1]);
    aio_context_unref(ctx);
}

/* ---- event notifiers ------------------------------------------------------ */

static int notified;

static void notifier_cb(EventNotifier *e)
{
    if (event_notifier_test_and_clear(e)) {
        notified++;
    }
}

static void *notify_thread(void *opaque)
{
    event_notifier_set(opaque);
    return NULL;
}

/* A BH that removes the read handler of the pipe in FdState @opaque. */
static void remove_fd_handler_bh(void *opaque)
{
    FdState *s = opaque;

    aio_set_fd_handler(s->ctx, s->fd, NULL, NULL, NULL, NULL, NULL);
}

/*
 * A handler removed by a BH that runs in the same aio_poll() after the fd
 * was found ready (BHs run between the wait and the fd dispatch): its
 * callback must not run and its node must not be freed while it is still
 * on the ready list (ASan saw a heap-use-after-free in dispatch_ready()).
 */
static void test_fd_handler_removed_by_bh(void **state)
{
    AioContext *ctx = new_ctx();
    FdState rs = { .ctx = ctx };
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    rs.fd = p[0];
    aio_set_fd_handler(ctx, p[0], fd_read_cb, NULL, NULL, NULL, &rs);
    assert_int_equal(write(p[1], "x", 1), 1);
    aio_bh_schedule_oneshot(ctx, remove_fd_handler_bh, &rs);
    aio_poll(ctx, true);
    assert_int_equal(rs.reads, 0);
    assert_false(aio_poll(ctx, false));
    close(p[0]);
    close(p[1]);
    aio_context_unref(ctx);
}

static void test_event_notifier(void **state)
{
    AioContext *ctx = new_ctx();
    EventNotifier e;
    QemuThread t;

    (void)state;
    notified = 0;
    assert_int_equal(event_notifier_init(&e, false), 0);
    aio_set_event_notifier(ctx, &e, notifier_cb, NULL, NULL);
    assert_false(aio_poll(ctx, false));
    qemu_thread_create(&t, "notify", notify_thread, &e, QEMU_THREAD_JOINABLE);
    while (!notified) {
        aio_poll(ctx, true);                        /* woken by the other thread */
    }
    qemu_thread_join(&t);
    assert_int_equal(notified, 1);
    assert_false(event_notifier_test_and_clear(&e));
    aio_set_event_notifier(ctx, &e, NULL, NULL, NULL);
    event_notifier_cleanup(&e);
    aio_context_unref(ctx);
}

/* ---- timers ----------------------------------------------------------------- */

static int timer_log[8];
static int timer_log_len;

static void timer_cb(void *opaque)
{
    timer_log[timer_log_len++] = (int)(intptr_t)opaque;
}

static void test_timer_order_and_cancel(void **state)
{
    AioContext *ctx = new_ctx();
    int64_t now = qemu_clock_get_ns();
    QEMUTimer *t[5];

    (void)state;
    timer_log_len = 0;
    for (int i = 0; i < 5; i++) {
        t[i] = aio_timer_new(ctx, timer_cb, (void *)(intptr_t)i);
    }
    timer_mod_ns(t[0], now + 3000000);
    timer_mod_ns(t[1], now + 1000000);
    timer_mod_ns(t[2], now + 2000000);
    timer_mod_ns(t[3], now + 2000000);              /* tie: after t[2] */
    timer_mod_ns(t[4], now + 1500000);
    timer_del(t[4]);                                /* cancelled */
    assert_false(timer_pending(t[4]));
    assert_true(timer_pending(t[0]));
    while (timer_log_len < 4) {
        aio_poll(ctx, true);
    }
    assert_true(qemu_clock_get_ns() >= now + 3000000);
    assert_int_equal(timer_log[0], 1);
    assert_int_equal(timer_log[1], 2);
    assert_int_equal(timer_log[2], 3);
    assert_int_equal(timer_log[3], 0);
    assert_false(aio_poll(ctx, false));
    assert_int_equal(timer_log_len, 4);
    for (int i = 0; i < 5; i++) {
        timer_free(t[i]);
    }
    aio_context_unref(ctx);
}

/*
 * The list keeps its last timer so that the usual "now + same delay" arm
 * appends without a walk: deleting the last timer, re-arming it earlier or
 * later, and expiring the whole list must all keep that pointer right.
 */
static void test_timer_last_pointer(void **state)
{
    AioContext *ctx = new_ctx();
    int64_t now = qemu_clock_get_ns();
    QEMUTimer *t[6];

    (void)state;
    timer_log_len = 0;
    for (int i = 0; i < 6; i++) {
        t[i] = aio_timer_new(ctx, timer_cb, (void *)(intptr_t)i);
    }
    timer_mod_ns(t[0], now + 1000000);
    timer_mod_ns(t[1], now + 2000000);
    timer_mod_ns(t[2], now + 3000000);              /* last */
    timer_del(t[2]);                                /* last is t[1] again */
    timer_mod_ns(t[3], now + 2500000);              /* appended after t[1] */
    timer_mod_ns(t[1], now + 4000000);              /* moved to the end */
    timer_mod_ns(t[4], now + 4000000);              /* tie: after t[1] */
    timer_mod_ns(t[5], now + 500000);               /* first */
    while (timer_log_len < 5) {
        aio_poll(ctx, true);
    }
    assert_int_equal(timer_log[0], 5);
    assert_int_equal(timer_log[1], 0);
    assert_int_equal(timer_log[2], 3);
    assert_int_equal(timer_log[3], 1);
    assert_int_equal(timer_log[4], 4);
    /* The list ran empty: arming again must not follow a stale last. */
    timer_log_len = 0;
    now = qemu_clock_get_ns();
    timer_mod_ns(t[2], now + 200000);
    timer_mod_ns(t[0], now + 100000);
    while (timer_log_len < 2) {
        aio_poll(ctx, true);
    }
    assert_int_equal(timer_log[0], 0);
    assert_int_equal(timer_log[1], 2);
    for (int i = 0; i < 6; i++) {
        timer_free(t[i]);
    }
    aio_context_unref(ctx);
}

/* ---- bottom halves --------------------------------------------------------- */

enum { BH_THREADS = 4, BHS_PER_THREAD = 200 };

static unsigned bh_runs[BH_THREADS * BHS_PER_THREAD];

static void count_bh(void *opaque)
{
    qatomic_inc(&bh_runs[(intptr_t)opaque]);
}

typedef struct {
    AioContext *ctx;
    int first;
} BHThreadArg;

static void *bh_thread(void *opaque)
{
    BHThreadArg *a = opaque;

    for (int i = 0; i < BHS_PER_THREAD; i++) {
        aio_bh_schedule_oneshot(a->ctx, count_bh, (void *)(intptr_t)(a->first + i));
    }
    return NULL;
}

static void test_bh_from_threads(void **state)
{
    AioContext *ctx = new_ctx();
    QemuThread t[BH_THREADS];
    BHThreadArg args[BH_THREADS];
    unsigned total = 0;

    (void)state;
    memset(bh_runs, 0, sizeof(bh_runs));
    for (int i = 0; i < BH_THREADS; i++) {
        args[i] = (BHThreadArg){ ctx, i * BHS_PER_THREAD };
        qemu_thread_create(&t[i], "bh", bh_thread, &args[i], QEMU_THREAD_JOINABLE);
    }
    while (total < BH_THREADS * BHS_PER_THREAD) {
        aio_poll(ctx, true);
        total = 0;
        for (int i = 0; i < BH_THREADS * BHS_PER_THREAD; i++) {
            total += qatomic_read(&bh_runs[i]) ? 1 : 0;
        }
    }
    for (int i = 0; i < BH_THREADS; i++) {
        qemu_thread_join(&t[i]);
    }
    while (aio_poll(ctx, false)) {
    }
    for (int i = 0; i < BH_THREADS * BHS_PER_THREAD; i++) {
        assert_int_equal(bh_runs[i], 1);            /* exactly once each */
    }
    aio_context_unref(ctx);
}

static int plain_runs;

static void plain_bh(void *opaque)
{
    (void)opaque;
    plain_runs++;
}

static void test_bh_schedule_twice_runs_once(void **state)
{
    AioContext *ctx = new_ctx();
    QEMUBH *bh = aio_bh_new(ctx, plain_bh, NULL);

    (void)state;
    plain_runs = 0;
    qemu_bh_schedule(bh);
    qemu_bh_schedule(bh);
    assert_true(aio_poll(ctx, false));
    assert_int_equal(plain_runs, 1);
    assert_false(aio_poll(ctx, false));
    qemu_bh_schedule(bh);                           /* reusable */
    assert_true(aio_poll(ctx, true));
    assert_int_equal(plain_runs, 2);
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    aio_poll(ctx, false);
    assert_int_equal(plain_runs, 2);
    qemu_bh_delete(bh);
    aio_context_unref(ctx);
}

static void test_bh_delete_scheduled(void **state)
{
    AioContext *ctx = new_ctx();
    QEMUBH *bh = aio_bh_new(ctx, plain_bh, NULL);

    (void)state;
    plain_runs = 0;
    qemu_bh_schedule(bh);
    qemu_bh_delete(bh);                             /* freed by the poll */
    aio_poll(ctx, false);
    assert_int_equal(plain_runs, 0);
    aio_context_unref(ctx);
}

static QEMUBH *self_bh;

static void self_deleting_bh(void *opaque)
{
    (void)opaque;
    plain_runs++;
    qemu_bh_delete(self_bh);
}

static void test_bh_delete_from_callback(void **state)
{
    AioContext *ctx = new_ctx();

    (void)state;
    plain_runs = 0;
    self_bh = aio_bh_new(ctx, self_deleting_bh, NULL);
    qemu_bh_schedule(self_bh);
    assert_true(aio_poll(ctx, false));
    assert_int_equal(plain_runs, 1);
    aio_context_unref(ctx);
}

static int oneshot_order[3];
static int oneshot_len;

static void oneshot_cb(void *opaque)
{
    oneshot_order[oneshot_len++] = (int)(intptr_t)opaque;
}

static void test_oneshot_fifo(void **state)
{
    AioContext *ctx = new_ctx();

    (void)state;
    oneshot_len = 0;
    for (int i = 0; i < 3; i++) {
        aio_bh_schedule_oneshot(ctx, oneshot_cb, (void *)(intptr_t)i);
    }
    assert_true(aio_poll(ctx, false));
    assert_int_equal(oneshot_len, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(oneshot_order[i], i);
    }
    assert_false(aio_poll(ctx, false));
    aio_context_unref(ctx);
}

static void test_destroy_with_pending(void **state)
{
    AioContext *ctx = new_ctx();
    QEMUBH *leaked = aio_bh_new(ctx, plain_bh, NULL);
    QEMUTimer *t = aio_timer_new(ctx, timer_cb, NULL);

    (void)state;
    (void)leaked;                                   /* freed by the context */
    plain_runs = 0;
    oneshot_len = 0;
    aio_bh_schedule_oneshot(ctx, oneshot_cb, (void *)(intptr_t)7);
    qemu_bh_schedule(leaked);
    timer_mod_ns(t, qemu_clock_get_ns() + 1000000000LL);
    aio_context_unref(ctx);                         /* runs pending BHs */
    assert_int_equal(oneshot_len, 1);
    assert_int_equal(oneshot_order[0], 7);
    assert_int_equal(plain_runs, 1);
    free(t);                                        /* context is gone */
}

/* ---- busy polling ------------------------------------------------------------ */

static unsigned poll_ready_flag;
static int poll_ready_runs;

static bool test_io_poll(void *opaque)
{
    (void)opaque;
    return qatomic_read(&poll_ready_flag) != 0;
}

static void test_io_poll_ready(void *opaque)
{
    (void)opaque;
    qatomic_set(&poll_ready_flag, 0);
    poll_ready_runs++;
}

static void *set_poll_flag(void *opaque)
{
    usleep(2000);
    qatomic_set(&poll_ready_flag, 1);
    aio_notify(opaque);                 /* in case the loop went to sleep */
    return NULL;
}

static void test_busy_poll(void **state)
{
    AioContext *ctx = new_ctx();
    int p[2];
    QemuThread t;

    (void)state;
    poll_ready_runs = 0;
    assert_int_equal(pipe(p), 0);
    aio_set_fd_handler(ctx, p[0], fd_read_cb, NULL, test_io_poll,
                       test_io_poll_ready, NULL);
    aio_context_set_poll_params(ctx, 50 * 1000 * 1000, 2, 2);
    /* Grow the window: blocked iterations shorter than max_ns. */
    for (int i = 0; i < 3; i++) {
        aio_bh_schedule_oneshot(ctx, plain_bh, NULL);
        aio_poll(ctx, true);
    }
    qatomic_set(&poll_ready_flag, 1);
    assert_true(aio_poll(ctx, true));
    assert_int_equal(poll_ready_runs, 1);           /* seen by polling only */
    assert_true(aio_context_get_poll_ns(ctx) > 0);
    /* The flag set by another thread while we busy-poll. */
    qemu_thread_create(&t, "poller", set_poll_flag, ctx, QEMU_THREAD_JOINABLE);
    while (poll_ready_runs < 2) {
        aio_poll(ctx, true);
    }
    qemu_thread_join(&t);
    aio_set_fd_handler(ctx, p[0], NULL, NULL, NULL, NULL, NULL);
    close(p[0]);
    close(p[1]);
    aio_context_unref(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_readiness),
        cmocka_unit_test(test_fd_handler_removed_by_bh),
        cmocka_unit_test(test_event_notifier),
        cmocka_unit_test(test_timer_order_and_cancel),
        cmocka_unit_test(test_timer_last_pointer),
        cmocka_unit_test(test_bh_from_threads),
        cmocka_unit_test(test_bh_schedule_twice_runs_once),
        cmocka_unit_test(test_bh_delete_scheduled),
        cmocka_unit_test(test_bh_delete_from_callback),
        cmocka_unit_test(test_oneshot_fifo),
        cmocka_unit_test(test_destroy_with_pending),
        cmocka_unit_test(test_busy_poll),
    };

    return cmocka_run_group_tests(tests, rt_group_setup, rt_group_teardown);
}
