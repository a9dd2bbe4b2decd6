/* BC003 (b): a call through a coroutine_fn slot from non-coroutine code. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void flush_from_bh(BlockDriverState *bs)
{
    bs->drv->bdrv_co_flush(bs);                 // expect: BC003 "coroutine_fn pointer 'BlockDriver::bdrv_co_flush' called from non-coroutine function 'flush_from_bh'"
}

int coroutine_fn co_flush(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_flush(bs);          // expect-not: BC003
}

int coroutine_mixed_fn flush_any(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        return bs->drv->bdrv_co_flush(bs);      // expect-not: BC003
    }
    return 0;
}

/* A local variable of coroutine_fn pointer type, called from plain code. */
int read_via_var(BlockDriverState *bs)
{
    int coroutine_fn (*fn)(BlockDriverState *, long, long) = bs->drv->bdrv_co_preadv;
    return fn(bs, 0, 1);                        // expect: BC003
}
