/* BC007: calls through GRAPH_RDLOCK_PTR slots without the lock. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_length(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_getlength(bs);      // expect: BC007 "GRAPH_RDLOCK_PTR pointer 'BlockDriver::bdrv_co_getlength' requires the graph reader lock, not held in 'co_length'"
}

int coroutine_fn co_length_guarded(BlockDriverState *bs)
{
    GRAPH_RDLOCK_GUARD();
    return bs->drv->bdrv_co_getlength(bs);      // expect-not: BC007
}

int coroutine_fn GRAPH_RDLOCK co_length_locked(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_getlength(bs);      // expect-not: BC007
}

int probe_main_loop(BlockDriverState *bs)
{
    int n;
    n = bs->drv->bdrv_probe_children(bs);       // expect: BC007
    bdrv_graph_rdlock_main_loop();
    n += bs->drv->bdrv_probe_children(bs);      // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return n;
}
