/* start.c -> middle.c -> end.c -> aio_poll: reported at the first call. */
#include <blkcheck/annotations.h>
#include "chain.h"

void coroutine_fn co_start(BlockDriverState *bs)
{
    chain_a(bs);                                // expect: BC004 "aio_poll in 'chain_c' through 3 non-coroutine calls"
}

void start_sync(BlockDriverState *bs)
{
    chain_a(bs);                                // expect-not: BC004
}
