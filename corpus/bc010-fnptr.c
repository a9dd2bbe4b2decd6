/* BC010 and function pointers. */
#include <blkcheck/annotations.h>
#include "corpus.h"

/* Calls through a coroutine_fn slot, only coroutine callers. */
static int flush_through(BlockDriverState *bs)          // expect: BC010 // expect-fixit: "coroutine_fn "
{
    return bs->drv->bdrv_co_flush(bs);          // expect: BC003
}

int coroutine_fn co_flush_twice(BlockDriverState *bs)
{
    return flush_through(bs) + flush_through(bs);
}

/* Near miss: only coroutine callers, but its address escapes to a plain
 * callback parameter, so someone unknown may call it. */
static int escaping(BlockDriverState *bs)               // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}

int coroutine_fn co_escaping(BlockDriverState *bs)
{
    register_plain_callback(escaping, bs);
    return escaping(bs);
}

/* Near miss: stored in a coroutine_fn slot and called by coroutines: it is
 * a coroutine_fn already. */
static int coroutine_fn co_impl(BlockDriverState *bs)   // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 1);
}

static const BlockDriver drv = { .bdrv_co_flush = co_impl };
const BlockDriver *drvp = &drv;
