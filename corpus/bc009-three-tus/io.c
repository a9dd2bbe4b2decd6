#include <blkcheck/annotations.h>
#include "x.h"

void io_complete(BlockDriverState *bs)
{
    IO_CODE();
    x_update(bs);                               // expect: BC009 "reaches GLOBAL_STATE_CODE function 'x_reconfigure' through 3 calls"
}

void gs_complete(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    x_update(bs);                               // expect-not: BC009
}
