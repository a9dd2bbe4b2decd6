#include <blkcheck/annotations.h>
#include "chain.h"

void chain_c(BlockDriverState *bs)
{
    aio_poll(bs->ctx, 1);                       // expect-not: BC004 // expect-hop: BC004 "poll: 'chain_c' polls (aio_poll)"
}
