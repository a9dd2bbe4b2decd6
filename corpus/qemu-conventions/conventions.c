/* Findings and near misses that depend on the conventions in blkcheck.json. */
#include "blk.h"

/* GRAPH_RDLOCK only on the prototype: merged, not a mismatch. */
int bdrv_node_count(BlockDriverState *bs)       // expect-not: BC008
{
    return bs->in_flight;
}

/* coroutine_fn must still be repeated. */
int GRAPH_RDLOCK bdrv_co_node_size(BlockDriverState *bs)   // expect: BC008 "is defined with no annotation but declared with coroutine_fn elsewhere"
{
    return bs->in_flight;
}

/* A weaker function in a GRAPH_RDLOCK_PTR slot: its callers hold more. */
static int plain_probe(BlockDriverState *bs)
{
    return bs->in_flight;
}

/* A GRAPH_WRLOCK function in a GRAPH_RDLOCK_PTR slot: still wrong. */
static int GRAPH_WRLOCK exclusive_probe(BlockDriverState *bs)
{
    return bs->in_flight;
}

const BlockDriver weak_driver = {
    .bdrv_probe_children = plain_probe,         // expect-not: BC008
};

const BlockDriver strong_driver = {
    .bdrv_probe_children = exclusive_probe,     // expect: BC008 "'exclusive_probe' is GRAPH_WRLOCK but GRAPH_RDLOCK_PTR pointer 'BlockDriver::bdrv_probe_children' holds only the reader lock"
};

/* blk_unref of a BlockBackend created here does not reach the polling
 * teardown; of one found by name it may. */
void blk_unref(BlockBackend *blk)
{
    if (blk) {
        AIO_WAIT_WHILE(qemu_get_aio_context(), 0);
    }
}

void GRAPH_RDLOCK probe_fresh(BlockDriverState *bs)
{
    BlockBackend *blk = blk_new(bs->ctx);

    blk_unref(blk);                             // expect-not: BC005
}

void GRAPH_RDLOCK probe_fresh_assigned(BlockDriverState *bs)
{
    BlockBackend *blk;

    blk = blk_new(bs->ctx);
    blk_unref(blk);                             // expect-not: BC005
}

void GRAPH_RDLOCK probe_named(BlockDriverState *bs)
{
    BlockBackend *blk = blk_by_name("drive0");

    (void)bs;
    blk_unref(blk);                             // expect: BC005
}

/* drained_begin() polls only when asked to (argument 1 not 0/false). */
void drained_begin(BlockDriverState *bs, int poll)
{
    if (poll) {
        AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
    }
}

void GRAPH_RDLOCK quiesce_quietly(BlockDriverState *bs)
{
    drained_begin(bs, 0);                       // expect-not: BC005
}

void GRAPH_RDLOCK quiesce_and_wait(BlockDriverState *bs)
{
    drained_begin(bs, 1);                       // expect: BC005
}

/* Only blk_unref() is spared for a fresh BlockBackend: draining one polls. */
void blk_drain(BlockBackend *blk)
{
    AIO_WAIT_WHILE(qemu_get_aio_context(), blk != NULL);
}

void GRAPH_RDLOCK drain_fresh(BlockDriverState *bs)
{
    BlockBackend *blk = blk_new(bs->ctx);

    blk_drain(blk);                             // expect: BC005
    blk_unref(blk);                             // expect-not: BC005
}
