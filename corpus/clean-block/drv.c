/* A driver: vtable with designated initializers. */
#include <blkcheck/annotations.h>
#include "block.h"

static int coroutine_fn GRAPH_RDLOCK null_co_getlength(BlockDriverState *bs)
{
    return 0;
}

static int coroutine_fn null_co_flush(BlockDriverState *bs)
{
    return 0;
}

static int coroutine_fn null_co_preadv(BlockDriverState *bs, long off, long n)
{
    return (int)n;
}

static void null_close(BlockDriverState *bs)
{
    bs->in_flight = 0;
}

static int GRAPH_RDLOCK null_probe(BlockDriverState *bs)
{
    return bdrv_child_count(bs);
}

const BlockDriver cb_drv_null = {
    .format_name = "null",
    .bdrv_co_getlength = null_co_getlength,
    .bdrv_co_flush = null_co_flush,
    .bdrv_co_preadv = null_co_preadv,
    .bdrv_probe_children = null_probe,
    .bdrv_close = null_close,
};
