#define BLOCK_COMPAT_API
#include "compat.h"

int coroutine_fn co_refresh_compat(BlockDriverState *bs)
{
    return bdrv_co_refresh(bs);
}
