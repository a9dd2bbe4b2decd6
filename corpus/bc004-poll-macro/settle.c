/* BC004 and a polling macro that wraps a polling_fn: one polling point at
 * the macro's use, named by the macro, not a second one for its call. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void polling_fn bdrv_poll_until_idle(BlockDriverState *bs);
#define BDRV_POLL_IDLE(bs) bdrv_poll_until_idle(bs)

static void settle(BlockDriverState *bs)
{
    BDRV_POLL_IDLE(bs);                 // expect-hop: BC004 "poll: 'settle' polls (BDRV_POLL_IDLE)"
}

int coroutine_fn co_settle(BlockDriverState *bs)
{
    settle(bs);                         // expect: BC004 "polling point BDRV_POLL_IDLE in 'settle'" // expect-not: BC004 "bdrv_poll_until_idle"
    return 0;
}
