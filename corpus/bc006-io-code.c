/* BC006: the writer lock in IO_CODE(). */
#include <blkcheck/annotations.h>
#include "corpus.h"

void io_attach(BlockDriverState *bs)
{
    IO_CODE();
    bdrv_graph_wrlock();                        // expect: BC006 "graph writer lock taken in 'io_attach', in IO_CODE"
    bdrv_graph_wrunlock();
}

void gs_attach(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bdrv_graph_wrlock();                        // expect-not: BC006
    bdrv_graph_wrunlock();
}

void unclassified_attach(BlockDriverState *bs)
{
    bdrv_graph_wrlock();                        // expect-not: BC006
    bdrv_graph_wrunlock();
}
