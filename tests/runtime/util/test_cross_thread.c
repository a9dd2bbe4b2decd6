/*
 * Cross-thread coroutine hand-off: rings of coroutines spread over 4
 * IOThreads pass tokens with aio_co_wake() (default 10^6 wake-ups in plain
 * builds, 10^5 under sanitizers; BLKCHECK_BOUNCES sets the count), a
 * coroutine that moves itself between contexts, and aio_co_schedule() into
 * a context that is busy running other work.  A lost wake-up times out, a
 * doubled one aborts (aio_co_schedule() refuses a scheduled coroutine) or
 * breaks the exact counts.
 */
#include <string.h>

#include "rt-test.h"
#include "block/aio-wait.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "sysemu/iothread.h"

#ifndef __has_feature
# define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
# define DEFAULT_BOUNCES 100000L
#else
# define DEFAULT_BOUNCES 1000000L
#endif

enum { NR_IOTHREADS = 4, NR_RINGS = 16 };

static IOThread *iothreads[NR_IOTHREADS];

static int setup_iothreads(void **state)
{
    if (rt_group_setup(state)) {
        return -1;
    }
    return rt_iothreads_start(iothreads, NR_IOTHREADS, "iothread");
}

static int teardown_iothreads(void **state)
{
    rt_iothreads_stop(iothreads, NR_IOTHREADS);
    return rt_group_teardown(state);
}

/* ---- token rings ------------------------------------------------------------- */

typedef struct Ring Ring;

typedef struct RingMember {
    Ring *ring;
    int index;
    Coroutine *co;
    AioContext *home;
    long runs;                  /* only touched by the coroutine itself */
    bool stop;                  /* written before the final wake */
    bool exited;                /* atomic */
} RingMember;

struct Ring {
    RingMember m[NR_IOTHREADS];
    long hops;                  /* only touched by the token holder */
    long target;
    bool done;                  /* atomic */
};

static Ring rings[NR_RINGS];
static unsigned rings_done;     /* atomic */

static void coroutine_fn ring_entry(void *opaque)
{
    RingMember *me = opaque;
    Ring *ring = me->ring;

    for (;;) {
        qemu_coroutine_yield();
        if (me->stop) {
            break;
        }
        if (qemu_get_current_aio_context() != me->home) {
            fail_msg("ring member woken in the wrong context");
        }
        me->runs++;
        if (++ring->hops == ring->target) {
            qatomic_store_seq(&ring->done, true);
            qatomic_inc(&rings_done);
            aio_wait_kick();
            continue;
        }
        aio_co_wake(ring->m[(me->index + 1) % NR_IOTHREADS].co);
    }
    qatomic_store_seq(&me->exited, true);
    aio_wait_kick();
}

static long bounce_count(void)
{
    const char *s = getenv("BLKCHECK_BOUNCES");
    long n = s ? strtol(s, NULL, 10) : DEFAULT_BOUNCES;

    if (rt_stress_seconds() > 0 && !s) {
        n = DEFAULT_BOUNCES * 10;
    }
    return n < NR_RINGS ? NR_RINGS : n;
}

static bool all_members_parked(void)
{
    /* After the start BHs ran each member sits in its first yield. */
    for (int r = 0; r < NR_RINGS; r++) {
        for (int i = 0; i < NR_IOTHREADS; i++) {
            if (!qemu_coroutine_entered(rings[r].m[i].co)) {
                return false;
            }
        }
    }
    return true;
}

static void start_bh(void *opaque)
{
    RingMember *m = opaque;

    qemu_coroutine_enter(m->co);        /* runs to its first yield */
}

