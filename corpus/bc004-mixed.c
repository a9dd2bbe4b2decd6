/* BC004 stops at coroutine_mixed_fn callees: their polling branch is the
 * non-coroutine one. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_mixed_fn drain_any(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        return bdrv_co_pread(bs, 0, 0);
    }
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
    return 0;
}

int coroutine_fn co_user(BlockDriverState *bs)
{
    return drain_any(bs);                       // expect-not: BC004
}

/* ... but a polling_fn callee is a polling point. */
static void flush_everything(void)
{
    bdrv_drain_all();                             // expect-hop: BC004 "call: 'flush_everything' calls 'bdrv_drain_all'"
}

void coroutine_fn co_flush_everything(void)
{
    flush_everything();                         // expect: BC004 "bdrv_drain_all in 'flush_everything'"
}
