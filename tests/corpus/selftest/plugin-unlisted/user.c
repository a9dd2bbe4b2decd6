#include <blkcheck/annotations.h>
#include "corpus.h"

void schedule(BlockDriverState *bs)
{
    aio_bh_schedule_oneshot(bs->ctx, bs->drv->bdrv_bh_cb, bs);
    bs->drv->bdrv_bh_cb(bs);                    // expect-not: BC003
}
