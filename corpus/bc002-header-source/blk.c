#include <blkcheck/annotations.h>
#include "blk.h"

int no_coroutine_fn blk_make_empty(BlockDriverState *bs)
{
    return bs->in_flight;
}

int blk_count(BlockDriverState *bs)
{
    return bs->in_flight;
}
