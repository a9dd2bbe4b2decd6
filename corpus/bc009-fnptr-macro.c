/* BC009 through a vtable slot and through a macro; reported once, in the
 * IO_CODE() function closest to the bad call. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void gs_close(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
}

static const BlockDriver drv_gs = { .bdrv_close = gs_close };

void io_close(BlockDriverState *bs)
{
    IO_CODE();
    bs->drv->bdrv_close(bs);                    // expect: BC009 "through 2 calls"
}

#define RESET(bs) gs_close(bs)

void io_reset(BlockDriverState *bs)
{
    IO_CODE();
    RESET(bs);                                  // expect: BC009 "calls GLOBAL_STATE_CODE function"
}

/* IO -> IO -> GS: only the inner io function is reported. */
void io_outer(BlockDriverState *bs)
{
    IO_CODE();
    io_reset(bs);                               // expect-not: BC009
}

const BlockDriver *gsdrv = &drv_gs;
