/* Global state: the writer lock, draining, the reader lock in the main loop. */
#include <blkcheck/annotations.h>
#include "block.h"

static void cb_wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
}

void cb_gs_set_backing(BlockDriverState *bs, BlockDriverState *backing)
{
    GLOBAL_STATE_CODE();
    cb_wait_idle(bs);
    bdrv_graph_wrlock();
    bdrv_replace_child(bs, backing);
    bs->backing = backing;
    bdrv_graph_wrunlock();
}

void cb_gs_drain(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    cb_wait_idle(bs);
    bs->drv->bdrv_close(bs);
}

int cb_gs_count_children(BlockDriverState *bs)
{
    int n;

    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    n = bdrv_child_count(bs);                       /* mut: rdlock */
    bdrv_graph_rdunlock_main_loop();
    return n;
}

int no_coroutine_fn cb_flush_sync(BlockDriverState *bs)
{
    cb_wait_idle(bs);
    return bs->in_flight;
}
