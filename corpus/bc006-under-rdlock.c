/* BC006: the writer lock while the reader lock is held. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void swap_locked(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    bdrv_graph_wrlock();                        // expect: BC006 "graph writer lock taken in 'swap_locked', while holding the reader lock"
    bdrv_graph_wrunlock();
    bdrv_graph_rdunlock_main_loop();
}

int GRAPH_RDLOCK bdrv_swap(BlockDriverState *bs)
{
    bdrv_graph_wrlock();                        // expect: BC006 "in 'bdrv_swap', in a GRAPH_RDLOCK function"
    bdrv_graph_wrunlock();
    return 0;
}

void swap_after_unlock(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    bs->in_flight++;
    bdrv_graph_rdunlock_main_loop();
    bdrv_graph_wrlock();                        // expect-not: BC006
    bdrv_graph_wrunlock();
}
