/* BC005: a GRAPH_RDLOCK function that releases its caller's lock around a
 * nested event loop does not poll under the lock (the QEMU idiom
 * bdrv_graph_rdunlock_main_loop(); AIO_WAIT_WHILE(...);
 * bdrv_graph_rdlock_main_loop()). */
#include <blkcheck/annotations.h>
#include "corpus.h"

void GRAPH_RDLOCK wait_unlocked(BlockDriverState *bs)
{
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);         // expect-not: BC005
    bdrv_graph_rdlock_main_loop();
}

void GRAPH_RDLOCK wait_locked(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);         // expect: BC005
}

/* The same through a plain helper: the lock it inherits is dropped first. */
static void helper_drops(BlockDriverState *bs)
{
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
    bdrv_graph_rdlock_main_loop();
}

static void helper_polls(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
}

void GRAPH_RDLOCK calls_helpers(BlockDriverState *bs)
{
    helper_drops(bs);                                   // expect-not: BC005
    helper_polls(bs);                                   // expect: BC005
}

/* Dropped on one branch only: may still be held at the poll. */
void GRAPH_RDLOCK drops_sometimes(BlockDriverState *bs, int x)
{
    if (x) {
        bdrv_graph_rdunlock_main_loop();
    }
    aio_poll(bs->ctx, 1);                               // expect: BC005
    if (x) {
        bdrv_graph_rdlock_main_loop();
    }
}

/* One call deeper: the helper drops the lock, then calls the poller. */
static void drop_then_wait(BlockDriverState *bs)
{
    bdrv_graph_rdunlock_main_loop();
    helper_polls(bs);
    bdrv_graph_rdlock_main_loop();
}

void GRAPH_RDLOCK calls_dropper(BlockDriverState *bs)
{
    drop_then_wait(bs);                                 // expect-not: BC005
}
