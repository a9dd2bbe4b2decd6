/* BC006: a GRAPH_RDLOCK function may take the writer lock once it has
 * released its caller's reader lock. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void GRAPH_RDLOCK swap_child(BlockDriverState *bs, BlockDriverState *child)
{
    bdrv_graph_rdunlock_main_loop();
    bdrv_graph_wrlock();                        // expect-not: BC006
    bdrv_replace_child(bs, child);
    bdrv_graph_wrunlock();
    bdrv_graph_rdlock_main_loop();
}

void GRAPH_RDLOCK swap_child_locked(BlockDriverState *bs, BlockDriverState *child)
{
    bdrv_graph_wrlock();                        // expect: BC006 "in a GRAPH_RDLOCK function (the caller holds the reader lock)"
    bdrv_replace_child(bs, child);
    bdrv_graph_wrunlock();
}
