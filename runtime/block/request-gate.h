/*
 * request-gate.h - the per-node request gate (internal to runtime/block)
 *
 * Context: I/O code.  Enter, leave and the exclusive section run in
 * coroutines in any thread, many at once on one node; init and destroy
 * (block/block_int.h) in the main loop.
 *
 * The gate (BdrvRequestGate in block/block_int.h) is what makes a node
 * multiqueue.  A request adds 1 to its thread's slot of the node's
 * in-flight counter and then reads the `exclusive` flag; an exclusive
 * holder (a barrier, a read-modify-write) sets the flag and then sums the
 * slots.  Both sides use sequentially consistent operations, so at least
 * one of them sees the other: a request either waits for the holder or the
 * holder waits for it.  On the fast path (inline below) a request writes
 * only its own thread's slot.  Requests stay counted in a node while they
 * descend into its children, so the node's counter covers its subtree;
 * drain (drain.c) polls that counter.
 */
#ifndef MQBLK_BLOCK_REQUEST_GATE_H
#define MQBLK_BLOCK_REQUEST_GATE_H

#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/atomic.h"
#include "qemu/compiler.h"

/* The slow paths of the inline functions below (request-gate.c). */
void coroutine_fn bdrv_request_gate_wait(BlockDriverState *bs);
void bdrv_request_gate_wake_holder(BdrvRequestGate *g);

/*
 * Uncount the calling request from @bs; wake an exclusive holder waiting
 * for the node to empty, and a drain polling for it.  Any thread.
 */
static inline void bdrv_request_gate_leave(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    thread_counter_add(&g->in_flight, -1);
    if (unlikely(qatomic_load_seq(&g->exclusive))) {
        bdrv_request_gate_wake_holder(g);
    }
    /* bdrv_is_drained(), inline on the fast path */
    if (unlikely(qatomic_load_seq(&bs->quiesce_counter) > 0)) {
        aio_wait_kick();
    }
}

/*
 * Count the calling request in @bs; wait while an exclusive holder runs.
 * A request that waited is admitted by the holder's end: it enters even if
 * the next holder already took the gate, and that holder waits for it --
 * a request issued before a barrier runs before the barrier.
 * Coroutine only, any thread.
 */
static inline void coroutine_fn bdrv_request_gate_enter(BlockDriverState *bs)
{
    thread_counter_add(&bs->gate.in_flight, 1);
    if (unlikely(qatomic_load_seq(&bs->gate.exclusive))) {
        bdrv_request_gate_wait(bs);
    }
}

/*
 * Hold @bs alone: later requests wait in bdrv_request_gate_enter(), earlier
 * ones finish first.  The caller must not be counted in @bs (it left the
 * gate or never entered).  The holder counts as one request in flight, for
 * drain.  Paired with bdrv_request_gate_exclusive_end().
 * Coroutine only, any thread.
 */
void coroutine_fn bdrv_request_gate_exclusive_begin(BlockDriverState *bs)
    TSA_ACQUIRE(bs->gate.exclusive_lock);
void coroutine_fn bdrv_request_gate_exclusive_end(BlockDriverState *bs)
    TSA_RELEASE(bs->gate.exclusive_lock);

#endif /* MQBLK_BLOCK_REQUEST_GATE_H */
