/* BC008 (pointers): implementations stored in GRAPH_*_PTR slots. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int coroutine_fn nolock_co_getlength(BlockDriverState *bs)
{
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK locked_co_getlength(BlockDriverState *bs)
{
    return 0;
}

static int plain_probe(BlockDriverState *bs)
{
    return 0;
}

static void GRAPH_WRLOCK wr_attach(BlockDriverState *bs)
{
}

static void plain_attach(BlockDriverState *bs)
{
}

static const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .bdrv_co_getlength = nolock_co_getlength,   // expect: BC008 "'nolock_co_getlength' is not GRAPH_RDLOCK but is stored in GRAPH_RDLOCK_PTR pointer 'BlockDriver::bdrv_co_getlength'"
    .bdrv_probe_children = plain_probe,         // expect: BC008
    .bdrv_attach = wr_attach,                   // expect-not: BC008
};

static const BlockDriver bdrv_qcow = {
    .format_name = "qcow",
    .bdrv_co_getlength = locked_co_getlength,   // expect-not: BC008
};

void setup_attach(BlockDriver *drv)
{
    drv->bdrv_attach = plain_attach;            // expect: BC008 "'plain_attach' is not GRAPH_WRLOCK but is stored in GRAPH_WRLOCK_PTR pointer"
}

const BlockDriver *all[] = { &bdrv_raw, &bdrv_qcow };
