#include <blkcheck/annotations.h>
#include "api.h"

int coroutine_fn api_co_stage(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 8);              // expect-not: BC001
}
