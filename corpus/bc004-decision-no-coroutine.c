/* A direct call to a no_coroutine_fn that polls is BC002's, not BC004's;
 * the same function deeper in a path is followed. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int no_coroutine_fn blk_drain_now(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
    return 0;
}

int coroutine_fn co_drain_direct(BlockDriverState *bs)
{
    return blk_drain_now(bs);                   // expect: BC002 expect-not: BC004
}

static int drain_helper(BlockDriverState *bs)
{
    return blk_drain_now(bs);
}

int coroutine_fn co_drain_indirect(BlockDriverState *bs)
{
    return drain_helper(bs);                    // expect: BC004
}
