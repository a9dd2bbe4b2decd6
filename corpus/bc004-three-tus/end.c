#include <blkcheck/annotations.h>
#include "chain.h"

void chain_c(BlockDriverState *bs)
{
    aio_poll(bs->ctx, 1);                       // expect-not: BC004
}
