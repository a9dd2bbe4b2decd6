/* BC007: writer requirements (GRAPH_WRLOCK, GRAPH_WRLOCK_PTR). */
#include <blkcheck/annotations.h>
#include "corpus.h"

void replace_with_reader(BlockDriverState *bs, BlockDriverState *c)
{
    bdrv_graph_rdlock_main_loop();
    bdrv_replace_child(bs, c);                  // expect: BC007
    bdrv_graph_rdunlock_main_loop();
}

void replace_with_writer(BlockDriverState *bs, BlockDriverState *c)
{
    bdrv_graph_wrlock();
    bdrv_replace_child(bs, c);                  // expect-not: BC007
    bs->drv->bdrv_attach(bs);                   // expect-not: BC007
    bdrv_graph_wrunlock();
}

void attach_unlocked(BlockDriverState *bs)
{
    bs->drv->bdrv_attach(bs);                   // expect: BC007
}

void GRAPH_WRLOCK attach_in_writer(BlockDriverState *bs)
{
    bs->drv->bdrv_attach(bs);                   // expect-not: BC007
}
