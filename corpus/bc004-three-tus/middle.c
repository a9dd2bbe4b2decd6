#include <blkcheck/annotations.h>
#include "chain.h"

void chain_a(BlockDriverState *bs)
{
    chain_b(bs);                                // expect-not: BC004
}

void chain_b(BlockDriverState *bs)
{
    chain_c(bs);
}
