/* BC005 in GRAPH_RDLOCK functions (the caller holds the lock). */
#include <blkcheck/annotations.h>
#include "corpus.h"

int GRAPH_RDLOCK count_after_drain(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0); // expect: BC005 "with the graph reader lock required by GRAPH_RDLOCK"
    return bs->in_flight;
}

/* A locked caller of a GRAPH_RDLOCK function that polls: reported once,
 * inside the callee, not at this call. */
void report_count(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    count_after_drain(bs);                      // expect-not: BC005
    bdrv_graph_rdunlock_main_loop();
}

/* Decision (docs/rules/BC005.md): the writer lock alone is not reported. */
void GRAPH_WRLOCK drain_for_change(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0); // expect-not: BC005
}

/* Near miss: no lock at all. */
void drain_unlocked(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0); // expect-not: BC005
}
