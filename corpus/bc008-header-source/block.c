/* Definitions that drop (or keep) the header's annotations. */
#include <blkcheck/annotations.h>
#include "block.h"

int blk_co_refresh(BlockDriverState *bs)                        // expect: BC008 "is defined with no annotation but declared with coroutine_fn GRAPH_RDLOCK elsewhere"
{
    return bs->in_flight;
}

int coroutine_fn GRAPH_RDLOCK blk_co_truncate(BlockDriverState *bs, long n)   // expect-not: BC008
{
    return (int)n;
}

int coroutine_fn blk_close(BlockDriverState *bs)                // expect: BC008 "is defined with coroutine_fn but declared with no_coroutine_fn elsewhere"
{
    return 0;
}

int GRAPH_UNLOCKED blk_open(BlockDriverState *bs)               // expect-not: BC008
{
    return 0;
}
