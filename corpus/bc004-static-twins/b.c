/* ... and this one does not: its coroutine caller is clean. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void wait_done(BlockDriverState *bs)
{
    bs->in_flight = 0;
}

void coroutine_fn b_co_finish(BlockDriverState *bs)
{
    wait_done(bs);                              // expect-not: BC004
}
