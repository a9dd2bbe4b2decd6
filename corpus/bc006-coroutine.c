/* BC006: the writer lock taken in a coroutine_fn. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_reopen(BlockDriverState *bs)
{
    bdrv_graph_wrlock();                        // expect: BC006 "graph writer lock taken in 'co_reopen', in a coroutine_fn"
    bs->backing = NULL;
    bdrv_graph_wrunlock();
    return 0;
}

/* Near miss: main-loop global-state code. */
void set_backing(BlockDriverState *bs, BlockDriverState *backing)
{
    GLOBAL_STATE_CODE();
    bdrv_graph_wrlock();                        // expect-not: BC006
    bs->backing = backing;
    bdrv_graph_wrunlock();
}

/* Near miss (decision, docs/rules/BC006.md): a mixed function may be on its
 * main-loop branch. */
void coroutine_mixed_fn detach_any(BlockDriverState *bs)
{
    if (!qemu_in_coroutine()) {
        bdrv_graph_wrlock();                    // expect-not: BC006
        bs->backing = NULL;
        bdrv_graph_wrunlock();
    }
}
