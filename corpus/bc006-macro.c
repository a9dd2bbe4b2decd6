/* BC006 through a macro that takes the writer lock. */
#include <blkcheck/annotations.h>
#include "corpus.h"

#define WITH_GRAPH_CHANGE(stmt) \
    do { bdrv_graph_wrlock(); stmt; bdrv_graph_wrunlock(); } while (0)

void coroutine_fn co_drop_backing(BlockDriverState *bs)
{
    WITH_GRAPH_CHANGE(bs->backing = NULL);      // expect: BC006
}

void drop_backing(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    WITH_GRAPH_CHANGE(bs->backing = NULL);      // expect-not: BC006
}

/* Near miss: BC006 is local; a plain helper that takes the writer lock is
 * not reported because some coroutine might call it (BC006 has no paths). */
static void helper_change(BlockDriverState *bs)
{
    WITH_GRAPH_CHANGE(bs->backing = NULL);      // expect-not: BC006
}

void call_helper(BlockDriverState *bs)
{
    helper_change(bs);
}
