/*
 * request-gate.c - the per-node request gate: set-up, the slow paths of
 * entering and leaving, and exclusive sections (see request-gate.h for the
 * protocol)
 *
 * Context: init and destroy run in the main loop; the rest in coroutines
 * (or completion paths) in any thread.  g->lock is a QemuMutex held only
 * for a few instructions, never across a yield.
 */
#include <string.h>

#include "qemu/coroutine.h"
#include "request-gate.h"

void bdrv_request_gate_init(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    GLOBAL_STATE_CODE();
    memset(&g->in_flight, 0, sizeof(g->in_flight));
    g->exclusive = false;
    qemu_co_mutex_init(&g->exclusive_lock);
    qemu_mutex_init(&g->lock);
    qemu_co_queue_init(&g->waiters);
    g->n_waiting = 0;
    g->admitting = 0;
    g->holder_waiting = NULL;
}

void bdrv_request_gate_destroy(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    qemu_mutex_destroy(&bs->gate.lock);
    thread_counter_destroy(&bs->gate.in_flight);
}

int64_t bdrv_in_flight(BlockDriverState *bs)
{
    IO_CODE();
    return thread_counter_sum(&bs->gate.in_flight);
}

/* Wake the exclusive holder if it waits and the node is now empty. */
void bdrv_request_gate_wake_holder(BdrvRequestGate *g)
{
    Coroutine *co = NULL;

    qemu_mutex_lock(&g->lock);
    if (g->holder_waiting && thread_counter_sum(&g->in_flight) == 0 &&
        g->admitting == 0) {
        co = g->holder_waiting;
        g->holder_waiting = NULL;
    }
    qemu_mutex_unlock(&g->lock);
    if (co) {
        aio_co_wake(co);
    }
}

/*
 * bdrv_request_gate_enter() counted the request and saw an exclusive
 * holder: uncount, and queue behind the holder unless it already left.
 */
void coroutine_fn bdrv_request_gate_wait(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    do {
        bdrv_request_gate_leave(bs);
        qemu_mutex_lock(&g->lock);
        if (qatomic_load_seq(&g->exclusive)) {
            g->n_waiting++;
            qemu_co_queue_wait_qemu_mutex(&g->waiters, &g->lock);
            /* Admitted: counted before the admission is given back, so a
             * holder never sees neither. */
            thread_counter_add(&g->in_flight, 1);
            g->admitting--;
            qemu_mutex_unlock(&g->lock);
            return;
        }
        qemu_mutex_unlock(&g->lock);
        thread_counter_add(&g->in_flight, 1);
    } while (unlikely(qatomic_load_seq(&g->exclusive)));
}

void coroutine_fn bdrv_request_gate_exclusive_begin(BlockDriverState *bs)
    TSA_ACQUIRE(bs->gate.exclusive_lock)
{
    BdrvRequestGate *g = &bs->gate;

    IO_CODE();
    qemu_co_mutex_lock(&bs->gate.exclusive_lock);
    qatomic_store_seq(&g->exclusive, true);
    qemu_mutex_lock(&g->lock);
    while (thread_counter_sum(&g->in_flight) > 0 || g->admitting > 0) {
        g->holder_waiting = qemu_coroutine_self();
        qemu_mutex_unlock(&g->lock);
        qemu_coroutine_yield();
        qemu_mutex_lock(&g->lock);
    }
    qemu_mutex_unlock(&g->lock);
    thread_counter_add(&g->in_flight, 1);
}

void coroutine_fn bdrv_request_gate_exclusive_end(BlockDriverState *bs)
    TSA_RELEASE(bs->gate.exclusive_lock)
{
    BdrvRequestGate *g = &bs->gate;

    IO_CODE();
    thread_counter_add(&g->in_flight, -1);
    qemu_mutex_lock(&g->lock);
    qatomic_store_seq(&g->exclusive, false);
    g->admitting += g->n_waiting;
    g->n_waiting = 0;
    qemu_co_queue_restart_all(&g->waiters);
    qemu_mutex_unlock(&g->lock);
    qemu_co_mutex_unlock(&bs->gate.exclusive_lock);
    if (unlikely(bdrv_is_drained(bs))) {
        aio_wait_kick();
    }
}
