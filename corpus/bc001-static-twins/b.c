/* The other static `helper`: plain, so plain callers are fine. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int helper(BlockDriverState *bs)
{
    return bs->in_flight;
}

int b_sync(BlockDriverState *bs)
{
    return helper(bs);                          // expect-not: BC001
}
