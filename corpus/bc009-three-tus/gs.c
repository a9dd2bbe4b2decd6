#include <blkcheck/annotations.h>
#include "x.h"

void x_reconfigure(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bs->backing = NULL;
}
