/*
 * qemu-coroutine-sleep.c - qemu_co_sleep_ns(): a timer in the coroutine's
 * home context that wakes it.
 */
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "block/aio.h"

static void co_sleep_cb(void *opaque)
{
    aio_co_wake(opaque);
}

void coroutine_fn qemu_co_sleep_ns(int64_t ns)
{
    AioContext *ctx = qemu_get_current_aio_context();
    QEMUTimer timer;

    if (!ctx) {
        mqblk_abort("qemu_co_sleep_ns: thread has no AioContext");
    }
    aio_timer_init(ctx, &timer, co_sleep_cb, qemu_coroutine_self());
    timer_mod_ns(&timer, qemu_clock_get_ns() + (ns > 0 ? ns : 0));
    qemu_coroutine_yield();
    /* Only the timer wakes us, and it fired in this thread (its context's)
     * after unlinking itself: nothing left to delete, no lock to take. */
    if (timer.expire_ns >= 0) {
        timer_del(&timer);
    }
}
