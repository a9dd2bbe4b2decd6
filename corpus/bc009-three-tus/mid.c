#include <blkcheck/annotations.h>
#include "x.h"

void x_update(BlockDriverState *bs)
{
    x_apply(bs);
}

void x_apply(BlockDriverState *bs)
{
    x_reconfigure(bs);
}
