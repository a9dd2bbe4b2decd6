/* BC009: IO_CODE() reaching GLOBAL_STATE_CODE(). */
#include <blkcheck/annotations.h>
#include "corpus.h"

void bdrv_set_limits(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bs->in_flight = 0;
}

void io_write(BlockDriverState *bs)
{
    IO_CODE();
    bdrv_set_limits(bs);                        // expect: BC009 "calls GLOBAL_STATE_CODE function 'bdrv_set_limits'"
}

void io_or_gs_update(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bs->in_flight++;
}

void io_update(BlockDriverState *bs)
{
    IO_CODE();
    io_or_gs_update(bs);                        // expect-not: BC009
}

void gs_reset(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bdrv_set_limits(bs);                        // expect-not: BC009
}
