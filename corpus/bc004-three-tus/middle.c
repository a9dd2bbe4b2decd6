#include <blkcheck/annotations.h>
#include "chain.h"

void chain_a(BlockDriverState *bs)
{
    chain_b(bs);                                // expect-not: BC004 // expect-hop: BC004 "call: 'chain_a' calls 'chain_b'"
}

void chain_b(BlockDriverState *bs)
{
    chain_c(bs);                                    // expect-hop: BC004 "call: 'chain_b' calls 'chain_c'"
}
