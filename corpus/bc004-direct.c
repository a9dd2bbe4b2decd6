/* BC004: a coroutine polls directly or through plain helpers. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void coroutine_fn co_poll_once(BlockDriverState *bs)
{
    aio_poll(bs->ctx, 1);                       // expect: BC004 "polls (aio_poll)"
}

/* Polling until nothing is left to do: the call is the loop's condition. */
void coroutine_fn co_flush_events(BlockDriverState *bs)
{
    while (aio_poll(bs->ctx, 0)) {              // expect: BC004 "polls (aio_poll)"
    }
}

static void wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0); // expect-not: BC004 // expect-hop: BC004 "poll: 'wait_idle' polls (AIO_WAIT_WHILE)"
}

static void drain_node(BlockDriverState *bs)
{
    wait_idle(bs);                                  // expect-hop: BC004 "call: 'drain_node' calls 'wait_idle'"
}

void coroutine_fn co_drain(BlockDriverState *bs)
{
    bs->in_flight++;
    drain_node(bs);                             // expect: BC004 "AIO_WAIT_WHILE in 'wait_idle' through 2 non-coroutine calls"
}

/* Near miss: plain code may poll. */
void drain_sync(BlockDriverState *bs)
{
    drain_node(bs);                             // expect-not: BC004
}
