/* BC005: polling with the reader lock taken explicitly (main loop). */
#include <blkcheck/annotations.h>
#include "corpus.h"

void refresh_all(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    aio_poll(bs->ctx, 1);                       // expect: BC005 "with the graph reader lock held here"
    bdrv_graph_rdunlock_main_loop();
    aio_poll(bs->ctx, 1);                       // expect-not: BC005
}

static void wait_requests(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0); // expect-not: BC005
}

void drain_locked(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    wait_requests(bs);                          // expect: BC005 "reaches polling point AIO_WAIT_WHILE in 'wait_requests'"
    bdrv_graph_rdunlock_main_loop();
    wait_requests(bs);                          // expect-not: BC005
}
