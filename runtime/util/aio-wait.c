/*
 * aio-wait.c - AIO_WAIT_WHILE() support: a global waiter count and a kick
 * that wakes the main loop with an empty BH when someone waits.
 *
 * The waiter increments num_waiters (seq_cst) before it evaluates its
 * condition; the kicker changes the condition and then reads num_waiters
 * (seq_cst).  So either the waiter sees the new condition, or the kicker
 * sees the waiter and schedules a BH that ends its aio_poll().
 */
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "block/aio-wait.h"

static unsigned num_waiters;    /* atomic */

void aio_wait_begin(void)
{
    qatomic_inc(&num_waiters);
}

void aio_wait_end(void)
{
    qatomic_dec(&num_waiters);
}

bool polling_fn aio_wait_poll(AioContext *ctx)
{
    AioContext *current = qemu_get_current_aio_context();

    if (qemu_in_coroutine()) {
        mqblk_abort("AIO_WAIT_WHILE: called in a coroutine (yield instead)");
    }
    if (ctx && ctx == current) {
        return aio_poll(ctx, true);
    }
    if (!current || current != qemu_get_aio_context()) {
        mqblk_abort("AIO_WAIT_WHILE: waiting for a foreign context outside "
                    "the main loop (context %p)", (void *)ctx);
    }
    return aio_poll(current, true);
}

static void dummy_bh_cb(void *opaque)
{
    (void)opaque;
}

void aio_wait_kick(void)
{
    AioContext *main_ctx;

    if (qatomic_load_seq(&num_waiters)) {
        main_ctx = qemu_get_aio_context();
        if (main_ctx) {
            aio_bh_schedule_oneshot(main_ctx, dummy_bh_cb, NULL);
        }
    }
}

typedef struct {
    void (*fn)(void *);
    void *opaque;
    bool done;                  /* atomic */
} AioWaitBHData;

static void aio_wait_bh(void *opaque)
{
    AioWaitBHData *data = opaque;

    data->fn(data->opaque);
    qatomic_store_seq(&data->done, true);
    aio_wait_kick();
}

void polling_fn aio_wait_bh_oneshot(AioContext *ctx, void (*fn)(void *), void *opaque)
{
    AioWaitBHData data = { .fn = fn, .opaque = opaque, .done = false };

    GLOBAL_STATE_CODE();
    aio_bh_schedule_oneshot(ctx, aio_wait_bh, &data);
    AIO_WAIT_WHILE(ctx, !qatomic_load_seq(&data.done));
}
