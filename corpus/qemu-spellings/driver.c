/* Callers of the wrapper and of the lock assertion. */
#include "qemu-style.h"

/* Main-loop GRAPH_RDLOCK code may call the wrapper (exempt by config)... */
int GRAPH_RDLOCK probe_size(BlockDriverState *bs)
{
    return bdrv_size(bs);                               // expect-not: BC005
}

/* ...but not a plain helper that polls. */
static void wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->busy);
}

void GRAPH_RDLOCK probe_idle(BlockDriverState *bs)
{
    wait_idle(bs);                                      // expect: BC005
}

/* A coroutine calls the mixed wrapper, spelled only by its macro. */
int coroutine_fn co_probe(BlockDriverState *bs)
{
    return bdrv_size(bs);                               // expect: BC002
}

/* The assertion counts from the call on. */
int count_children(BlockDriverState *bs)
{
    int before = bdrv_child_count(bs);                  // expect: BC007

    assume_graph_lock();
    return before + bdrv_child_count(bs);               // expect-not: BC007
}

/* The slots' lock modes come from the macros that spell them. */
static int GRAPH_WRLOCK wr_probe(BlockDriverState *bs)
{
    return bs->busy;
}

static void GRAPH_WRLOCK wr_attach(BlockDriverState *bs)
{
    (void)bs;
}

const BlockDriver qemu_drv = {
    .bdrv_probe = wr_probe,                             // expect: BC008 "'wr_probe' is GRAPH_WRLOCK but GRAPH_RDLOCK_PTR pointer 'BlockDriver::bdrv_probe' holds only the reader lock"
    .bdrv_attach = wr_attach,                           // expect-not: BC008
};

int probe_unlocked(const BlockDriver *drv, BlockDriverState *bs)
{
    return drv->bdrv_probe(bs);                         // expect: BC007 "GRAPH_RDLOCK_PTR pointer 'BlockDriver::bdrv_probe'"
}

void attach_under_rdlock(const BlockDriver *drv, BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    drv->bdrv_attach(bs);                               // expect: BC007 "GRAPH_WRLOCK_PTR pointer 'BlockDriver::bdrv_attach' requires the graph writer lock"
    bdrv_graph_rdunlock_main_loop();
}

/* The attribute written out, without a macro. */
int __attribute__((requires_shared_capability(graph_lock))) bdrv_child_count_raw(BlockDriverState *bs);

int count_raw(BlockDriverState *bs)
{
    return bdrv_child_count_raw(bs);                    // expect: BC007
}
