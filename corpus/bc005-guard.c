/* BC005 with cleanup guards: exact scope of GRAPH_RDLOCK_GUARD and
 * WITH_GRAPH_RDLOCK_GUARD.  A coroutine that reaches the poll through a
 * coroutine_fn: BC004 is reported in that coroutine_fn, BC005 here. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
}

static void coroutine_fn co_settle(BlockDriverState *bs)
{
    wait_idle(bs);                              // expect: BC004
}

void coroutine_fn co_guarded(BlockDriverState *bs)
{
    GRAPH_RDLOCK_GUARD();
    co_settle(bs);                              // expect: BC005
}

void coroutine_fn co_with_guard(BlockDriverState *bs)
{
    WITH_GRAPH_RDLOCK_GUARD() {
        co_settle(bs);                          // expect: BC005
    }
    co_settle(bs);                              // expect-not: BC005
}

void coroutine_fn co_nested_block(BlockDriverState *bs)
{
    if (bs->in_flight) {
        GRAPH_RDLOCK_GUARD();
        bs->in_flight--;
    }
    co_settle(bs);                              // expect-not: BC005
}
