/*
 * drain.c - quiescing nodes: bdrv_drained_begin/end, bdrv_drain_all, and
 * the drain side of the edge classes (child_of_bds, quiescence passed on
 * when an edge is attached to or detached from a drained node)
 *
 * Context: drained sections begin and end in the main loop, outside
 * coroutines, graph unlocked (they take the reader lock themselves);
 * bdrv_is_drained() is read from any thread.
 *
 * Drain keeps the nodes' parents from submitting (BlockBackends queue new
 * requests outside the graph lock) and polls until the node and its
 * ancestors have nothing in flight.  Requests stay counted in a node while
 * they descend into its children (request-gate.h), so the node's counter
 * covers its subtree.  quiesce_counter is written only by the main loop,
 * with seq_cst read-modify-writes; a request that leaves the gate loads it
 * after uncounting itself and kicks the polling drain when it is set.
 */
#include <stdio.h>

#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"

bool bdrv_is_drained(const BlockDriverState *bs)
{
    IO_CODE();
    return qatomic_load_seq(&bs->quiesce_counter) > 0;
}

/* bs is quiesced from now on; on 0 -> 1 its parents stop submitting. */
static void GRAPH_RDLOCK quiesce_inc(BlockDriverState *bs)
{
    if (qatomic_fetch_add(&bs->quiesce_counter, 1) == 0) {
        for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
            if (c->klass->drained_begin) {
                c->klass->drained_begin(c);
            }
        }
    }
}

static void GRAPH_RDLOCK quiesce_dec(BlockDriverState *bs)
{
    int old = qatomic_fetch_sub(&bs->quiesce_counter, 1);

    if (old <= 0) {
        mqblk_abort("bdrv_drained_end: node '%s' is not drained",
                    bs->node_name);
    }
    if (old == 1) {
        for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
            if (c->klass->drained_end) {
                c->klass->drained_end(c);
            }
        }
    }
}

/* Returns: true while @bs or one of its ancestors has requests in flight. */
static bool GRAPH_RDLOCK drain_busy(BlockDriverState *bs)
{
    if (bdrv_in_flight(bs) > 0) {
        return true;
    }
    for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
        if (c->klass->drained_poll && c->klass->drained_poll(c)) {
            return true;
        }
    }
    return false;
}

static bool no_coroutine_fn drain_busy_main_loop(BlockDriverState *bs)
{
    bool busy;

    bdrv_graph_rdlock_main_loop();
    busy = drain_busy(bs);
    bdrv_graph_rdunlock_main_loop();
    return busy;
}

static void GRAPH_RDLOCK child_of_bds_drained_begin(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    quiesce_inc(c->opaque);
}

static void GRAPH_RDLOCK child_of_bds_drained_end(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    quiesce_dec(c->opaque);
}

static bool GRAPH_RDLOCK child_of_bds_drained_poll(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    return drain_busy(c->opaque);
}

static const char *child_of_bds_get_parent_desc(BdrvChild *c)
{
    static __thread char desc[96];
    BlockDriverState *parent = c->opaque;

    snprintf(desc, sizeof(desc), "node '%s'", parent->node_name);
    return desc;
}

/*
 * The class callbacks run with the graph lock held by the drain code (the
 * reader side in the main loop, or the writer during attach/detach); the
 * function-pointer type cannot carry that, hence no TSA in the table.
 */
const BdrvChildClass child_of_bds = {
    .parent_is_bds = true,
    .drained_begin = child_of_bds_drained_begin,
    .drained_end = child_of_bds_drained_end,
    .drained_poll = child_of_bds_drained_poll,
    .get_parent_desc = child_of_bds_get_parent_desc,
};

void GRAPH_WRLOCK bdrv_child_quiesce_attach(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    if (bdrv_is_drained(c->bs) && c->klass->drained_begin) {
        c->klass->drained_begin(c);
    }
}

void GRAPH_WRLOCK bdrv_child_quiesce_detach(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    if (bdrv_is_drained(c->bs) && c->klass->drained_end) {
        c->klass->drained_end(c);
    }
}

void no_coroutine_fn polling_fn bdrv_drained_begin(BlockDriverState *bs) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    quiesce_inc(bs);
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(qemu_get_aio_context(), drain_busy_main_loop(bs));
}

void no_coroutine_fn bdrv_drained_end(BlockDriverState *bs) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    quiesce_dec(bs);
    bdrv_graph_rdunlock_main_loop();
}

static bool no_coroutine_fn any_node_busy(void)
{
    bool busy = false;

    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs && !busy;
         bs = bdrv_next_node(bs)) {
        busy = drain_busy(bs);
    }
    bdrv_graph_rdunlock_main_loop();
    return busy;
}

void no_coroutine_fn polling_fn bdrv_drain_all(void) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        quiesce_inc(bs);
    }
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(qemu_get_aio_context(), any_node_busy());
    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        quiesce_dec(bs);
    }
    bdrv_graph_rdunlock_main_loop();
}