static void test_aio_co_wake_bounce(void **state)
{
    long total = bounce_count();
    long sum = 0;

    (void)state;
    memset(rings, 0, sizeof(rings));
    rings_done = 0;
    for (int r = 0; r < NR_RINGS; r++) {
        rings[r].target = total / NR_RINGS;
        for (int i = 0; i < NR_IOTHREADS; i++) {
            RingMember *m = &rings[r].m[i];

            m->ring = &rings[r];
            m->index = i;
            m->home = iothread_get_aio_context(iothreads[i]);
            m->co = qemu_coroutine_create(ring_entry, m);
        }
    }
    for (int r = 0; r < NR_RINGS; r++) {
        for (int i = 0; i < NR_IOTHREADS; i++) {
            aio_wait_bh_oneshot(rings[r].m[i].home, start_bh, &rings[r].m[i]);
        }
    }
    assert_true(all_members_parked());
    for (int r = 0; r < NR_RINGS; r++) {
        aio_co_wake(rings[r].m[0].co);      /* inject the token */
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&rings_done) < NR_RINGS);

    for (int r = 0; r < NR_RINGS; r++) {
        assert_int_equal(rings[r].hops, rings[r].target);
        for (int i = 0; i < NR_IOTHREADS; i++) {
            rings[r].m[i].stop = true;
            aio_co_wake(rings[r].m[i].co);
        }
    }
    for (int r = 0; r < NR_RINGS; r++) {
        for (int i = 0; i < NR_IOTHREADS; i++) {
            RingMember *m = &rings[r].m[i];

            AIO_WAIT_WHILE(NULL, !qatomic_load_seq(&m->exited));
            sum += m->runs;
        }
    }
    assert_int_equal(sum, (total / NR_RINGS) * NR_RINGS);
}

/* ---- a coroutine that moves itself ------------------------------------------- */

static int moves_seen;      /* atomic */
static bool mover_done;     /* atomic */

static void coroutine_fn mover_entry(void *opaque)
{
    (void)opaque;
    for (int k = 0; k < 200; k++) {
        AioContext *next = iothread_get_aio_context(iothreads[k % NR_IOTHREADS]);

        aio_co_schedule(next, qemu_coroutine_self());
        qemu_coroutine_yield();
        if (qemu_get_current_aio_context() == next &&
            qemu_coroutine_get_aio_context(qemu_coroutine_self()) == next) {
            qatomic_inc(&moves_seen);
        }
    }
    qatomic_store_seq(&mover_done, true);
    aio_wait_kick();
}

static void test_reschedule_self(void **state)
{
    (void)state;
    moves_seen = 0;
    mover_done = false;
    qemu_coroutine_enter(qemu_coroutine_create(mover_entry, NULL));
    AIO_WAIT_WHILE(NULL, !qatomic_load_seq(&mover_done));
    assert_int_equal(moves_seen, 200);
}

/* ---- scheduling into a busy context ------------------------------------------ */

enum { BUSY_COROUTINES = 100 };

static unsigned busy_ran;       /* atomic */
static unsigned busy_stop;      /* atomic */

static void busy_bh(void *opaque)
{
    QEMUBH **bh = opaque;

    if (!qatomic_read(&busy_stop)) {
        qemu_bh_schedule(*bh);          /* keep the context busy */
    }
}

static void coroutine_fn busy_entry(void *opaque)
{
    AioContext *expected = opaque;

    if (qemu_get_current_aio_context() != expected) {
        fail_msg("scheduled coroutine ran in the wrong context");
    }
    qatomic_inc(&busy_ran);
    aio_wait_kick();
}

static void make_busy_bh(void *opaque)
{
    QEMUBH **bh = opaque;

    *bh = aio_bh_new(qemu_get_current_aio_context(), busy_bh, bh);
    qemu_bh_schedule(*bh);
}

static void delete_busy_bh(void *opaque)
{
    qemu_bh_delete(*(QEMUBH **)opaque);
}

static void test_schedule_busy_context(void **state)
{
    AioContext *ctx = iothread_get_aio_context(iothreads[1]);
    QEMUBH *bh = NULL;

    (void)state;
    busy_ran = 0;
    busy_stop = 0;
    aio_wait_bh_oneshot(ctx, make_busy_bh, &bh);
    for (int i = 0; i < BUSY_COROUTINES; i++) {
        aio_co_schedule(ctx, qemu_coroutine_create(busy_entry, ctx));
    }
    AIO_WAIT_WHILE(NULL, qatomic_load_seq(&busy_ran) < BUSY_COROUTINES);
    qatomic_set(&busy_stop, 1);
    aio_wait_bh_oneshot(ctx, delete_busy_bh, &bh);
    assert_int_equal(busy_ran, BUSY_COROUTINES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reschedule_self),
        cmocka_unit_test(test_schedule_busy_context),
        cmocka_unit_test(test_aio_co_wake_bounce),
    };

    return cmocka_run_group_tests(tests, setup_iothreads, teardown_iothreads);
}
