/* Two static wait_done(): this one polls. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void wait_done(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight);
}

void coroutine_fn a_co_finish(BlockDriverState *bs)
{
    wait_done(bs);                              // expect: BC004 "through 1 non-coroutine call"
}
